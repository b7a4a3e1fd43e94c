import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, Access, at, ApiField } from '@cms/platform';
import { QUEUE_NAMES } from '@cms/sr-rules';
import { WorkQueuesService } from './work-queues.service';

export class QueuePageQuery {
  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'Cursor from the previous page (`nextCursor`)' })
  @IsOptional()
  @IsString()
  after?: string;
}

export class QueueCountView {
  @ApiProperty({ enum: QUEUE_NAMES, example: 'security-details' }) queue: string;
  @ApiProperty({ example: 12, description: 'Open SRs the caller may see' }) open: number;
  @ApiProperty({ example: 1, description: 'Of those, past their SLA' }) breached: number;
}

export class QueueItemView {
  @ApiField({ type: 'uuid' }) id: string;
  @ApiProperty({ example: '1-1000001' }) srNumber: string;
  @ApiProperty() type: string;
  @ApiProperty() status: string;
  @ApiField({ type: 'string', nullable: true }) subStatus: string | null;
  @ApiProperty() source: string;
  @ApiField({ type: 'string', nullable: true }) flag: string | null;
  @ApiField({ type: 'string', nullable: true }) owner: string | null;
  @ApiField({ type: 'date-time', nullable: true }) dueAt: Date | null;
  @ApiProperty({ enum: ['on time', 'due soon', 'breached', 'none'] }) slaState: string;
  @ApiProperty() createdAt: Date;
}

export class QueuePageView {
  @ApiProperty() queue: string;
  @ApiProperty({ type: [QueueItemView] }) items: QueueItemView[];
  @ApiField({ type: 'string', nullable: true }) nextCursor: string | null;
}

/** Work queues: open SRs per queue, soonest breach first, with their SLA state (WorkQueuesService). */
@ApiTags('work-queues')
@Controller('work-queues')
export class WorkQueuesController {
  constructor(private readonly workQueues: WorkQueuesService) {}

  @Get()
  @Access.list('work-queue', { items: '', subject: { path: 'queue', resource: 'work-queue' } })
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Every queue with its count of open SRs and how many have breached.' })
  @ApiOkResponse({ type: [QueueCountView] })
  queues(@CurrentActor() actor: Actor): Promise<{ queue: string; open: number; breached: number }[]> {
    return this.workQueues.summary(actor);
  }

  @Get(':queue')
  @Access.withRequirement('BR-7', 'read', 'work-queue', at.param('queue'))
  @Access.list('service-request', { items: 'items' })
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'One page of a queue: open SRs, soonest breach first (keyset paginated).' })
  @ApiOkResponse({ type: QueuePageView })
  @ApiProblems(404)
  page(
    @Param('queue') queue: string,
    @Query() q: QueuePageQuery,
    @CurrentActor() actor: Actor,
  ): Promise<QueuePageView> {
    return this.workQueues.page(queue, q, actor);
  }
}
