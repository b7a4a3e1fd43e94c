import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock } from '@cms/domain';
import { CLOCK, CONFIG, JobQueue, PeerHttp } from '@cms/platform';
import { DataSource } from 'typeorm';
import type { CisSimulatorConfig } from '../config';
import { BroadcastBatch, BroadcastDeliveryAttempt, type AttemptOutcome } from './broadcast.entity';
import { BROADCAST_QUEUE, type DeliveryJob } from './broadcasts.service';

/**
 * Delivers broadcast batches to cis-interface (`POST {CIS_INTERFACE_URL}/broadcasts`, header
 * `Idempotency-Key: <batchId>`) from pg-boss jobs, and records every attempt. Anything but a 2xx
 * fails the job, which pg-boss retries with exponential backoff (BROADCAST_RETRY_DELAY_SECONDS,
 * doubling) up to BROADCAST_RETRY_LIMIT times; the batch is then marked failed. PeerHttp also
 * retries a few times quickly within one attempt.
 */
@Injectable()
export class BroadcastDeliveryService implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(BroadcastDeliveryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CisSimulatorConfig,
    private readonly jobs: JobQueue,
    private readonly peer: PeerHttp,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(BROADCAST_QUEUE, {
      retryLimit: this.config.BROADCAST_RETRY_LIMIT,
      retryDelaySeconds: this.config.BROADCAST_RETRY_DELAY_SECONDS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<DeliveryJob>(BROADCAST_QUEUE, (job) => this.deliver(job));
  }

  /**
   * One delivery attempt of one copy of a batch. Resolves when cis-interface acknowledged it (2xx).
   * @throws Error when it did not, so that pg-boss retries the job
   */
  async deliver(job: DeliveryJob): Promise<void> {
    const batch = await this.db.manager.findOneBy(BroadcastBatch, { id: job.batchId });
    if (!batch) {
      this.logger.warn(`Broadcast batch ${job.batchId} no longer exists; nothing to deliver`);
      return;
    }
    const attemptedAt = this.clock.now();
    const started = performance.now();
    let statusCode: number | null = null;
    let detail: string | null = null;
    try {
      const res = await this.peer.withTimeout(this.config.BROADCAST_DELIVERY_TIMEOUT_MS)(
        `${this.config.CIS_INTERFACE_URL.replace(/\/+$/, '')}/broadcasts`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': batch.id },
          body: JSON.stringify(batch.body),
        },
      );
      statusCode = res.status;
      detail = (await res.text()).slice(0, 500) || null;
    } catch (e) {
      detail = e instanceof Error ? e.message : String(e);
    }
    const acknowledged = statusCode !== null && statusCode >= 200 && statusCode < 300;
    const outcome: AttemptOutcome = acknowledged
      ? 'acknowledged'
      : statusCode === null
        ? 'unreachable'
        : 'refused';
    await this.db.transaction(async (m) => {
      await m.insert(BroadcastDeliveryAttempt, {
        batchId: batch.id,
        copy: job.copy,
        attemptedAt,
        statusCode,
        outcome,
        detail,
        durationMs: Math.round(performance.now() - started),
      });
      if (acknowledged) {
        await m.query(
          `UPDATE broadcast_batch SET status = 'acknowledged', acknowledged_copies = acknowledged_copies + 1,
             acknowledged_at = COALESCE(acknowledged_at, $2), failed_at = NULL WHERE id = $1`,
          [batch.id, attemptedAt],
        );
        return;
      }
      const failures = await m.countBy(BroadcastDeliveryAttempt, { batchId: batch.id, copy: job.copy });
      if (failures > this.config.BROADCAST_RETRY_LIMIT) {
        await m.query(
          `UPDATE broadcast_batch SET status = 'failed', failed_at = $2 WHERE id = $1 AND status = 'pending'`,
          [batch.id, attemptedAt],
        );
      }
    });
    if (!acknowledged) {
      this.logger.warn(
        `cis-interface did not acknowledge broadcast batch ${batch.id} (copy ${job.copy}): ${statusCode ?? detail}`,
      );
      throw new Error(`Broadcast batch ${batch.id} not acknowledged (${statusCode ?? 'unreachable'})`);
    }
  }
}
