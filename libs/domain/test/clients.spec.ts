import { DomainValidationError } from '../src/errors';
import {
  CLIENT_ROLES,
  CLIENT_ROLE_INFO,
  isClientRole,
  isParentRole,
  isSex,
  nameProblem,
  normaliseName,
  normalisePersonalDetails,
  outwardRoleName,
  parseClientRole,
  SEXES,
  validatePersonalDetails,
  type PersonalDetailsInput,
} from '../src/clients';

const now = new Date('2024-06-15T12:00:00Z');

describe('client roles', () => {
  it.each([
    ['PWC', 'receiving parent', 'parent with care'],
    ['NRP', 'paying parent', 'non resident parent'],
    ['QC', 'qualifying child', 'qualifying child'],
    ['ROC', 'relevant other child', 'relevant other child'],
  ] as const)('%s is called the %s outwardly and the %s on the system', (role, outward, system) => {
    expect(outwardRoleName(role)).toBe(outward);
    expect(CLIENT_ROLE_INFO[role].systemName).toBe(system);
  });

  it('has exactly the four roles', () => {
    expect(CLIENT_ROLES).toEqual(['PWC', 'NRP', 'QC', 'ROC']);
  });

  it.each([
    ['PWC', 'PWC'],
    ['pwc', 'PWC'],
    ['PeWC', 'PWC'],
    [' nrp ', 'NRP'],
    ['QC', 'QC'],
    ['roc', 'ROC'],
  ])('parses %j as %s', (raw, role) => {
    expect(parseClientRole(raw)).toBe(role);
  });

  it.each(['RP', 'PP', '', null, 'NRP (Self Service)'])('rejects the role %j', (raw) => {
    expect(() => parseClientRole(raw, 'subjectType')).toThrow(DomainValidationError);
    expect(isClientRole(raw)).toBe(false);
  });

  it.each([
    ['PWC', true],
    ['NRP', true],
    ['QC', false],
    ['ROC', false],
  ] as const)('isParentRole(%s) is %s', (role, parent) => {
    expect(isParentRole(role)).toBe(parent);
  });

  it('holds sex as M, F or U', () => {
    expect(SEXES).toEqual(['M', 'F', 'U']);
    expect(isSex('F')).toBe(true);
    expect(isSex('f')).toBe(false);
  });
});

describe('names', () => {
  it.each([
    ['Jo', 'Jo'],
    ['  Mary   Ann ', 'Mary Ann'],
    ["O'Brien", "O'Brien"],
    ['O’Neill', 'O’Neill'],
    ['Smith-Jones', 'Smith-Jones'],
    ['St. John', 'St. John'],
    ['Zoë', 'Zoë'],
    ['Siân', 'Siân'],
    ['Łukasz', 'Łukasz'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(nameProblem(raw, 'firstName')).toBeNull();
    expect(normaliseName(raw, 'firstName')).toBe(expected);
  });

  it.each([
    ['', 'required'],
    ['   ', 'required'],
    [null, 'required'],
    ['x'.repeat(36), 'max-length'],
    ['J0hn', 'name-characters'],
    ['-Jo', 'name-characters'],
    ['Jo!', 'name-characters'],
    ['<script>', 'name-characters'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(nameProblem(raw, 'lastName', 'last name')).toMatchObject({ field: 'lastName', rule });
    expect(() => normaliseName(raw, 'lastName')).toThrow(DomainValidationError);
  });
});

describe('personal details', () => {
  const full: PersonalDetailsInput = {
    firstName: ' Jo ',
    lastName: 'Bloggs',
    dateOfBirth: '1985-07-02',
    dateOfBirthVerified: true,
    dateOfDeath: null,
    dateOfDeathVerified: false,
    sex: 'F',
    address: { line1: '1 High Street', town: 'Leeds', postcode: 'ls1 4ap' },
    addressStartDate: '2020-01-01',
    homePhone: '0113 496 0000',
    businessPhone: '020 7946 0123',
    mobilePhone: '07700 900123',
    homeEmail: 'Jo@Example.com',
  };

  it('[RD-3] normalises the details CMS and CIS hold', () => {
    expect(validatePersonalDetails(full, now)).toEqual([]);
    expect(normalisePersonalDetails(full, now)).toEqual({
      firstName: 'Jo',
      lastName: 'Bloggs',
      dateOfBirth: '1985-07-02',
      dateOfBirthVerified: true,
      dateOfDeath: null,
      dateOfDeathVerified: false,
      sex: 'F',
      address: { line1: '1 High Street', line2: null, line3: null, town: 'Leeds', postcode: 'LS1 4AP' },
      addressStartDate: '2020-01-01',
      homePhone: '+441134960000',
      businessPhone: '+442079460123',
      mobilePhone: '+447700900123',
      homeEmail: 'Jo@example.com',
    });
  });

  it('needs only the names; everything else defaults to null/false', () => {
    expect(normalisePersonalDetails({ firstName: 'Jo', lastName: 'Bloggs' }, now)).toEqual({
      firstName: 'Jo',
      lastName: 'Bloggs',
      dateOfBirth: null,
      dateOfBirthVerified: false,
      dateOfDeath: null,
      dateOfDeathVerified: false,
      sex: null,
      address: null,
      addressStartDate: null,
      homePhone: null,
      businessPhone: null,
      mobilePhone: null,
      homeEmail: null,
    });
  });

  it.each([
    ['no first name', { firstName: '' }, 'firstName', 'required'],
    ['future date of birth', { dateOfBirth: '2024-06-16' }, 'dateOfBirth', 'date-in-future'],
    ['death before birth', { dateOfDeath: '1980-01-01' }, 'dateOfDeath', 'death-before-birth'],
    ['future death', { dateOfDeath: '2030-01-01' }, 'dateOfDeath', 'date-in-future'],
    ['verified without a date', { dateOfBirth: null }, 'dateOfBirthVerified', 'verified-without-date'],
    [
      'death verified without a date',
      { dateOfDeathVerified: true },
      'dateOfDeathVerified',
      'verified-without-date',
    ],
    ['verified flag not boolean', { dateOfBirthVerified: 'yes' }, 'dateOfBirthVerified', 'boolean'],
    ['unknown sex', { sex: 'X' }, 'sex', 'sex'],
    [
      'bad postcode',
      { address: { line1: '1 High St', town: 'Leeds', postcode: 'nope' } },
      'address.postcode',
      'postcode-format',
    ],
    ['start date without address', { address: null }, 'addressStartDate', 'start-date-without-address'],
    ['bad start date', { addressStartDate: '2020-02-30' }, 'addressStartDate', 'date-format'],
    ['bad home phone', { homePhone: 'abc' }, 'homePhone', 'phone-format'],
    ['landline as mobile', { mobilePhone: '020 7946 0123' }, 'mobilePhone', 'phone-not-mobile'],
    ['bad email', { homeEmail: 'jo@' }, 'homeEmail', 'email-format'],
  ])('reports %s', (_label, change, field, rule) => {
    const problems = validatePersonalDetails({ ...full, ...change }, now, 'client');
    expect(problems).toEqual([expect.objectContaining({ field: `client.${field}`, rule })]);
    expect(() => normalisePersonalDetails({ ...full, ...change }, now)).toThrow(DomainValidationError);
  });

  it('reports every problem at once', () => {
    const problems = validatePersonalDetails({ firstName: '', lastName: '', homeEmail: 'x' }, now);
    expect(problems.map((p) => p.field)).toEqual(['firstName', 'lastName', 'homeEmail']);
  });
});
