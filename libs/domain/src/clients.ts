import {
  emailProblem,
  normaliseAddress,
  normaliseEmail,
  normalisePhone,
  phoneProblem,
  validateAddress,
  type AddressInput,
  type UkAddress,
} from './contact';
import { dateOfBirthProblem, dateOfDeathProblem, isoDateProblem, type IsoDate } from './dates';
import { DomainValidationError, type FieldProblem } from './errors';

/**
 * Client roles by their system codes (as on the system and in legislation): PWC parent with care
 * (also PeWC, person with care), NRP non resident parent, QC qualifying child, ROC relevant other
 * child. Outward text always uses the outward names (glossary).
 */
export const CLIENT_ROLES = ['PWC', 'NRP', 'QC', 'ROC'] as const;
export type ClientRole = (typeof CLIENT_ROLES)[number];

/** For each role: the name used in outward text (letters, SMS, screens) and the system/legislative name. */
export const CLIENT_ROLE_INFO: Readonly<Record<ClientRole, { outwardName: string; systemName: string }>> = {
  PWC: { outwardName: 'receiving parent', systemName: 'parent with care' },
  NRP: { outwardName: 'paying parent', systemName: 'non resident parent' },
  QC: { outwardName: 'qualifying child', systemName: 'qualifying child' },
  ROC: { outwardName: 'relevant other child', systemName: 'relevant other child' },
};

/** True when `value` is one of {@link CLIENT_ROLES}. */
export function isClientRole(value: unknown): value is ClientRole {
  return typeof value === 'string' && (CLIENT_ROLES as readonly string[]).includes(value);
}

/**
 * Parses a role code, case-insensitively, accepting `PeWC` (person with care) as PWC. Throws
 * DomainValidationError (rule `client-role`) for anything else.
 */
export function parseClientRole(raw: unknown, field = 'role'): ClientRole {
  const code = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  const role = code === 'PEWC' ? 'PWC' : code;
  if (isClientRole(role)) return role;
  throw new DomainValidationError([
    {
      field,
      rule: 'client-role',
      message: `The role must be one of ${CLIENT_ROLES.join(', ')}, not ${String(raw)}.`,
    },
  ]);
}

/** The outward name of a role, lower case: PWC → `receiving parent`, NRP → `paying parent`, QC → `qualifying child`, ROC → `relevant other child`. */
export function outwardRoleName(role: ClientRole): string {
  return CLIENT_ROLE_INFO[role].outwardName;
}

/** True for the parents (PWC, NRP); false for children (QC, ROC). */
export function isParentRole(role: ClientRole): boolean {
  return role === 'PWC' || role === 'NRP';
}

/**
 * Sex as CIS holds it (RD-3), single letters as on the CIS record: `M` male, `F` female,
 * `U` not known / not recorded. (Letters are this system's encoding of CIS's values.)
 */
export const SEXES = ['M', 'F', 'U'] as const;
export type Sex = (typeof SEXES)[number];

/** Display labels for {@link SEXES}. */
export const SEX_LABELS: Readonly<Record<Sex, string>> = { M: 'Male', F: 'Female', U: 'Not known' };

/** True when `value` is one of {@link SEXES}. */
export function isSex(value: unknown): value is Sex {
  return typeof value === 'string' && (SEXES as readonly string[]).includes(value);
}

/**
 * A client's personal details as both CMS and CIS hold them (RD-2, RD-3). On CIS `firstName` is
 * "name 1" and `lastName` "name 2" (see BR-6 "change of name 1", "correction of name 1 or 2").
 * Dates are ISO `YYYY-MM-DD`; phones E.164; email with lower-case domain.
 */
