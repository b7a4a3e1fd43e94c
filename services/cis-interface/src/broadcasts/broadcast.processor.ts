import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CIS_CHANGE_TYPE_INFO, type CisChangeType, type Clock, DomainError } from '@cms/domain';
import { type BatchJob, CLOCK, CONFIG, JobQueue } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import type { CisInterfaceConfig } from '../config';
import {
  BROADCAST_CHUNK_QUEUE,
  type BroadcastChunkJob,
  MOPF_LETTER_QUEUE,
  type MopfLetterJob,
} from '../jobs';
import { CorrespondenceGateway } from '../peers/correspondence.gateway';
import {
  type CmsClientCase,
  type MatchAndRaiseItem,
  type MatchAndRaiseResult,
  type SrBatchResult,
  ServiceRequestsGateway,
} from '../peers/service-requests.gateway';
import { type TransactionOutcome } from './broadcast.entity';

/** What a MOPF letter job reads of its transaction (BR-8). */
interface LetterRow {
  id: string;
  batchId: string;
  transactionId: string;
  clientId: string;
  caseIds: string[];
  payload: unknown;
}

/** The outcome of a MOPF letter job, to record on its transaction. */
interface LetterOutcome {
  id: string;
  batchId: string;
  outcome: Extract<TransactionOutcome, 'letter-issued' | 'failed'>;
  reason: string | null;
  letterId: string | null;
}

/** What processing decided for one transaction. */
interface RowResult {
  id: string;
  outcome: TransactionOutcome;
  reason: string | null;
  clientId: string | null;
  clientRole: string | null;
  caseIds: string[];
  nationallySensitive: boolean;
  sr: SrBatchResult | null;
}

/**
 * CIS - Receive Broadcast Updates, steps 2–5, as durable jobs: each chunk of a batch goes to
 * service-requests in one call (`POST /cis-matches/raise`), which matches every transaction with
 * live enquiries, applications and cases (BR-5) and raises the SRs of the matched changes in the
 * same transaction, idempotent on the CIS transaction id (BR-6; routing BR-7 and the no-change close
 * BR-9 are service-requests'); a paying parent's benefit claim raises no SR but the automated MOPF
 * letter, a job of its own (BR-8). A transaction that matches nothing is recorded as unmatched
 * (never dropped). Calls that fail are retried by the job with backoff.
 */
