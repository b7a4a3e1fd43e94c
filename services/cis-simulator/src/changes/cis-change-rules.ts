import {
  CIS_CHANGE_TYPE_INFO,
  DomainValidationError,
  dateOfDeathProblem,
  normaliseAddress,
  normaliseName,
  validateCisChange,
  validateCisUpdate,
  type AddressInput,
  type CisChange,
  type CisChangeType,
  type CisUpdate,
  type CisUpdateType,
  type FieldProblem,
  type IsoDate,
  type UkAddress,
} from '@cms/domain';

/**
 * How CIS records changes on a person: the fields each change and update type carries, their
 * validation (the domain validators plus "no other fields" and "death not before birth" against the
 * record), normalisation, and their effect on the record. Pure functions.
 */

/** The record fields a change or update can touch. */
export interface PersonState {
  firstName: string;
  lastName: string;
  dateOfBirth: IsoDate | null;
  dateOfBirthVerified: boolean;
  dateOfDeath: IsoDate | null;
  dateOfDeathVerified: boolean;
  address: UkAddress | null;
  addressStartDate: IsoDate | null;
  nationallySensitive: boolean;
}

const DOB = ['dateOfBirth', 'verified'];
const DOD = ['dateOfDeath', 'verified'];
const BENEFIT = ['onBenefit', 'benefitType', 'effectiveDate'];

/** Payload fields (besides `type`) of each broadcast change type (BR-6). */
export const CHANGE_FIELDS: Readonly<Record<CisChangeType, readonly string[]>> = {
  NAME_1_CHANGE: ['firstName', 'lastName'],
  NAME_CORRECTION: ['firstName', 'lastName'],
  ADDRESS_CHANGE: ['address', 'addressStartDate'],
  DOB_VERIFICATION: DOB,
  DOB_VERIFICATION_CORRECTION: DOB,
  DOB_UNVERIFIED_CORRECTION: DOB,
  DOD_NOTIFICATION: DOD,
  DOD_VERIFICATION: DOD,
  DOD_UNVERIFIED_CORRECTION: DOD,
  DOD_REMOVAL: [],
  DOD_VERIFIED_CORRECTION: DOD,
  NRP_BENEFIT_ON_OFF: BENEFIT,
  NRP_PARTNER_BENEFIT_ON_OFF: BENEFIT,
  NRP_BENEFIT_CLAIM: ['benefitType', 'claimDate'],
  NATIONALLY_SENSITIVE_STATUS: ['nationallySensitive'],
};

/** Payload fields (besides `type`) of each update type (SU-2). */
export const UPDATE_FIELDS: Readonly<Record<CisUpdateType, readonly string[]>> = {
  NAME_CHANGE: ['firstName', 'lastName'],
  ADDRESS_CHANGE: ['address', 'addressStartDate'],
  DOB_VERIFIED: ['dateOfBirth'],
  DOB_NOT_VERIFIED: ['dateOfBirth'],
  DOD_VERIFIED: ['dateOfDeath'],
  DOD_NOT_VERIFIED: ['dateOfDeath'],
};

function unknownFieldProblems(
  input: Record<string, unknown>,
  allowed: readonly string[],
  prefix: string,
): FieldProblem[] {
  return Object.keys(input)
    .filter((k) => k !== 'type' && !allowed.includes(k))
    .map((k) => ({
      field: `${prefix}.${k}`,
      rule: 'unknown-field',
      message: `${k} is not a field of a ${String(input.type)} ${prefix}`,
    }));
}

/** Dates of birth and death must stay in order on the record they land on. */
function orderProblem(
  c: { dateOfBirth?: IsoDate; dateOfDeath?: IsoDate },
  record: PersonState,
  now: Date,
  prefix: string,
): FieldProblem | null {
  if (c.dateOfDeath)
    return dateOfDeathProblem(
      c.dateOfDeath,
      { now, dateOfBirth: record.dateOfBirth },
      `${prefix}.dateOfDeath`,
    );
  if (c.dateOfBirth && record.dateOfDeath && c.dateOfBirth.trim() > record.dateOfDeath) {
    return {
      field: `${prefix}.dateOfBirth`,
      rule: 'death-before-birth',
      message: `The date of birth cannot be after the date of death on the record (${record.dateOfDeath}).`,
    };
  }
  return null;
}

