import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Clock, DomainValidationError, NotFoundError } from '@cms/domain';
import { CLOCK, CONFIG, JobQueue, recordAudit, timeOrderedUuid } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { CisInterfaceConfig } from '../config';
import { BROADCAST_CHUNK_QUEUE, type BroadcastChunkJob } from '../jobs';
import { copyIntakeRows } from './broadcast-copy';
import { decideIntake, itemDayKey, parseTransaction } from './broadcast-rules';
import {
  type BroadcastAcceptedView,
  type BroadcastBatchListView,
  type BroadcastBatchView,
  type BroadcastTransactionPageView,
  emptyCounts,
  type OutcomeCountsView,
  toBatchView,
  toTransactionView,
  type TransactionPageQuery,
} from './broadcast.dto';
import { BroadcastBatch, BroadcastTransaction, BroadcastUnmatched } from './broadcast.entity';
import type { BroadcastBatchInput } from './broadcast-batch.input';

/** A UUID derived from `text` (stable job ids: the same batch chunk is one job). */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * CIS - Receive Broadcast Updates, step 1: receives a day's batch and stores it with each
 * transaction durably before acknowledging (202), ignoring transaction ids seen before and, by
 * BR-3, earlier changes to the same item on the same day; writes one chunk job per
 * `BROADCAST_CHUNK_SIZE` transactions in the same transaction, which match and raise them (steps
 * 2–5, see BroadcastProcessor). Also the read side: batches with counts by outcome, transactions,
 * unmatched transactions.
 */