@Injectable()
export class BroadcastProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger(BroadcastProcessor.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CisInterfaceConfig,
    private readonly jobs: JobQueue,
    private readonly srs: ServiceRequestsGateway,
    private readonly correspondence: CorrespondenceGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // One chunk a fetch, the next fetched at once after it (JobQueue.work): the workers share a
    // batch's chunks evenly (two a fetch, needed while a worker waited out the polling interval
    // after every fetch, left some workers idle at the end of a small batch).
    for (let i = 0; i < this.config.BROADCAST_WORKERS; i++) {
      await this.jobs.work<BroadcastChunkJob>(BROADCAST_CHUNK_QUEUE, (job) => this.processChunk(job));
    }
    // Letters mostly wait on service-requests and correspondence: each worker has up to ten in flight
    // (issue 17: one at a time, they fell behind the chunks and ended seconds after the last SR).
    // A fetched batch's letters are read in one query and their outcomes written in one statement.
    for (let i = 0; i < this.config.BROADCAST_WORKERS; i++) {
      await this.jobs.workBatch<MopfLetterJob>(MOPF_LETTER_QUEUE, (jobs) => this.issueMopfLetters(jobs), {
        batchSize: 10,
      });
    }
  }

  /**
   * Matches and raises the pending transactions of one chunk. Safe to run again: SRs are
   * idempotent on the transaction id, and only transactions still pending and unmatched are read.
   * @throws whatever makes the job worth retrying (a peer unavailable)
   */
  async processChunk(job: BroadcastChunkJob): Promise<void> {
    // Plain SQL, only the columns sent on (issue 17: TypeORM hydrated every column of 500 rows a
    // chunk). The items go through the generated client, typed: PostgreSQL-built JSON text saved
    // no CPU that could be measured (0.64 -> 0.24 s of node-postgres in a profile, the process's
    // CPU seconds unchanged) and needed a cast around the peer call.
    const rows = (
      await this.db.query<
        {
          id: string;
          transaction_id: string;
          reference_kind: MatchAndRaiseItem['referenceKind'];
          reference: string;
          change_type: CisChangeType;
          payload: MatchAndRaiseItem['change'];
          recorded_at: string;
        }[]
      >(
        `SELECT id, transaction_id, reference_kind, reference, change_type, payload,
                to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at
           FROM broadcast_transaction
          WHERE batch_id = $1 AND chunk = $2 AND outcome = 'pending' AND client_id IS NULL
          ORDER BY seq`,
        [job.batchId, job.chunk],
      )
    ).map((r) => ({ id: r.id, transactionId: r.transaction_id, changeType: r.change_type, item: r }));
    if (rows.length) {
      const started = Date.now();
      const answered = await this.matchAndRaise(
        rows.map(({ item: r }) => ({
          idempotencyKey: r.transaction_id,
          referenceKind: r.reference_kind,
          reference: r.reference,
          changeType: r.change_type,
          change: r.payload,
          recordedAt: r.recorded_at,
        })),
      );
      const raisedAt = Date.now();
      const results: RowResult[] = [];
      const letters: RowResult[] = [];
      for (const row of rows) {
        const a = answered.get(row.transactionId)!;
        if ('error' in a) {
          results.push(rowResult(row.id, 'failed', a.error));
          continue;
        }
        if (a.unmatched !== null) {
          results.push({
            ...rowResult(row.id, 'unmatched', a.unmatched),
            nationallySensitive: a.nationallySensitive,
          });
          continue;
        }
        const raisesSr = CIS_CHANGE_TYPE_INFO[row.changeType].raisesSr;
        if (raisesSr && !a.serviceRequest) {
          results.push(
            rowResult(row.id, 'failed', 'service-requests matched the transaction but raised no SR'),
          );
          continue;
        }
        const result: RowResult = {
          ...rowResult(row.id, raisesSr ? 'sr-raised' : 'pending', null),
          clientId: a.clientId,
          clientRole: a.role,
          caseIds: a.caseIds,
          nationallySensitive: a.nationallySensitive,
          sr: a.serviceRequest,
        };
        results.push(result);
        // A benefit claim raises no SR: its MOPF letter is a job of its own (BR-8).
        if (!raisesSr) letters.push(result);
      }
      if (letters.length) {
        await this.db.transaction(async (m) => {
          await this.jobs.sendManyInTransaction<MopfLetterJob>(
            m,
            MOPF_LETTER_QUEUE,
            letters.map((l) => ({ payload: { transactionRowId: l.id }, id: l.id })),
          );
          // Last: it locks the batch's row (its counts) until the commit.
          await this.saveResults(m, job.batchId, results);
        });
        // Committed: this replica's letter workers start on them now, not at their next poll.
        this.jobs.nudge(MOPF_LETTER_QUEUE);
      } else {
        // One statement, atomic by itself: no BEGIN and COMMIT round trips.
        await this.saveResults(this.db.manager, job.batchId, results);
      }
      this.logger.debug(
        {
          batchId: job.batchId,
          chunk: job.chunk,
          transactions: rows.length,
          matchAndRaiseMs: raisedAt - started,
          saveMs: Date.now() - raisedAt,
        },
        'broadcast chunk processed',
      );
    } else {
      // Nothing left in the chunk (a job run again): its outcomes, and the batch's, were recorded.
      await this.finishBatch(job.batchId);
    }
  }

  /**
   * BR-8: issues the MOPF letters of a fetched batch of letter jobs to the paying parents through
   * correspondence, each idempotent on its CIS transaction id, at the same time (they wait on
   * service-requests and correspondence); records `letter-issued` with each letter id. A letter
   * correspondence refuses (no address, a bad field) is recorded as failed with the reason. The
   * batch's transactions are read in one query and their outcomes written in one statement a
   * broadcast batch (issue 17: one read, one write and one commit a letter, each write waiting on
   * the batch's counts).
   * @returns for each job in order, undefined (done: recorded, or nothing left to do) or the error
   *   that fails it (a peer unavailable: pg-boss retries it; its transaction stays pending)
   * @throws when the read or the write fails (every job of the batch is retried)
   */
  async issueMopfLetters(jobs: readonly BatchJob<MopfLetterJob>[]): Promise<unknown[]> {
    const ids = jobs.map((j) => j.payload.transactionRowId);
    const rows = await this.db.query<LetterRow[]>(
      `SELECT t.id, t.batch_id AS "batchId", t.transaction_id AS "transactionId", t.client_id AS "clientId",
              t.case_ids AS "caseIds", t.payload
         FROM unnest($1::uuid[]) AS u(id)
         JOIN LATERAL (SELECT * FROM broadcast_transaction b WHERE b.id = u.id) t ON true
        WHERE t.outcome = 'pending' AND t.client_id IS NOT NULL`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const settled = await Promise.all(
      jobs.map((job) => {
        const row = byId.get(job.payload.transactionRowId);
        if (!row) return Promise.resolve({ decided: null, error: undefined });
        return job
          .inContext(() => this.mopfLetter(row))
          .then(
            (decided) => ({ decided, error: undefined }),
            (error: unknown) => ({ decided: null, error: error ?? new Error('letter failed') }),
          );
      }),
    );
    const decided = settled.flatMap((s) => (s.decided ? [s.decided] : []));
    const batches = new Map<string, LetterOutcome[]>();
    for (const d of decided) {
      const same = batches.get(d.batchId);
      if (same) same.push(d);
      else batches.set(d.batchId, [d]);
    }
    for (const [batchId, outcomes] of batches) {
      await this.db.query(
        `WITH changed AS (
           UPDATE broadcast_transaction t SET outcome = u.outcome, reason = u.reason, letter_id = u.letter_id,
                  processed_at = $2
             FROM json_to_recordset($3::json) AS u(id uuid, outcome text, reason text, letter_id text)
            WHERE t.id = u.id AND t.outcome = 'pending'
           RETURNING t.id, t.outcome, t.processed_at)
         ${RECORD_OUTCOMES}`,
        [
          batchId,
          this.clock.now(),
          JSON.stringify(
            outcomes.map((o) => ({ id: o.id, outcome: o.outcome, reason: o.reason, letter_id: o.letterId })),
          ),
        ],
      );
    }
    return settled.map((s) => s.error);
  }

  /**
   * BR-8 for one matched benefit claim: the letter issued, or the reason correspondence or the
   * client's record refuses it (recorded as failed). One read of service-requests: the client view
   * carries each of the client's cases with its number, jurisdiction and stage; the case is read on
   * its own only if the client is no longer on it. Refusals in order: client, address, case.
   * @throws what makes the job worth retrying (a peer unavailable)
   */
  private async mopfLetter(row: LetterRow): Promise<LetterOutcome> {
    const payload = row.payload as { claimDate?: string; benefitType?: string };
    try {
      const client = await this.srs.getClient(row.clientId);
      if (!client.address)
        throw new DomainError('NO_ADDRESS', 'precondition', 'CMS holds no address for the paying parent');
      const caseId = row.caseIds[0];
      const kase: Pick<CmsClientCase, 'caseId' | 'caseNumber' | 'jurisdiction' | 'stage'> = client.cases.find(
        (c) => c.caseId === caseId,
      ) ?? {
        ...(await this.srs.getCase(caseId)),
        caseId,
      };
      const letter = await this.correspondence.issueLetter(
        {
          templateCode: 'MOPF_BENEFIT_CLAIM',
          recipient: {
            clientId: client.id,
            role: 'NRP',
            name: `${client.firstName} ${client.lastName}`,
            address: client.address,
          },
          caseId: kase.caseId,
          caseNumber: kase.caseNumber,
          jurisdiction: kase.jurisdiction,
          stage: kase.stage,
          personalisation: { claimDate: payload.claimDate ?? '', benefitName: payload.benefitType ?? '' },
        },
        row.transactionId,
      );
      return {
        id: row.id,
        batchId: row.batchId,
        outcome: 'letter-issued',
        reason: null,
        letterId: letter.id,
      };
    } catch (e) {
      if (
        !(e instanceof DomainError) ||
        !['validation', 'precondition', 'not-found', 'conflict'].includes(e.kind)
      )
        throw e;
      this.logger.warn({ transactionRowId: row.id, code: e.code }, 'MOPF letter refused');
      return {
        id: row.id,
        batchId: row.batchId,
        outcome: 'failed',
        reason: `BR-8: the MOPF letter could not be issued: ${e.message}`,
        letterId: null,
      };
    }
  }

  /**
   * Matches and raises in one call; when service-requests refuses the call's input (400), each
   * item goes alone so that one bad item fails alone.
   * @returns per idempotency key, the match and SR, or the reason it failed
   * @throws whatever makes the job worth retrying (a peer unavailable)
   */
  private async matchAndRaise(
    items: MatchAndRaiseItem[],
  ): Promise<Map<string, MatchAndRaiseResult | { error: string }>> {
    const out = new Map<string, MatchAndRaiseResult | { error: string }>();
    if (!items.length) return out;
    try {
      for (const r of await this.srs.matchAndRaise(items)) out.set(r.idempotencyKey, r);
      return out;
    } catch (e) {
      if (!(e instanceof DomainError) || e.kind !== 'validation') throw e;
      if (items.length === 1) {
        out.set(items[0].idempotencyKey, { error: `service-requests refused the SR: ${e.message}` });
        return out;
      }
    }
    for (const item of items) {
      for (const [k, v] of await this.matchAndRaise([item])) out.set(k, v);
    }
    return out;
  }

  /**
   * Writes a chunk's outcomes, only over transactions still pending (a job run again changes
   * nothing), with the batch's counts (RECORD_OUTCOMES), in one statement (atomic alone; with `m` a transaction's manager, part of it). One HOT update
   * a row: no index of broadcast_transaction mentions a column set here. `results` are rows of batch
   * `batchId` (read by processChunk); they are found by primary key only (a condition on batch_id
   * here made the planner scan the whole batch for each chunk).
   */
  private async saveResults(m: EntityManager, batchId: string, results: RowResult[]): Promise<void> {
    if (!results.length) return;
    // One JSON text (JSON.stringify is native, where 11 bound arrays had node-postgres escape each
    // of 5,500 values in JavaScript), each row an array of its values by position, read with
    // jsonb_array_elements: objects through json_to_recordset repeated 11 column names a row (issue
    // 17, as service-requests' SR rows and every audit row). `case_ids` goes as an array literal.
    const rows = results.map((r) => [
      r.id,
      r.outcome,
      r.reason,
      r.clientId,
      r.clientRole,
      `{${r.caseIds.join(',')}}`,
      r.nationallySensitive,
      r.sr?.id ?? null,
      r.sr?.srNumber ?? null,
      r.sr?.queue ?? null,
      r.sr?.status ?? null,
    ]);
    await m.query(
      `WITH changed AS (
         UPDATE broadcast_transaction t
            SET outcome = u.outcome, reason = u.reason, client_id = u.client_id, client_role = u.client_role,
                case_ids = u.case_ids, nationally_sensitive = u.sensitive,
                sr_id = u.sr_id, sr_number = u.sr_number, sr_queue = u.sr_queue, sr_status = u.sr_status,
                processed_at = CASE WHEN u.outcome = 'pending' THEN NULL ELSE $2::timestamptz END
           FROM (SELECT (r->>0)::uuid AS id, r->>1 AS outcome, r->>2 AS reason, (r->>3)::uuid AS client_id,
                        r->>4 AS client_role, (r->>5)::uuid[] AS case_ids, (r->>6)::boolean AS sensitive,
                        (r->>7)::uuid AS sr_id, r->>8 AS sr_number, r->>9 AS sr_queue, r->>10 AS sr_status
                   FROM jsonb_array_elements($3::jsonb) AS r) AS u
          WHERE t.id = u.id AND t.outcome = 'pending'
         RETURNING t.id, t.outcome, t.processed_at)
       ${RECORD_OUTCOMES}`,
      [batchId, this.clock.now(), JSON.stringify(rows)],
    );
  }

  /** Marks the batch processed once none of its transactions is pending (by its count). */
  private async finishBatch(batchId: string): Promise<void> {
    await this.db.query(
      `UPDATE broadcast_batch SET status = 'processed', processed_at = $2
        WHERE id = $1 AND status <> 'processed' AND pending_count = 0`,
      [batchId, this.clock.now()],
    );
  }
}

