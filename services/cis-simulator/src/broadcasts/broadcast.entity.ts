import type { IsoDate } from '@cms/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { CisBroadcastBatch } from './broadcast.types';

/** Delivery state of a batch: waiting for (another) acknowledgement, acknowledged, or given up after the retry limit. */
export const BATCH_STATUSES = ['pending', 'acknowledged', 'failed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/** Counts of a day's changes not sent, by reason. */
export interface RunExclusions {
  replacedSameDay: number;
  noInterest: number;
  madeByCmg: number;
  personDeleted: number;
}

/** The daily broadcast run for one UK day (BR-2): made once; the batch is null when nothing was due to be sent. */
@Entity('broadcast_run')
export class BroadcastRun {
  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'PK_broadcast_run' })
  day: IsoDate;

  @Column({ name: 'ran_at', type: 'timestamptz' })
  ranAt: Date;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ name: 'transaction_count', type: 'integer', default: 0 })
  transactionCount: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  excluded: RunExclusions;
}

/**
 * A broadcast batch as sent to cis-interface (`body`, immutable), and its delivery state. Delivered
 * by a pg-boss job written in the same transaction; `copies` is 2 when the "send the next batch
 * twice" fault applied.
 */
@Entity('broadcast_batch')
@Index('IDX_broadcast_batch_generated', ['generatedAt'])
export class BroadcastBatch {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_broadcast_batch' })
  id: string;

  @Column({ type: 'date' })
  day: IsoDate;

  @Column({ name: 'generated_at', type: 'timestamptz' })
  generatedAt: Date;

  @Column({ type: 'jsonb' })
  body: CisBroadcastBatch;

  @Column({ name: 'transaction_count', type: 'integer' })
  transactionCount: number;

  @Column({ type: 'text', default: 'pending' })
  status: BatchStatus;

  @Column({ type: 'integer', default: 1 })
  copies: number;

  @Column({ name: 'acknowledged_copies', type: 'integer', default: 0 })
  acknowledgedCopies: number;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt: Date | null;

  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true })
  failedAt: Date | null;
}

/** Outcome of one delivery attempt (one job run; PeerHttp may have retried quickly inside it). */
export const ATTEMPT_OUTCOMES = ['acknowledged', 'refused', 'unreachable'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One attempt to deliver one copy of a batch, and what cis-interface answered. */
@Entity('broadcast_delivery_attempt')
@Index('IDX_broadcast_delivery_attempt_batch', ['batchId', 'attemptedAt'])
export class BroadcastDeliveryAttempt {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_broadcast_delivery_attempt' })
  id: string;

  @Column({ name: 'batch_id', type: 'uuid' })
  batchId: string;

  @ManyToOne(() => BroadcastBatch, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'FK_broadcast_delivery_attempt_batch' })
  batch: BroadcastBatch;

  @Column({ type: 'integer' })
  copy: number;

  @Column({ name: 'attempted_at', type: 'timestamptz' })
  attemptedAt: Date;

  /** HTTP status cis-interface answered; null when it could not be reached. */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text' })
  outcome: AttemptOutcome;

  /** The start of cis-interface's answer or the connection error, for diagnosis. */
  @Column({ type: 'text', nullable: true })
  detail: string | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;
}
