import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock, UkAddress } from '@cms/domain';
import { auditStatement, CLOCK, combineWrites, JobQueue, type SqlStatement } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import { BankDetailsCipher } from '../crypto/bank-details-cipher';
import {
  GatewayRejectedError,
  PRINT_GATEWAY,
  SMS_GATEWAY,
  type PrintGateway,
  type SmsGateway,
} from './gateways';

/** Queue of items to hand to the print or SMS gateway. */
export const DISPATCH_QUEUE = 'correspondence.dispatch';

/** Dispatch workers per replica, and jobs each fetches at a time. */
const DISPATCH_WORKERS = 2;
const DISPATCH_BATCH_SIZE = 20;

/** What dispatching reads of an item and its PDF (one query). */
interface DispatchRow {
  id: string;
  channel: 'letter' | 'sms';
  status: string;
  templateCode: string;
  recipientName: string | null;
  recipientAddress: UkAddress | null;
  mobilePhone: string | null;
  smsText: string | null;
  content: Buffer | null;
  encrypted: boolean | null;
  pageCount: number | null;
  sha256: string | null;
}

/** Payload of a dispatch job. */
export interface DispatchJob {
  itemId: string;
}

/** Context of the sealed PDF of a letter (AES-GCM additional data). */
export function pdfContext(itemId: string): string {
  return `letter:${itemId}:pdf`;
}

/**
 * Hands issued letters and SMS to their gateway. The job is written in the transaction that issues
 * the item (or that records the caseworker's review), so an item is never lost or dispatched
 * without being stored; the worker calls the gateway with the item id as idempotency key and then
 * moves the status `created` → `sent` (audited). A temporary gateway failure throws, and pg-boss
 * retries with backoff; a permanent refusal moves the item to `failed` with the reason.
 */
@Injectable()
export class DispatchService implements OnModuleInit {
  private readonly logger = new Logger(DispatchService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly cipher: BankDetailsCipher,
    @Inject(PRINT_GATEWAY) private readonly print: PrintGateway,
    @Inject(SMS_GATEWAY) private readonly sms: SmsGateway,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(DISPATCH_QUEUE, { retryLimit: 12, retryDelaySeconds: 2 });
    // A worker takes up to 20 items a fetch: read together, handed to their gateway one after
    // another, and settled together (issue 17). An item whose gateway fails for now fails alone
    // (pg-boss retries it); the others are settled.
    for (let i = 0; i < DISPATCH_WORKERS; i++) {
      await this.jobs.workBatch<DispatchJob>(
        DISPATCH_QUEUE,
        (jobs) =>
          this.dispatchMany(jobs.map((j) => ({ itemId: j.payload.itemId, run: (w) => j.inContext(w) }))),
        { batchSize: DISPATCH_BATCH_SIZE, pollingIntervalSeconds: 0.5 },
      );
    }
  }

  /** The statement that writes a dispatch job for `itemId`, for the caller's one statement (see JobQueue.jobsStatement). */
  enqueueStatement(itemId: string): Promise<SqlStatement> {
    return this.jobs.jobsStatement<DispatchJob>(DISPATCH_QUEUE, [{ payload: { itemId } }]);
  }

  /** Writes a dispatch job for `itemId` in the caller's transaction. */
  async enqueue(manager: EntityManager, itemId: string): Promise<void> {
    await this.jobs.sendInTransaction<DispatchJob>(manager, DISPATCH_QUEUE, { itemId });
  }

  /**
   * Dispatches one item. Does nothing when the item is no longer `created`.
   * @throws what the gateway throws for a failure worth retrying
   */
  async dispatch(itemId: string): Promise<void> {
    const [error] = await this.dispatchMany([{ itemId, run: (work) => work() }]);
    if (error !== undefined) throw error;
  }

