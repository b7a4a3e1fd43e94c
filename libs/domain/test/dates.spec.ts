import { DomainValidationError } from '../src/errors';
import {
  addDays,
  addDaysToIsoDate,
  addHours,
  dateOfBirthProblem,
  dateOfDeathProblem,
  isIsoDate,
  isoDateProblem,
  normaliseDateOfBirth,
  normaliseDateOfDeath,
  parseIsoDate,
  toIsoDate,
  ukToday,
} from '../src/dates';

const now = new Date('2024-06-15T12:00:00Z');

describe('ISO dates', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['1999-12-31', '1999-12-31T00:00:00.000Z'],
    [' 2019-04-23 ', '2019-04-23T00:00:00.000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z'],
  ])('parses %j to midnight UTC', (raw, iso) => {
    expect(parseIsoDate(raw).toISOString()).toBe(iso);
    expect(isIsoDate(raw)).toBe(true);
  });

  it.each([
    ['2023-02-29', 'date-format'],
    ['1900-02-29', 'date-format'],
    ['2024-04-31', 'date-format'],
    ['2024-13-01', 'date-format'],
    ['2024-00-10', 'date-format'],
    ['2024-01-00', 'date-format'],
    ['2024-1-01', 'date-format'],
    ['01/02/2024', 'date-format'],
    ['2024-01-01T00:00:00Z', 'date-format'],
    ['20240101', 'date-format'],
    [20240101, 'date-format'],
    ['', 'required'],
    [null, 'required'],
    [undefined, 'required'],
  ])('rejects %j (%s)', (raw, rule) => {
    expect(isIsoDate(raw)).toBe(false);
    expect(isoDateProblem(raw, 'addressStartDate')).toMatchObject({ field: 'addressStartDate', rule });
    expect(() => parseIsoDate(raw)).toThrow(DomainValidationError);
  });

  it('formats a Date as its UTC calendar date', () => {
    expect(toIsoDate(new Date('2024-03-31T23:30:00Z'))).toBe('2024-03-31');
  });

  it.each([
    ['2024-06-30T22:59:59Z', '2024-06-30'],
    ['2024-06-30T23:30:00Z', '2024-07-01'], // BST: already tomorrow in the UK
    ['2024-12-31T23:30:00Z', '2024-12-31'], // GMT
  ])('ukToday(%s) is %s', (instant, expected) => {
    expect(ukToday(new Date(instant))).toBe(expected);
  });
});

describe('date of birth', () => {
  it.each(['1985-07-02', '2024-06-15', '1900-01-01'])('accepts %s', (dob) => {
    expect(dateOfBirthProblem(dob, now)).toBeNull();
    expect(normaliseDateOfBirth(` ${dob} `, now)).toBe(dob);
  });

  it.each([
    ['2024-06-16', 'date-in-future'],
    ['2099-01-01', 'date-in-future'],
    ['1899-12-31', 'date-too-early'],
    ['1985-02-30', 'date-format'],
    ['', 'required'],
  ])('rejects %j (%s)', (dob, rule) => {
    expect(dateOfBirthProblem(dob, now)).toMatchObject({ field: 'dateOfBirth', rule });
    expect(() => normaliseDateOfBirth(dob, now)).toThrow(DomainValidationError);
  });

  it('accepts a birth today in the UK although it is still yesterday in UTC', () => {
    expect(dateOfBirthProblem('2024-07-01', new Date('2024-06-30T23:30:00Z'))).toBeNull();
  });
});

describe('date of death', () => {
  it.each([
    ['2024-01-01', '1950-05-05'],
    ['1950-05-05', '1950-05-05'], // same day as birth
    ['2024-06-15', null],
    ['2024-06-15', undefined],
    ['2020-01-01', 'not a date'], // an invalid date of birth is reported elsewhere
  ])('accepts %s with date of birth %j', (dod, dob) => {
    expect(dateOfDeathProblem(dod, { now, dateOfBirth: dob })).toBeNull();
    expect(normaliseDateOfDeath(dod, { now, dateOfBirth: dob })).toBe(dod);
  });

  it.each([
    ['2024-06-16', '1950-05-05', 'date-in-future'],
    ['1950-05-04', '1950-05-05', 'death-before-birth'],
    ['2024-02-30', null, 'date-format'],
    [null, null, 'required'],
  ])('rejects %j with date of birth %j (%s)', (dod, dob, rule) => {
    expect(dateOfDeathProblem(dod, { now, dateOfBirth: dob }, 'client.dateOfDeath')).toMatchObject({
      field: 'client.dateOfDeath',
      rule,
    });
    expect(() => normaliseDateOfDeath(dod, { now, dateOfBirth: dob })).toThrow(DomainValidationError);
  });
});

describe('arithmetic', () => {
  it.each([
    ['2024-03-30T12:00:00Z', 1, '2024-03-31T12:00:00.000Z'], // across the BST change: still 24 hours
    ['2024-06-01T09:00:00Z', 7, '2024-06-08T09:00:00.000Z'],
    ['2024-06-01T09:00:00Z', 14, '2024-06-15T09:00:00.000Z'],
    ['2024-03-01T00:00:00Z', -1, '2024-02-29T00:00:00.000Z'],
    ['2024-06-01T00:00:00Z', 0.5, '2024-06-01T12:00:00.000Z'],
  ])('[SD-9] addDays(%s, %d) is %s', (from, days, expected) => {
    expect(addDays(new Date(from), days).toISOString()).toBe(expected);
  });

  it.each([
    ['2024-06-01T09:00:00Z', 24, '2024-06-02T09:00:00.000Z'],
    ['2024-10-26T12:00:00Z', 24, '2024-10-27T12:00:00.000Z'],
    ['2024-06-01T09:00:00Z', -2, '2024-06-01T07:00:00.000Z'],
  ])('[BR-2] addHours(%s, %d) is %s', (from, hours, expected) => {
    expect(addHours(new Date(from), hours).toISOString()).toBe(expected);
  });

  it('does not change the date passed in', () => {
    const date = new Date('2024-06-01T00:00:00Z');
    addDays(date, 3);
    addHours(date, 3);
    expect(date.toISOString()).toBe('2024-06-01T00:00:00.000Z');
  });

  it.each([NaN, Infinity])('rejects %s days or hours', (n) => {
    expect(() => addDays(new Date(), n)).toThrow(RangeError);
    expect(() => addHours(new Date(), n)).toThrow(RangeError);
  });

  it.each([
    ['2024-02-28', 2, '2024-03-01'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2024-03-31', -31, '2024-02-29'],
  ])('addDaysToIsoDate(%s, %d) is %s', (from, days, expected) => {
    expect(addDaysToIsoDate(from, days)).toBe(expected);
  });

  it('addDaysToIsoDate needs whole days and a real date', () => {
    expect(() => addDaysToIsoDate('2024-01-01', 0.5)).toThrow(RangeError);
    expect(() => addDaysToIsoDate('2024-02-30', 1)).toThrow(DomainValidationError);
  });
});
