import { IsUrl } from 'class-validator';
import { BaseServiceConfig, ConfigError, loadConfig } from '../src/config';

class TestConfig extends BaseServiceConfig {
  @IsUrl({ require_tld: false })
  PEER_URL = 'http://127.0.0.1:1';
}

const good = { DATABASE_URL: 'postgres://u@h:5432/db', AUTH_JWT_SECRET: 'x'.repeat(32) };

describe('configuration validated at start', () => {
  it('reads, converts and defaults values', () => {
    const c = loadConfig(TestConfig, { ...good, PORT: '4000', UNRELATED: 'ignored' });
    expect(c).toMatchObject({
      PORT: 4000,
      DATABASE_URL: good.DATABASE_URL,
      CLOCK_MODE: 'system',
      PEER_URL: 'http://127.0.0.1:1',
    });
  });

  it.each([
    [{ ...good, DATABASE_URL: undefined }, 'DATABASE_URL'],
    [{ ...good, DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ ...good, PORT: 'eighty' }, 'PORT'],
    [{ ...good, PORT: '70000' }, 'PORT'],
    [{ ...good, AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET'],
    [{ DATABASE_URL: good.DATABASE_URL }, 'AUTH_JWT_SECRET or AUTH_JWKS_URL'],
    [{ ...good, CLOCK_MODE: 'fast' }, 'CLOCK_MODE'],
    [{ ...good, PEER_URL: 'not a url' }, 'PEER_URL'],
  ])('stops with a message naming the bad key (%#)', (env, key) => {
    expect(() => loadConfig(TestConfig, env as Record<string, string>)).toThrow(ConfigError);
    try {
      loadConfig(TestConfig, env as Record<string, string>);
    } catch (e) {
      expect((e as Error).message).toContain(key);
    }
  });
});
