import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, ApiProblems, Roles, UuidParamPipe } from '@cms/platform';
import {
  BatchListQuery,
  BroadcastAcceptedView,
  BroadcastBatchDto,
  BroadcastBatchListView,
  BroadcastBatchView,
  BroadcastTransactionPageView,
  TransactionPageQuery,
} from './broadcast.dto';
import { type BroadcastBatchInput, BroadcastBatchPipe } from './broadcast-batch.input';
import { BroadcastsService } from './broadcasts.service';

const STAFF = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;

/** CIS - Receive Broadcast Updates (BR-1..BR-9). */
@ApiTags('broadcasts')
@Controller('broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post()
  @HttpCode(202)
  @Roles('system')
  @Access.systemOnly("CIS's daily broadcast batch, delivered with a service token")
  @ApiOperation({
    summary:
      "CIS's daily broadcast batch: stored with every transaction before it is acknowledged, then matched and raised in the background (BR-1..BR-9). A batch or transaction id received before raises nothing new.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The batch id' })
  @ApiBody({ type: BroadcastBatchDto })
  @ApiAcceptedResponse({ type: BroadcastAcceptedView })
  receive(
    @Body(BroadcastBatchPipe) dto: BroadcastBatchInput,
    @Headers('idempotency-key') key?: string,
  ): Promise<BroadcastAcceptedView> {
    return this.broadcasts.receive(dto, key);
  }

  @Get()
  @Roles(...STAFF)
  @Access.noSubject('batches with their transactions counted by outcome: no citizen data')
  @ApiOperation({ summary: 'The latest broadcast batches with their transactions counted by outcome.' })
  @ApiOkResponse({ type: BroadcastBatchListView })
  list(@Query() q: BatchListQuery): Promise<BroadcastBatchListView> {
    return this.broadcasts.batches(q.limit);
  }

  @Get('unmatched')
  @Roles(...STAFF)
  // BR-7, X-1: a sensitivity update, or a NINO/CRN CIS or CMS holds sensitive, is withheld.
  @Access.list('unmatched-transaction', { items: 'items' })
  @ApiOperation({
    summary:
      'Transactions that matched no live enquiry, application or case (BR-5), newest first: kept, never dropped.',
  })
  @ApiOkResponse({ type: BroadcastTransactionPageView })
  unmatched(@Query() q: TransactionPageQuery): Promise<BroadcastTransactionPageView> {
    return this.broadcasts.unmatched(q);
  }

  @Get(':batchId')
  @Roles(...STAFF)
  @Access.noSubject("a batch's status and its transactions counted by outcome: no citizen data")
  @ApiOperation({
    summary:
      'A batch: status and its transactions counted by outcome (sr-raised, letter-issued, unmatched, duplicate-ignored, failed, pending).',
  })
  @ApiOkResponse({ type: BroadcastBatchView })
  @ApiProblems(404)
  get(@Param('batchId', UuidParamPipe) batchId: string): Promise<BroadcastBatchView> {
    return this.broadcasts.batch(batchId);
  }

  @Get(':batchId/transactions')
  @Roles(...STAFF)
  // BR-7, X-1: a sensitivity update, a sensitive matched client or NINO/CRN is withheld.
  @Access.list('broadcast-transaction', { items: 'items' })
  @ApiOperation({
    summary:
      "A batch's transactions in order with their outcomes (the SR raised, the letter issued, or why not).",
  })
  @ApiOkResponse({ type: BroadcastTransactionPageView })
  @ApiProblems(404)
  transactions(
    @Param('batchId', UuidParamPipe) batchId: string,
    @Query() q: TransactionPageQuery,
  ): Promise<BroadcastTransactionPageView> {
    return this.broadcasts.transactions(batchId, q);
  }
}
