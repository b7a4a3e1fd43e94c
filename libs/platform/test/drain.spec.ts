import { shutdownDelayMs } from '../src/bootstrap';

/*
 * Issue #16, rolling restart: SHUTDOWN_DELAY_MS, how long a replica answers /health/ready 503 before
 * it stops listening, is read and checked when the process starts (the drain itself is proven end
 * to end in e2e/test/resilience.spec.ts).
 */
describe('SHUTDOWN_DELAY_MS (the drain delay after SIGTERM)', () => {
  it('defaults to 0 (a preStop hook waits instead) and takes whole milliseconds up to 60 s', () => {
    expect(shutdownDelayMs({})).toBe(0);
    expect(shutdownDelayMs({ SHUTDOWN_DELAY_MS: '' })).toBe(0);
    expect(shutdownDelayMs({ SHUTDOWN_DELAY_MS: '5000' })).toBe(5000);
    expect(shutdownDelayMs({ SHUTDOWN_DELAY_MS: '60000' })).toBe(60000);
  });

  it.each(['-1', '60001', '1.5', 'five', '5s'])('refuses %s at start, naming the key', (value) => {
    expect(() => shutdownDelayMs({ SHUTDOWN_DELAY_MS: value })).toThrow(/^SHUTDOWN_DELAY_MS: /);
  });
});
