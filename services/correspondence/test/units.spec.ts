import { loadConfig } from '@cms/platform';
import { TEST_JWT_SECRET } from '@cms/testing';
import { CorrespondenceConfig } from '../src/config';
import { BankDetailsCipher, canonicalJson } from '../src/crypto/bank-details-cipher';
import { TEMPLATES_V1 } from '../src/migrations/1764300000001-templates-v1';
import { formatMoney, formatPhone, placeholdersIn } from '../src/rendering/placeholders';
import { isWinAnsiPrintable } from '../src/templates/personalisation';
import type { Block, LetterBody } from '../src/templates/template-content';
import { TEST_BANK_KEY } from './helpers';

const env = { DATABASE_URL: 'postgres://x@127.0.0.1/x', AUTH_JWT_SECRET: TEST_JWT_SECRET };

describe('configuration', () => {
  it.each([
    [{ BANK_DETAILS_KEY: 'c2hvcnQ=' }, 'BANK_DETAILS_KEY'],
    [{ BANK_DETAILS_KEY: 'not base64!' }, 'BANK_DETAILS_KEY'],
    [{ AUTH_JWKS_URL: 'https://idp.example/jwks' }, 'BANK_DETAILS_KEY'],
    [{ LETTER_FONT_REGULAR: '/nowhere/font.ttf' }, 'LETTER_FONT_REGULAR'],
    [{ PRINT_GATEWAY: 'royal-mail' }, 'PRINT_GATEWAY'],
  ])('refuses %j at start, naming %s', (extra, key) => {
    expect(() => loadConfig(CorrespondenceConfig, { ...env, ...extra })).toThrow(key);
  });

  it('accepts a 32-byte base64 key, and no key outside production', () => {
    expect(loadConfig(CorrespondenceConfig, { ...env, BANK_DETAILS_KEY: TEST_BANK_KEY }).PORT).toBe(3004);
    expect(loadConfig(CorrespondenceConfig, env).BANK_DETAILS_KEY).toBeUndefined();
  });
});

describe('BankDetailsCipher (AES-256-GCM)', () => {
  const cipher = new BankDetailsCipher(
    loadConfig(CorrespondenceConfig, { ...env, BANK_DETAILS_KEY: TEST_BANK_KEY }),
  );
  const secret = { sortCode: '089999', accountNumber: '66374958', accountName: 'Sarah Okafor' };

  it('seals with a fresh IV each time and opens only with the same record context', () => {
    const a = cipher.sealJson(secret, 'letter:1:bank-details');
    const b = cipher.sealJson(secret, 'letter:1:bank-details');
    expect(a.equals(b)).toBe(false);
    expect(a.toString('latin1')).not.toContain('66374958');
    expect(cipher.openJson(a, 'letter:1:bank-details')).toEqual(secret);
    expect(() => cipher.openJson(a, 'letter:2:bank-details')).toThrow();
    const tampered = Buffer.from(a);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.open(tampered, 'letter:1:bank-details')).toThrow();
  });

  it('fingerprints bodies whatever their key order, and differently for different bodies', () => {
    expect(cipher.fingerprint(canonicalJson({ a: 1, b: { c: 2, d: 3 } }))).toBe(
      cipher.fingerprint(canonicalJson({ b: { d: 3, c: 2 }, a: 1 })),
    );
    expect(cipher.fingerprint(canonicalJson({ a: 1 }))).not.toBe(cipher.fingerprint(canonicalJson({ a: 2 })));
  });
});

describe('formatting', () => {
  it.each([
    ['+447700900123', '07700 900123'],
    ['+441632960123', '01632 960123'],
    ['+442079460123', '020 7946 0123'],
    ['+33123456789', '+33123456789'],
  ])('phone %s prints as %s', (e164, printed) => expect(formatPhone(e164)).toBe(printed));

  it.each([
    [0, '£0.00'],
    [4550, '£45.50'],
    [123456789, '£1,234,567.89'],
  ])('%i pence prints as %s', (pence, printed) => expect(formatMoney(pence)).toBe(printed));

  it.each([
    ['Zoë O’Brien – £5 “quoted” €', true],
    ['Łukasz', false],
    ['王', false],
  ])('%s is printable in the built-in font: %s', (text, ok) => expect(isWinAnsiPrintable(text)).toBe(ok));
});

describe('[X-3] template wording', () => {
  const letters = TEMPLATES_V1.filter((t) => t.channel === 'letter');
  const texts = (body: LetterBody): string[] => {
    const of = (b: Block): string[] => {
      switch (b.kind) {
        case 'heading':
        case 'paragraph':
        case 'declaration':
          return [b.text];
        case 'bullets':
          return b.items.map((i) => (typeof i === 'string' ? i : i.text));
        case 'details':
          return b.rows.flatMap((r) => [r.label, r.value]);
        case 'form':
          return b.fields.flatMap((f) => [f.label, f.value ?? '']);
        default:
          return [];
      }
    };
    return [
      body.subject,
      body.signOff,
      ...body.blocks.flatMap(of),
      ...(body.sections ?? []).flatMap((s) => [s.title, ...s.blocks.flatMap(of)]),
    ];
  };

  it.each(letters.map((t) => [t.code, t] as const))(
    '%s says receiving/paying parent (never PWC/NRP), names the service only by placeholder, and uses only declared fields',
    (_code, t) => {
      const all = texts(t.body as LetterBody).join('\n');
      expect(all).not.toMatch(/\bPWC\b|\bNRP\b|parent with care|non[- ]resident/i);
      expect(all).not.toMatch(/Child Maintenance Group|NICMS|\bCMG\b/);
      const declared = new Set(t.fields.map((f) => f.name));
      for (const p of placeholdersIn(all).filter((x) => x.startsWith('p.'))) {
        expect(declared).toContain(p.slice(2).split('.')[0]);
      }
    },
  );
});
