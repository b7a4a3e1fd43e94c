import { randomBytes } from 'node:crypto';
import { FieldSealer } from '../src/sealed';

describe('sealing fields at rest (AES-256-GCM)', () => {
  const key = randomBytes(32).toString('base64');

  it('round-trips and never stores the plain value', () => {
    const s = new FieldSealer(key);
    const sealed = s.seal('{"sortCode":"089999","accountNumber":"66374958"}');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('66374958');
    expect(s.open(sealed)).toContain('66374958');
    expect(s.seal('x')).not.toBe(s.seal('x'));
  });

  it('refuses a tampered value or another key, and a short key', () => {
    const sealed = new FieldSealer(key).seal('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => new FieldSealer(key).open(tampered)).toThrow();
    expect(() => new FieldSealer(randomBytes(32).toString('base64')).open(sealed)).toThrow();
    expect(() => new FieldSealer(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
