import {
  checkItemsProblems,
  exactPassword,
  foldedPassword,
  MEMORABLE_ANSWERS_NOT_COLLECTED,
  passwordProblem,
  pinProblem,
} from './security-rules';

describe('security details rules', () => {
  it.each([
    ['4829175', null],
    ['0000001', null],
    ['1000000', null],
    ['0000000', 'pin-not-all-zeroes'],
    ['123456', 'pin-format'],
    ['12345678', 'pin-format'],
    ['12a4567', 'pin-format'],
    ['１２３４５６７', 'pin-format'], // full-width digits are not ASCII digits
    [' 1234567', 'pin-format'],
    ['', 'pin-format'],
    [1234567, 'pin-format'],
    [null, 'pin-format'],
  ])('[SD-1] PIN %p → %p', (pin, rule) => {
    const problem = pinProblem(pin);
    expect(problem?.rule ?? null).toBe(rule);
    if (problem) expect(problem).toMatchObject({ field: 'pin', requirementId: 'SD-1' });
  });

  it.each([
    ['Blue Heron 42', null],
    ['abcdef', null],
    ['x'.repeat(30), null],
    ['Crème brûlée', null],
    ['😀😀😀😀😀😀', null], // six code points, twelve UTF-16 units
    ['abcde', 'password-length'],
    ['x'.repeat(31), 'password-length'],
    ['abc\tdefg', 'password-characters'],
    ['abcdefg ', 'password-surrounding-spaces'],
    [' abcdefg', 'password-surrounding-spaces'],
    [undefined, 'password-length'],
  ])('[SD-1] special password %p → %p', (password, rule) => {
    expect(passwordProblem(password)?.rule ?? null).toBe(rule);
  });

  it.each([
    ['Blue Heron 42', 'blue heron 42'],
    ['STRASSE', 'straße'],
    ['Ｂｌｕｅ', 'blue'], // full-width letters read out on the phone are the same letters
    ['Crème', 'CRÈME'],
  ])('[SD-19] on the phone %p matches %p', (a, b) => {
    expect(foldedPassword(a)).toBe(foldedPassword(b));
  });

  it.each([
    ['Blue Heron 42', 'blue heron 42'],
    ['Crème', 'CRÈME'],
  ])('[SD-19] on the self-service portal %p does not match %p', (a, b) => {
    expect(exactPassword(a)).not.toBe(exactPassword(b));
  });

  it('[SD-19] the portal ignores only Unicode composition (é typed either way matches)', () => {
    expect(exactPassword('Cre\u0300me')).toBe(exactPassword('Crème'));
  });

  it.each([
    ['phone', {}, ['pin-or-password-required']],
    ['phone', { pin: '1234567' }, []],
    ['phone', { password: 'secret' }, []],
    ['self-service', { pin: '1234567' }, ['required']],
    ['self-service', {}, ['required', 'required']],
    ['self-service', { pin: '1234567', password: 'secret' }, []],
  ] as const)('[SD-19] a %s check with %p needs %p', (channel, supplied, rules) => {
    expect(checkItemsProblems(channel, supplied).map((p) => p.rule)).toEqual(rules);
  });

  it('[SD-14] seven memorable answers, each X', () => {
    expect(MEMORABLE_ANSWERS_NOT_COLLECTED).toEqual(['X', 'X', 'X', 'X', 'X', 'X', 'X']);
  });
});
