import { ApiField, FieldProblemView } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import { CIS_CHANGE_TYPE_INFO, CIS_CHANGE_TYPES, INTEREST_TYPES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { CisChangeType, PersonReferenceKind } from '@cms/domain';
import {
  BATCH_STATUSES,
  type BatchStatus,
  type BroadcastBatch,
  type BroadcastTransaction,
  TRANSACTION_OUTCOMES,
  type TransactionOutcome,
} from './broadcast.entity';

/** Most transactions accepted in one batch (a day's broadcast). */
export const MAX_BATCH_TRANSACTIONS = 250_000;

/** One transaction as CIS sends it (validated in the service with `validateCisChange`). */
export class BroadcastTransactionDoc {
  @ApiProperty({
    example: '5d0c7c4e-2f4b-4bb6-8f3e-7a4f0e6b9d21',
    description: "CIS's stable transaction id",
  })
  transactionId: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C' }) reference: string;
  @ApiProperty({
    enum: CIS_CHANGE_TYPES,
    example: 'ADDRESS_CHANGE',
    description: 'BR-6; equals payload.type',
  })
  changeType: CisChangeType;
  @ApiField({
    type: 'object',
    description: 'A CisChange (@cms/domain) of that type',
    example: {
      type: 'ADDRESS_CHANGE',
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-11-01',
    },
  })
  payload: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', example: '2026-11-20T10:15:00.000Z' }) recordedAt: string;
  @ApiProperty({ enum: INTEREST_TYPES, isArray: true, example: ['NRP_GENERAL'] }) interestTypes: string[];
}

/** Body of `POST /broadcasts`: one daily broadcast batch from CIS (BR-1, BR-2). Documentation: the body is checked by the compiled schema of BroadcastBatchPipe (broadcast-batch.input.ts), which says the same. */
export class BroadcastBatchDto {
  @ApiProperty({
    format: 'uuid',
    example: 'c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10',
    description: 'Also the Idempotency-Key',
  })
  @IsUUID()
  batchId: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-22T00:00:05.000Z' })
  @IsISO8601()
  generatedAt: string;

  @ApiProperty({
    type: [BroadcastTransactionDoc],
    description:
      'At least one. Each is checked on its own: an invalid one is stored with outcome `failed` and its field problems, never dropped.',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_TRANSACTIONS)
  @IsObject({ each: true })
  transactions: Record<string, unknown>[];
}

/** Answer of `POST /broadcasts` (202): stored durably, processed in the background. */
export class BroadcastAcceptedView {
  @ApiProperty({ format: 'uuid', example: 'c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10' }) batchId: string;
  @ApiProperty({ enum: ['accepted'], example: 'accepted' }) status: 'accepted';
  @ApiProperty({ example: '/broadcasts/c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10' }) statusUrl: string;
}

/** Transactions of a batch by outcome. */
export class OutcomeCountsView {
  @ApiProperty({ example: 0 }) pending: number;
  @ApiProperty({ example: 95 }) 'sr-raised': number;
  @ApiProperty({ example: 2 }) 'letter-issued': number;
  @ApiProperty({ example: 1 }) unmatched: number;
  @ApiProperty({ example: 2 }) 'duplicate-ignored': number;
  @ApiProperty({ example: 0 }) failed: number;
}

/** A broadcast batch and how far it has been processed (BR). */
export class BroadcastBatchView {
  @ApiProperty({ format: 'uuid', example: 'c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10' }) batchId: string;
  @ApiProperty({ example: '2026-11-22T00:00:05.000Z' }) generatedAt: Date;
  @ApiProperty({ example: '2026-11-22T00:00:06.000Z' }) receivedAt: Date;
  @ApiProperty({ example: 1, description: 'How many times CIS sent it; a resend changes nothing' })
  timesReceived: number;
  @ApiProperty({ example: 100 }) transactionCount: number;
  @ApiProperty({ enum: BATCH_STATUSES, example: 'processed' }) status: BatchStatus;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-22T00:00:09.000Z' }) processedAt: Date | null;
  @ApiProperty({ type: OutcomeCountsView }) counts: OutcomeCountsView;
}

/** Answer of `GET /broadcasts`. */
export class BroadcastBatchListView {
  @ApiProperty({ type: [BroadcastBatchView], description: 'Newest first' }) batches: BroadcastBatchView[];
}

/** The SR a transaction raised (BR-6, BR-7). */
export class RaisedSrView {
  @ApiProperty({ format: 'uuid', example: '5b0c3f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ example: '1-1000042' }) srNumber: string;
  @ApiProperty({ example: 'cis-changes', description: 'Work queue it was routed to (BR-7)' }) queue: string;
  @ApiProperty({
    example: 'Open',
    description: 'Cancelled at once when CMS already holds the information (BR-9)',
  })
  status: string;
}

/** One broadcast transaction and its outcome. */
export class BroadcastTransactionView {
  @ApiProperty({ format: 'uuid', example: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b' }) id: string;
  @ApiProperty({ example: '5d0c7c4e-2f4b-4bb6-8f3e-7a4f0e6b9d21' }) transactionId: string;
  @ApiProperty({ format: 'uuid', example: 'c2b0a0b4-8f5e-4f55-9b4e-3f7d8f1d2a10' }) batchId: string;
  @ApiProperty({ example: 0 }) seq: number;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, nullable: true, example: 'NINO' })
  referenceKind: PersonReferenceKind | null;
  @ApiProperty({ nullable: true, type: String, example: 'JK123456C' }) reference: string | null;
  @ApiProperty({ enum: CIS_CHANGE_TYPES, nullable: true, example: 'ADDRESS_CHANGE' })
  changeType: CisChangeType | null;
  @ApiProperty({ nullable: true, type: String, example: 'Address change' }) changeLabel: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'address' }) item: string | null;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-20T10:15:00.000Z' }) recordedAt: Date | null;
  @ApiField({
    type: 'object',
    nullable: true,
    example: {
      type: 'ADDRESS_CHANGE',
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-11-01',
    },
  })
  payload: Record<string, unknown> | null;
  @ApiProperty({ enum: TRANSACTION_OUTCOMES, example: 'sr-raised' }) outcome: TransactionOutcome;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Why it was ignored, unmatched or failed',
  })
  reason: string | null;
  @ApiField({
    type: [FieldProblemView],
    nullable: true,
    example: null,
    description: 'Field problems of an invalid transaction',
  })
  problems: FieldProblemView[] | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'uuid',
    example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11',
  })
  clientId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'NRP' }) clientRole: string | null;
  @ApiProperty({ type: [String], example: ['6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11'] }) caseIds: string[];
  @ApiProperty({
    example: false,
    description:
      'A matched case is nationally sensitive, or the change is a sensitivity update: shown only with sensitive access (X-1)',
  })
  nationallySensitive: boolean;
  @ApiProperty({ type: RaisedSrView, nullable: true }) serviceRequest: RaisedSrView | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'BR-8: the MOPF letter issued' })
  letterId: string | null;
  @ApiProperty({ example: '2026-11-22T00:00:06.000Z' }) receivedAt: Date;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-22T00:00:07.000Z' }) processedAt: Date | null;
}

