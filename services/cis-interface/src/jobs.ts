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