export interface PersonalDetails {
  /** CIS name 1. */
  firstName: string;
  /** CIS name 2. */
  lastName: string;
  dateOfBirth: IsoDate | null;
  dateOfBirthVerified: boolean;
  dateOfDeath: IsoDate | null;
  dateOfDeathVerified: boolean;
  sex: Sex | null;
  address: UkAddress | null;
  /** Date the client started living at `address`; CIS sends it only with a new address (RD-3). */
  addressStartDate: IsoDate | null;
  homePhone: string | null;
  businessPhone: string | null;
  mobilePhone: string | null;
  homeEmail: string | null;
}

/** The items of {@link PersonalDetails}, in display order, with their labels. */
export const PERSONAL_DETAIL_LABELS: Readonly<Record<keyof PersonalDetails, string>> = {
  firstName: 'First name',
  lastName: 'Last name',
  dateOfBirth: 'Date of birth',
  dateOfBirthVerified: 'Date of birth verified',
  dateOfDeath: 'Date of death',
  dateOfDeathVerified: 'Date of death verified',
  sex: 'Sex',
  address: 'Address',
  addressStartDate: 'Address start date',
  homePhone: 'Home telephone',
  businessPhone: 'Business telephone',
  mobilePhone: 'Mobile telephone',
  homeEmail: 'Home email',
};

