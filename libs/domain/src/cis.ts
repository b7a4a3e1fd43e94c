import { CLIENT_ROLES, nameProblem, type ClientRole } from './clients';
import { validateAddress, type AddressInput, type UkAddress } from './contact';
import { dateOfBirthProblem, dateOfDeathProblem, isoDateProblem, ukToday, type IsoDate } from './dates';
import type { FieldProblem } from './errors';

/**
 * Vocabulary of the interfaces with the DWP Customer Information System (CIS): interests (RI),
 * broadcast changes CIS sends to CMS (BR), updates CMS sends to CIS (SU) and CIS's answers (SU, RD).
 */

// ---------------------------------------------------------------------------------------------
// Interests (RI-1)

/** The interests CMG can register on a client's CIS record (RI-1). */
export const INTEREST_TYPES = ['PWC_QC_ROC_GENERAL', 'NRP_GENERAL', 'NRP_MC'] as const;
export type InterestType = (typeof INTEREST_TYPES)[number];

/** Label (as in the procedure) and the client roles each interest type is registered for (RI-1). */
export const INTEREST_TYPE_INFO: Readonly<
  Record<InterestType, { label: string; roles: readonly ClientRole[] }>
> = {
  PWC_QC_ROC_GENERAL: { label: 'Receiving parent/QC/ROC general interest', roles: ['PWC', 'QC', 'ROC'] },
  NRP_GENERAL: { label: 'Paying parent general interest', roles: ['NRP'] },
  NRP_MC: { label: 'Paying parent MC interest', roles: ['NRP'] },
};

/** True when `value` is one of {@link INTEREST_TYPES}. */
export function isInterestType(value: unknown): value is InterestType {
  return typeof value === 'string' && (INTEREST_TYPES as readonly string[]).includes(value);
}

/** The interest types that can be registered for a client in `role` (RI-1): NRP → general and MC; others → the PWC/QC/ROC general interest. */
export function interestTypesForRole(role: ClientRole): InterestType[] {
  return INTEREST_TYPES.filter((type) => INTEREST_TYPE_INFO[type].roles.includes(role));
}

// ---------------------------------------------------------------------------------------------
// Broadcast changes from CIS (BR)

/** The fifteen change types CIS broadcasts to CMS (BR-6). */
export const CIS_CHANGE_TYPES = [
  'NAME_1_CHANGE',
  'NAME_CORRECTION',
  'ADDRESS_CHANGE',
  'DOB_VERIFICATION',
  'DOB_VERIFICATION_CORRECTION',
  'DOB_UNVERIFIED_CORRECTION',
  'DOD_NOTIFICATION',
  'DOD_VERIFICATION',
  'DOD_UNVERIFIED_CORRECTION',
  'DOD_REMOVAL',
  'DOD_VERIFIED_CORRECTION',
  'NRP_BENEFIT_ON_OFF',
  'NRP_PARTNER_BENEFIT_ON_OFF',
  'NRP_BENEFIT_CLAIM',
  'NATIONALLY_SENSITIVE_STATUS',
] as const;
export type CisChangeType = (typeof CIS_CHANGE_TYPES)[number];

/**
 * The item of a client's record a broadcast change concerns. CIS sends only the latest change to
 * the same item in a day (BR-3) and separate transactions for different items (BR-4), so each
 * payload carries the item's whole current value (e.g. both names), never a partial one.
 */
export const CIS_CHANGE_ITEMS = [
  'name',
  'address',
  'dateOfBirth',
  'dateOfDeath',
  'benefit',
  'partnerBenefit',
  'benefitClaim',
  'sensitivity',
] as const;
export type CisChangeItem = (typeof CIS_CHANGE_ITEMS)[number];

/** How CMS handles a broadcast change type. */
export interface CisChangeTypeInfo {
  /** The procedure's wording (BR-6). */
  label: string;
  /** The item it changes (BR-3, BR-4). */
  item: CisChangeItem;
  /** False when no caseworker action is needed and the change is applied automatically (BR-8). */
  raisesSr: boolean;
  /** True when the SR goes straight to the sensitive case team (BR-7). */
  sensitiveCaseTeam: boolean;
  /** Roles of the clients the change can concern; benefit changes concern only the paying parent. */
  roles: readonly ClientRole[];
  /** Requirement IDs that shape its handling. */
  requirementIds: readonly string[];
}

