import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock } from '@cms/domain';
import { CLOCK, JobQueue, recordAudit } from '@cms/platform';
import { DataSource, EntityManager } from 'typeorm';
import { BankDetailsCipher } from '../crypto/bank-details-cipher';
import { CorrespondenceItem, LetterPdf } from '../letters/correspondence-item.entity';
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

  /** Dispatches one item (the job handler). Does nothing when the item is no longer `created`. */
  async dispatch(itemId: string): Promise<void> {
    const item = await this.db.manager.findOneBy(CorrespondenceItem, { id: itemId });
    if (!item || item.status !== 'created') return;
    const key = `dispatch:${item.id}`;
    let reference: string;
    try {
      if (item.channel === 'letter') {
        const pdf = await this.db.manager.findOneByOrFail(LetterPdf, { itemId: item.id });
        const bytes = pdf.encrypted ? this.cipher.open(pdf.content, pdfContext(item.id)) : pdf.content;
        ({ reference } = await this.print.print(
          {
            itemId: item.id,
            templateCode: item.templateCode,
            recipientName: item.recipientName!,
            address: item.recipientAddress!,
            pdf: bytes,
            pageCount: pdf.pageCount,
            sha256: pdf.sha256,
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

  private async settle(
    itemId: string,
    status: 'sent' | 'failed',
    reason: string | null,
    reference?: string,
  ): Promise<void> {
    await this.db.transaction(async (m) => {
      const item = await m.findOne(CorrespondenceItem, {
        where: { id: itemId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!item || item.status !== 'created') return;
      const now = this.clock.now();
      const before = { status: item.status };
      item.status = status;
      item.statusReason = reason;
      item.statusChangedAt = now;
      item.updatedAt = now;
      if (status === 'sent') item.sentAt = now;
      await m.save(item);
      await recordAudit(m, {
        entityType: item.channel,
        entityId: item.id,
        action: status === 'sent' ? 'sent' : 'failed',
        before,
        after: { status, reason, gatewayReference: reference ?? null },
        source: item.channel === 'letter' ? 'print-gateway' : 'sms-gateway',
        actorId: 'correspondence-dispatch',
        actorRoles: ['system'],
      });
    });
    this.logger.log(`${itemId} ${status}`);
  }
}
