import { DomainValidationError } from '../src/errors';
import {
  emailProblem,
  generateUkPhone,
  isValidEmail,
  isValidPhone,
  isValidPostcode,
  maskEmail,
  maskPhone,
  normaliseAddress,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  phoneKind,
  phoneProblem,
  postcodeProblem,
  sameAddress,
  validateAddress,
} from '../src/contact';

describe('postcode', () => {
  it.each([
    ['SW1A 2AA', 'SW1A 2AA'],
    ['sw1a2aa', 'SW1A 2AA'],
    ['  ec1a   1bb  ', 'EC1A 1BB'],
    ['M1 1AE', 'M1 1AE'],
    ['b338th', 'B33 8TH'],
    ['CR2 6XH', 'CR2 6XH'],
    ['DN55 1PT', 'DN55 1PT'],
    ['BT1 1AA', 'BT1 1AA'], // Northern Ireland
    ['W1A 0AX', 'W1A 0AX'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(isValidPostcode(raw)).toBe(true);
    expect(normalisePostcode(raw)).toBe(expected);
  });

  it.each([
    ['not a postcode', 'postcode-format'],
    ['SW1A', 'postcode-format'],
    ['SW1A 2A', 'postcode-format'],
    ['12345', 'postcode-format'],
    ['SW1A-2AA', 'postcode-format'],
    ['', 'required'],
    ['   ', 'required'],
    [null, 'required'],
    [42, 'postcode-format'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(isValidPostcode(raw)).toBe(false);
    expect(postcodeProblem(raw, 'address.postcode')).toMatchObject({ field: 'address.postcode', rule });
    expect(() => normalisePostcode(raw)).toThrow(DomainValidationError);
  });
});

describe('telephone', () => {
  it.each([
    ['07911 123456', '+447911123456', 'mobile'],
    ['07911123456', '+447911123456', 'mobile'],
    ['+44 7911 123456', '+447911123456', 'mobile'],
    ['+44 (0)7911 123456', '+447911123456', 'mobile'],
    ['0044 7911 123456', '+447911123456', 'mobile'],
    ['07911-123-456', '+447911123456', 'mobile'],
    ['07700 900982', '+447700900982', 'mobile'], // Ofcom drama range
    ['020 7946 0123', '+442079460123', 'landline'],
    ['(020) 7946 0018', '+442079460018', 'landline'],
    ['0161 496 0000', '+441614960000', 'landline'],
    ['028 9018 0000', '+442890180000', 'landline'], // Belfast
    ['01632 960001', '+441632960001', 'landline'], // Ofcom drama range
    ['+44 20 7946 0123', '+442079460123', 'landline'],
    ['0300 123 4567', '+443001234567', 'other'],
    ['0800 123 4567', '+448001234567', 'other'],
    ['+353 85 123 4567', '+353851234567', 'mobile'],
    ['+33 1 23 45 67 89', '+33123456789', 'landline'],
    ['+1 212 555 0100', '+12125550100', 'other'],
  ])('normalises %j to %s (%s)', (raw, e164, kind) => {
    expect(phoneProblem(raw)).toBeNull();
    expect(normalisePhone(raw)).toBe(e164);
    expect(phoneKind(raw)).toBe(kind);
  });

  it.each([
    ['garbage', 'phone-format'],
    ['tel 07911 123456', 'phone-format'], // letters are not silently stripped
    ['0770090012a', 'phone-format'],
    ['123', 'phone-format'],
    ['0791112345', 'phone-format'], // too short
    ['079111234567', 'phone-format'], // too long
    ['07911 123456 ext 2', 'phone-format'],
    ['+44', 'phone-format'],
    ['', 'required'],
    [null, 'required'],
    [7911123456, 'phone-format'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(isValidPhone(raw)).toBe(false);
    expect(phoneProblem(raw, 'homePhone')).toMatchObject({ field: 'homePhone', rule });
    expect(() => normalisePhone(raw, 'homePhone')).toThrow(DomainValidationError);
  });

  it.each([
    ['07911 123456', 'mobile', null],
    ['020 7946 0123', 'mobile', 'phone-not-mobile'],
    ['0300 123 4567', 'mobile', 'phone-not-mobile'],
    ['+1 212 555 0100', 'mobile', null], // could be either
    ['020 7946 0123', 'landline', null],
    ['0300 123 4567', 'landline', null],
    ['07911 123456', 'landline', 'phone-not-landline'],
  ] as const)('%j expected to be %s gives %s', (raw, expect_, rule) => {
    expect(phoneProblem(raw, 'phone', { expect: expect_ })?.rule ?? null).toBe(rule);
  });

  it('returns null for the kind of an invalid number', () => {
    expect(phoneKind('nope')).toBeNull();
  });

  it.each([
    ['07911 123456', '+44*******456'],
    ['+447911123456', '+44*******456'],
    ['+353 85 123 4567', '+353******567'],
    ['not a number', '*********ber'],
    ['12', '**'],
  ])('masks %j as %s', (raw, masked) => {
    expect(maskPhone(raw)).toBe(masked);
  });

  it.each([
    ['mobile', 0, '+447700900000'],
    ['mobile', 0.9999999, '+447700900999'],
    ['landline', 0.5, '+441632960500'],
  ] as const)('generates a valid %s number for random %s', (kind, r, expected) => {
    const phone = generateUkPhone(() => r, kind);
    expect(phone).toBe(expected);
    expect(phoneKind(phone)).toBe(kind);
    expect(isValidPhone(phone, { expect: kind })).toBe(true);
  });
});

describe('email', () => {
  it.each([
    ['jo.bloggs@example.com', 'jo.bloggs@example.com'],
    ['Jo.Bloggs@Example.COM', 'Jo.Bloggs@example.com'],
    ['  someone@example.co.uk ', 'someone@example.co.uk'],
    ['first+tag@sub.domain.gov.uk', 'first+tag@sub.domain.gov.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['a@b-c.io', 'a@b-c.io'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(isValidEmail(raw)).toBe(true);
    expect(normaliseEmail(raw)).toBe(expected);
  });

  it.each([
    ['plainaddress', 'email-format'],
    ['@example.com', 'email-format'],
    ['jo@', 'email-format'],
    ['jo@example', 'email-format'],
    ['jo@@example.com', 'email-format'],
    ['jo..bloggs@example.com', 'email-format'],
    ['.jo@example.com', 'email-format'],
    ['jo.@example.com', 'email-format'],
    ['jo bloggs@example.com', 'email-format'],
    ['jo@-example.com', 'email-format'],
    ['jo@example.c', 'email-format'],
    ['jo@example.123', 'email-format'],
    [`${'a'.repeat(65)}@example.com`, 'email-format'],
    [`jo@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com`, 'email-format'],
    ['', 'required'],
    [undefined, 'required'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(emailProblem(raw, 'homeEmail')).toMatchObject({ field: 'homeEmail', rule });
    expect(() => normaliseEmail(raw)).toThrow(DomainValidationError);
  });

  it.each([
    ['jo.bloggs@example.com', 'j********@example.com'],
    ['a@example.com', '*@example.com'],
    ['nonsense', '********'],
  ])('masks %j as %s', (raw, masked) => {
    expect(maskEmail(raw)).toBe(masked);
  });
});

describe('address', () => {
  const valid = { line1: ' 1  High Street ', line2: '', line3: null, town: 'Leeds', postcode: 'ls1 4ap' };

  it('normalises a valid address', () => {
    expect(validateAddress(valid)).toEqual([]);
    expect(normaliseAddress(valid)).toEqual({
      line1: '1 High Street',
      line2: null,
      line3: null,
      town: 'Leeds',
      postcode: 'LS1 4AP',
    });
  });

  it('keeps optional lines that are given', () => {
    expect(normaliseAddress({ ...valid, line2: 'Flat 2', line3: ' Headingley ' })).toMatchObject({
      line2: 'Flat 2',
      line3: 'Headingley',
    });
  });

  it.each([
    ['missing line 1', { ...valid, line1: '  ' }, 'address.line1', 'required'],
    ['missing town', { ...valid, town: undefined }, 'address.town', 'required'],
    ['missing postcode', { ...valid, postcode: '' }, 'address.postcode', 'required'],
    ['bad postcode', { ...valid, postcode: 'LS1' }, 'address.postcode', 'postcode-format'],
    ['line too long', { ...valid, line2: 'x'.repeat(36) }, 'address.line2', 'max-length'],
    ['town not text', { ...valid, town: 7 }, 'address.town', 'text'],
    ['control character', { ...valid, line3: 'a\u0007b' }, 'address.line3', 'text'],
  ])('reports %s', (_label, addr, field, rule) => {
    expect(validateAddress(addr)).toEqual([expect.objectContaining({ field, rule })]);
    expect(() => normaliseAddress(addr)).toThrow(DomainValidationError);
  });

  it('reports every problem at once, under the given prefix', () => {
    const problems = validateAddress({ line1: '', town: '', postcode: 'x' }, 'newAddress');
    expect(problems.map((p) => p.field)).toEqual([
      'newAddress.line1',
      'newAddress.town',
      'newAddress.postcode',
    ]);
  });

  it.each([null, undefined, 'a string'])('requires an address object, not %j', (addr) => {
    expect(validateAddress(addr as never)).toEqual([
      { field: 'address', rule: 'required', message: 'Enter an address.' },
    ]);
  });

  it('[RD-3] compares addresses ignoring case, spacing and postcode format', () => {
    const a = { line1: '1 High Street', town: 'Leeds', postcode: 'LS1 4AP' };
    expect(sameAddress(a, { line1: '1  HIGH street', line2: null, town: 'leeds', postcode: 'ls14ap' })).toBe(
      true,
    );
    expect(sameAddress(a, { ...a, line1: '2 High Street' })).toBe(false);
    expect(sameAddress(a, { ...a, line2: 'Flat 1' })).toBe(false);
  });
});