const ANY_ROLE = CLIENT_ROLES;
const change = (
  label: string,
  item: CisChangeItem,
  extra: Partial<CisChangeTypeInfo> = {},
): CisChangeTypeInfo => ({
  label,
  item,
  raisesSr: true,
  sensitiveCaseTeam: false,
  roles: ANY_ROLE,
  requirementIds: ['BR-6'],
  ...extra,
});

/** Label, item, SR/routing behaviour and applicable roles of each broadcast change type (BR-6, BR-7, BR-8). */
export const CIS_CHANGE_TYPE_INFO: Readonly<Record<CisChangeType, CisChangeTypeInfo>> = {
  NAME_1_CHANGE: change('Change of name 1', 'name'),
  NAME_CORRECTION: change('Correction of name 1 or 2', 'name'),
  ADDRESS_CHANGE: change('Address change', 'address'),
  DOB_VERIFICATION: change('Verification of date of birth', 'dateOfBirth'),
  DOB_VERIFICATION_CORRECTION: change('Correction of verification of date of birth', 'dateOfBirth'),
  DOB_UNVERIFIED_CORRECTION: change('Correction of unverified date of birth', 'dateOfBirth'),
  DOD_NOTIFICATION: change('Notification of date of death', 'dateOfDeath'),
  DOD_VERIFICATION: change('Verification of date of death', 'dateOfDeath'),
  DOD_UNVERIFIED_CORRECTION: change('Correction of unverified date of death', 'dateOfDeath'),
  DOD_REMOVAL: change('Removal of date of death', 'dateOfDeath'),
  DOD_VERIFIED_CORRECTION: change('Correction of verified date of death', 'dateOfDeath'),
  NRP_BENEFIT_ON_OFF: change('On/off benefit for the paying parent', 'benefit', { roles: ['NRP'] }),
  NRP_PARTNER_BENEFIT_ON_OFF: change("On/off benefit for the paying parent's partner", 'partnerBenefit', {
    roles: ['NRP'],
  }),
  NRP_BENEFIT_CLAIM: change('Benefit claim made by the paying parent', 'benefitClaim', {
    raisesSr: false,
    roles: ['NRP'],
    requirementIds: ['BR-6', 'BR-8'],
  }),
  NATIONALLY_SENSITIVE_STATUS: change('Nationally sensitive status update', 'sensitivity', {
    sensitiveCaseTeam: true,
    requirementIds: ['BR-6', 'BR-7'],
  }),
};

/** True when `value` is one of {@link CIS_CHANGE_TYPES}. */
export function isCisChangeType(value: unknown): value is CisChangeType {
  return typeof value === 'string' && (CIS_CHANGE_TYPES as readonly string[]).includes(value);
}

/** Whether a date of birth/death change type carries a verified date (true), an unverified one (false), or either (undefined). */
const VERIFIED_BY_TYPE: Partial<Record<CisChangeType, boolean>> = {
  DOB_VERIFICATION: true,
  DOB_VERIFICATION_CORRECTION: true,
  DOB_UNVERIFIED_CORRECTION: false,
  DOD_VERIFICATION: true,
  DOD_VERIFIED_CORRECTION: true,
  DOD_UNVERIFIED_CORRECTION: false,
};

/** Name change: CIS name 1 (`firstName`) and name 2 (`lastName`) as they now stand. */
export interface CisNameChange {
  type: 'NAME_1_CHANGE' | 'NAME_CORRECTION';
  firstName: string;
  lastName: string;
}

/** Address change: the new address and the date the client started living there. */
export interface CisAddressChange {
  type: 'ADDRESS_CHANGE';
  address: UkAddress;
  addressStartDate: IsoDate;
}