  /**
   * Dispatches items (a fetched batch of dispatch jobs): reads them and their PDFs in ONE query,
   * hands each still `created` to its gateway (one after another, each in its job's context via
   * `run`, the item id as the gateway's idempotency key), then settles every handed item in ONE
   * statement ({@link settleAll}). A permanent refusal settles the item as `failed`; any other
   * gateway error is that item's answer (its job is retried) and settles nothing.
   * Issue 17: an item was a read, a gateway call and a transaction of four round trips.
   * @returns for each item in order, undefined or the error its job fails with
   * @throws when the read or the settling fails (every job of the batch is retried: idempotent)
   */
  async dispatchMany(
    items: readonly { itemId: string; run: <R>(work: () => Promise<R>) => Promise<R> }[],
  ): Promise<unknown[]> {
    const rows = await this.db.query<DispatchRow[]>(
      `SELECT i.id, i.channel, i.status, i.template_code AS "templateCode", i.recipient_name AS "recipientName",
              i.recipient_address AS "recipientAddress", i.mobile_phone AS "mobilePhone", i.sms_text AS "smsText",
              p.content, p.encrypted, p.page_count AS "pageCount", p.sha256
         FROM unnest($1::uuid[]) AS u(id)
         JOIN correspondence_item i ON i.id = u.id
         LEFT JOIN letter_pdf p ON i.channel = 'letter' AND p.item_id = i.id`,
      [items.map((i) => i.itemId)],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const settlements = new Map<string, Settlement>();
    const answers: unknown[] = [];
    for (const { itemId, run } of items) {
      const item = byId.get(itemId);
      // Gone, no longer created, or the same item twice in a batch: nothing to do.
      if (!item || item.status !== 'created' || settlements.has(itemId)) {
        answers.push(undefined);
        continue;
      }
      try {
        settlements.set(itemId, await run(() => this.deliver(item)));
        answers.push(undefined);
      } catch (e) {
        answers.push(e ?? new Error('dispatch failed'));
      }
    }
    if (settlements.size) await this.settleAll([...settlements.values()]);
    return answers;
  }

  /**
   * Hands one item to its gateway. @returns how to settle it: `sent` with the gateway's reference,
   * or `failed` with the reason when the gateway refuses it for good
   * @throws any other gateway error (worth retrying)
   */
  private async deliver(item: DispatchRow): Promise<Settlement> {
    const key = `dispatch:${item.id}`;
    try {
      let reference: string;
      if (item.channel === 'letter') {
        if (!item.content) throw new Error(`Letter ${item.id} has no PDF`);
        const bytes = item.encrypted ? this.cipher.open(item.content, pdfContext(item.id)) : item.content;
        ({ reference } = await this.print.print(
          {
            itemId: item.id,
            templateCode: item.templateCode,
            recipientName: item.recipientName!,
            address: item.recipientAddress!,
            pdf: bytes,
            pageCount: item.pageCount!,
            sha256: item.sha256!,
          },
          key,
        ));
      } else {
        ({ reference } = await this.sms.send(
          { itemId: item.id, templateCode: item.templateCode, to: item.mobilePhone!, text: item.smsText! },
          key,
        ));
      }
      return { id: item.id, channel: item.channel, status: 'sent', reason: null, reference };
    } catch (e) {
      if (!(e instanceof GatewayRejectedError)) throw e;
      const gateway = item.channel === 'letter' ? 'print' : 'SMS';
      return {
        id: item.id,
        channel: item.channel,
        status: 'failed',
        reason: `Refused by the ${gateway} gateway: ${e.message}`,
        reference: null,
      };
    }
  }

  /**
   * Moves `created` items to `sent` or `failed`, each with its audit row, in ONE statement: the
   * UPDATE changes an item only while it is still `created` (as the entity's save would, with its
   * version), and an audit row is written only for an item it changed, so a concurrent status change
   * or a second delivery of the job settles nothing.
   */
  private async settleAll(settlements: readonly Settlement[]): Promise<void> {
    const now = this.clock.now();
    const update = {
      sql: `UPDATE correspondence_item i
               SET status = u.status, status_reason = u.reason, status_changed_at = $1, updated_at = $1,
                   sent_at = CASE WHEN u.status = 'sent' THEN $1::timestamptz ELSE i.sent_at END,
                   version = i.version + 1
              FROM json_to_recordset($2::json) AS u(id uuid, status text, reason text)
             WHERE i.id = u.id AND i.status = 'created'
         RETURNING i.id`,
      params: [
        now,
        JSON.stringify(settlements.map((x) => ({ id: x.id, status: x.status, reason: x.reason }))),
      ],
    };
    const audit = auditStatement(
      this.db.manager,
      settlements.map((x) => ({
        entityType: x.channel,
        entityId: x.id,
        action: x.status,
        before: { status: 'created' },
        after: { status: x.status, reason: x.reason, gatewayReference: x.reference },
        source: x.channel === 'letter' ? 'print-gateway' : 'sms-gateway',
        actorId: 'correspondence-dispatch',
        actorRoles: ['system'],
      })),
      // Only the items the UPDATE changed (w1: its RETURNING rows).
      { when: 'u.entity_id IN (SELECT id::text FROM w1)' },
    );
    const { sql, params } = combineWrites([update, audit]);
    await this.db.query(sql, params);
    for (const x of settlements) this.logger.log(`${x.id} ${x.status}`);
  }
}

/** How a handed item is settled. */
interface Settlement {
  id: string;
  channel: 'letter' | 'sms';
  status: 'sent' | 'failed';
  reason: string | null;
  reference: string | null;
}
