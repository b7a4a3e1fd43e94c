import { DomainValidationError } from '../src/errors';
import {
  applicationFeeApplies,
  CASE_STAGES,
  caseNumberProblem,
  generateCaseNumber,
  isCaseStage,
  isJurisdiction,
  isValidCaseNumber,
  normaliseCaseNumber,
  serviceFullNameFor,
  serviceNameFor,
} from '../src/cases';

describe('jurisdiction', () => {
  it.each([
    ['GB', 'CMG', 'Child Maintenance Group'],
    ['NI', 'NICMS', 'Northern Ireland Child Maintenance Service'],
  ] as const)('[TD-14] %s is served by %s (%s)', (jurisdiction, short, full) => {
    expect(serviceNameFor(jurisdiction)).toBe(short);
    expect(serviceFullNameFor(jurisdiction)).toBe(full);
  });

  it.each([
    ['GB', true],
    ['NI', false],
  ] as const)('[RD-1] application fee applies in %s: %s', (jurisdiction, fee) => {
    expect(applicationFeeApplies(jurisdiction)).toBe(fee);
  });

  it.each([
    ['GB', true],
    ['NI', true],
    ['UK', false],
    ['gb', false],
    [null, false],
  ])('isJurisdiction(%j) is %s', (value, expected) => {
    expect(isJurisdiction(value)).toBe(expected);
  });
});

describe('case stages', () => {
  it('[BR-5] are enquiry, application, new case and maintenance, in order', () => {
    expect(CASE_STAGES).toEqual(['enquiry', 'application', 'new case', 'maintenance']);
  });

  it.each([
    ['new case', true],
    ['maintenance', true],
    ['New Case', false],
    ['closed', false],
  ])('isCaseStage(%j) is %s', (value, expected) => {
    expect(isCaseStage(value)).toBe(expected);
  });
});

describe('case number', () => {
  it.each([
    ['120034567891', '120034567891'],
    ['1200 3456 7891', '120034567891'],
    ['999999999999', '999999999999'],
  ])('accepts %j as %s', (raw, expected) => {
    expect(isValidCaseNumber(raw)).toBe(true);
    expect(normaliseCaseNumber(raw)).toBe(expected);
  });

  it.each([
    ['012345678901', 'case-number-format'],
    ['12345678901', 'case-number-format'],
    ['1234567890123', 'case-number-format'],
    ['12345678901A', 'case-number-format'],
    ['CMS123456789', 'case-number-format'],
    ['', 'required'],
    [null, 'required'],
    [123456789012, 'required'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(caseNumberProblem(raw)).toMatchObject({ field: 'caseNumber', rule });
    expect(() => normaliseCaseNumber(raw)).toThrow(DomainValidationError);
  });

  it.each([
    ['always 0', () => 0, '100000000000'],
    ['exactly 1', () => 1, '999999999999'],
  ])('generates a valid case number when random is %s', (_label, random, expected) => {
    expect(generateCaseNumber(random)).toBe(expected);
  });

  it('generates valid case numbers', () => {
    for (let i = 0; i < 200; i++) expect(isValidCaseNumber(generateCaseNumber(Math.random))).toBe(true);
  });
});