/** Date of birth change: the date and whether CIS holds it as verified (must match the type). */
export interface CisDateOfBirthChange {
  type: 'DOB_VERIFICATION' | 'DOB_VERIFICATION_CORRECTION' | 'DOB_UNVERIFIED_CORRECTION';
  dateOfBirth: IsoDate;
  verified: boolean;
}

/** Date of death notified or corrected: the date and whether it is verified (must match the type, either for a notification). */
export interface CisDateOfDeathChange {
  type: 'DOD_NOTIFICATION' | 'DOD_VERIFICATION' | 'DOD_UNVERIFIED_CORRECTION' | 'DOD_VERIFIED_CORRECTION';
  dateOfDeath: IsoDate;
  verified: boolean;
}

/** The date of death was removed from the CIS record. */
export interface CisDateOfDeathRemoval {
  type: 'DOD_REMOVAL';
}

/** The paying parent (or their partner) went on or came off a benefit; `effectiveDate` when CIS gives one. */
export interface CisBenefitChange {
  type: 'NRP_BENEFIT_ON_OFF' | 'NRP_PARTNER_BENEFIT_ON_OFF';
  onBenefit: boolean;
  /** Free text as CIS names it, e.g. `Universal Credit`, `JSA(IB)`. */
  benefitType: string;
  effectiveDate?: IsoDate | null;
}

/** The paying parent claimed a benefit: no SR, an automated MOPF letter instead (BR-8). */
export interface CisBenefitClaim {
  type: 'NRP_BENEFIT_CLAIM';
  benefitType: string;
  claimDate: IsoDate;
}

/** The client's nationally sensitive status was set or cleared (BR-7). */
export interface CisSensitivityChange {
  type: 'NATIONALLY_SENSITIVE_STATUS';
  nationallySensitive: boolean;
}

/** One broadcast change from CIS, discriminated by `type` (BR-6). */
export type CisChange =
  | CisNameChange
  | CisAddressChange
  | CisDateOfBirthChange
  | CisDateOfDeathChange
  | CisDateOfDeathRemoval
  | CisBenefitChange
  | CisBenefitClaim
  | CisSensitivityChange;

/** Options for validating CIS changes and updates. */
export interface CisValidationOptions {
  /** When given, dates of birth/death and claim dates must not be after this day (UK). */
  now?: Date;
  /** Prefix for field paths, e.g. `change` gives `change.firstName`. */
  fieldPrefix?: string;
}

/** Longest benefit type name accepted. */
const BENEFIT_TYPE_MAX_LENGTH = 50;

type Input = Record<string, unknown>;

function fieldPath(prefix: string | undefined, name: string): string {
  return prefix ? `${prefix}.${name}` : name;
}

function booleanProblem(value: unknown, field: string): FieldProblem | null {
  return typeof value === 'boolean'
    ? null
    : { field, rule: 'boolean', message: 'This must be true or false.' };
}

function benefitTypeProblem(value: unknown, field: string): FieldProblem | null {
  if (typeof value !== 'string' || value.trim() === '') {
    return { field, rule: 'required', message: 'Enter the benefit type.' };
  }
  if (value.trim().length > BENEFIT_TYPE_MAX_LENGTH) {
    return {
      field,
      rule: 'max-length',
      message: `The benefit type must be ${BENEFIT_TYPE_MAX_LENGTH} characters or fewer.`,
    };
  }
  return null;
}

function pastDateProblem(
  value: unknown,
  field: string,
  label: string,
  now: Date | undefined,
): FieldProblem | null {
  const problem = isoDateProblem(value, field);
  if (problem || !now) return problem;
  if ((value as string).trim() <= ukToday(now)) return null;
  return { field, rule: 'date-in-future', message: `The ${label} must be today or in the past.` };
}

function verifiedProblem(input: Input, type: string, field: string): FieldProblem | null {
  const problem = booleanProblem(input.verified, field);
  if (problem) return problem;
  const expected = VERIFIED_BY_TYPE[type as CisChangeType];
  if (expected !== undefined && input.verified !== expected) {
    return {
      field,
      rule: 'verified-mismatch',
      message: `"${CIS_CHANGE_TYPE_INFO[type as CisChangeType].label}" must have verified ${expected}.`,
    };
  }
  return null;
}

