import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Actor, Clock, DomainValidationError } from '@cms/domain';
import { ApiProblems, CLOCK, CurrentActor, Roles, Access, at, ApiField } from '@cms/platform';
import { QUEUE_NAMES, slaFor } from '@cms/sr-rules';
import { DataSource } from 'typeorm';
import { visibleServiceRequests } from '../access/access.repository';
import { ServiceRequest } from '../service-requests/service-request.entity';
import { snapshotOf } from '../service-requests/service-request.state';

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

/**
 * Work queues: open SRs per queue ordered by breach time / due date, with their SLA state. SRs are
 * routed by libs/sr-rules (BR-7: everything nationally sensitive to the sensitive case team).
 */
@ApiTags('work-queues')
@Controller('work-queues')
export class WorkQueuesController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Access.list('work-queue', { items: '', subject: { path: 'queue', resource: 'work-queue' } })
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Every queue with its count of open SRs and how many have breached.' })
  @ApiOkResponse({ type: [QueueCountView] })
  async queues(@CurrentActor() actor: Actor): Promise<{ queue: string; open: number; breached: number }[]> {
    // Counts never include an SR the caller may not see.
    const rows = await this.db.query<{ queue: string; open: number; breached: number }[]>(
      `SELECT queue, count(*)::int AS open, count(*) FILTER (WHERE sla_due_at < $1)::int AS breached
         FROM service_request sr WHERE status NOT IN ('Closed', 'Cancelled') AND ${visibleServiceRequests(actor)}
        GROUP BY queue`,
      [this.clock.now()],
    );
    const byQueue = new Map(rows.map((r) => [r.queue, r]));
    // The sensitive case team's queue is withheld from other callers by the access policy (BR-7).
    return QUEUE_NAMES.map((queue) => byQueue.get(queue) ?? { queue, open: 0, breached: 0 });
  }

  @Get(':queue')
  @Access.withRequirement('BR-7', 'read', 'work-queue', at.param('queue'))
  @Access.list('service-request', { items: 'items' })
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'One page of a queue: open SRs, soonest breach first (keyset paginated).' })
  @ApiOkResponse({ type: QueuePageView })
  @ApiProblems(404)
  async page(
    @Param('queue') queue: string,
    @Query() q: QueuePageQuery,
    @CurrentActor() actor: Actor,
  ): Promise<QueuePageView> {
    if (!(QUEUE_NAMES as readonly string[]).includes(queue)) {
      throw new DomainValidationError([
        { field: 'queue', rule: 'isIn', message: `queue must be one of ${QUEUE_NAMES.join(', ')}` },
      ]);
    }
    const limit = q.limit ?? 50;
    const qb = this.db.manager
      .createQueryBuilder(ServiceRequest, 'sr')
      .where('sr.queue = :queue', { queue })
      .andWhere(`sr.status NOT IN ('Closed', 'Cancelled')`)
      .orderBy('sr.sla_due_at', 'ASC')
      .addOrderBy('sr.id', 'ASC')
      .limit(limit + 1);
    qb.andWhere(visibleServiceRequests(actor));
    if (q.after) {
      const [due, id] = decodeCursor(q.after);
      qb.andWhere('(sr.sla_due_at, sr.id) > (:due, :id)', { due, id });
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const now = this.clock.now();
    const last = page[page.length - 1];
    return {
      queue,
      items: page.map((sr) => {
        const sla = slaFor(snapshotOf(sr, [], null, true), now);
        return {
          id: sr.id,
          srNumber: sr.srNumber,
          type: sr.type,
          status: sr.status,
          subStatus: sr.subStatus,
          source: sr.source,
          flag: sr.flag,
          owner: sr.owner,
          dueAt: sr.slaDueAt,
          slaState: sla.state,
          createdAt: sr.createdAt,
        };
      }),
      nextCursor:
        rows.length > limit && last
          ? Buffer.from(`${last.slaDueAt?.toISOString()}|${last.id}`).toString('base64url')
          : null,
    };
  }
}

function decodeCursor(cursor: string): [string, string] {
  const [due, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!due || !id || Number.isNaN(Date.parse(due))) {
    throw new DomainValidationError([
      { field: 'after', rule: 'cursor', message: 'after is not a cursor this API gave out.' },
    ]);
  }
  return [due, id];
}
