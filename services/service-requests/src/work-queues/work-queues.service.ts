import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, DomainValidationError } from '@cms/domain';
import { CLOCK } from '@cms/platform';
import { QUEUE_NAMES, slaFor } from '@cms/sr-rules';
import { DataSource } from 'typeorm';
import { visibleServiceRequests } from '../access/access.repository';
import { ServiceRequest } from '../service-requests/service-request.entity';
import { snapshotOf } from '../service-requests/service-request.state';
import type { QueuePageQuery, QueuePageView } from './work-queues.controller';

/**
 * Work queues: open SRs per queue ordered by breach time / due date, with their SLA state. SRs are
 * routed by libs/sr-rules (BR-7: everything nationally sensitive to the sensitive case team).
 */
@Injectable()
export class WorkQueuesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Every queue with its count of open SRs and how many have breached, of the SRs `actor` may see. */
  async summary(actor: Actor): Promise<{ queue: string; open: number; breached: number }[]> {
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

  /** One page of a queue: open SRs, soonest breach first (keyset paginated). @throws DomainValidationError */
  async page(queue: string, q: QueuePageQuery, actor: Actor): Promise<QueuePageView> {
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
