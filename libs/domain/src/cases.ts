import { DomainValidationError, type FieldProblem } from './errors';

/**
 * Where a case is administered: `GB` (Great Britain, the Child Maintenance Group) or `NI`
 * (Northern Ireland, NICMS in place of CMG, TD-14).
 */
export const JURISDICTIONS = ['GB', 'NI'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** The service that runs cases in each jurisdiction: short name and full name (TD-14). */
export const SERVICE_NAMES: Readonly<Record<Jurisdiction, { short: 'CMG' | 'NICMS'; full: string }>> = {
  GB: { short: 'CMG', full: 'Child Maintenance Group' },
  NI: { short: 'NICMS', full: 'Northern Ireland Child Maintenance Service' },
};

/** True when `value` is one of {@link JURISDICTIONS}. */
export function isJurisdiction(value: unknown): value is Jurisdiction {
  return typeof value === 'string' && (JURISDICTIONS as readonly string[]).includes(value);
}

/** Short name of the service for a jurisdiction: GB → `CMG`, NI → `NICMS` (TD-14). */
export function serviceNameFor(jurisdiction: Jurisdiction): 'CMG' | 'NICMS' {
  return SERVICE_NAMES[jurisdiction].short;
}

/** Full name of the service: GB → `Child Maintenance Group`, NI → `Northern Ireland Child Maintenance Service` (TD-14). */
export function serviceFullNameFor(jurisdiction: Jurisdiction): string {
  return SERVICE_NAMES[jurisdiction].full;
}

/** Whether the application fee is taken: yes in GB, never in NICMS (RD-1). */
export function applicationFeeApplies(jurisdiction: Jurisdiction): boolean {
  return jurisdiction === 'GB';
}

/**
 * Stages of a client's dealings with CMS, in order. BR-5 matches a CIS broadcast with a live
 * enquiry, application or case (`new case` or `maintenance`).
 */
export const CASE_STAGES = ['enquiry', 'application', 'new case', 'maintenance'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/** True when `value` is one of {@link CASE_STAGES}. */
export function isCaseStage(value: unknown): value is CaseStage {
  return typeof value === 'string' && (CASE_STAGES as readonly string[]).includes(value);
}

/**
 * Case numbers in THIS SYSTEM (no public format exists): 12 digits, the first not zero, e.g.
 * `120034567891`. Spaces are ignored on input.
 */
const CASE_NUMBER = /^[1-9]\d{11}$/;

/** The problem with a case number, or null when valid (12 digits, first not zero). Rule names `required`, `case-number-format`. */
export function caseNumberProblem(raw: unknown, field = 'caseNumber'): FieldProblem | null {
  const value = typeof raw === 'string' ? raw.replace(/\s+/g, '') : '';
  if (value === '') return { field, rule: 'required', message: 'Enter the case number.' };
  if (!CASE_NUMBER.test(value)) {
    return {
      field,
      rule: 'case-number-format',
      message: 'The case number must be 12 digits and cannot start with 0.',
    };
  }
  return null;
}

/** True when `raw` is a case number: 12 digits, first not zero (spaces ignored). */
export function isValidCaseNumber(raw: unknown): boolean {
  return caseNumberProblem(raw) === null;
}

/** Removes spaces from a case number and validates it. Throws DomainValidationError (rule `case-number-format`). */
export function normaliseCaseNumber(raw: unknown, field = 'caseNumber'): string {
  const problem = caseNumberProblem(raw, field);
  if (problem) throw new DomainValidationError([problem]);
  return (raw as string).replace(/\s+/g, '');
}

/** A random valid case number for test and demo data; `random` returns numbers in [0, 1) like Math.random. */
export function generateCaseNumber(random: () => number): string {
  const digit = (min: number) => {
    const r = Math.min(Math.max(Number(random()) || 0, 0), 0.999999);
    return String(min + Math.floor(r * (10 - min)));
  };
  let value = digit(1);
  for (let i = 1; i < 12; i++) value += digit(0);
  return value;
}