/**
 * The tail of a statement whose CTE `changed` (id, outcome, processed_at) holds the transactions of
 * batch $1 whose outcome it just changed from pending, at $2: lists the unmatched ones (BR-5) and
 * moves the batch's counts, marking it processed when none is left pending. In the same statement,
 * hence the same transaction, as the outcomes: the counts are exact.
 */
const RECORD_OUTCOMES = `,
       unmatched AS (
         INSERT INTO broadcast_unmatched (transaction_row_id, processed_at)
         SELECT id, processed_at FROM changed WHERE outcome = 'unmatched'),
       n AS (
         SELECT count(*) FILTER (WHERE outcome <> 'pending')::int AS done,
                count(*) FILTER (WHERE outcome = 'sr-raised')::int AS sr_raised,
                count(*) FILTER (WHERE outcome = 'letter-issued')::int AS letter_issued,
                count(*) FILTER (WHERE outcome = 'unmatched')::int AS unmatched,
                count(*) FILTER (WHERE outcome = 'failed')::int AS failed
           FROM changed)
       UPDATE broadcast_batch b
          SET pending_count = b.pending_count - n.done,
              sr_raised_count = b.sr_raised_count + n.sr_raised,
              letter_issued_count = b.letter_issued_count + n.letter_issued,
              unmatched_count = b.unmatched_count + n.unmatched,
              failed_count = b.failed_count + n.failed,
              status = CASE WHEN b.pending_count - n.done = 0 THEN 'processed' ELSE b.status END,
              processed_at = CASE WHEN b.pending_count - n.done = 0 AND b.status <> 'processed' THEN $2::timestamptz
                                  ELSE b.processed_at END
         FROM n
        WHERE b.id = $1 AND n.done > 0`;

function rowResult(id: string, outcome: TransactionOutcome, reason: string | null): RowResult {
  return {
    id,
    outcome,
    reason,
    clientId: null,
    clientRole: null,
    caseIds: [],
    nationallySensitive: false,
    sr: null,
  };
}
