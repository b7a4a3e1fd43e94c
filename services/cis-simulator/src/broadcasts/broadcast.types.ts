import type { CisChange, CisChangeType, InterestType, PersonReferenceKind } from '@cms/domain';

/**
 * What the CIS simulator POSTs to cis-interface (`POST {CIS_INTERFACE_URL}/broadcasts`, header
 * `Idempotency-Key: <batchId>`): the daily broadcast of changes (CIS - Receive Broadcast Updates,
 * step 1). Documented in the OpenAPI document as the schemas `CisBroadcastBatch` and
 * `CisBroadcastTransaction` (see broadcast.dto.ts, which implements these interfaces).
 */

/** One change of one item of one person's CIS record (BR-4: different items are separate transactions). */
export interface CisBroadcastTransaction {
  /** Stable unique id (UUID): the same change always carries the same id, also when a batch is sent again. */
  transactionId: string;
  /** Whether `reference` is a NINO (adults) or a CRN (children). */
  referenceKind: PersonReferenceKind;
  /** The person's NINO or CRN, normalised, e.g. `AB123456C`. */
  reference: string;
  /** The BR-6 change type; equals `payload.type`. */
  changeType: CisChangeType;
  /** The change as CIS recorded it: a {@link CisChange} (validate with `validateCisChange` from @cms/domain). */
  payload: CisChange;
  /** When CIS recorded the change, ISO 8601 UTC, e.g. `2026-11-20T10:15:00.000Z`. */
  recordedAt: string;
  /** CMG's interests registered on the record when the batch was made, that the change concerns (BR-1). */
  interestTypes: InterestType[];
}

/** One daily broadcast batch: every transaction of one UK day, sent 24 hours after the day ended (BR-2). */
export interface CisBroadcastBatch {
  /** UUID; also the `Idempotency-Key` header. A batch sent twice carries the same id. */
  batchId: string;
  /** When the simulator built the batch (its clock), ISO 8601 UTC. */
  generatedAt: string;
  /** At least one transaction; ordered by the time the changes were recorded. */
  transactions: CisBroadcastTransaction[];
}
