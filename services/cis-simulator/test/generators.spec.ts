import {
  CIS_CHANGE_TYPES,
  isValidCrn,
  isValidNino,
  validateCisChange,
  validatePersonalDetails,
  type CisChangeType,
  type CisUpdate,
} from '@cms/domain';
import { generateChange } from '../src/changes/change-generator';
import {
  changeForUpdate,
  effectOfChange,
  parseCisChange,
  parseCisUpdate,
  type PersonState,
} from '../src/changes/cis-change-rules';
import { generatePerson, seededRandom, type GeneratedPerson } from '../src/persons/person-generator';

const NOW = new Date('2026-11-20T10:00:00Z');
const generate = (seed: number, n: number): GeneratedPerson[] => {
  const r = seededRandom(seed);
  const taken = new Set<string>();
  return Array.from({ length: n }, () => {
    const p = generatePerson(r, NOW, {
      interestShare: 0.6,
      childShare: 0.2,
      isTaken: (k, v) => taken.has(k + v),
    });
    taken.add(p.referenceKind + p.reference);
    return p;
  });
};
const stateOf = (p: GeneratedPerson): PersonState & { sex: 'M' | 'F' | 'U' | null } => ({
  ...p.details,
  nationallySensitive: p.nationallySensitive,
});

describe('seed data generator (fakerEN_GB, seeded)', () => {
  const persons = generate(42, 300);

  it('gives the same persons for the same seed and different ones for another', () => {
    expect(generate(42, 20)).toEqual(persons.slice(0, 20));
    expect(generate(43, 20)).not.toEqual(persons.slice(0, 20));
  });

  it('makes only valid, unique NINOs (adults) and CRNs (children)', () => {
    for (const p of persons)
      expect(p.referenceKind === 'NINO' ? isValidNino(p.reference) : isValidCrn(p.reference)).toBe(true);
    expect(new Set(persons.map((p) => p.referenceKind + p.reference)).size).toBe(persons.length);
    expect(persons.some((p) => p.referenceKind === 'CRN')).toBe(true);
  });

  it('makes personal details that pass the domain rules: names, dates, postcodes, mobile and landline numbers, email', () => {
    for (const p of persons) expect(validatePersonalDetails(p.details, NOW)).toEqual([]);
    expect(persons.filter((p) => p.details.mobilePhone).length).toBeGreaterThan(150);
    expect(persons.filter((p) => p.details.homeEmail).length).toBeGreaterThan(100);
  });

  it('[RI-1] registers interests that fit the person: children only the receiving parent/QC/ROC interest', () => {
    for (const p of persons.filter((x) => x.referenceKind === 'CRN')) {
      expect(p.interestTypes.every((t) => t === 'PWC_QC_ROC_GENERAL')).toBe(true);
    }
    const types = new Set(persons.flatMap((p) => p.interestTypes));
    expect(types).toEqual(new Set(['PWC_QC_ROC_GENERAL', 'NRP_GENERAL', 'NRP_MC']));
  });

  it.each(CIS_CHANGE_TYPES.map((t) => [t]))(
    '[BR-6] generates valid %s changes consistent with the record',
    (type) => {
      const r = seededRandom(7);
      for (const p of persons.slice(0, 60)) {
        const change = generateChange(r, type as CisChangeType, stateOf(p), NOW);
        expect(validateCisChange(change, { now: NOW })).toEqual([]);
        expect(() => parseCisChange(change, stateOf(p), NOW)).not.toThrow();
      }
    },
  );
});

describe('CIS change and update rules', () => {
  const record: PersonState = {
    firstName: 'Sarah',
    lastName: 'Okafor',
    dateOfBirth: '1988-04-17',
    dateOfBirthVerified: false,
    dateOfDeath: null,
    dateOfDeathVerified: false,
    address: null,
    addressStartDate: null,
    nationallySensitive: false,
  };

  it.each<[CisUpdate, string, Partial<PersonState>]>([
    [
      { type: 'NAME_CHANGE', firstName: 'Sally', lastName: 'Okafor' },
      'NAME_1_CHANGE',
      { firstName: 'Sally' },
    ],
    [{ type: 'NAME_CHANGE', firstName: 'Sarah', lastName: 'Reed' }, 'NAME_CORRECTION', { lastName: 'Reed' }],
    [{ type: 'DOB_VERIFIED', dateOfBirth: '1988-04-17' }, 'DOB_VERIFICATION', { dateOfBirthVerified: true }],
    [
      { type: 'DOB_NOT_VERIFIED', dateOfBirth: '1988-04-18' },
      'DOB_UNVERIFIED_CORRECTION',
      { dateOfBirthVerified: false },
    ],
    [{ type: 'DOD_VERIFIED', dateOfDeath: '2026-01-01' }, 'DOD_VERIFICATION', { dateOfDeathVerified: true }],
    [
      { type: 'DOD_NOT_VERIFIED', dateOfDeath: '2026-01-01' },
      'DOD_NOTIFICATION',
      { dateOfDeathVerified: false },
    ],
  ])('[SU-5] update %j is recorded as a %s change with that effect on the record', (update, type, effect) => {
    const change = changeForUpdate(update, record);
    expect(change.type).toBe(type);
    expect(validateCisChange(change)).toEqual([]);
    expect(effectOfChange(change)).toMatchObject(effect);
  });

  it.each([
    [{ type: 'DOD_REMOVAL' }, { dateOfDeath: null, dateOfDeathVerified: false }],
    [{ type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true }, { nationallySensitive: true }],
    [{ type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2026-11-01' }, {}],
  ])('[BR-6] change %j sets %j on the record', (change, effect) => {
    expect(effectOfChange(parseCisChange(change, record, NOW))).toEqual(effect);
  });

  it.each([
    [
      { type: 'DOB_VERIFICATION', dateOfBirth: '1988-04-17', verified: false },
      'change.verified',
      'verified-mismatch',
    ],
    [{ type: 'DOD_REMOVAL', dateOfDeath: '2026-01-01' }, 'change.dateOfDeath', 'unknown-field'],
    [
      { type: 'DOD_NOTIFICATION', dateOfDeath: '1980-01-01', verified: true },
      'change.dateOfDeath',
      'death-before-birth',
    ],
    [{ type: 'NRP_BENEFIT_ON_OFF', onBenefit: 'yes', benefitType: 'UC' }, 'change.onBenefit', 'boolean'],
  ])('[BR-6] refuses change %j (%s: %s)', (change, field, rule) => {
    expect(() => parseCisChange(change, record, NOW)).toThrow(
      expect.objectContaining({ errors: expect.arrayContaining([expect.objectContaining({ field, rule })]) }),
    );
  });

  it('[SU-2] normalises an update: names tidied, address and postcode normalised', () => {
    expect(
      parseCisUpdate(
        {
          type: 'ADDRESS_CHANGE',
          address: { line1: ' 3  Mill Lane ', town: 'York', postcode: 'yo17hh' },
          addressStartDate: '2026-01-02',
        },
        record,
        NOW,
      ),
    ).toEqual({
      type: 'ADDRESS_CHANGE',
      address: { line1: '3 Mill Lane', line2: null, line3: null, town: 'York', postcode: 'YO1 7HH' },
      addressStartDate: '2026-01-02',
    });
  });
});
