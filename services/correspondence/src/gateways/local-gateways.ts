import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { businessNow } from '@cms/platform';
import { DataSource } from 'typeorm';
import type { GatewayReceipt, PrintGateway, PrintRequest, SmsGateway, SmsRequest } from './gateways';

/**
 * Records what a local gateway would send, once per gateway and key: one statement (insert, or the
 * row a retried job recorded before), dated by the service's clock (#12).
 * @returns the receipt `local-<gateway>-<row id>`
 */
async function record(
  db: DataSource,
  gateway: 'print' | 'sms',
  idempotencyKey: string,
  itemId: string,
  payload: Record<string, unknown>,
): Promise<GatewayReceipt> {
  const [row] = await db.query<{ id: string }[]>(
    `WITH ins AS (
       INSERT INTO gateway_outbox (gateway, idempotency_key, item_id, payload, recorded_at)
       VALUES ($1, $2, $3, $4::jsonb, COALESCE($5::timestamptz, now()))
       ON CONFLICT (gateway, idempotency_key) DO NOTHING RETURNING id)
     SELECT id FROM ins
     UNION ALL SELECT id FROM gateway_outbox WHERE gateway = $1 AND idempotency_key = $2
     LIMIT 1`,
    [gateway, idempotencyKey, itemId, JSON.stringify(payload), businessNow(db.manager) ?? null],
  );
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
