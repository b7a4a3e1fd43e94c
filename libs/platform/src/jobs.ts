import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { BaseServiceConfig, ConfigError } from './config';
import { CONFIG } from './tokens';
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
}

/**
 * Durable background work on pg-boss in the service's own database. Jobs written with
 * {@link JobQueue.sendInTransaction} commit or roll back together with their cause (an outbox:
 * brief non-negotiable 5); workers retry with exponential backoff and the job id doubles as the
 * idempotency key of the call it makes.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private started = false;
  private working = false;
  private inFlight = 0;
  private workers = 0;
  private readonly queues = new Map<string, QueuePolicy>();
  private declaring: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CONFIG) private readonly config: BaseServiceConfig) {
    this.boss = new PgBoss({
      connectionString: config.DATABASE_URL,
      schema: 'pgboss',
      max: config.JOB_POOL_SIZE,
      supervise: config.WORKERS_ENABLED,
      schedule: false,
      migrate: true,
      application_name: 'pg-boss',
    });
    this.boss.on('error', (err) => this.logger.error({ err }, 'pg-boss error'));
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
    this.started = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    if (!this.working) return;
    // pg-boss resolves stop() while a handler may still be running (a peer retrying past the
    // timeout), and its monitor polls every second until its workers report stopped. Wait for our
    // handlers, then one more tick, so no pg-boss timer outlives the application.
    const deadline = Date.now() + 30_000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_100));
  }

  /**
   * Declares a queue (idempotent). Must be called before sending to or working it. Declarations run
   * one after another: pg-boss's createQueue takes locks that deadlock when several providers of one
   * service declare their queues at the same time during start-up.
   */
  declare(name: string, policy: QueuePolicy = {}): Promise<void> {
    this.queues.set(name, policy);
    const next = this.declaring.then(() =>
      this.boss.createQueue(name, {
        name,
        retryLimit: policy.retryLimit ?? 10,
        retryDelay: policy.retryDelaySeconds ?? 1,
        retryBackoff: true,
        expireInSeconds: 300,
      }),
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
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        if (!manager.queryRunner) throw new Error('sendInTransaction needs a transactional EntityManager');
        const result = await manager.queryRunner.query(text, values, true);
        return { rows: result.records as unknown[] };
      },
    };
    const envelope: JobEnvelope<T> = { payload, requestId: RequestContext.requestId() };
    const jobId = await this.boss.send(name, envelope, { db, ...(id ? { id } : {}) });
    // pg-boss answers null when the queue does not exist: never lose a cross-service effect silently.
    if (jobId === null && !id)
      throw new Error(`Job queue "${name}" is not declared; the job was not written.`);
    return jobId;
  }

  /** Sends a job outside any transaction. */
  async send<T extends object>(name: string, payload: T, id?: string): Promise<string | null> {
    return this.boss.send(name, { payload, requestId: RequestContext.requestId() }, id ? { id } : {});
  }

  /**
   * Runs `handler` for each job of `name` (one at a time per poll, `batchSize` per fetch). A thrown
   * error fails the job, which pg-boss retries with backoff. Skipped when workers are disabled.
   * Each call is one more worker, holding a pg-boss connection while it fetches or completes.
   * @throws ConfigError when the workers would outnumber `JOB_POOL_SIZE` - 2 (at start, never later)
   */
  async work<T>(
    name: string,
    handler: (payload: T, job: { id: string; retryCount?: number }) => Promise<void>,
    options: { batchSize?: number; pollingIntervalSeconds?: number } = {},
  ): Promise<void> {
    if (!this.config.WORKERS_ENABLED) return;
    this.workers++;
    if (this.workers + 2 > this.config.JOB_POOL_SIZE) {
      throw new ConfigError([
        `JOB_POOL_SIZE: ${this.config.JOB_POOL_SIZE} connections are too few for ${this.workers} job workers ` +
          `(one each, and two for supervision): set JOB_POOL_SIZE to at least ${this.workers + 2}`,
      ]);
    }
    this.working = true;
    await this.boss.work<JobEnvelope<T>>(
      name,
      { batchSize: options.batchSize ?? 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5 },
      async (jobs) => {
        this.inFlight++;
        try {
          for (const job of jobs) {
            await RequestContext.run({ requestId: job.data.requestId ?? `job-${job.id}` }, () =>
              handler(job.data.payload, { id: job.id }),
            );
          }
        } finally {
          this.inFlight--;
        }
      },
    );
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
