import * as argon2 from 'argon2';
import type { ClientSecurityConfig } from '../config';
import { SecretHasher, Semaphore } from './secret-hasher';

const config = (pepper: string) =>
  ({ SECURITY_PEPPER: pepper, HASH_CONCURRENCY: 2 }) as unknown as ClientSecurityConfig;

describe('SecretHasher', () => {
  const pepper = 'unit-test-pepper-0123456789abcdef-0123';
  const hasher = new SecretHasher(config(pepper));

  it('[SD-1] writes canonical PHC argon2id with the OWASP parameters and a fresh salt', async () => {
    const [a, b] = await Promise.all([hasher.hash('4829175'), hasher.hash('4829175')]);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await hasher.verify(a, '4829175')).toBe(true);
    expect(await hasher.verify(a, '4829176')).toBe(false);
    // node-argon2 reads the canonical order too; without the pepper nothing verifies.
    expect(await argon2.verify(a, '4829175', { secret: Buffer.from(pepper) })).toBe(true);
    expect(await argon2.verify(a, '4829175')).toBe(false);
    expect(await new SecretHasher(config(pepper + 'x')).verify(a, '4829175')).toBe(false);
  });

  it('answers false for a malformed hash instead of throwing', async () => {
    expect(await hasher.verify('not-a-hash', '4829175')).toBe(false);
  });
});

describe('Semaphore', () => {
  it('runs at most `limit` tasks at once, in arrival order, and frees slots on failure', async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (n: number, fail = false) =>
      sem.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        order.push(n);
        if (fail) throw new Error('boom');
        return n;
      });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(sem.queued).toBe(0);
  });
});
