import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { GatewayOutboxRecord } from './gateway-outbox.entity';
import type { GatewayReceipt, PrintGateway, PrintRequest, SmsGateway, SmsRequest } from './gateways';

async function record(
  db: DataSource,
  gateway: 'print' | 'sms',
  idempotencyKey: string,
  itemId: string,
  payload: Record<string, unknown>,
): Promise<GatewayReceipt> {
  await db
    .createQueryBuilder()
    .insert()
    .into(GatewayOutboxRecord)
    .values({
      gateway,
      idempotencyKey,
      itemId,
      payload: payload as QueryDeepPartialEntity<Record<string, unknown>>,
    })
    .orIgnore()
    .execute();
  const row = await db.manager.findOneByOrFail(GatewayOutboxRecord, { gateway, idempotencyKey });
  return { reference: `local-${gateway}-${row.id}` };
}

/**
 * Print gateway for environments without the print supplier: records in `gateway_outbox` what it
 * would post (recipient, address, page count and the PDF's SHA-256; the PDF itself stays in
 * `letter_pdf`, sealed where it holds bank details). Idempotent on the key.
 */
@Injectable()
export class LocalPrintGateway implements PrintGateway {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  print(r: PrintRequest, idempotencyKey: string): Promise<GatewayReceipt> {
    return record(this.db, 'print', idempotencyKey, r.itemId, {
      templateCode: r.templateCode,
      recipientName: r.recipientName,
      address: r.address,
      pageCount: r.pageCount,
      pdfSha256: r.sha256,
      pdfBytes: r.pdf.length,
    });
  }
}

/** SMS gateway for environments without the SMS supplier: records the number and text in `gateway_outbox`. */
@Injectable()
export class LocalSmsGateway implements SmsGateway {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  send(r: SmsRequest, idempotencyKey: string): Promise<GatewayReceipt> {
    return record(this.db, 'sms', idempotencyKey, r.itemId, {
      templateCode: r.templateCode,
      to: r.to,
      text: r.text,
    });
  }
}