function nameProblems(input: Input, prefix?: string): (FieldProblem | null)[] {
  return [
    nameProblem(input.firstName, fieldPath(prefix, 'firstName'), 'first name'),
    nameProblem(input.lastName, fieldPath(prefix, 'lastName'), 'last name'),
  ];
}

function addressProblems(input: Input, prefix?: string): (FieldProblem | null)[] {
  return [
    ...validateAddress(input.address as AddressInput, fieldPath(prefix, 'address')),
    isoDateProblem(input.addressStartDate, fieldPath(prefix, 'addressStartDate')),
  ];
}

function dobProblem(input: Input, now: Date | undefined, prefix?: string): FieldProblem | null {
  const field = fieldPath(prefix, 'dateOfBirth');
  return now ? dateOfBirthProblem(input.dateOfBirth, now, field) : isoDateProblem(input.dateOfBirth, field);
}

function dodProblem(input: Input, now: Date | undefined, prefix?: string): FieldProblem | null {
  const field = fieldPath(prefix, 'dateOfDeath');
  return now
    ? dateOfDeathProblem(input.dateOfDeath, { now }, field)
    : isoDateProblem(input.dateOfDeath, field);
}

function typeProblem(
  input: unknown,
  prefix: string | undefined,
  known: readonly string[],
): FieldProblem | null {
  const type = typeof input === 'object' && input !== null ? (input as Input).type : undefined;
  if (typeof type === 'string' && known.includes(type)) return null;
  return {
    field: fieldPath(prefix, 'type'),
    rule: 'change-type',
    message: `The type must be one of ${known.join(', ')}.`,
  };
}

/**
 * Every problem with a broadcast change (BR-6), [] when it is a valid {@link CisChange}: a known
 * `type` and that type's payload (names, address + start date, date + `verified` consistent with the
 * type, `onBenefit` + benefit type, benefit type + claim date, `nationallySensitive`). With
 * `options.now`, dates must not be in the future. Rule names include `change-type`, `required`,
 * `date-format`, `date-in-future`, `boolean`, `verified-mismatch`, and those of names and addresses.
 */
export function validateCisChange(input: unknown, options: CisValidationOptions = {}): FieldProblem[] {
  const { now, fieldPrefix: prefix } = options;
  const wrongType = typeProblem(input, prefix, CIS_CHANGE_TYPES);
  if (wrongType) return [wrongType];
  const c = input as Input;
  const type = c.type as CisChangeType;
  let problems: (FieldProblem | null)[];
  switch (type) {
    case 'NAME_1_CHANGE':
    case 'NAME_CORRECTION':
      problems = nameProblems(c, prefix);
      break;
    case 'ADDRESS_CHANGE':
      problems = addressProblems(c, prefix);
      break;
    case 'DOB_VERIFICATION':
    case 'DOB_VERIFICATION_CORRECTION':
    case 'DOB_UNVERIFIED_CORRECTION':
      problems = [dobProblem(c, now, prefix), verifiedProblem(c, type, fieldPath(prefix, 'verified'))];
      break;
    case 'DOD_NOTIFICATION':
    case 'DOD_VERIFICATION':
    case 'DOD_UNVERIFIED_CORRECTION':
    case 'DOD_VERIFIED_CORRECTION':
      problems = [dodProblem(c, now, prefix), verifiedProblem(c, type, fieldPath(prefix, 'verified'))];
      break;
    case 'DOD_REMOVAL':
      problems = [];
      break;
    case 'NRP_BENEFIT_ON_OFF':
    case 'NRP_PARTNER_BENEFIT_ON_OFF':
      problems = [
        booleanProblem(c.onBenefit, fieldPath(prefix, 'onBenefit')),
        benefitTypeProblem(c.benefitType, fieldPath(prefix, 'benefitType')),
        c.effectiveDate === undefined || c.effectiveDate === null
          ? null
          : isoDateProblem(c.effectiveDate, fieldPath(prefix, 'effectiveDate')),
      ];
      break;
    case 'NRP_BENEFIT_CLAIM':
      problems = [
        benefitTypeProblem(c.benefitType, fieldPath(prefix, 'benefitType')),
        pastDateProblem(c.claimDate, fieldPath(prefix, 'claimDate'), 'claim date', now),
      ];
      break;
    case 'NATIONALLY_SENSITIVE_STATUS':
      problems = [booleanProblem(c.nationallySensitive, fieldPath(prefix, 'nationallySensitive'))];
      break;
  }
  return problems.filter((p): p is FieldProblem => p !== null);
}

