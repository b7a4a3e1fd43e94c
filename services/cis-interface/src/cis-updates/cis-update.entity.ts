import type { CisUpdateResponseCode, CisUpdateType, PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** SQL: the update holds its CoC SR's item (SU-4): see {@link CisUpdate}. */
export const CIS_UPDATE_HOLDS_ITEM = `"service_request_id" IS NOT NULL AND ("status" IN ('pending', 'unknown') OR "response_code" = '0')`;

/**
 * `pending` while CIS is being asked; `answered` with CIS's response code (SU-7); `failed` when CIS
 * answered with a technical error or refused the request (nothing applied); `unknown` when the answer
 * never arrived (time-out, connection dropped): CIS may have applied it, so a job replays the same
 * Idempotency-Key until CIS gives the outcome, and the update becomes `answered` (SU-5).
 */
export const CIS_UPDATE_STATUSES = ['pending', 'unknown', 'answered', 'failed'] as const;
export type CisUpdateStatus = (typeof CIS_UPDATE_STATUSES)[number];

/** One update sent to a client's CIS record and CIS's answer (CIS - Send Update; SU-5, SU-7). */
@Entity('cis_update')
@Index('IDX_cis_update_client', ['clientId', 'requestedAt'])
// SU-4: a CoC SR's item goes to CIS once. An update holds its SR's item while it is being asked,
// while its outcome is unknown, and once CIS applied it (code 0); a failed or refused one does not.
@Index('UQ_cis_update_service_request_item', ['serviceRequestId', 'updateType'], {
  unique: true,
  where: CIS_UPDATE_HOLDS_ITEM,
})
export class CisUpdate {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cis_update' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'update_type', type: 'text' })
  updateType: CisUpdateType;

  /** The update's items (without `type`), as sent. */
  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** The CoC SR whose "Update CIS" was used during maintenance (SU-4). */
  @Column({ name: 'service_request_id', type: 'uuid', nullable: true })
  serviceRequestId: string | null;

  /** The discrepancy whose keep-cms decision sent it (RD-7). */
  @Column({ name: 'discrepancy_id', type: 'uuid', nullable: true })
  discrepancyId: string | null;

  /** The case stage that decided SU-3 / SU-4. */
  @Column({ type: 'text', nullable: true })
  stage: string | null;

  @Column({ type: 'text' })
  status: CisUpdateStatus;

  @Column({ name: 'response_code', type: 'text', nullable: true })
  responseCode: CisUpdateResponseCode | null;

  @Column({ name: 'response_message', type: 'text', nullable: true })
  responseMessage: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'responded_at', type: 'timestamptz', nullable: true })
  respondedAt: Date | null;
}
