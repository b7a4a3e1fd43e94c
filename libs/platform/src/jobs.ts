import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { BaseServiceConfig, ConfigError } from './config';
import { isTransientDatabaseError } from './problem';
import type { SqlStatement } from './statements';
import { CONFIG, SERVICE_NAME } from './tokens';
import { RequestContext } from './request-context';

/** Retry policy of a queue: attempts after the first, and the first delay in seconds (doubling). */
export interface QueuePolicy {
  retryLimit?: number;
  retryDelaySeconds?: number;
}

/** Metadata carried with every job so the worker can log and forward the originating request id. */
export interface JobEnvelope<T> {
  payload: T;
  requestId?: string;
  /**
   * The W3C trace context of the job's cause (`traceparent`, `tracestate`) when tracing is on: the
   * worker's span is its child, so a job and the calls it makes are part of the cause's trace.
   */
  trace?: Record<string, string>;
}

/** The current trace context as W3C headers, or undefined when there is none (tracing off). */
function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

const tracer = trace.getTracer('@cms/platform/jobs');

/**
 * One job of a fetched batch, as {@link JobQueue.workBatch} hands it to its handler: its payload and
 * id, and `inContext`, which runs work in the job's own request context and span (the request id
 * and trace of the job's cause travel with the calls it makes).
 */
export interface BatchJob<T> {
  id: string;
  payload: T;
  inContext<R>(work: () => Promise<R>): Promise<R>;
}

/** What became of one fetched job: done, failed (pg-boss retries it), or handed back unrun. */
type JobOutcome = { done: true } | { done: false; error: unknown; handedBack?: boolean };

/** How long a stopping replica lets its running jobs finish before handing the rest back (ms). */
const DRAIN_TIMEOUT_MS = 20_000;
/** How long a worker keeps trying to record a job's outcome while the database is away (ms). */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * Retries a queue declaration that PostgreSQL ended as a deadlock (SQLSTATE 40P01), as replicas
 * declaring the same queues at once on a fresh database do: up to 8 tries, 50 ms doubling to 1 s,
 * with jitter so the replicas fall out of step.
 */
const DECLARE_RETRY = retry(
  handleWhen((e) => (e as { code?: string }).code === '40P01' || /deadlock detected/.test(String(e))),
  { maxAttempts: 8, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1_000 }) },
);

/**
 * Durable background work on pg-boss in the service's own database. Jobs written with
 * {@link JobQueue.sendInTransaction} commit or roll back together with their cause (an outbox:
 * brief non-negotiable 5); workers retry with exponential backoff and the job id doubles as the
 * idempotency key of the call it makes.
 *
 * The workers are this class's own loops over pg-boss's `fetch`, `complete` and `fail`, not
 * pg-boss's `work()`: pg-boss 10 neither awaits nor catches the `complete`/`fail` after a handler,
 * so a database restart at that moment was an unhandled rejection (Node ends the process) and left
 * the job active until it expired (5 minutes). Here an outcome is retried until the database is
 * back ({@link SETTLE_TIMEOUT_MS}); a fetch that fails is retried at the polling interval (pg-boss
 * answers [] while the database is away), so workers resume by themselves after a restart (#16).
 * On shutdown ({@link JobQueue.beforeApplicationShutdown}, while the database is still open)
 * workers stop fetching, finish the job in hand, and hand back the rest of their batch.
 */
