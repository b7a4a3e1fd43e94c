import { redactDeep, scrubText } from '../src/redact';

describe('redaction of citizens’ data from logs', () => {
  it.each([
    ['a NINO with spaces', 'client AB 12 34 56 C called', 'client [nino] called'],
    ['a NINO without spaces', 'nino=JK123456C', 'nino=[nino]'],
    ['an email', 'write to sarah.okafor@example.com today', 'write to [email] today'],
    ['a mobile number', 'call 07700 900123', 'call [phone]'],
    ['an international number', 'call +44 7700 900123', 'call [phone]'],
    ['a sort code', 'sort code 12-34-56', 'sort code [sort-code]'],
    ['an account number', 'account 12345678', 'account [account-number]'],
    ['a postcode', 'lives at LS1 4AP', 'lives at [postcode]'],
    ['a bearer token', 'Bearer eyJhbGciOi.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'Bearer [token]'],
  ])('scrubs %s from free text', (_what, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('leaves ordinary text, ids and case numbers alone', () => {
    expect(scrubText('SR 1-1000001 moved to Wait for case 100000000001')).toBe(
      'SR 1-1000001 moved to Wait for case 100000000001',
    );
  });

  it('redacts sensitive keys at any depth, and scrubs other strings', () => {
    const out = redactDeep({
      nino: 'AB123456C',
      body: {
        client: { pin: '1234567', password: 'Secret1', address: { line1: '1 Road' }, firstName: 'Sarah' },
      },
      bankDetails: { sortCode: '12-34-56', accountNumber: '12345678' },
      note: 'email sarah@example.com',
      list: [{ mobilePhone: '07700900123' }],
    });
    expect(out).toEqual({
      nino: '[redacted]',
      body: {
        client: { pin: '[redacted]', password: '[redacted]', address: '[redacted]', firstName: 'Sarah' },
      },
      bankDetails: '[redacted]',
      note: 'email [email]',
      list: [{ mobilePhone: '[redacted]' }],
    });
  });

  it('keeps errors readable while scrubbing their messages', () => {
    const out = redactDeep(new Error('no client with NINO AB123456C')) as { message: string; type: string };
    expect(out).toMatchObject({ type: 'Error', message: 'no client with NINO [nino]' });
  });
});
