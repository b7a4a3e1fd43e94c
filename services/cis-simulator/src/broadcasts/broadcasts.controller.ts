import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ApiProblems, Roles, UuidParamPipe } from '@cms/platform';
import {
  BatchDetailView,
  BatchSummaryView,
  ListBatchesQuery,
  RunBroadcastDto,
  RunResultView,
} from './broadcast.dto';
import { BroadcastsService } from './broadcasts.service';

/** Admin: the daily broadcast runs (BR-1..BR-4) and the delivery of their batches to cis-interface. */
@ApiTags('admin')
@Controller('admin/broadcasts')
export class BroadcastsController {
  constructor(private readonly broadcasts: BroadcastsService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: runs the simulated CIS’s daily broadcast (BR-2)')
  @ApiOperation({
    summary: 'Run the daily broadcast for a due day, or for every due day not run yet (BR-2).',
    description:
      'Changes are grouped by the UK day they were recorded on; the batch for day D is due 24 hours after D ends ' +
      '(00:00 UK time on D+2), so every change is sent at least 24 hours after it was recorded, seven days a week. ' +
      'Per person and item only the day’s latest change is sent (BR-3), one transaction per item (BR-4), only ' +
      'with a CMG interest registered at run time (BR-1). A day is run once; the scheduler runs due days by itself. ' +
      '422 BROADCAST_NOT_DUE for a day not due yet.',
  })
  @ApiOkResponse({ type: RunResultView })
  @ApiProblems(422)
  run(@Body() dto: RunBroadcastDto): Promise<RunResultView> {
    return this.broadcasts.run(dto.day);
  }

  @Get('batches')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: the simulated CIS’s broadcast batches and their delivery')
  @ApiOperation({ summary: 'List broadcast batches and their delivery state, newest first.' })
  @ApiOkResponse({ type: [BatchSummaryView] })
  list(@Query() q: ListBatchesQuery): Promise<BatchSummaryView[]> {
    return this.broadcasts.listBatches(q);
  }

  @Get('batches/:batchId')
  @Roles('system')
  @Access.systemOnly('CIS simulator admin: one broadcast batch as delivered, with its attempts')
  @ApiOperation({
    summary: 'One batch: the exact body delivered (CisBroadcastBatch) and every delivery attempt.',
  })
  @ApiOkResponse({ type: BatchDetailView })
  @ApiProblems(404)
  get(@Param('batchId', UuidParamPipe) batchId: string): Promise<BatchDetailView> {
    return this.broadcasts.batch(batchId);
  }
}