@Injectable()
export class JobQueue implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private stopping = false;
  private workers = 0;
  private readonly loops = new Set<Promise<void>>();
  private readonly wakers = new Set<() => void>();
  /** The wakers of the workers idle between fetches, by queue ({@link JobQueue.nudge}). */
  private readonly idleByQueue = new Map<string, Set<() => void>>();
  private readonly queues = new Map<string, QueuePolicy>();
  private declaring: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CONFIG) private readonly config: BaseServiceConfig,
    @Optional() @Inject(SERVICE_NAME) private readonly serviceName?: string,
  ) {
    this.boss = new PgBoss({
      connectionString: config.DATABASE_URL,
      schema: 'pgboss',
      max: config.JOB_POOL_SIZE,
      supervise: config.WORKERS_ENABLED,
      schedule: false,
      // With MIGRATIONS_RUN=false the migrations Job created the schema; start() only checks its version.
      migrate: config.MIGRATIONS_RUN,
      application_name: 'pg-boss',
    });
    this.boss.on('error', (err) => {
      if (isTransientDatabaseError(err))
        this.logger.warn({ reason: err.message }, 'pg-boss: database unavailable');
      else this.logger.error({ err }, 'pg-boss error');
    });
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    this.started = true;
  }

  /**
   * Drain, first step of shutdown (the database still open): workers stop fetching, each finishes
   * the job in hand and hands back the rest of its batch (failed with "shutting down": pg-boss
   * retries them, here or on another replica). Waits at most {@link DRAIN_TIMEOUT_MS}.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stopWorkers();
  }

  /** Stops the workers as {@link JobQueue.beforeApplicationShutdown} describes (idempotent). */
  async stopWorkers(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    const all = Promise.all([...this.loops]);
    const timer = new Promise<void>((r) => setTimeout(r, DRAIN_TIMEOUT_MS).unref());
    await Promise.race([all, timer]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopWorkers();
    if (!this.started) return;
    this.started = false;
    // No pg-boss workers run (see the class comment): stop supervision and close the pool.
    await this.boss.stop({ graceful: true, wait: true, timeout: 1_000 });
  }

  /**
   * Declares a queue (idempotent). Must be called before sending to or working it. Declarations run
   * one after another: pg-boss's createQueue takes locks that deadlock when several providers of one
   * service declare their queues at the same time during start-up. Replicas of a service starting
   * together on a fresh database still can (other processes): PostgreSQL then ends one declaration
   * with a deadlock (40P01), which is retried ({@link DECLARE_RETRY}) instead of ending the replica.
   */
  declare(name: string, policy: QueuePolicy = {}): Promise<void> {
    this.queues.set(name, policy);
    const next = this.declaring.then(() =>
      DECLARE_RETRY.execute(() =>
        this.boss.createQueue(name, {
          name,
          retryLimit: policy.retryLimit ?? 10,
          retryDelay: policy.retryDelaySeconds ?? 1,
          retryBackoff: true,
          expireInSeconds: 300,
        }),
      ),
    );
    this.declaring = next.catch(() => undefined);
    return next;
  }

  /**
   * Writes a job in the caller's open transaction. `id` (a UUID) makes the send idempotent: the
   * same id twice is stored once. Returns the job id.
   */
  async sendInTransaction<T extends object>(
    manager: EntityManager,
    name: string,
    payload: T,
    id?: string,
  ): Promise<string | null> {
    const db = transactionDb(manager, 'sendInTransaction');
    const jobId = await this.boss.send(name, envelopeOf(payload), { db, ...(id ? { id } : {}) });
    // pg-boss answers null when the queue does not exist: never lose a cross-service effect silently.
    if (jobId === null && !id)
      throw new Error(`Job queue "${name}" is not declared; the job was not written.`);
    return jobId;
  }

  /**
   * Writes many jobs of one queue in the caller's open transaction with ONE statement (pg-boss's
   * `insert`: the queue's retry policy applies as with {@link JobQueue.sendInTransaction}). Each
   * job's `id` (a UUID) makes it idempotent: an id already stored is skipped, not overwritten.
   * Issue 17: a broadcast's 200 chunk jobs were 200 round trips inside the intake's transaction.
   * @throws Error when the queue is not declared (nothing written) or the manager has no transaction
   */
  async sendManyInTransaction<T extends object>(
    manager: EntityManager,
    name: string,
    jobs: readonly { payload: T; id: string }[],
  ): Promise<void> {
    if (!jobs.length) return;
    const db = transactionDb(manager, 'sendManyInTransaction');
    // pg-boss's batch insert joins the queue table: for an unknown queue it writes nothing, silently.
    const declared = await db.executeSql(`SELECT 1 FROM pgboss.queue WHERE name = $1`, [name]);
    if (!declared.rows.length)
      throw new Error(`Job queue "${name}" is not declared; the jobs were not written.`);
    await this.boss.insert(
      jobs.map((j) => ({ id: j.id, name, data: envelopeOf(j.payload) })),
      { db },
    );
  }

  /**
   * The statement that writes jobs of queue `name` (pg-boss's own insert: the queue's retry policy
   * applies, an `id` already stored is skipped), for a caller to run as part of ONE statement with
   * the writes that cause the jobs ({@link combineWrites}): atomic without BEGIN and COMMIT.
   * Issue 17: a letter's dispatch job was a statement of its own in a transaction of seven round trips.
   * @throws Error when `name` was not declared by this process (pg-boss's insert joins the queue
   *   table, so for an unknown queue it would write nothing, silently)
   */
  async jobsStatement<T extends object>(
    name: string,
    jobs: readonly { payload: T; id?: string }[],
  ): Promise<SqlStatement> {
    if (!this.queues.has(name)) {
      throw new Error(`Job queue "${name}" is not declared; the jobs would not be written.`);
    }
    let statement: SqlStatement | undefined;
    // pg-boss builds its statement and hands it to `db`: kept here, run by the caller.
    await this.boss.insert(
      jobs.map((j) => ({ ...(j.id ? { id: j.id } : {}), name, data: envelopeOf(j.payload) })),
      {
        db: {
          executeSql: async (sql: string, params: unknown[]) => {
            statement = { sql, params };
            return { rows: [] };
          },
        },
      },
    );
    if (!statement) throw new Error('pg-boss built no statement for the jobs');
    return statement;
  }

  /** Sends a job outside any transaction. */
  async send<T extends object>(name: string, payload: T, id?: string): Promise<string | null> {
    return this.boss.send(name, envelopeOf(payload), id ? { id } : {});
  }

  /**
   * Runs `handler` for each job of `name` (`batchSize` per fetch, one after another; after a fetch
   * that found fewer than `batchSize`, the next waits until `pollingIntervalSeconds` have passed since
   * it; after a full one, it follows at once, so a backlog drains at the handlers' pace). With
   * `concurrent`, a fetched batch's jobs run at the same time instead (handlers that mostly wait on
   * peers, e.g. letters: `batchSize` in flight per worker, no more connections). A thrown error
   * fails that job, which pg-boss retries with backoff; the others of the batch complete (together,
   * in one statement, once the batch has run: a job whose handler is done but whose batch is not
   * yet completed may run again after a crash, as any job may; handlers are idempotent). Skipped
   * when workers are disabled. Each call is one more worker, holding a pg-boss connection while it
   * fetches or completes.
   * @throws ConfigError when the workers would outnumber `JOB_POOL_SIZE` - 2 (at start, never later)
   */
  async work<T>(
    name: string,
    handler: (payload: T, job: { id: string; retryCount?: number }) => Promise<void>,
    options: { batchSize?: number; pollingIntervalSeconds?: number; concurrent?: boolean } = {},
  ): Promise<void> {
    const one = (job: PgBoss.Job<JobEnvelope<T>>): Promise<JobOutcome> =>
      this.handle(name, job, handler).then(
        () => ({ done: true }),
        (error: unknown) => ({ done: false, error }),
      );
    const run = options.concurrent
      ? (jobs: PgBoss.Job<JobEnvelope<T>>[]) => Promise.all(jobs.map(one))
      : async (jobs: PgBoss.Job<JobEnvelope<T>>[]) => {
          const outcomes: JobOutcome[] = [];
          for (const job of jobs) {
            outcomes.push(
              this.stopping
                ? { done: false, error: new Error('handed back: replica shutting down'), handedBack: true }
                : await one(job),
            );
          }
          return outcomes;
        };
    this.startWorker(name, run, options);
  }

  /**
   * Like {@link JobQueue.work}, but `handler` gets each fetched batch whole (up to `batchSize` jobs),
   * for work that is cheaper done for many at once (one read and one write for the batch instead of
   * one each). It answers, for each job in order, `undefined` (done) or the error that fails that job
   * (pg-boss retries it); a handler that throws fails the whole batch. Whatever the handler does for
   * one job belongs in `job.inContext`, which runs it in that job's request context and span.
   * Issue 17: a broadcast's MOPF letters were one read and one write each.
   * @throws ConfigError as {@link JobQueue.work}
   */
  async workBatch<T>(
    name: string,
    handler: (jobs: BatchJob<T>[]) => Promise<ReadonlyArray<unknown>>,
    options: { batchSize?: number; pollingIntervalSeconds?: number } = {},
  ): Promise<void> {
    const run = async (jobs: PgBoss.Job<JobEnvelope<T>>[]): Promise<JobOutcome[]> => {
      const batch: BatchJob<T>[] = jobs.map((job) => ({
        id: job.id,
        payload: job.data.payload,
        inContext: <R>(work: () => Promise<R>) => this.inJobContext(name, job, work),
      }));
      let errors: ReadonlyArray<unknown>;
      try {
        errors = await handler(batch);
      } catch (error) {
        return jobs.map(() => ({ done: false, error }));
      }
      return jobs.map((_, i) =>
        errors[i] === undefined ? { done: true } : { done: false, error: errors[i] },
      );
    };
    this.startWorker(name, run, options);
  }

  /** Counts one more worker of `name` and starts its loop (see {@link JobQueue.work}). */
  private startWorker<T>(
    name: string,
    run: (jobs: PgBoss.Job<JobEnvelope<T>>[]) => Promise<JobOutcome[]>,
    options: { batchSize?: number; pollingIntervalSeconds?: number },
  ): void {
    if (!this.config.WORKERS_ENABLED) return;
    this.workers++;
    if (this.workers + 2 > this.config.JOB_POOL_SIZE) {
      throw new ConfigError([
        `JOB_POOL_SIZE: ${this.config.JOB_POOL_SIZE} connections are too few for ${this.workers} job workers ` +
          `(one each, and two for supervision): set JOB_POOL_SIZE to at least ${this.workers + 2}`,
      ]);
    }
    if (this.stopping) return;
    const loop = this.runWorker(
      name,
      run,
      options.batchSize ?? 1,
      (options.pollingIntervalSeconds ?? 0.5) * 1000,
    );
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
  }

  /**
   * One worker: fetch, run the batch, record its outcomes; until {@link JobQueue.stopWorkers}. The
   * jobs done are completed together in ONE statement (issue 17: a statement and a commit a job
   * were most of a letter's cost in the job tables); each failed job is failed on its own, with its
   * reason.
   */
  private async runWorker<T>(
    name: string,
    run: (jobs: PgBoss.Job<JobEnvelope<T>>[]) => Promise<JobOutcome[]>,
    batchSize: number,
    intervalMs: number,
  ): Promise<void> {
    while (!this.stopping) {
      const started = Date.now();
      let jobs: PgBoss.Job<JobEnvelope<T>>[] = [];
      try {
        jobs = await this.boss.fetch<JobEnvelope<T>>(name, { batchSize });
      } catch (err) {
        // pg-boss answers [] itself while the database is away; anything else is logged and retried.
        this.logger.warn({ queue: name, reason: (err as Error).message }, 'job fetch failed; retrying');
      }
      if (jobs.length) {
        const outcomes = await run(jobs);
        const done = jobs.filter((_, i) => outcomes[i].done).map((j) => j.id);
        if (done.length) await this.settle(name, 'complete', () => this.boss.complete(name, done));
        for (let i = 0; i < jobs.length; i++) {
          const o = outcomes[i];
          if (o.done) continue;
          const e = o.error as Error | undefined;
          await this.settle(name, o.handedBack ? 'hand back' : 'fail', () =>
            this.boss.fail(name, jobs[i].id, { message: e?.message ?? String(o.error), stack: e?.stack }),
          );
        }
      }
      // A full batch means more may be waiting: fetch again at once (a backlog drains at the
      // handlers' pace, not one batch a polling interval). Otherwise wait out the interval.
      if (jobs.length >= batchSize) continue;
      const wait = intervalMs - (Date.now() - started);
      if (!this.stopping && wait > 100) await this.pause(wait, name);
    }
  }

  /**
   * Runs one job's handler in its request context and in a span `job <queue>` (kind consumer)
   * whose parent is the trace context stored with the job: a no-op span when tracing is off.
   * @throws what the handler throws (the span records it)
   */
  private handle<T>(
    name: string,
    job: PgBoss.Job<JobEnvelope<T>>,
    handler: (payload: T, job: { id: string; retryCount?: number }) => Promise<void>,
  ): Promise<void> {
    return this.inJobContext(name, job, () => handler(job.data.payload, { id: job.id }));
  }

  /**
   * Runs `work` in `job`'s request context and in a span `job <queue>` (kind consumer) whose parent
   * is the trace context stored with the job.
   * @throws what `work` throws (the span records it)
   */
  private inJobContext<T, R>(
    name: string,
    job: PgBoss.Job<JobEnvelope<T>>,
    work: () => Promise<R>,
  ): Promise<R> {
    const parent = job.data.trace ? propagation.extract(ROOT_CONTEXT, job.data.trace) : ROOT_CONTEXT;
    const attributes = {
      'messaging.system': 'pg-boss',
      'messaging.operation.type': 'process',
      'messaging.destination.name': name,
      'messaging.message.id': job.id,
      ...(this.serviceName ? { 'cms.service': this.serviceName } : {}),
    };
    return tracer.startActiveSpan(`job ${name}`, { kind: SpanKind.CONSUMER, attributes }, parent, (span) =>
      RequestContext.run({ requestId: job.data.requestId ?? `job-${job.id}` }, work).then(
        (result) => {
          span.end();
          return result;
        },
        (err: unknown) => {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
          span.end();
          throw err;
        },
      ),
    );
  }

  /**
   * Records a job's outcome, retrying while the database is away (a restart) for up to
   * {@link SETTLE_TIMEOUT_MS}; after that the job stays active until pg-boss expires and retries it
   * (handlers are idempotent on the job id, so a repeat is harmless).
   */
  private async settle(queue: string, what: string, record: () => Promise<unknown>): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        await record();
        return;
      } catch (err) {
        if (Date.now() > deadline) {
          this.logger.error({ err, queue }, `could not ${what} a job; pg-boss will expire and retry it`);
          return;
        }
        if (attempt === 0)
          this.logger.warn({ queue, reason: (err as Error).message }, `job ${what} failed; retrying`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  /**
   * Tells this process's idle workers of queue `name` to fetch now instead of at their next poll:
   * for a sender whose transaction has just committed jobs that a worker here will run (a
   * broadcast's chunks, a chunk's letters), so they start at once rather than up to a polling
   * interval later. Jobs are found by the fetch as ever (a nudge carries none, and workers of other
   * replicas still poll), so a nudge that comes too early or twice only costs an empty fetch.
   */
  nudge(name: string): void {
    for (const wake of this.idleByQueue.get(name) ?? []) wake();
  }

  /** Sleeps `ms`, or less when {@link JobQueue.stopWorkers} or a {@link JobQueue.nudge} of `name` wakes it. */
  private pause(ms: number, name: string): Promise<void> {
    const idle = this.idleByQueue.get(name) ?? new Set<() => void>();
    this.idleByQueue.set(name, idle);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        idle.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      idle.add(done);
    });
  }

  /** Counts of jobs per state in a queue, for readiness and tests. */
  async queueSize(name: string): Promise<number> {
    return this.boss.getQueueSize(name);
  }

  /** The underlying pg-boss instance (for admin endpoints and benchmarks). */
  get instance(): PgBoss {
    return this.boss;
  }
}

/** A job's envelope: its payload with the current request id and trace context. */
function envelopeOf<T extends object>(payload: T): JobEnvelope<T> {
  return { payload, requestId: RequestContext.requestId(), trace: traceCarrier() };
}

/**
 * pg-boss's `db` option over `manager`'s open transaction, so jobs commit or roll back with it.
 * @throws Error when `manager` has no transaction (`what` names the caller)
 */
function transactionDb(manager: EntityManager, what: string) {
  const runner = manager.queryRunner;
  if (!runner) throw new Error(`${what} needs a transactional EntityManager`);
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const result = await runner.query(text, values, true);
      return { rows: result.records as unknown[] };
    },
  };
}