// ---------------------------------------------------------------------------------------------
// Updates sent to CIS (SU)

/** The six items CMS can update on CIS (SU-2). */
export const CIS_UPDATE_TYPES = [
  'NAME_CHANGE',
  'ADDRESS_CHANGE',
  'DOB_VERIFIED',
  'DOB_NOT_VERIFIED',
  'DOD_VERIFIED',
  'DOD_NOT_VERIFIED',
] as const;
export type CisUpdateType = (typeof CIS_UPDATE_TYPES)[number];

/** The procedure's label for each update type (SU-2). */
export const CIS_UPDATE_TYPE_LABELS: Readonly<Record<CisUpdateType, string>> = {
  NAME_CHANGE: 'Name change',
  ADDRESS_CHANGE: 'Change of address',
  DOB_VERIFIED: 'Notification of a date of birth - verified',
  DOB_NOT_VERIFIED: 'Notification of a date of birth - not verified',
  DOD_VERIFIED: 'Notification of a date of death - verified',
  DOD_NOT_VERIFIED: 'Notification of a date of death - not verified',
};

/** True when `value` is one of {@link CIS_UPDATE_TYPES}. */
export function isCisUpdateType(value: unknown): value is CisUpdateType {
  return typeof value === 'string' && (CIS_UPDATE_TYPES as readonly string[]).includes(value);
}

/** Update of the client's names on CIS: name 1 (`firstName`) and name 2 (`lastName`). */
export interface CisNameUpdate {
  type: 'NAME_CHANGE';
  firstName: string;
  lastName: string;
}

/** Update of the client's address on CIS, with the date they started living there. */
export interface CisAddressUpdate {
  type: 'ADDRESS_CHANGE';
  address: UkAddress;
  addressStartDate: IsoDate;
}

/** Notification of a date of birth; whether it is verified is given by the type. */
export interface CisDateOfBirthUpdate {
  type: 'DOB_VERIFIED' | 'DOB_NOT_VERIFIED';
  dateOfBirth: IsoDate;
}

/** Notification of a date of death; whether it is verified is given by the type. */
export interface CisDateOfDeathUpdate {
  type: 'DOD_VERIFIED' | 'DOD_NOT_VERIFIED';
  dateOfDeath: IsoDate;
}

/** One update CMS sends to CIS, discriminated by `type` (SU-2). */
export type CisUpdate = CisNameUpdate | CisAddressUpdate | CisDateOfBirthUpdate | CisDateOfDeathUpdate;

/**
 * Every problem with an update to CIS (SU-2), [] when it is a valid {@link CisUpdate}: a known
 * `type` and its payload (names; address + start date; date of birth; date of death). With
 * `options.now`, dates of birth/death must not be in the future.
 */
export function validateCisUpdate(input: unknown, options: CisValidationOptions = {}): FieldProblem[] {
  const { now, fieldPrefix: prefix } = options;
  const wrongType = typeProblem(input, prefix, CIS_UPDATE_TYPES);
  if (wrongType) return [wrongType];
  const u = input as Input;
  let problems: (FieldProblem | null)[];
  switch (u.type as CisUpdateType) {
    case 'NAME_CHANGE':
      problems = nameProblems(u, prefix);
      break;
    case 'ADDRESS_CHANGE':
      problems = addressProblems(u, prefix);
      break;
    case 'DOB_VERIFIED':
    case 'DOB_NOT_VERIFIED':
      problems = [dobProblem(u, now, prefix)];
      break;
    case 'DOD_VERIFIED':
    case 'DOD_NOT_VERIFIED':
      problems = [dodProblem(u, now, prefix)];
      break;
  }
  return problems.filter((p): p is FieldProblem => p !== null);
}