@Injectable()
export class BroadcastsService {
  private readonly logger = new Logger(BroadcastsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CisInterfaceConfig,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Stores a batch and its transactions (BR-1..BR-4) and queues their processing, all in one
   * transaction; a batch id received before changes nothing but its receipt count.
   * @throws DomainValidationError when the Idempotency-Key is not the batch id
   */
  async receive(
    dto: BroadcastBatchInput,
    idempotencyKey: string | undefined,
  ): Promise<BroadcastAcceptedView> {
    if (idempotencyKey !== undefined && idempotencyKey.toLowerCase() !== dto.batchId.toLowerCase()) {
      throw new DomainValidationError([
        {
          field: 'Idempotency-Key',
          rule: 'idempotency-key',
          message: 'The Idempotency-Key must be the batch id.',
        },
      ]);
    }
    const batchId = dto.batchId.toLowerCase();
    const accepted: BroadcastAcceptedView = {
      batchId,
      status: 'accepted',
      statusUrl: `/broadcasts/${batchId}`,
    };
    // A resend (CIS retries until it gets a 2xx) is answered at once, without checking it again.
    if (await this.db.manager.existsBy(BroadcastBatch, { id: batchId })) {
      await this.db.manager.increment(BroadcastBatch, { id: batchId }, 'timesReceived', 1);
      return accepted;
    }
    const started = Date.now();
    const parsed = dto.transactions.map((t, i) => parseTransaction(t, i, batchId));
    const parsedAt = Date.now();
    const now = this.clock.now();
    // Phase timings of the intake, in ms (debug log).
    const phases: Record<string, number> = {};
    let phaseStart = Date.now();
    const phase = (name: string) => {
      phases[name] = Date.now() - phaseStart;
      phaseStart = Date.now();
    };
    await this.db.transaction(async (m) => {
      // One intake at a time: duplicates across batches are then found reliably.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('cis-interface:broadcast-intake'))`);
      const existing = await m.findOneBy(BroadcastBatch, { id: batchId });
      if (existing) {
        await m.increment(BroadcastBatch, { id: batchId }, 'timesReceived', 1);
        return;
      }
      // The two look-ups at once, each on a connection of its own (two PostgreSQL backends, the
      // intake's largest wait after the COPY, issue 17). What they read is what this transaction
      // would read: rows committed by earlier intakes, which the lock above keeps from changing.
      const [seen, latest] = await Promise.all([
        this.seenBefore(
          this.db.manager,
          parsed.map((t) => t.transactionId),
        ),
        this.latestStored(
          this.db.manager,
          parsed.filter((t) => t.valid),
        ),
      ]);
      phase('lookupMs');
      const decisions = decideIntake(parsed, seen, latest);
      // Time-ordered (UUID version 7): a batch's rows go to the right-hand end of the primary-key
      // index, together (issue 17: random ids touched a random index page a row).
      const ids = Array.from({ length: parsed.length }, () => timeOrderedUuid());
      let pending = 0;
      const chunks = decisions.map((d) =>
        d.outcome === 'pending' ? Math.floor(pending++ / this.config.BROADCAST_CHUNK_SIZE) : -1,
      );
      const chunkCount = Math.ceil(pending / this.config.BROADCAST_CHUNK_SIZE);
      const counts = emptyCounts();
      decisions.forEach((d) => counts[d.outcome]++);
      await m.insert(BroadcastBatch, {
        id: batchId,
        generatedAt: new Date(dto.generatedAt),
        receivedAt: now,
        timesReceived: 1,
        transactionCount: parsed.length,
        chunkCount,
        status: pending ? 'accepted' : 'processed',
        processedAt: pending ? null : now,
        pendingCount: counts.pending,
        srRaisedCount: 0,
        letterIssuedCount: 0,
        unmatchedCount: 0,
        duplicateIgnoredCount: counts['duplicate-ignored'],
        failedCount: counts.failed,
      });
      // COPY (issue 17): PostgreSQL reads the rows as they stream, where the one JSON text of
      // json_to_recordset was parsed whole, then every field converted.
      await copyIntakeRows(
        m,
        parsed.map((t, i) => {
          const d = decisions[i];
          return {
            id: ids[i],
            batchId,
            seq: t.seq,
            chunk: chunks[i],
            transactionId: t.transactionId,
            duplicateOf: d.duplicateOfRowId ?? (d.duplicateOfSeq !== null ? ids[d.duplicateOfSeq] : null),
            referenceKind: t.referenceKind,
            reference: t.reference,
            changeType: t.changeType,
            item: t.item,
            recordedAt: t.recordedAt,
            recordedDay: t.recordedDay,
            payload: t.payload,
            interestTypes: t.interestTypes,
            outcome: d.outcome,
            reason: d.reason,
            problems: t.problems.length ? t.problems : null,
            receivedAt: now,
            processedAt: d.outcome === 'pending' ? null : now,
          };
        }),
      );
      phase('insertMs');
      // One statement for every chunk job (issue 17: one round trip each was ~0.2 s of the intake).
      await this.jobs.sendManyInTransaction<BroadcastChunkJob>(
        m,
        BROADCAST_CHUNK_QUEUE,
        Array.from({ length: chunkCount }, (_, chunk) => ({
          payload: { batchId, chunk },
          id: uuidFrom(`${batchId}:${chunk}`),
        })),
      );
      phase('jobsMs');
      await recordAudit(m, {
        entityType: 'broadcast-batch',
        entityId: batchId,
        action: 'received',
        after: { transactionCount: parsed.length, chunkCount, counts },
        source: 'cis-broadcast',
      });
    });
    phase('auditAndCommitMs');
    // Committed: this replica's chunk workers start now, not at their next poll.
    this.jobs.nudge(BROADCAST_CHUNK_QUEUE);
    this.logger.debug(
      {
        batchId,
        transactions: parsed.length,
        checkMs: parsedAt - started,
        storeMs: Date.now() - parsedAt,
        ...phases,
      },
      'broadcast batch stored',
    );
    return accepted;
  }

  /** A batch with its transactions counted by outcome. @throws NotFoundError */
  async batch(batchId: string): Promise<BroadcastBatchView> {
    const b = await this.db.manager.findOneBy(BroadcastBatch, { id: batchId.toLowerCase() });
    if (!b) throw new NotFoundError('Broadcast batch', batchId);
    return toBatchView(b, countsOf(b));
  }

  /** The latest batches, newest first. */
  async batches(limit = 20): Promise<BroadcastBatchListView> {
    const rows = await this.db.manager.find(BroadcastBatch, { order: { receivedAt: 'DESC' }, take: limit });
    return { batches: rows.map((b) => toBatchView(b, countsOf(b))) };
  }

  /**
   * A batch's transactions in order, optionally of one outcome; keyset pages. The route withholds
   * the nationally sensitive ones from callers without sensitive access (X-1, BR-7). @throws NotFoundError
   */
  async transactions(batchId: string, q: TransactionPageQuery): Promise<BroadcastTransactionPageView> {
    await this.batch(batchId);
    const limit = q.limit ?? 50;
    const qb = this.db.manager
      .createQueryBuilder(BroadcastTransaction, 't')
      .where('t.batch_id = :batchId', { batchId: batchId.toLowerCase() })
      .orderBy('t.seq', 'ASC')
      .take(limit + 1);
    if (q.outcome) qb.andWhere('t.outcome = :outcome', { outcome: q.outcome });
    if (q.after)
      qb.andWhere('t.seq > (SELECT seq FROM broadcast_transaction WHERE id = :after)', { after: q.after });
    return page(await qb.getMany(), limit);
  }

  /**
   * Transactions that matched no live enquiry, application or case (BR-5), newest first; kept,
   * never dropped, for a caseworker to look into. The route withholds the nationally sensitive ones
   * from callers without sensitive access (X-1, BR-7).
   */
  async unmatched(q: TransactionPageQuery): Promise<BroadcastTransactionPageView> {
    const limit = q.limit ?? 50;
    // Listed from broadcast_unmatched (written with each unmatched outcome): no index on outcome.
    const qb = this.db.manager
      .createQueryBuilder(BroadcastTransaction, 't')
      .innerJoin(BroadcastUnmatched, 'u', 'u.transaction_row_id = t.id')
      .where(`t.outcome = 'unmatched'`)
      .orderBy('u.processed_at', 'DESC')
      .addOrderBy('u.transaction_row_id', 'DESC')
      .limit(limit + 1);
    if (q.after) {
      qb.andWhere(
        '(u.processed_at, u.transaction_row_id) < (SELECT processed_at, transaction_row_id FROM broadcast_unmatched WHERE transaction_row_id = :after)',
        { after: q.after },
      );
    }
    return page(await qb.getMany(), limit);
  }

  /**
   * The stored first rows of these transaction ids, by id: one look-up of the unique index a
   * transaction (LATERAL … LIMIT 1), so the cost follows the batch, not the days stored before it
   * (with `transaction_id = ANY($1)` and no statistics the planner may read the whole table).
   */
  private async seenBefore(m: EntityManager, transactionIds: string[]): Promise<Map<string, string>> {
    const rows = await m.query<{ transaction_id: string; id: string }[]>(
      `SELECT t.transaction_id, t.id FROM unnest($1::text[]) AS k(transaction_id)
         JOIN LATERAL (
           SELECT transaction_id, id FROM broadcast_transaction
            WHERE duplicate_of IS NULL AND transaction_id = k.transaction_id LIMIT 1) t ON true`,
      [transactionIds],
    );
    return new Map(rows.map((r) => [r.transaction_id, r.id]));
  }

  /** BR-3 across batches: the latest stored change per person, item and day among those of this batch. */
  private async latestStored(
    m: EntityManager,
    txs: ReturnType<typeof parseTransaction>[],
  ): Promise<Map<string, Date>> {
    const keys = new Map(txs.map((t) => [itemDayKey(t), t]));
    if (!keys.size) return new Map();
    const list = [...keys.values()];
    const rows = await m.query<
      { reference_kind: string; reference: string; item: string; day: string; latest: Date }[]
    >(
      // One look-up of the person-item-day index a key (LATERAL): linear in the batch, whatever
      // the planner would guess of a table without statistics.
      `SELECT k.kind AS reference_kind, k.ref AS reference, k.item, k.day::text AS day, t.latest
         FROM unnest($1::text[], $2::text[], $3::text[], $4::date[]) AS k(kind, ref, item, day)
         JOIN LATERAL (
           SELECT max(recorded_at) AS latest FROM broadcast_transaction
            WHERE reference_kind = k.kind AND reference = k.ref AND item = k.item AND recorded_day = k.day
              AND outcome NOT IN ('duplicate-ignored', 'failed')) t ON t.latest IS NOT NULL`,
      [
        list.map((t) => t.referenceKind),
        list.map((t) => t.reference),
        list.map((t) => t.item),
        list.map((t) => t.recordedDay),
      ],
    );
    return new Map(
      rows.map((r) => [
        itemDayKey({
          referenceKind: r.reference_kind as never,
          reference: r.reference,
          item: r.item as never,
          recordedDay: r.day,
        }),
        new Date(r.latest),
      ]),
    );
  }
}

/** A batch's transactions counted by outcome, as kept on the batch (see BroadcastBatch). */
function countsOf(b: BroadcastBatch): OutcomeCountsView {
  return {
    pending: b.pendingCount,
    'sr-raised': b.srRaisedCount,
    'letter-issued': b.letterIssuedCount,
    unmatched: b.unmatchedCount,
    'duplicate-ignored': b.duplicateIgnoredCount,
    failed: b.failedCount,
  };
}

function page(rows: BroadcastTransaction[], limit: number): BroadcastTransactionPageView {
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  return { items: items.map(toTransactionView), nextCursor: more ? items[items.length - 1].id : null };
}
