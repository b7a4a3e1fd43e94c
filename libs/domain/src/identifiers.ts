import { DomainValidationError, type FieldProblem } from './errors';

/**
 * Person identifiers held on CIS: the NINO (national insurance number) for adults and the CRN
 * (child reference number) for children. Both are stored normalised: no spaces, upper case,
 * e.g. `AB123456C`.
 */

/** Letters HMRC never uses as the first or second letter of a NINO prefix (they read as other characters). */
const NEVER_USED_LETTERS = ['D', 'F', 'I', 'Q', 'U', 'V'] as const;
/** O is never the second letter, as it reads as a zero. */
const NEVER_SECOND_LETTERS = [...NEVER_USED_LETTERS, 'O'] as const;

/** Prefixes HMRC does not allocate (BG, GB, KN, NK, NT, TN, ZZ). TN was the old temporary-number prefix. */
export const UNALLOCATED_NINO_PREFIXES = ['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'] as const;

/**
 * Administrative prefixes: HMRC/DWP reference numbers that look like NINOs but are not NINOs
 * (OO tax credits, CR account investigations, FY attendance allowance, MW migrant workers,
 * NC stakeholder pensions, PP pension schemes, PY/PZ tax-only accounts).
 */
export const ADMINISTRATIVE_NINO_PREFIXES = ['OO', 'CR', 'FY', 'MW', 'NC', 'PP', 'PY', 'PZ'] as const;

/** Suffix letters in use (A–D). */
export const NINO_SUFFIXES = ['A', 'B', 'C', 'D'] as const;

const NINO_SHAPE = /^[A-Z]{2}\d{6}[A-Z]$/;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');

/** Every two-letter prefix a real NINO (or CRN) can have, in alphabetical order; used by the generators. */
const ALLOCATABLE_PREFIXES: readonly string[] = LETTERS.flatMap((first) =>
  LETTERS.map((second) => first + second),
).filter((prefix) => prefixProblem(prefix) === null);

/** Strips all whitespace and upper-cases, so `ab 12 34 56 c` becomes `AB123456C`. Non-strings give ''. */
function compact(raw: unknown): string {
  return typeof raw === 'string' ? raw.replace(/\s+/g, '').toUpperCase() : '';
}

/** Why a two-letter prefix cannot start a NINO, or null when it can. */
function prefixProblem(prefix: string): string | null {
  const [first, second] = prefix;
  if ((ADMINISTRATIVE_NINO_PREFIXES as readonly string[]).includes(prefix)) {
    return `${prefix} is an administrative reference prefix, not a national insurance number`;
  }
  if (prefix === 'TN') return 'TN marks a temporary number, not a national insurance number';
  if ((UNALLOCATED_NINO_PREFIXES as readonly string[]).includes(prefix)) {
    return `the prefix ${prefix} is never allocated`;
  }
  if ((NEVER_USED_LETTERS as readonly string[]).includes(first)) {
    return `the first letter cannot be ${NEVER_USED_LETTERS.join(', ')}`;
  }
  if ((NEVER_SECOND_LETTERS as readonly string[]).includes(second)) {
    return `the second letter cannot be ${NEVER_SECOND_LETTERS.join(', ')}`;
  }
  return null;
}

/** Shared NINO-format check; `label` names the identifier in messages. */
function referenceProblem(raw: unknown, field: string, label: string, rule: string): FieldProblem | null {
  const value = compact(raw);
  const problem = (message: string): FieldProblem => ({ field, rule, message });
  if (value === '') return problem(`Enter the ${label}.`);
  if (!NINO_SHAPE.test(value)) {
    return problem(
      `The ${label} must be 2 letters, 6 digits and a letter A to D, for example AB 12 34 56 C.`,
    );
  }
  const prefixReason = prefixProblem(value.slice(0, 2));
  if (prefixReason) return problem(`${value} is not a valid ${label}: ${prefixReason}.`);
  if (!(NINO_SUFFIXES as readonly string[]).includes(value[8])) {
    return problem(`${value} is not a valid ${label}: the last letter must be A, B, C or D.`);
  }
  return null;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  // Clamp so a generator returning exactly 1 (or junk) cannot index past the end.
  const r = Math.min(Math.max(Number(random()) || 0, 0), 0.999999999);
  return items[Math.floor(r * items.length)];
}

const DIGITS = '0123456789'.split('');

function generateReference(random: () => number): string {
  let digits = '';
  for (let i = 0; i < 6; i++) digits += pick(random, DIGITS);
  return pick(random, ALLOCATABLE_PREFIXES) + digits + pick(random, NINO_SUFFIXES);
}

