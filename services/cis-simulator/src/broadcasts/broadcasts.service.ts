import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CIS_CHANGE_TYPE_INFO,
  DomainError,
  DomainValidationError,
  INTEREST_TYPE_INFO,
  isoDateProblem,
  type Clock,
  type IsoDate,
} from '@cms/domain';
import { CLOCK, JobQueue } from '@cms/platform';
import { DataSource, EntityManager, In } from 'typeorm';
import { CisChangeRecord, type BroadcastOutcome } from '../changes/cis-change.entity';
import { FaultsService } from '../faults/faults.service';
import type { InterestRegistration } from '../interests/interest.entity';
import { Person } from '../persons/person.entity';
import { activeInterestsOf } from '../persons/persons.service';
import type {
  BatchDetailView,
  BatchSummaryView,
  BroadcastRunView,
  DeliveryAttemptView,
  ListBatchesQuery,
  RunResultView,
} from './broadcast.dto';
import {
  BroadcastBatch,
  BroadcastDeliveryAttempt,
  BroadcastRun,
  type RunExclusions,
} from './broadcast.entity';
import { broadcastDueAt, isBroadcastDue, lastDueDay } from './broadcast-schedule';
import type { CisBroadcastTransaction } from './broadcast.types';

/** pg-boss queue that delivers broadcast batches to cis-interface. */
export const BROADCAST_QUEUE = 'cis-broadcast-delivery';

const NO_EXCLUSIONS: RunExclusions = { replacedSameDay: 0, noInterest: 0, madeByCmg: 0, personDeleted: 0 };

/** Payload of a delivery job: which batch, and which copy (2 for the "send twice" duplicate). */
export interface DeliveryJob {
  batchId: string;
  copy: number;
}

/** The interest types of `interests` that a change of `type` concerns (benefit changes: paying parent interests only). */
function interestTypesFor(type: CisChangeRecord['changeType'], interests: InterestRegistration[]) {
  const roles = CIS_CHANGE_TYPE_INFO[type].roles;
  return interests
    .filter((i) => INTEREST_TYPE_INFO[i.interestType].roles.some((r) => roles.includes(r)))
    .map((i) => i.interestType);
}

function toRunView(run: BroadcastRun, alreadyRun: boolean): BroadcastRunView {
  return {
    day: run.day,
    dueAt: broadcastDueAt(run.day),
    ranAt: run.ranAt,
    alreadyRun,
    batchId: run.batchId,
    transactionCount: run.transactionCount,
    excluded: { ...NO_EXCLUSIONS, ...(run.excluded as Partial<RunExclusions>) },
  };
}

function toAttemptView(a: BroadcastDeliveryAttempt): DeliveryAttemptView {
  return {
    copy: a.copy,
    attemptedAt: a.attemptedAt,
    statusCode: a.statusCode,
    outcome: a.outcome,
    detail: a.detail,
    durationMs: a.durationMs,
  };
}

/**
 * The daily broadcast (CIS - Receive Broadcast Updates, step 1): for a due UK day (BR-2, see
 * broadcast-schedule), the latest change of each item of each person that day (BR-3), one
 * transaction per item (BR-4), only for persons with a fitting CMG interest registered when the
 * batch is made (BR-1, RI-2), never CMG's own updates. The batch and its delivery job are written
 * in one transaction; BroadcastDeliveryService delivers it until cis-interface acknowledges it.
 */
@Injectable()
export class BroadcastsService {
  private readonly logger = new Logger(BroadcastsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly faults: FaultsService,
  ) {}

  /**
   * Runs the broadcast for `day`, or, without it, for every due day with changes not yet broadcast.
   * A day already run is not run again (`alreadyRun`).
   * @throws DomainValidationError for a malformed day; DomainError BROADCAST_NOT_DUE (422, BR-2) for a day not due yet
   */
  async run(day?: IsoDate): Promise<RunResultView> {
    const now = this.clock.now();
    const last = lastDueDay(now);
    if (day !== undefined) {
      const problem = isoDateProblem(day, 'day');
      if (problem) throw new DomainValidationError([problem]);
      if (!isBroadcastDue(day, now)) {
        throw new DomainError(
          'BROADCAST_NOT_DUE',
          'precondition',
          `Changes recorded on ${day} are broadcast from ${broadcastDueAt(day).toISOString()}, 24 hours after the day ends.`,
          { requirementId: 'BR-2', extra: { dueAt: broadcastDueAt(day).toISOString() } },
        );
      }
      return { now, lastDueDay: last, runs: [await this.runDay(day, now)] };
    }
    const days = await this.db.query<{ day: string }[]>(
      `SELECT DISTINCT day::text AS day FROM cis_change WHERE broadcast_outcome IS NULL AND day <= $1 ORDER BY day`,
      [last],
    );
    const runs: BroadcastRunView[] = [];
    for (const d of days) runs.push(await this.runDay(d.day, now));
    return { now, lastDueDay: last, runs };
  }

  /** Batches, newest first. */
  async listBatches(q: ListBatchesQuery): Promise<BatchSummaryView[]> {
    const batches = await this.db.manager.find(BroadcastBatch, {
      where: q.status ? { status: q.status } : {},
      order: { generatedAt: 'DESC' },
      take: q.limit ?? 50,
    });
    const attempts = batches.length
      ? await this.db.manager.find(BroadcastDeliveryAttempt, {
          where: { batchId: In(batches.map((b) => b.id)) },
          order: { attemptedAt: 'ASC' },
        })
      : [];
    return batches.map((b) =>
      this.summary(
        b,
        attempts.filter((a) => a.batchId === b.id),
      ),
    );
  }