/** A page of transactions. */
export class BroadcastTransactionPageView {
  @ApiProperty({ type: [BroadcastTransactionView] }) items: BroadcastTransactionView[];
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'Pass as `after` for the next page',
  })
  nextCursor: string | null;
}

/** Query of the transaction lists. */
export class TransactionPageQuery {
  @ApiPropertyOptional({ enum: TRANSACTION_OUTCOMES, example: 'unmatched' })
  @IsOptional()
  @IsIn(TRANSACTION_OUTCOMES)
  outcome?: TransactionOutcome;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    example: '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    description: '`nextCursor` of the previous page',
  })
  @IsOptional()
  @IsUUID()
  after?: string;
}

/** Query of `GET /broadcasts`. */
export class BatchListQuery {
  @ApiPropertyOptional({ example: 20, minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export function emptyCounts(): OutcomeCountsView {
  return { pending: 0, 'sr-raised': 0, 'letter-issued': 0, unmatched: 0, 'duplicate-ignored': 0, failed: 0 };
}

export function toBatchView(b: BroadcastBatch, counts: OutcomeCountsView): BroadcastBatchView {
  return {
    batchId: b.id,
    generatedAt: b.generatedAt,
    receivedAt: b.receivedAt,
    timesReceived: b.timesReceived,
    transactionCount: b.transactionCount,
    status: b.status,
    processedAt: b.processedAt,
    counts,
  };
}

export function toTransactionView(t: BroadcastTransaction): BroadcastTransactionView {
  return {
    id: t.id,
    transactionId: t.transactionId,
    batchId: t.batchId,
    seq: t.seq,
    referenceKind: t.referenceKind,
    reference: t.reference,
    changeType: t.changeType,
    changeLabel: t.changeType ? CIS_CHANGE_TYPE_INFO[t.changeType].label : null,
    item: t.item,
    recordedAt: t.recordedAt,
    payload: t.payload,
    outcome: t.outcome,
    reason: t.reason,
    problems: t.problems as FieldProblemView[] | null,
    clientId: t.clientId,
    clientRole: t.clientRole,
    caseIds: t.caseIds,
    nationallySensitive: t.nationallySensitive,
    serviceRequest:
      t.srId && t.srNumber
        ? { id: t.srId, srNumber: t.srNumber, queue: t.srQueue ?? '', status: t.srStatus ?? '' }
        : null,
    letterId: t.letterId,
    receivedAt: t.receivedAt,
    processedAt: t.processedAt,
  };
}
