import {
  type CisUpdate as CisUpdateInput,
  type CisUpdateType,
  DomainError,
  DomainValidationError,
} from '@cms/domain';
import type { CmsServiceRequest } from '../peers/service-requests.gateway';

/**
 * What SU-4 reads of a CoC SR (`GET /service-requests/{id}`): the path (the one item it is about),
 * its activity plan (the validation outcome) and its details (the validated values, when recorded).
 */
export type CocServiceRequest = CmsServiceRequest;

/** The item a CoC SR validated: its update type, and the validated values when the SR holds them. */
export interface ValidatedItem {
  updateType: CisUpdateType;
  /** The values as the SR recorded them (`details.change`), or null when it holds none. */
  values: Record<string, unknown> | null;
}

/** The change-of-circumstances SR type whose "Update CIS" SU-4 is about. */
const COC_SR_TYPE = 'PERSONAL_DETAILS_CHANGE';
/** The validation step of its activity plan (Change - Name / Address / DOB, Death procedures). */
const VALIDATE_STEP = 'validate-change';

/** The update type each path of the CoC SR validates, from the validation outcome (SU-2). */
const ITEM_OF_PATH: Readonly<Record<string, (outcome: string) => CisUpdateType | null>> = {
  name: () => 'NAME_CHANGE',
  address: () => 'ADDRESS_CHANGE',
  'date-of-birth': (o) =>
    o === 'Verified' ? 'DOB_VERIFIED' : o === 'Not Verified' ? 'DOB_NOT_VERIFIED' : null,
  'date-of-death': (o) =>
    o === 'Verified' ? 'DOD_VERIFIED' : o === 'Not Verified' ? 'DOD_NOT_VERIFIED' : null,
};

/** 422 naming SU-4: the update is not the one the SR validated. */
export function notValidated(
  message: string,
  field: 'updateType' | 'payload' | 'serviceRequestId',
): DomainError {
  return new DomainError('CIS_UPDATE_NOT_VALIDATED', 'precondition', message, {
    requirementId: 'SU-4',
    errors: [{ field, rule: 'validated-change', message, requirementId: 'SU-4' }],
  });
}

/** 422 naming SU-4: the SR's item went to CIS already (or is on its way, or its outcome is being learnt). */
export function alreadySent(srNumber: string | null, updateType: CisUpdateType): DomainError {
  const message = `The ${updateType} validated by SR ${srNumber ?? ''} was sent to CIS already: an SR enables the update of its item once. Raise a new change of circumstances SR for a further change.`;
  return new DomainError('CIS_UPDATE_ALREADY_SENT', 'precondition', message, {
    requirementId: 'SU-4',
    errors: [{ field: 'serviceRequestId', rule: 'once', message, requirementId: 'SU-4' }],
  });
}

/**
 * SU-4: the item a CoC SR validated. A PERSONAL_DETAILS_CHANGE SR is about one item, its path (name,
 * address, date of birth, date of death); a date of birth or death is sent verified or not verified
 * as its validation step recorded ("Verified" / "Not Verified"). The validated values are the SR's
 * `details.change` (the update's items: `{firstName, lastName}`, `{address, addressStartDate}`,
 * `{dateOfBirth}` or `{dateOfDeath}`), which is recorded when the SR is raised and which
 * service-requests lets nobody edit afterwards (`change` is a reserved detail of PATCH), so it is
 * what the validations were done on. An SR without `details.change` holds no values: only the type
 * is checked then.
 * @throws 422 CIS_UPDATE_NOT_VALIDATED (SU-4) when the SR validated no updatable item (yet)
 */
export function validatedItemOf(sr: CocServiceRequest): ValidatedItem {
  if (sr.type !== COC_SR_TYPE) {
    throw notValidated(
      `SR ${sr.srNumber} is a ${sr.type}, not a change of personal details: it validated no item CIS can be updated with.`,
      'serviceRequestId',
    );
  }
  const outcome = sr.activityPlan?.find((s) => s.key === VALIDATE_STEP)?.outcome ?? null;
  const item = sr.path && outcome ? (ITEM_OF_PATH[sr.path]?.(outcome) ?? null) : null;
  if (!item) {
    throw notValidated(
      `SR ${sr.srNumber} has not validated its change${sr.path ? ` (${sr.path})` : ''}: "Update CIS" sends only a validated change.`,
      'serviceRequestId',
    );
  }
  const change = sr.details?.change;
  const values =
    change && typeof change === 'object' && !Array.isArray(change)
      ? (change as Record<string, unknown>)
      : null;
  return { updateType: item, values };
}

/**
 * `value` as JSON with every object's keys sorted (undefined dropped): the same value always
 * serialises the same way, whatever order its keys were written or stored in (jsonb reorders them).
 */
export function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonicalJson(v);
    }
    return out;
  }
  return value;
}

/**
 * SU-4: refuses an update that is not exactly the SR's validated item: another update type, or
 * (where the SR holds the validated values) other values. Values are compared as both are sent,
 * normalised by `parse` (names tidied, address and postcode normalised), so a difference of
 * spelling only (postcode case or spacing) is the same value.
 * @throws 422 CIS_UPDATE_NOT_VALIDATED (SU-4)
 */
export function assertIsValidatedItem(
  sr: CocServiceRequest,
  item: ValidatedItem,
  update: CisUpdateInput,
  parse: (type: CisUpdateType, payload: Record<string, unknown>) => CisUpdateInput,
): void {
  if (update.type !== item.updateType) {
    throw notValidated(
      `SR ${sr.srNumber} validated a ${item.updateType}, not a ${update.type}: "Update CIS" sends only the change the SR validated.`,
      'updateType',
    );
  }
  if (!item.values) return;
  const { type: recordedType, ...recorded } = item.values;
  let validated: CisUpdateInput;
  try {
    if (recordedType !== undefined && recordedType !== item.updateType) throw new DomainValidationError([]);
    validated = parse(item.updateType, recorded);
  } catch (e) {
    if (!(e instanceof DomainValidationError)) throw e;
    throw notValidated(
      `SR ${sr.srNumber} records a change (details.change) that is not a valid ${item.updateType}: correct the SR before updating CIS.`,
      'serviceRequestId',
    );
  }
  const same = JSON.stringify(canonicalJson(validated)) === JSON.stringify(canonicalJson(update));
  if (!same) {
    throw notValidated(
      `The values differ from those SR ${sr.srNumber} validated (its details.change): "Update CIS" sends the validated values only.`,
      'payload',
    );
  }
}
