import type { CisRetrievalRejection, PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { CmsValue, Rd3Item, Rd3ItemName } from './rd3-rules';

/** What started a retrieval (RD-1): the NINO/CRN became Verified, the applicant's CMS reference was verified, or a caseworker. */
export const RETRIEVAL_TRIGGERS = ['reference-verified', 'applicant-verified', 'manual'] as const;
export type RetrievalTrigger = (typeof RETRIEVAL_TRIGGERS)[number];

/**
 * Outcome of a retrieval: `in-progress` while CIS is being asked; `completed` (data stored, RD-6);
 * `rejected` (NINO not found / deleted / superseded, RD-5); `insufficient-access` (RD-4: Sensitive
 * Check set and a call back arranged); `failed` (technical error after retries, RD-5).
 */
export const RETRIEVAL_OUTCOMES = [
  'in-progress',
  'completed',
  'rejected',
  'insufficient-access',
  'failed',
] as const;
export type RetrievalOutcome = (typeof RETRIEVAL_OUTCOMES)[number];

/** One retrieval of a client's personal, address and contact data from CIS (CIS - Retrieve Personal Data From). */
@Entity('retrieval')
@Index('UQ_retrieval_idempotency_key', ['idempotencyKey'], {
  unique: true,
  where: '"idempotency_key" IS NOT NULL',
})
@Index('IDX_retrieval_client', ['clientId', 'requestedAt'])
export class Retrieval {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_retrieval' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ type: 'text' })
  trigger: RetrievalTrigger;

  /** The caller's Idempotency-Key (the RD-1 job of service-requests sends one). */
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text' })
  outcome: RetrievalOutcome;

  @Column({ type: 'text', nullable: true })
  rejection: CisRetrievalRejection | null;

  /** CIS's message for the rejection, e.g. `NINO superseded`. */
  @Column({ name: 'rejection_message', type: 'text', nullable: true })
  rejectionMessage: string | null;

  /** The NINO that replaced the one asked for, when CIS says it was superseded (RD-3, RD-5). */
  @Column({ name: 'superseded_by', type: 'text', nullable: true })
  supersededBy: string | null;

  /** Why a technical failure happened (no personal data), e.g. `CIS answered 503 three times`. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;

  /** The items RD-3 keeps from CIS's answer, each with CMS's value and whether it differs. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  items: Rd3Item[];

  /** RD-4: the call back SR raised in service-requests, once it answered. */
  @Column({ name: 'sensitive_check_sr_id', type: 'uuid', nullable: true })
  sensitiveCheckSrId: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}

/** How one attempt of a retrieval ended (every outcome but `in-progress`). */
export type RetrievalAttemptOutcome = Exclude<RetrievalOutcome, 'in-progress'>;

/**
 * One attempt to get a retrieval's answer from CIS, kept whatever came after it (RD-5: each
 * rejection is recorded): each call to CIS, including those retried automatically after a
 * technical error (the gateway's back-off within one request, or the RD-1 job's retry with the same
 * Idempotency-Key, a new `request`), and a call refused at once by the open circuit breaker.
 */
@Entity('retrieval_attempt')
@Index('UQ_retrieval_attempt_number', ['retrievalId', 'attempt'], { unique: true })
export class RetrievalAttempt {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_retrieval_attempt' })
  id: string;

  @Column({ name: 'retrieval_id', type: 'uuid' })
  retrievalId: string;

  /** 1, 2, … across the retrieval, in order. */
  @Column({ type: 'int' })
  attempt: number;

  /** Which request of the retrieval made it (1; 2 and on when tried again with the same Idempotency-Key). */
  @Column({ type: 'int' })
  request: number;

  @Column({ name: 'requested_by', type: 'text' })
  requestedBy: string;

  /** When it ended (the answer, the technical error or the refusal). */
  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ type: 'text' })
  outcome: RetrievalAttemptOutcome;

  @Column({ type: 'text', nullable: true })
  rejection: CisRetrievalRejection | null;

  @Column({ name: 'rejection_message', type: 'text', nullable: true })
  rejectionMessage: string | null;

  /** A technical failure's reason (no personal data), e.g. `CIS answered 503`. */
  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason: string | null;
}

/**
 * Everything CIS returned for a client in one retrieval, marked as sourced from CIS with the time,
 * kept apart from CMS's record and never overwriting it (RD-6).
 */
@Entity('cis_personal_data')
@Index('IDX_cis_personal_data_client', ['clientId', 'retrievedAt'])
export class CisDataSnapshot {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cis_personal_data' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'retrieval_id', type: 'uuid' })
  retrievalId: string;

  /** Always `CIS` (RD-6). */
  @Column({ type: 'text', default: 'CIS' })
  source: string;

  @Column({ name: 'retrieved_at', type: 'timestamptz' })
  retrievedAt: Date;

  /** CIS's answer as it came (personal, address and contact data, RD-2). */
  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;

  /** The RD-3 items of this answer. */
  @Column({ type: 'jsonb' })
  items: Rd3Item[];
}

/** Status of a discrepancy between CIS and CMS (RD-6, RD-7). */
export const DISCREPANCY_STATUSES = ['open', 'accepted-cis', 'kept-cms'] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];

/**
 * One item where CIS's data differs from CMS's (RD-6): open until a caseworker decides which is
 * most up to date (RD-7). At most one open discrepancy per client and item; a later retrieval
 * refreshes it.
 */
@Entity('discrepancy')
@Index('UQ_discrepancy_open', ['clientId', 'item'], { unique: true, where: `"status" = 'open'` })
@Index('IDX_discrepancy_client', ['clientId', 'createdAt'])
export class Discrepancy {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_discrepancy' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  /** The retrieval that found it last. */
  @Column({ name: 'retrieval_id', type: 'uuid' })
  retrievalId: string;

  @Column({ type: 'text' })
  item: Rd3ItemName;

  @Column({ name: 'cms_value', type: 'jsonb', nullable: true })
  cmsValue: CmsValue;

  @Column({ name: 'cis_value', type: 'jsonb', nullable: true })
  cisValue: CmsValue;

  /**
   * CIS holds its value as Verified (RD-3: a date of birth or death is returned only then): keeping
   * CMS's value over it needs the caseworker's explicit confirmation (RD-7).
   */
  @Column({ name: 'cis_verified', type: 'boolean', default: false })
  cisVerified: boolean;

  @Column({ type: 'text' })
  status: DiscrepancyStatus;

  @Column({ name: 'decided_by', type: 'text', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** accept-cis: the client's version after service-requests applied it. */
  @Column({ name: 'client_version', type: 'int', nullable: true })
  clientVersion: number | null;

  /** keep-cms: the update sent to CIS (RD-7, SU), when the item is one CIS accepts. */
  @Column({ name: 'cis_update_id', type: 'uuid', nullable: true })
  cisUpdateId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
