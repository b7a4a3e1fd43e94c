import type { CisChangeItem, CisChangeType, PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A batch is `accepted` once stored (before it is acknowledged), `processed` when no transaction is pending. */
export const BATCH_STATUSES = ['accepted', 'processed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * What became of one broadcast transaction:
 * - `pending`: stored, not yet handled (with `clientId` set: matched, its MOPF letter job written);
 * - `sr-raised`: an SR was raised (or found, when raised before) in service-requests (BR-6, BR-7, BR-9);
 * - `letter-issued`: the automated MOPF letter was issued instead of an SR (BR-8);
 * - `unmatched`: no live enquiry, application or case for the reference (BR-5), kept and listable;
 * - `duplicate-ignored`: the transaction id was seen before, or a later change to the same item on
 *   the same day supersedes it (BR-3);
 * - `failed`: invalid, or refused by service-requests; the reason says why.
 */
export const TRANSACTION_OUTCOMES = [
  'pending',
  'sr-raised',
  'letter-issued',
  'unmatched',
  'duplicate-ignored',
  'failed',
] as const;
export type TransactionOutcome = (typeof TRANSACTION_OUTCOMES)[number];

/** One daily broadcast batch from CIS (CIS - Receive Broadcast Updates, step 1). */
@Entity('broadcast_batch')
export class BroadcastBatch {
  /** CIS's batch id (also its Idempotency-Key). */
  @PrimaryColumn('uuid', { primaryKeyConstraintName: 'PK_broadcast_batch' })
  id: string;

  @Column({ name: 'generated_at', type: 'timestamptz' })
  generatedAt: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** How many times CIS sent it (a resend changes nothing). */
  @Column({ name: 'times_received', type: 'int', default: 1 })
  timesReceived: number;

  @Column({ name: 'transaction_count', type: 'int' })
  transactionCount: number;

  @Column({ name: 'chunk_count', type: 'int' })
  chunkCount: number;

  @Column({ type: 'text' })
  status: BatchStatus;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;

  // Its transactions counted by outcome, kept in the transaction that sets or changes an outcome
  // (the intake, a chunk's results, an MOPF letter): a status read counts no rows, and the batch is
  // processed when `pendingCount` reaches 0.
  @Column({ name: 'pending_count', type: 'int', default: 0 })
  pendingCount: number;

  @Column({ name: 'sr_raised_count', type: 'int', default: 0 })
  srRaisedCount: number;

  @Column({ name: 'letter_issued_count', type: 'int', default: 0 })
  letterIssuedCount: number;

  @Column({ name: 'unmatched_count', type: 'int', default: 0 })
  unmatchedCount: number;

  @Column({ name: 'duplicate_ignored_count', type: 'int', default: 0 })
  duplicateIgnoredCount: number;

  @Column({ name: 'failed_count', type: 'int', default: 0 })
  failedCount: number;
}

/**
 * One transaction of a broadcast batch: one change to one item of one person's CIS record (BR-4), and its outcome.
 * No index mentions a column that recording the outcome sets (outcome, processed_at, the match, the
 * SR): that update stays on the row's page (HOT, fillfactor 40) and writes no index entry (issue 17).
 */
@Entity('broadcast_transaction')
@Index('UQ_broadcast_transaction_first', ['transactionId'], {
  unique: true,
  where: '"duplicate_of" IS NULL',
})
@Index('IDX_broadcast_transaction_chunk', ['batchId', 'chunk'])
@Index('IDX_broadcast_transaction_item_day', ['referenceKind', 'reference', 'item', 'recordedDay'])
export class BroadcastTransaction {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_broadcast_transaction' })
  id: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  batchId: string;

  /** Position in the batch, from 0. */
  @Column({ type: 'int' })
  seq: number;

  /** The job (chunk of the batch) that handles it. */
  @Column({ type: 'int' })
  chunk: number;

  /** CIS's transaction id. */
  @Column({ name: 'transaction_id', type: 'text' })
  transactionId: string;

  /** When this row repeats a transaction id seen before: the first row with it. */
  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true })
  duplicateOf: string | null;

  @Column({ name: 'reference_kind', type: 'text', nullable: true })
  referenceKind: PersonReferenceKind | null;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ name: 'change_type', type: 'text', nullable: true })
  changeType: CisChangeType | null;

  @Column({ type: 'text', nullable: true })
  item: CisChangeItem | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt: Date | null;

  /** UK calendar day of `recordedAt` (BR-3). */
  @Column({ name: 'recorded_day', type: 'date', nullable: true })
  recordedDay: string | null;

  /** The change as CIS sent it (a CisChange). */
  @Column({ type: 'jsonb', nullable: true })
  payload: Record<string, unknown> | null;

  @Column({ name: 'interest_types', type: 'text', array: true, default: () => `'{}'` })
  interestTypes: string[];

  @Column({ type: 'text' })
  outcome: TransactionOutcome;

  /** Why it was ignored, unmatched or failed. */
  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** Field problems of an invalid transaction. */
  @Column({ type: 'jsonb', nullable: true })
  problems: unknown[] | null;

  @Column({ name: 'client_id', type: 'uuid', nullable: true })
  clientId: string | null;

  @Column({ name: 'client_role', type: 'text', nullable: true })
  clientRole: string | null;

  @Column({ name: 'case_ids', type: 'uuid', array: true, default: () => `'{}'` })
  caseIds: string[];

  /** A matched case is nationally sensitive, or the change is a sensitivity update. */
  @Column({ name: 'nationally_sensitive', type: 'boolean', default: false })
  nationallySensitive: boolean;

  @Column({ name: 'sr_id', type: 'uuid', nullable: true })
  srId: string | null;

  @Column({ name: 'sr_number', type: 'text', nullable: true })
  srNumber: string | null;

  @Column({ name: 'sr_queue', type: 'text', nullable: true })
  srQueue: string | null;

  @Column({ name: 'sr_status', type: 'text', nullable: true })
  srStatus: string | null;

  @Column({ name: 'letter_id', type: 'text', nullable: true })
  letterId: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true })
  processedAt: Date | null;
}

/**
 * A transaction that matched no live enquiry, application or case (BR-5), written with its outcome:
 * the unmatched list reads these, newest first, without an index on `broadcast_transaction.outcome`.
 */
@Entity('broadcast_unmatched')
@Index('IDX_broadcast_unmatched_processed', ['processedAt', 'transactionRowId'])
export class BroadcastUnmatched {
  /** The `broadcast_transaction` row. */
  @PrimaryColumn('uuid', { name: 'transaction_row_id', primaryKeyConstraintName: 'PK_broadcast_unmatched' })
  transactionRowId: string;

  /** Its `processed_at`. */
  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt: Date;
}