/** Longest first or last name this system accepts. */
export const NAME_MAX_LENGTH = 35;
/** Starts with a letter; then letters (any script, with accents), spaces, hyphens, apostrophes and full stops. */
const NAME_PATTERN = /^\p{L}[\p{L}\p{M} '’.-]*$/u;

function tidy(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * The problem with a first or last name, or null when it is valid: required, at most
 * {@link NAME_MAX_LENGTH} characters, letters with spaces, hyphens, apostrophes and full stops.
 * Rule names `required`, `max-length`, `name-characters`.
 */
export function nameProblem(raw: unknown, field: string, label = 'name'): FieldProblem | null {
  const value = typeof raw === 'string' ? tidy(raw) : '';
  if (value === '') return { field, rule: 'required', message: `Enter the ${label}.` };
  if (value.length > NAME_MAX_LENGTH) {
    return {
      field,
      rule: 'max-length',
      message: `The ${label} must be ${NAME_MAX_LENGTH} characters or fewer.`,
    };
  }
  if (!NAME_PATTERN.test(value)) {
    return {
      field,
      rule: 'name-characters',
      message: `The ${label} must start with a letter and contain only letters, spaces, hyphens, apostrophes and full stops.`,
    };
  }
  return null;
}

/** Validates a name (see {@link nameProblem}) and returns it with whitespace trimmed and collapsed. Throws DomainValidationError. */
export function normaliseName(raw: unknown, field: string, label = 'name'): string {
  const problem = nameProblem(raw, field, label);
  if (problem) throw new DomainValidationError([problem]);
  return tidy(raw as string);
}

/** Personal details as they may arrive in a request: any item may be missing or of the wrong type. */
export type PersonalDetailsInput = { [K in keyof PersonalDetails]?: unknown };

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/**
 * Every problem with a set of personal details, [] when valid. Names required; dates of birth and
 * death as {@link dateOfBirthProblem} / {@link dateOfDeathProblem} (relative to `now`, death not
 * before birth); a date marked verified must be present; sex one of {@link SEXES}; address as
 * {@link validateAddress}; an address start date needs an address; phones valid, `mobilePhone` a
 * mobile; email valid. Optional items may be null or missing. Fields are `${fieldPrefix}.item`
 * (or just `item` when `fieldPrefix` is '').
 */
export function validatePersonalDetails(
  input: PersonalDetailsInput,
  now: Date,
  fieldPrefix = '',
): FieldProblem[] {
  const f = (name: string) => (fieldPrefix ? `${fieldPrefix}.${name}` : name);
  const problems: (FieldProblem | null)[] = [
    nameProblem(input.firstName, f('firstName'), 'first name'),
    nameProblem(input.lastName, f('lastName'), 'last name'),
  ];
  const dob = isAbsent(input.dateOfBirth) ? null : input.dateOfBirth;
  if (dob !== null) problems.push(dateOfBirthProblem(dob, now, f('dateOfBirth')));
  if (!isAbsent(input.dateOfDeath)) {
    const birth = typeof dob === 'string' ? dob : null;
    problems.push(dateOfDeathProblem(input.dateOfDeath, { now, dateOfBirth: birth }, f('dateOfDeath')));
  }
  for (const [flag, date, label] of [
    ['dateOfBirthVerified', 'dateOfBirth', 'birth'],
    ['dateOfDeathVerified', 'dateOfDeath', 'death'],
  ] as const) {
    const value = input[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      problems.push({ field: f(flag), rule: 'boolean', message: 'This must be true or false.' });
    } else if (value === true && isAbsent(input[date])) {
      problems.push({
        field: f(flag),
        rule: 'verified-without-date',
        message: `A date of ${label} is needed to mark it verified.`,
      });
    }
  }
  if (!isAbsent(input.sex) && !isSex(input.sex)) {
    problems.push({ field: f('sex'), rule: 'sex', message: `Sex must be one of ${SEXES.join(', ')}.` });
  }
  if (!isAbsent(input.address))
    problems.push(...validateAddress(input.address as AddressInput, f('address')));
  if (!isAbsent(input.addressStartDate)) {
    problems.push(isoDateProblem(input.addressStartDate, f('addressStartDate')));
    if (isAbsent(input.address)) {
      problems.push({
        field: f('addressStartDate'),
        rule: 'start-date-without-address',
        message: 'An address start date needs an address.',
      });
    }
  }
  for (const phone of ['homePhone', 'businessPhone'] as const) {
    if (!isAbsent(input[phone])) problems.push(phoneProblem(input[phone], f(phone)));
  }
  if (!isAbsent(input.mobilePhone)) {
    problems.push(phoneProblem(input.mobilePhone, f('mobilePhone'), { expect: 'mobile' }));
  }
  if (!isAbsent(input.homeEmail)) problems.push(emailProblem(input.homeEmail, f('homeEmail')));
  return problems.filter((p): p is FieldProblem => p !== null);
}

/**
 * Validates (see {@link validatePersonalDetails}) and normalises personal details: names tidied,
 * dates trimmed, address normalised, phones E.164, email domain lower case, missing optional items
 * null, missing verified flags false. Throws DomainValidationError with every problem found.
 */
export function normalisePersonalDetails(
  input: PersonalDetailsInput,
  now: Date,
  fieldPrefix = '',
): PersonalDetails {
  const problems = validatePersonalDetails(input, now, fieldPrefix);
  if (problems.length > 0) throw new DomainValidationError(problems);
  const f = (name: string) => (fieldPrefix ? `${fieldPrefix}.${name}` : name);
  const opt = <T>(value: unknown, fn: (v: unknown) => T): T | null => (isAbsent(value) ? null : fn(value));
  return {
    firstName: tidy(input.firstName as string),
    lastName: tidy(input.lastName as string),
    dateOfBirth: opt(input.dateOfBirth, (v) => (v as string).trim()),
    dateOfBirthVerified: input.dateOfBirthVerified === true,
    dateOfDeath: opt(input.dateOfDeath, (v) => (v as string).trim()),
    dateOfDeathVerified: input.dateOfDeathVerified === true,
    sex: opt(input.sex, (v) => v as Sex),
    address: opt(input.address, (v) => normaliseAddress(v as AddressInput, f('address'))),
    addressStartDate: opt(input.addressStartDate, (v) => (v as string).trim()),
    homePhone: opt(input.homePhone, (v) => normalisePhone(v, f('homePhone'))),
    businessPhone: opt(input.businessPhone, (v) => normalisePhone(v, f('businessPhone'))),
    mobilePhone: opt(input.mobilePhone, (v) => normalisePhone(v, f('mobilePhone'), { expect: 'mobile' })),
    homeEmail: opt(input.homeEmail, (v) => normaliseEmail(v, f('homeEmail'))),
  };
}