function tidyText(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

/**
 * Validates a broadcast change against the domain rules (`validateCisChange`), its type's fields
 * and the record it applies to, and returns it normalised (names tidied, address normalised).
 * @throws DomainValidationError naming each bad field under `prefix` (e.g. `change.address.postcode`)
 */
export function parseCisChange(input: unknown, record: PersonState, now: Date, prefix = 'change'): CisChange {
  const problems = validateCisChange(input, { now, fieldPrefix: prefix });
  if (problems.length) throw new DomainValidationError(problems);
  const raw = input as Record<string, unknown> & CisChange;
  const extra = unknownFieldProblems(raw, CHANGE_FIELDS[raw.type], prefix);
  const order = orderProblem(raw as { dateOfBirth?: IsoDate; dateOfDeath?: IsoDate }, record, now, prefix);
  if (extra.length || order) throw new DomainValidationError([...extra, ...(order ? [order] : [])]);
  const c = raw as CisChange;
  switch (c.type) {
    case 'NAME_1_CHANGE':
    case 'NAME_CORRECTION':
      return {
        type: c.type,
        firstName: normaliseName(c.firstName, `${prefix}.firstName`),
        lastName: normaliseName(c.lastName, `${prefix}.lastName`),
      };
    case 'ADDRESS_CHANGE':
      return {
        type: c.type,
        address: normaliseAddress(c.address as AddressInput, `${prefix}.address`),
        addressStartDate: c.addressStartDate.trim(),
      };
    case 'DOB_VERIFICATION':
    case 'DOB_VERIFICATION_CORRECTION':
    case 'DOB_UNVERIFIED_CORRECTION':
      return { type: c.type, dateOfBirth: c.dateOfBirth.trim(), verified: c.verified };
    case 'DOD_NOTIFICATION':
    case 'DOD_VERIFICATION':
    case 'DOD_UNVERIFIED_CORRECTION':
    case 'DOD_VERIFIED_CORRECTION':
      return { type: c.type, dateOfDeath: c.dateOfDeath.trim(), verified: c.verified };
    case 'DOD_REMOVAL':
      return { type: c.type };
    case 'NRP_BENEFIT_ON_OFF':
    case 'NRP_PARTNER_BENEFIT_ON_OFF':
      return {
        type: c.type,
        onBenefit: c.onBenefit,
        benefitType: tidyText(c.benefitType),
        effectiveDate: c.effectiveDate ? c.effectiveDate.trim() : null,
      };
    case 'NRP_BENEFIT_CLAIM':
      return { type: c.type, benefitType: tidyText(c.benefitType), claimDate: c.claimDate.trim() };
    case 'NATIONALLY_SENSITIVE_STATUS':
      return { type: c.type, nationallySensitive: c.nationallySensitive };
  }
}

/**
 * Validates an update from CMG (SU-2) with `validateCisUpdate`, its type's fields and the record,
 * and returns it normalised. @throws DomainValidationError naming each bad field under `prefix`
 */
export function parseCisUpdate(
  input: unknown,
  record: PersonState | null,
  now: Date,
  prefix = 'update',
): CisUpdate {
  const problems = validateCisUpdate(input, { now, fieldPrefix: prefix });
  if (problems.length) throw new DomainValidationError(problems);
  const raw = input as Record<string, unknown> & CisUpdate;
  const extra = unknownFieldProblems(raw, UPDATE_FIELDS[raw.type], prefix);
  const order = record
    ? orderProblem(raw as { dateOfBirth?: IsoDate; dateOfDeath?: IsoDate }, record, now, prefix)
    : null;
  if (extra.length || order) throw new DomainValidationError([...extra, ...(order ? [order] : [])]);
  const u = raw as CisUpdate;
  switch (u.type) {
    case 'NAME_CHANGE':
      return {
        type: u.type,
        firstName: normaliseName(u.firstName, `${prefix}.firstName`),
        lastName: normaliseName(u.lastName, `${prefix}.lastName`),
      };
    case 'ADDRESS_CHANGE':
      return {
        type: u.type,
        address: normaliseAddress(u.address as AddressInput, `${prefix}.address`),
        addressStartDate: u.addressStartDate.trim(),
      };
    case 'DOB_VERIFIED':
    case 'DOB_NOT_VERIFIED':
      return { type: u.type, dateOfBirth: u.dateOfBirth.trim() };
    case 'DOD_VERIFIED':
    case 'DOD_NOT_VERIFIED':
      return { type: u.type, dateOfDeath: u.dateOfDeath.trim() };
  }
}

/**
 * The change CIS records for an applied update (SU-5), so the record's history shows it. Such a
 * change has origin CMG and is never broadcast back to CMG. A name change is "change of name 1"
 * when name 1 changes, otherwise "correction of name 1 or 2".
 */
export function changeForUpdate(update: CisUpdate, record: PersonState): CisChange {
  switch (update.type) {
    case 'NAME_CHANGE':
      return {
        type: update.firstName === record.firstName ? 'NAME_CORRECTION' : 'NAME_1_CHANGE',
        firstName: update.firstName,
        lastName: update.lastName,
      };
    case 'ADDRESS_CHANGE':
      return { type: 'ADDRESS_CHANGE', address: update.address, addressStartDate: update.addressStartDate };
    case 'DOB_VERIFIED':
      return { type: 'DOB_VERIFICATION', dateOfBirth: update.dateOfBirth, verified: true };
    case 'DOB_NOT_VERIFIED':
      return { type: 'DOB_UNVERIFIED_CORRECTION', dateOfBirth: update.dateOfBirth, verified: false };
    case 'DOD_VERIFIED':
      return { type: 'DOD_VERIFICATION', dateOfDeath: update.dateOfDeath, verified: true };
    case 'DOD_NOT_VERIFIED':
      return { type: 'DOD_NOTIFICATION', dateOfDeath: update.dateOfDeath, verified: false };
  }
}

/**
 * The record fields a change sets. Benefit changes and claims leave the personal record as it is
 * (CIS's benefit data is not part of the personal data CMS retrieves).
 */
export function effectOfChange(change: CisChange): Partial<PersonState> {
  switch (change.type) {
    case 'NAME_1_CHANGE':
    case 'NAME_CORRECTION':
      return { firstName: change.firstName, lastName: change.lastName };
    case 'ADDRESS_CHANGE':
      return { address: change.address, addressStartDate: change.addressStartDate };
    case 'DOB_VERIFICATION':
    case 'DOB_VERIFICATION_CORRECTION':
    case 'DOB_UNVERIFIED_CORRECTION':
      return { dateOfBirth: change.dateOfBirth, dateOfBirthVerified: change.verified };
    case 'DOD_NOTIFICATION':
    case 'DOD_VERIFICATION':
    case 'DOD_UNVERIFIED_CORRECTION':
    case 'DOD_VERIFIED_CORRECTION':
      return { dateOfDeath: change.dateOfDeath, dateOfDeathVerified: change.verified };
    case 'DOD_REMOVAL':
      return { dateOfDeath: null, dateOfDeathVerified: false };
    case 'NATIONALLY_SENSITIVE_STATUS':
      return { nationallySensitive: change.nationallySensitive };
    case 'NRP_BENEFIT_ON_OFF':
    case 'NRP_PARTNER_BENEFIT_ON_OFF':
    case 'NRP_BENEFIT_CLAIM':
      return {};
  }
}

/** The BR-3/BR-4 item of a change type. */
export function itemOf(type: CisChangeType) {
  return CIS_CHANGE_TYPE_INFO[type].item;
}