  /** One batch with its body and every delivery attempt. @throws DomainError BATCH_NOT_FOUND (404) */
  async batch(batchId: string): Promise<BatchDetailView> {
    const batch = await this.db.manager.findOneBy(BroadcastBatch, { id: batchId });
    if (!batch)
      throw new DomainError('BATCH_NOT_FOUND', 'not-found', `Broadcast batch ${batchId} was not found.`);
    const attempts = await this.db.manager.find(BroadcastDeliveryAttempt, {
      where: { batchId },
      order: { attemptedAt: 'ASC' },
    });
    return { ...this.summary(batch, attempts), body: batch.body, attempts: attempts.map(toAttemptView) };
  }

  private summary(b: BroadcastBatch, attempts: BroadcastDeliveryAttempt[]): BatchSummaryView {
    const last = attempts.at(-1);
    return {
      batchId: b.id,
      day: b.day,
      generatedAt: b.generatedAt,
      transactionCount: b.transactionCount,
      status: b.status,
      copies: b.copies,
      acknowledgedCopies: b.acknowledgedCopies,
      acknowledgedAt: b.acknowledgedAt,
      failedAt: b.failedAt,
      attemptCount: attempts.length,
      lastAttempt: last ? toAttemptView(last) : null,
    };
  }

  private async runDay(day: IsoDate, now: Date): Promise<BroadcastRunView> {
    let duplicated = false;
    const view = await this.db.transaction(async (m) => {
      // Claim the day first: a concurrent run (scheduler and admin) waits here and then finds it taken.
      const claimed = await m.query<{ day: string }[]>(
        `INSERT INTO broadcast_run (day, ran_at, transaction_count, excluded) VALUES ($1, $2, 0, '{}')
         ON CONFLICT (day) DO NOTHING RETURNING day::text AS day`,
        [day, now],
      );
      if (!claimed.length) return toRunView(await m.findOneByOrFail(BroadcastRun, { day }), true);
      const { transactions, outcomes, excluded } = await this.collect(m, day);
      let batchId: string | null = null;
      if (transactions.length) {
        batchId = randomUUID();
        duplicated = this.faults.duplicateNextBatch();
        const copies = duplicated ? 2 : 1;
        await m.insert(BroadcastBatch, {
          id: batchId,
          day,
          generatedAt: now,
          body: { batchId, generatedAt: now.toISOString(), transactions },
          transactionCount: transactions.length,
          status: 'pending',
          copies,
          acknowledgedCopies: 0,
          acknowledgedAt: null,
          failedAt: null,
        });
        await this.jobs.sendInTransaction<DeliveryJob>(m, BROADCAST_QUEUE, { batchId, copy: 1 }, batchId);
        if (copies === 2) {
          await this.jobs.sendInTransaction<DeliveryJob>(
            m,
            BROADCAST_QUEUE,
            { batchId, copy: 2 },
            randomUUID(),
          );
        }
      }
      for (const [outcome, ids] of outcomes) {
        await m.update(
          CisChangeRecord,
          { id: In(ids) },
          { broadcastOutcome: outcome, broadcastBatchId: outcome === 'sent' ? batchId : null },
        );
      }
      await m.update(BroadcastRun, { day }, { batchId, transactionCount: transactions.length, excluded });
      return toRunView(await m.findOneByOrFail(BroadcastRun, { day }), false);
    });
    if (duplicated) this.faults.duplicateApplied();
    if (view.batchId)
      this.logger.log(`Broadcast for ${day}: batch ${view.batchId}, ${view.transactionCount} transaction(s)`);
    return view;
  }

  /** The transactions of `day` and what happened to each change of the day (BR-1, BR-3, BR-4). */
  private async collect(m: EntityManager, day: IsoDate) {
    const changes = await m.find(CisChangeRecord, {
      where: { day },
      order: { recordedAt: 'ASC', seq: 'ASC' },
    });
    // BR-3: changes are in recording order, so the last one seen per person and item is the day's latest.
    const latest = new Map<string, CisChangeRecord>();
    for (const c of changes) latest.set(`${c.personId}|${c.item}`, c);
    const personIds = [...new Set(changes.map((c) => c.personId))];
    const persons = new Map(
      (personIds.length ? await m.findBy(Person, { id: In(personIds) }) : []).map((p) => [p.id, p]),
    );
    const interests = await activeInterestsOf(m, personIds);
    const outcomes = new Map<BroadcastOutcome, string[]>();
    const excluded: RunExclusions = { ...NO_EXCLUSIONS };
    const transactions: CisBroadcastTransaction[] = [];
    const mark = (c: CisChangeRecord, outcome: BroadcastOutcome) =>
      outcomes.set(outcome, [...(outcomes.get(outcome) ?? []), c.id]);
    for (const c of changes) {
      const person = persons.get(c.personId)!;
      const types = interestTypesFor(c.changeType, interests.get(c.personId) ?? []);
      if (latest.get(`${c.personId}|${c.item}`) !== c) {
        mark(c, 'replaced-same-day');
        excluded.replacedSameDay++;
      } else if (c.origin === 'CMG') {
        mark(c, 'made-by-cmg');
        excluded.madeByCmg++;
      } else if (person.deleted) {
        mark(c, 'person-deleted');
        excluded.personDeleted++;
      } else if (!types.length) {
        mark(c, 'no-interest');
        excluded.noInterest++;
      } else {
        mark(c, 'sent');
        transactions.push({
          transactionId: c.id,
          referenceKind: person.referenceKind,
          reference: person.reference,
          changeType: c.changeType,
          payload: c.payload,
          recordedAt: c.recordedAt.toISOString(),
          interestTypes: types,
        });
      }
    }
    return { transactions, outcomes, excluded };
  }
}
