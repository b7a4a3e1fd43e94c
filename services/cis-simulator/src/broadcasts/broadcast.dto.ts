import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CIS_CHANGE_TYPES, INTEREST_TYPES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { CisChange, CisChangeType, InterestType, IsoDate, PersonReferenceKind } from '@cms/domain';
import { cisChangeSchema } from '../changes/change.schemas';
import { ATTEMPT_OUTCOMES, BATCH_STATUSES, type AttemptOutcome, type BatchStatus } from './broadcast.entity';
import type { CisBroadcastBatch, CisBroadcastTransaction } from './broadcast.types';

@ApiSchema({
  name: 'CisBroadcastTransaction',
  description:
    'One change of one item of one person’s CIS record (BR-4). `transactionId` is stable: the same change always ' +
    'carries the same id, also when its batch is delivered again.',
})
export class CisBroadcastTransactionDto implements CisBroadcastTransaction {
  @ApiProperty({ format: 'uuid', example: '5d0c7c4e-2f4b-4bb6-8f3e-7a4f0e6b9d21' }) transactionId: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C', description: 'NINO or CRN, normalised' }) reference: string;
  @ApiProperty({
    enum: CIS_CHANGE_TYPES,
    example: 'ADDRESS_CHANGE',
    description: 'BR-6 change type; equals payload.type',
  })
  changeType: CisChangeType;
  @ApiProperty(cisChangeSchema) payload: CisChange;
  @ApiProperty({
    format: 'date-time',
    example: '2026-11-20T10:15:00.000Z',
    description: 'When CIS recorded the change',
  })
  recordedAt: string;
  @ApiProperty({
    enum: INTEREST_TYPES,
    isArray: true,
    example: ['NRP_GENERAL'],
    description:
      'CMG’s interests on the record when the batch was made that the change concerns (BR-1); never empty',
  })
  interestTypes: InterestType[];
}

@ApiSchema({
  name: 'CisBroadcastBatch',
  description:
    'The body CIS POSTs to cis-interface at `POST /broadcasts` with header `Idempotency-Key: <batchId>`, once a day ' +
    'for each UK day with changes to send, 24 hours after the day ended (BR-2). Retried with backoff until ' +
    'answered 2xx (e.g. 202); the same batch may arrive more than once (same batchId, same transactions).',
})
export class CisBroadcastBatchDto implements CisBroadcastBatch {
  @ApiProperty({ format: 'uuid', example: 'c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10' }) batchId: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-22T00:00:05.000Z' }) generatedAt: string;
  @ApiProperty({ type: [CisBroadcastTransactionDto], minItems: 1, description: 'Ordered by recordedAt' })
  transactions: CisBroadcastTransactionDto[];
}

/** Body of `POST /admin/broadcasts/run`. */
export class RunBroadcastDto {
  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2026-11-20',
    description:
      'The UK day whose changes to broadcast; it must be due (24 hours after it ended). Without it, every due day ' +
      'not broadcast yet is run.',
  })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'day must be a date YYYY-MM-DD' })
  day?: IsoDate;
}

export class RunExclusionsView {
  @ApiProperty({
    example: 1,
    description: 'BR-3: a later change to the same item on the same day was sent instead',
  })
  replacedSameDay: number;
  @ApiProperty({
    example: 0,
    description: 'BR-1: no CMG interest (of a fitting type) registered at send time',
  })
  noInterest: number;
  @ApiProperty({ example: 0, description: 'Made by CMG’s own update: never broadcast back' })
  madeByCmg: number;
  @ApiProperty({ example: 0, description: 'The record was deleted by send time' }) personDeleted: number;
}

/** One day's broadcast run. */
export class BroadcastRunView {
  @ApiProperty({ type: String, format: 'date', example: '2026-11-20' }) day: IsoDate;
  @ApiProperty({ example: '2026-11-22T00:00:00.000Z', description: 'When the day became due (BR-2)' })
  dueAt: Date;
  @ApiProperty({ example: '2026-11-22T00:00:05.000Z' }) ranAt: Date;
  @ApiProperty({ example: false, description: 'The day had been run before; nothing was done now' })
  alreadyRun: boolean;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null when nothing was to be sent',
  })
  batchId: string | null;
  @ApiProperty({ example: 3 }) transactionCount: number;
  @ApiProperty({ type: RunExclusionsView }) excluded: RunExclusionsView;
}

/** Answer of `POST /admin/broadcasts/run`. */
export class RunResultView {
  @ApiProperty({ example: '2026-11-22T09:00:00.000Z', description: 'The simulator’s clock' }) now: Date;
  @ApiProperty({
    type: String,
    format: 'date',
    example: '2026-11-20',
    description: 'The latest day whose broadcast is due now',
  })
  lastDueDay: IsoDate;
  @ApiProperty({ type: [BroadcastRunView] }) runs: BroadcastRunView[];
}

/** One attempt to deliver a copy of a batch. */
export class DeliveryAttemptView {
  @ApiProperty({ example: 1, description: '1, or 2 for the duplicate of "send the next batch twice"' })
  copy: number;
  @ApiProperty({ example: '2026-11-22T00:00:06.000Z' }) attemptedAt: Date;
  @ApiProperty({ nullable: true, type: Number, example: 202 }) statusCode: number | null;
  @ApiProperty({ enum: ATTEMPT_OUTCOMES, example: 'acknowledged' }) outcome: AttemptOutcome;
  @ApiProperty({ nullable: true, type: String, example: null }) detail: string | null;
  @ApiProperty({ example: 12 }) durationMs: number;
}

/** A batch and its delivery state. */
export class BatchSummaryView {
  @ApiProperty({ format: 'uuid' }) batchId: string;
  @ApiProperty({ type: String, format: 'date', example: '2026-11-20' }) day: IsoDate;
  @ApiProperty({ example: '2026-11-22T00:00:05.000Z' }) generatedAt: Date;
  @ApiProperty({ example: 3 }) transactionCount: number;
  @ApiProperty({ enum: BATCH_STATUSES, example: 'acknowledged' }) status: BatchStatus;
  @ApiProperty({ example: 1 }) copies: number;
  @ApiProperty({ example: 1 }) acknowledgedCopies: number;
  @ApiProperty({ nullable: true, type: Date }) acknowledgedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) failedAt: Date | null;
  @ApiProperty({ example: 2 }) attemptCount: number;
  @ApiProperty({ type: DeliveryAttemptView, nullable: true }) lastAttempt: DeliveryAttemptView | null;
}

/** A batch with the exact body delivered and every delivery attempt. */
export class BatchDetailView extends BatchSummaryView {
  @ApiProperty({ type: CisBroadcastBatchDto }) body: CisBroadcastBatchDto;
  @ApiProperty({ type: [DeliveryAttemptView], description: 'Oldest first' }) attempts: DeliveryAttemptView[];
}

/** Query of `GET /admin/broadcasts/batches`. */
export class ListBatchesQuery {
  @ApiPropertyOptional({ enum: BATCH_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(BATCH_STATUSES)
  status?: BatchStatus;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, description: 'Newest first (default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
