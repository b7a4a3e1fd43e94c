import { DomainValidationError, type FieldProblem } from './errors';

/**
 * Calendar dates (dates of birth and death, address start dates) travel as ISO strings
 * `YYYY-MM-DD`, which compare correctly as strings. As `Date` they are midnight UTC. Day and hour
 * arithmetic is in UTC, so it never shifts across British Summer Time changes.
 */

/** A calendar date `YYYY-MM-DD`, e.g. `2019-04-23`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;

/** Earliest date of birth this system accepts; anything before is a keying error, not a client. */
export const EARLIEST_DATE_OF_BIRTH: IsoDate = '1900-01-01';

function toDate(raw: unknown): Date | null {
  const match = typeof raw === 'string' ? ISO_DATE.exec(raw.trim()) : null;
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // Reject dates JavaScript would roll over, e.g. 2023-02-30 → 2 March.
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? date : null;
}

/**
 * The problem with an ISO calendar date, or null when `raw` is a real date `YYYY-MM-DD`.
 * Rule names `required`, `date-format`.
 */
export function isoDateProblem(raw: unknown, field = 'date'): FieldProblem | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    return { field, rule: 'required', message: 'Enter a date.' };
  }
  if (toDate(raw) === null) {
    return {
      field,
      rule: 'date-format',
      message: 'Enter a real date in the format YYYY-MM-DD, for example 2019-04-23.',
    };
  }
  return null;
}

/** True when `raw` is a real calendar date `YYYY-MM-DD`. */
export function isIsoDate(raw: unknown): raw is IsoDate {
  return toDate(raw) !== null;
}

/**
 * Parses `YYYY-MM-DD` (surrounding spaces ignored) to a Date at midnight UTC. Throws
 * DomainValidationError (rule `required` or `date-format`) for anything else, including impossible
 * dates such as 2023-02-30.
 */
export function parseIsoDate(raw: unknown, field = 'date'): Date {
  const problem = isoDateProblem(raw, field);
  if (problem) throw new DomainValidationError([problem]);
  return toDate(raw) as Date;
}

/** The UTC calendar date of `date` as `YYYY-MM-DD`. */
export function toIsoDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Today's date in the UK (Europe/London) at the instant `now`, as `YYYY-MM-DD`. Used for "not in
 * the future" so that a date of today entered just after midnight in summer time is not refused.
 */
export function ukToday(now: Date): IsoDate {
  return londonDate.format(now);
}

/**
 * The problem with a date of birth, or null when it is valid: a real date, not after today in the
 * UK at `now`, and not before {@link EARLIEST_DATE_OF_BIRTH}.
 * Rule names `required`, `date-format`, `date-in-future`, `date-too-early`.
 */
export function dateOfBirthProblem(raw: unknown, now: Date, field = 'dateOfBirth'): FieldProblem | null {
  const problem = isoDateProblem(raw, field);
  if (problem) return problem;
  const value = (raw as string).trim();
  if (value > ukToday(now)) {
    return { field, rule: 'date-in-future', message: 'The date of birth must be today or in the past.' };
  }
  if (value < EARLIEST_DATE_OF_BIRTH) {
    return {
      field,
      rule: 'date-too-early',
      message: `The date of birth must be on or after ${EARLIEST_DATE_OF_BIRTH}.`,
    };
  }
  return null;
}

/** Validates a date of birth (see {@link dateOfBirthProblem}) and returns it trimmed. Throws DomainValidationError. */
export function normaliseDateOfBirth(raw: unknown, now: Date, field = 'dateOfBirth'): IsoDate {
  const problem = dateOfBirthProblem(raw, now, field);
  if (problem) throw new DomainValidationError([problem]);
  return (raw as string).trim();
}

/**
 * The problem with a date of death, or null when it is valid: a real date, not after today in the
 * UK at `now`, and not before `dateOfBirth` when that is a valid date (the same day is allowed).
 * Rule names `required`, `date-format`, `date-in-future`, `death-before-birth`.
 */
export function dateOfDeathProblem(
  raw: unknown,
  context: { now: Date; dateOfBirth?: string | null },
  field = 'dateOfDeath',
): FieldProblem | null {
  const problem = isoDateProblem(raw, field);
  if (problem) return problem;
  const value = (raw as string).trim();
  if (value > ukToday(context.now)) {
    return { field, rule: 'date-in-future', message: 'The date of death must be today or in the past.' };
  }
  const birth = context.dateOfBirth?.trim();
  if (birth && isIsoDate(birth) && value < birth) {
    return {
      field,
      rule: 'death-before-birth',
      message: `The date of death cannot be before the date of birth (${birth}).`,
    };
  }
  return null;
}

/** Validates a date of death (see {@link dateOfDeathProblem}) and returns it trimmed. Throws DomainValidationError. */
export function normaliseDateOfDeath(
  raw: unknown,
  context: { now: Date; dateOfBirth?: string | null },
  field = 'dateOfDeath',
): IsoDate {
  const problem = dateOfDeathProblem(raw, context, field);
  if (problem) throw new DomainValidationError([problem]);
  return (raw as string).trim();
}

function assertFinite(n: number, what: string): void {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, not ${n}.`);
}

/**
 * `date` plus `days` whole or fractional 24-hour days (negative moves back), e.g. the 7- and 14-day
 * waits (SD-9, SD-10, TD-3, TD-11). Throws RangeError for a non-finite `days`.
 */
export function addDays(date: Date, days: number): Date {
  assertFinite(days, 'days');
  return new Date(date.getTime() + days * MS_PER_DAY);
}

/** `date` plus `hours` (negative moves back), e.g. the 24-hour broadcast delay (BR-2) and Self Service SLA (SD-5). Throws RangeError for a non-finite `hours`. */
export function addHours(date: Date, hours: number): Date {
  assertFinite(hours, 'hours');
  return new Date(date.getTime() + hours * MS_PER_HOUR);
}

/** An ISO date plus `days` whole days: `addDaysToIsoDate('2024-02-28', 2)` → `2024-03-01`. Throws as {@link parseIsoDate}, or RangeError for non-integer `days`. */
export function addDaysToIsoDate(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, not ${days}.`);
  return toIsoDate(addDays(parseIsoDate(date), days));
}
