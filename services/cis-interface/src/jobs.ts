import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CONFIG, JobQueue } from '@cms/platform';
import type { CisInterfaceConfig } from './config';

/**
 * Queues of cis-interface's durable jobs (pg-boss, written in the transaction of their cause; the
 * job id or the named key is the Idempotency-Key of the call the worker makes).
 */

/** Match and raise one chunk of a broadcast batch (BR-5..BR-9). Payload {@link BroadcastChunkJob}; id derived from batch + chunk. */
export const BROADCAST_CHUNK_QUEUE = 'cis.broadcast-chunk';
/** Issue the automated MOPF letter through correspondence (BR-8). Payload {@link MopfLetterJob}; key = CIS transaction id. */
export const MOPF_LETTER_QUEUE = 'cis.mopf-letter';
/** Set Sensitive Check and arrange the sensitive case team's call back (RD-4). Payload {@link SensitiveCheckJob}; key = retrieval id. */
export const SENSITIVE_CHECK_QUEUE = 'cis.sensitive-check';
/** Set the nationally sensitive flag after CIS update error code 1 (SU-6). Payload {@link NationallySensitiveJob}; key = update id. */
export const NATIONALLY_SENSITIVE_QUEUE = 'cis.nationally-sensitive';
/**
 * Learn the outcome of an update whose answer never arrived (SU-5, SU-7): replays the update to CIS
 * with the same Idempotency-Key (the update id) until CIS answers. Payload {@link CisUpdateOutcomeJob}; id = update id.
 */
export const CIS_UPDATE_OUTCOME_QUEUE = 'cis.update-outcome';

export interface BroadcastChunkJob {
  batchId: string;
  chunk: number;
}

export interface MopfLetterJob {
  /** Row id of the broadcast transaction. */
  transactionRowId: string;
}

export interface SensitiveCheckJob {
  retrievalId: string;
  clientId: string;
  reason: string;
}

export interface NationallySensitiveJob {
  updateId: string;
  clientId: string;
  reason: string;
}

export interface CisUpdateOutcomeJob {
  updateId: string;
}

/**
 * Declares every queue of cis-interface, one after another: pg-boss creates a queue's partition with
 * DDL on the shared job table, and two created at once can deadlock (seen at start-up when the
 * services declared theirs in parallel, as Nest runs a module's onModuleInit hooks together).
 */
@Injectable()
export class CisInterfaceJobQueues implements OnModuleInit {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(CONFIG) private readonly config: CisInterfaceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const retryDelaySeconds = this.config.JOB_RETRY_DELAY_SECONDS;
    await this.jobs.declare(BROADCAST_CHUNK_QUEUE, { retryLimit: 30, retryDelaySeconds });
    await this.jobs.declare(MOPF_LETTER_QUEUE, { retryLimit: 30, retryDelaySeconds });
    await this.jobs.declare(SENSITIVE_CHECK_QUEUE, { retryLimit: 20, retryDelaySeconds });
    await this.jobs.declare(NATIONALLY_SENSITIVE_QUEUE, { retryLimit: 20, retryDelaySeconds });
    // Until CIS gives the outcome: the backoff doubles up to pg-boss's cap, so 30 retries span weeks.
    await this.jobs.declare(CIS_UPDATE_OUTCOME_QUEUE, { retryLimit: 30, retryDelaySeconds });
  }
}
