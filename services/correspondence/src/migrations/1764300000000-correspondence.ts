import { AUDIT_LOG_DOWN, AUDIT_LOG_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates (versioned), letterheads, issued letters and SMS with their rendered PDFs (sealed when
 * they print whole bank details), the local gateways' outbox and the audit log.
 */
export class Correspondence1764300000000 implements MigrationInterface {
  name = 'Correspondence1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_UP);
    await q.query(`
      CREATE TABLE "letter_template" (
        "code" text NOT NULL,
        "version" integer NOT NULL,
        "channel" text NOT NULL,
        "title" text NOT NULL,
        "purpose" text NOT NULL,
        "recipient" text NOT NULL,
        "requires_tl_approval" boolean NOT NULL,
        "review_before_sending" boolean NOT NULL,
        "has_attachment" boolean NOT NULL,
        "requirement_ids" text array NOT NULL,
        "fields" jsonb NOT NULL,
        "body" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_letter_template" PRIMARY KEY ("code", "version")
      )`);
    await q.query(`
      CREATE TABLE "letterhead" (
        "jurisdiction" text NOT NULL,
        "version" integer NOT NULL,
        "content" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_letterhead" PRIMARY KEY ("jurisdiction", "version")
      )`);
    await q.query(`
      CREATE TABLE "correspondence_item" (
        "id" uuid NOT NULL,
        "channel" text NOT NULL,
        "idempotency_key" text NOT NULL,
        "request_fingerprint" text NOT NULL,
        "template_code" text NOT NULL,
        "template_version" integer NOT NULL,
        "letterhead_version" integer,
        "mode" text NOT NULL,
        "status" text NOT NULL,
        "status_reason" text,
        "recipient_client_id" uuid NOT NULL,
        "recipient_role" text,
        "recipient_name" text,
        "recipient_address" jsonb,
        "mobile_phone" text,
        "case_id" uuid NOT NULL,
        "case_number" text,
        "jurisdiction" text NOT NULL,
        "stage" text,
        "service_request_id" uuid,
        "approval" jsonb,
        "transfer_reference" text,
        "personalisation" jsonb NOT NULL,
        "bank_details_sealed" bytea,
        "sms_text" text,
        "review_required" boolean NOT NULL DEFAULT false,
        "reviewed_by" text,
        "reviewed_at" timestamptz,
        "sent_at" timestamptz,
        "status_changed_at" timestamptz NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        "version" integer NOT NULL,
        CONSTRAINT "PK_correspondence_item" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_correspondence_item_idempotency" ON "correspondence_item" ("channel", "idempotency_key")`,
    );
    await q.query(
      `CREATE INDEX "IDX_correspondence_item_client" ON "correspondence_item" ("recipient_client_id", "created_at", "id")`,
    );
    await q.query(
      `CREATE INDEX "IDX_correspondence_item_case" ON "correspondence_item" ("case_id", "created_at", "id")`,
    );
    await q.query(`
      ALTER TABLE "correspondence_item" ADD CONSTRAINT "FK_correspondence_item_template"
        FOREIGN KEY ("template_code", "template_version") REFERENCES "letter_template"("code", "version")
        ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await q.query(`
      CREATE TABLE "letter_pdf" (
        "item_id" uuid NOT NULL,
        "content" bytea NOT NULL,
        "encrypted" boolean NOT NULL,
        "sha256" text NOT NULL,
        "page_count" integer NOT NULL,
        "byte_length" integer NOT NULL,
        CONSTRAINT "PK_letter_pdf" PRIMARY KEY ("item_id")
      )`);
    await q.query(`
      ALTER TABLE "letter_pdf" ADD CONSTRAINT "FK_letter_pdf_item"
        FOREIGN KEY ("item_id") REFERENCES "correspondence_item"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`
      CREATE TABLE "gateway_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "gateway" text NOT NULL,
        "idempotency_key" text NOT NULL,
        "item_id" uuid NOT NULL,
        "payload" jsonb NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_gateway_outbox" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_gateway_outbox_key" ON "gateway_outbox" ("gateway", "idempotency_key")`,
    );
    await q.query(`CREATE INDEX "IDX_gateway_outbox_item" ON "gateway_outbox" ("item_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway_outbox"`);
    await q.query(`DROP TABLE "letter_pdf"`);
    await q.query(`DROP TABLE "correspondence_item"`);
    await q.query(`DROP TABLE "letterhead"`);
    await q.query(`DROP TABLE "letter_template"`);
    await q.query(AUDIT_LOG_DOWN);
  }
}