/**
 * The problem with a NINO, or null when it is valid. HMRC format (NIM39110): two prefix letters,
 * six digits, suffix A–D; D, F, I, Q, U, V never first or second letter; O never second; BG, GB,
 * KN, NK, NT, TN, ZZ never allocated; administrative prefixes (OO, CR, …) and temporary numbers
 * (TN + date of birth + M/F) are not NINOs. Spaces and case in `raw` are ignored.
 * Rule name `nino-format`.
 */
export function ninoProblem(raw: unknown, field = 'nino'): FieldProblem | null {
  return referenceProblem(raw, field, 'national insurance number', 'nino-format');
}

/** True when `raw` (any spacing or case) is a valid NINO; see {@link ninoProblem}. */
export function isValidNino(raw: unknown): boolean {
  return ninoProblem(raw) === null;
}

/**
 * Normalises a NINO to 9 characters, upper case, no spaces: `ab 12 34 56 c` → `AB123456C`.
 * Throws DomainValidationError (field `nino`, rule `nino-format`) when it is not a valid NINO.
 */
export function normaliseNino(raw: unknown, field = 'nino'): string {
  const problem = ninoProblem(raw, field);
  if (problem) throw new DomainValidationError([problem]);
  return compact(raw);
}

/**
 * Masks a NINO or CRN for display and logs, keeping the prefix and the last two digits and suffix:
 * `AB123456C` → `AB****56C`. Anything not 9 characters long is fully masked.
 */
export function maskNino(nino: string): string {
  const value = compact(nino);
  if (value.length !== 9) return '*'.repeat(Math.max(value.length, 1));
  return `${value.slice(0, 2)}****${value.slice(6)}`;
}

/**
 * A random valid NINO for test and demo data, e.g. `JK402917B`. `random` returns numbers in [0, 1)
 * like Math.random (pass a seeded one for repeatable data).
 */
export function generateNino(random: () => number): string {
  return generateReference(random);
}

/**
 * CRN (child reference number). There is no public specification. In practice a CRN is allocated
 * from the NINO number range when Child Benefit is claimed for a child and becomes that child's
 * NINO at 16, so THIS SYSTEM defines a CRN as having exactly the NINO format ({@link ninoProblem}).
 * A CRN therefore cannot be told apart from a NINO by its shape: the `kind` of a
 * {@link PersonReference} says which it is. Rule name `crn-format`.
 */
export function crnProblem(raw: unknown, field = 'crn'): FieldProblem | null {
  return referenceProblem(raw, field, 'child reference number', 'crn-format');
}

/** True when `raw` (any spacing or case) is a valid CRN; see {@link crnProblem}. */
export function isValidCrn(raw: unknown): boolean {
  return crnProblem(raw) === null;
}

/**
 * Normalises a CRN to 9 characters, upper case, no spaces. Throws DomainValidationError
 * (field `crn`, rule `crn-format`) when it is not a valid CRN.
 */
export function normaliseCrn(raw: unknown, field = 'crn'): string {
  const problem = crnProblem(raw, field);
  if (problem) throw new DomainValidationError([problem]);
  return compact(raw);
}

/** A random valid CRN for test and demo data; `random` as for {@link generateNino}. */
export function generateCrn(random: () => number): string {
  return generateReference(random);
}

/** The two kinds of reference that key a person on CIS. */
export const PERSON_REFERENCE_KINDS = ['NINO', 'CRN'] as const;
export type PersonReferenceKind = (typeof PERSON_REFERENCE_KINDS)[number];

/** A person's CIS key: a NINO (adults) or CRN (children), value normalised e.g. `AB123456C`. */
export interface PersonReference {
  kind: PersonReferenceKind;
  value: string;
}

/**
 * Validates and normalises a reference of the given kind. Throws DomainValidationError: field
 * `kind` (rule `reference-kind`) for an unknown kind, else as {@link normaliseNino} /
 * {@link normaliseCrn} with field `field` (default `nino` or `crn`).
 */
export function parsePersonReference(kind: unknown, raw: unknown, field?: string): PersonReference {
  if (kind === 'NINO') return { kind, value: normaliseNino(raw, field ?? 'nino') };
  if (kind === 'CRN') return { kind, value: normaliseCrn(raw, field ?? 'crn') };
  throw new DomainValidationError([
    {
      field: 'kind',
      rule: 'reference-kind',
      message: `The reference kind must be NINO or CRN, not ${String(kind)}.`,
    },
  ]);
}

/**
 * Status of a client's NINO/CRN in CMS. It becomes `Verified` after the verify NINO/CRN or
 * identify-and-locate interface matches, which triggers the retrieval from CIS (RD-1).
 */
export const REFERENCE_STATUSES = ['Unverified', 'Verified'] as const;
export type ReferenceStatus = (typeof REFERENCE_STATUSES)[number];