// ---------------------------------------------------------------------------------------------
// CIS responses

/**
 * Update response codes CIS returns (SU-5, SU-7). Only `1` (nationally sensitive, SU-6) is named by
 * the procedure; `0`, `2`, `3` and `9` are THIS SYSTEM's convention for what a faithful CIS returns.
 */
export const CIS_UPDATE_RESPONSE_CODES = ['0', '1', '2', '3', '9'] as const;
export type CisUpdateResponseCode = (typeof CIS_UPDATE_RESPONSE_CODES)[number];

/** Meaning of each update response code: name, text shown to the caseworker, and whether CIS applied the update. */
export const CIS_UPDATE_RESPONSE_INFO: Readonly<
  Record<CisUpdateResponseCode, { name: string; message: string; applied: boolean; requirementId: string }>
> = {
  '0': {
    name: 'ACCEPTED',
    message: 'Update accepted and applied to the CIS record',
    applied: true,
    requirementId: 'SU-7',
  },
  '1': {
    name: 'NATIONALLY_SENSITIVE',
    message:
      'The client is nationally sensitive: the case must be dealt with by a caseworker with sensitive access',
    applied: false,
    requirementId: 'SU-6',
  },
  '2': {
    name: 'NO_INTEREST_REGISTERED',
    message: 'CMG has no interest registered on this CIS record',
    applied: false,
    requirementId: 'SU-1',
  },
  '3': {
    name: 'REFERENCE_NOT_IDENTIFIED',
    message: 'NINO/CRN not identified',
    applied: false,
    requirementId: 'SU-7',
  },
  '9': { name: 'TECHNICAL_ERROR', message: 'Technical error', applied: false, requirementId: 'SU-5' },
};

/** True when `value` is one of {@link CIS_UPDATE_RESPONSE_CODES}. */
export function isCisUpdateResponseCode(value: unknown): value is CisUpdateResponseCode {
  return typeof value === 'string' && (CIS_UPDATE_RESPONSE_CODES as readonly string[]).includes(value);
}

/**
 * Outcomes of a personal-data retrieval (RD) other than success: the RD-5 rejections and the
 * RD-4 "Insufficient access level" message.
 */
export const CIS_RETRIEVAL_REJECTIONS = [
  'NINO_NOT_FOUND',
  'NINO_DELETED',
  'NINO_SUPERSEDED',
  'TECHNICAL_ERROR',
  'INSUFFICIENT_ACCESS_LEVEL',
] as const;
export type CisRetrievalRejection = (typeof CIS_RETRIEVAL_REJECTIONS)[number];

/** CIS's message text for each retrieval rejection, and the requirement that says how it is handled. */
export const CIS_RETRIEVAL_REJECTION_INFO: Readonly<
  Record<CisRetrievalRejection, { message: string; requirementId: string }>
> = {
  NINO_NOT_FOUND: { message: 'NINO not found', requirementId: 'RD-5' },
  NINO_DELETED: { message: 'NINO deleted', requirementId: 'RD-5' },
  NINO_SUPERSEDED: { message: 'NINO superseded', requirementId: 'RD-5' },
  TECHNICAL_ERROR: { message: 'Technical error', requirementId: 'RD-5' },
  INSUFFICIENT_ACCESS_LEVEL: { message: 'Insufficient access level', requirementId: 'RD-4' },
};

/** True when `value` is one of {@link CIS_RETRIEVAL_REJECTIONS}. */
export function isCisRetrievalRejection(value: unknown): value is CisRetrievalRejection {
  return typeof value === 'string' && (CIS_RETRIEVAL_REJECTIONS as readonly string[]).includes(value);
}
