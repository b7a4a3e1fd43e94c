import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock, UkAddress } from '@cms/domain';
import { CLOCK, JobQueue, recordAudit } from '@cms/platform';
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
    // pg-boss waits out the polling interval after each fetch, so throughput per worker is about
    // batch size / interval; two workers with batches of 20 keep up with issue (docs/benchmarks.md).
    // A failing item fails its batch, whose other items are then retried harmlessly (idempotent).
    for (let i = 0; i < DISPATCH_WORKERS; i++) {
      await this.jobs.work<DispatchJob>(DISPATCH_QUEUE, (payload) => this.dispatch(payload.itemId), {
        batchSize: DISPATCH_BATCH_SIZE,
        pollingIntervalSeconds: 0.5,
      });
    }
  }

  /** Writes a dispatch job for `itemId` in the caller's transaction. */
  async enqueue(manager: EntityManager, itemId: string): Promise<void> {
    await this.jobs.sendInTransaction<DispatchJob>(manager, DISPATCH_QUEUE, { itemId });
  }

  /**
   * Dispatches one item (the job handler). Does nothing when the item is no longer `created`.
   * The item and its PDF are read in one query, and the status moved by one conditional UPDATE
   * (plain SQL: TypeORM's find, lock-then-save and its re-read cost more than the work, issue 17).
   */
  async dispatch(itemId: string): Promise<void> {
    const [item] = await this.db.query<DispatchRow[]>(
      `SELECT i.id, i.channel, i.status, i.template_code AS "templateCode", i.recipient_name AS "recipientName",
              i.recipient_address AS "recipientAddress", i.mobile_phone AS "mobilePhone", i.sms_text AS "smsText",
              p.content, p.encrypted, p.page_count AS "pageCount", p.sha256
         FROM correspondence_item i LEFT JOIN letter_pdf p ON i.channel = 'letter' AND p.item_id = i.id
        WHERE i.id = $1`,
      [itemId],
    );
    if (!item || item.status !== 'created') return;
    const key = `dispatch:${item.id}`;
    let reference: string;
    try {
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
    } catch (e) {
      if (!(e instanceof GatewayRejectedError)) throw e;
      await this.settle(
        item.id,
        'failed',
        `Refused by the ${item.channel === 'letter' ? 'print' : 'SMS'} gateway: ${e.message}`,
      );
      return;
    }
    await this.settle(item.id, 'sent', null, reference);
  }

  /**
   * Moves a `created` item to `sent` or `failed` with its audit row, in one transaction: the UPDATE
   * takes the row lock and changes it only while it is still `created` (as the entity's save would,
   * with its version), so a concurrent status change or a second delivery of the job settles nothing.
   */
  private async settle(
    itemId: string,
    status: 'sent' | 'failed',
    reason: string | null,
    reference?: string,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const now = this.clock.now();
      const [rows] = await m.query<[{ channel: 'letter' | 'sms' }[], number]>(
        `UPDATE correspondence_item
            SET status = $2, status_reason = $3, status_changed_at = $4, updated_at = $4,
                sent_at = CASE WHEN $2 = 'sent' THEN $4 ELSE sent_at END, version = version + 1
          WHERE id = $1 AND status = 'created'
        RETURNING channel`,
        [itemId, status, reason, now],
      );
      const changed = rows[0];
      if (!changed) return;
      await recordAudit(m, {
        entityType: changed.channel,
        entityId: itemId,
        action: status === 'sent' ? 'sent' : 'failed',
        before: { status: 'created' },
        after: { status, reason, gatewayReference: reference ?? null },
        source: changed.channel === 'letter' ? 'print-gateway' : 'sms-gateway',
        actorId: 'correspondence-dispatch',
        actorRoles: ['system'],
      });
    });
    this.logger.log(`${itemId} ${status}`);
  }
}
