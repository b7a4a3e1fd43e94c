import { loadConfig } from '@cms/platform';
import { CisInterfaceConfig } from '../src/config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', AUTH_JWT_SECRET: 'x'.repeat(32) };

describe('cis-interface configuration: the CIS circuit breaker', () => {
  it('[RD-5] by default the breaker lets a trial call through 5 seconds after it opened', () => {
    expect(loadConfig(CisInterfaceConfig, base).CIS_BREAKER_HALF_OPEN_AFTER_MS).toBe(5000);
  });

  it.each([
    ['1500', 1500],
    ['60000', 60000],
  ])('[RD-5] CIS_BREAKER_HALF_OPEN_AFTER_MS=%s is taken', (value, expected) => {
    expect(
      loadConfig(CisInterfaceConfig, { ...base, CIS_BREAKER_HALF_OPEN_AFTER_MS: value })
        .CIS_BREAKER_HALF_OPEN_AFTER_MS,
    ).toBe(expected);
  });

  it.each(['0', '60001', '600000', 'soon'])(
    '[RD-5] CIS_BREAKER_HALF_OPEN_AFTER_MS=%s is refused, naming the key (a breaker open for minutes fails every caller)',
    (value) => {
      expect(() =>
        loadConfig(CisInterfaceConfig, { ...base, CIS_BREAKER_HALF_OPEN_AFTER_MS: value }),
      ).toThrow(/CIS_BREAKER_HALF_OPEN_AFTER_MS/);
    },
  );
});
