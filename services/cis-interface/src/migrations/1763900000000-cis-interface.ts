import { AUDIT_LOG_DOWN, AUDIT_LOG_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cis-interface's schema: interests (RI), retrievals with the CIS data kept apart from CMS's and
 * the discrepancies (RD), updates sent to CIS (SU), broadcast batches and their transactions (BR),
 * and the audit log.
 */
export class CisInterface1763900000000 implements MigrationInterface {
  name = 'CisInterface1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_UP);

    await q.query(`
      CREATE TABLE "interest_registration" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "interest_type" text NOT NULL,
        "client_role" text NOT NULL,
        "status" text NOT NULL,
        "registered_at" timestamptz NOT NULL,
        "registered_by" text NOT NULL,
        "deregistered_at" timestamptz,
        "deregistered_by" text,
        CONSTRAINT "PK_interest_registration" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_interest_registration_active" ON "interest_registration" ("client_id", "interest_type") WHERE "status" = 'registered'`,
    );
    await q.query(
      `CREATE INDEX "IDX_interest_registration_reference" ON "interest_registration" ("reference_kind", "reference")`,
    );

    await q.query(`
      CREATE TABLE "retrieval" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "trigger" text NOT NULL,
        "idempotency_key" text,
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "outcome" text NOT NULL,
        "rejection" text,
        "rejection_message" text,
        "superseded_by" text,
        "failure_reason" text,
        "items" jsonb NOT NULL DEFAULT '[]',
        "sensitive_check_sr_id" uuid,
        "attempts" integer NOT NULL DEFAULT 0,
        "requested_by" text NOT NULL,
        "requested_at" timestamptz NOT NULL,
        "completed_at" timestamptz,
        CONSTRAINT "PK_retrieval" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_retrieval_idempotency_key" ON "retrieval" ("idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "IDX_retrieval_client" ON "retrieval" ("client_id", "requested_at")`);

    await q.query(`
      CREATE TABLE "cis_personal_data" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "retrieval_id" uuid NOT NULL,
        "source" text NOT NULL DEFAULT 'CIS',
        "retrieved_at" timestamptz NOT NULL,
        "data" jsonb NOT NULL,
        "items" jsonb NOT NULL,
        CONSTRAINT "PK_cis_personal_data" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE INDEX "IDX_cis_personal_data_client" ON "cis_personal_data" ("client_id", "retrieved_at")`,
    );

    await q.query(`
      CREATE TABLE "discrepancy" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "retrieval_id" uuid NOT NULL,
        "item" text NOT NULL,
        "cms_value" jsonb,
        "cis_value" jsonb,
        "status" text NOT NULL,
        "decided_by" text,
        "decided_at" timestamptz,
        "reason" text,
        "client_version" integer,
        "cis_update_id" uuid,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "PK_discrepancy" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_discrepancy_open" ON "discrepancy" ("client_id", "item") WHERE "status" = 'open'`,
    );
    await q.query(`CREATE INDEX "IDX_discrepancy_client" ON "discrepancy" ("client_id", "created_at")`);

    await q.query(`
      CREATE TABLE "cis_update" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "update_type" text NOT NULL,
        "payload" jsonb NOT NULL,
        "service_request_id" uuid,
        "discrepancy_id" uuid,
        "stage" text,
        "status" text NOT NULL,
        "response_code" text,
        "response_message" text,
        "failure_reason" text,
        "requested_by" text NOT NULL,
        "requested_at" timestamptz NOT NULL,
        "responded_at" timestamptz,
        CONSTRAINT "PK_cis_update" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "IDX_cis_update_client" ON "cis_update" ("client_id", "requested_at")`);

    await q.query(`
      CREATE TABLE "broadcast_batch" (
        "id" uuid NOT NULL,
        "generated_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL,
        "times_received" integer NOT NULL DEFAULT 1,
        "transaction_count" integer NOT NULL,
        "chunk_count" integer NOT NULL,
        "status" text NOT NULL,
        "processed_at" timestamptz,
        CONSTRAINT "PK_broadcast_batch" PRIMARY KEY ("id")
      )`);

    await q.query(`
      CREATE TABLE "broadcast_transaction" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "batch_id" uuid NOT NULL,
        "seq" integer NOT NULL,
        "chunk" integer NOT NULL,
        "transaction_id" text NOT NULL,
        "duplicate_of" uuid,
        "reference_kind" text,
        "reference" text,
        "change_type" text,
        "item" text,
        "recorded_at" timestamptz,
        "recorded_day" date,
        "payload" jsonb,
        "interest_types" text[] NOT NULL DEFAULT '{}',
        "outcome" text NOT NULL,
        "reason" text,
        "problems" jsonb,
        "client_id" uuid,
        "client_role" text,
        "case_ids" uuid[] NOT NULL DEFAULT '{}',
        "nationally_sensitive" boolean NOT NULL DEFAULT false,
        "sr_id" uuid,
        "sr_number" text,
        "sr_queue" text,
        "sr_status" text,
        "letter_id" text,
        "received_at" timestamptz NOT NULL,
        "processed_at" timestamptz,
        CONSTRAINT "PK_broadcast_transaction" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_broadcast_transaction_first" ON "broadcast_transaction" ("transaction_id") WHERE "duplicate_of" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_chunk" ON "broadcast_transaction" ("batch_id", "chunk")`,
    );
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_item_day" ON "broadcast_transaction" ("reference_kind", "reference", "item", "recorded_day")`,
    );
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_unmatched" ON "broadcast_transaction" ("processed_at") WHERE "outcome" = 'unmatched'`,
    );
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_pending" ON "broadcast_transaction" ("batch_id") WHERE "outcome" = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "broadcast_transaction"`);
    await q.query(`DROP TABLE "broadcast_batch"`);
    await q.query(`DROP TABLE "cis_update"`);
    await q.query(`DROP TABLE "discrepancy"`);
    await q.query(`DROP TABLE "cis_personal_data"`);
    await q.query(`DROP TABLE "retrieval"`);
    await q.query(`DROP TABLE "interest_registration"`);
    await q.query(AUDIT_LOG_DOWN);
  }
}
