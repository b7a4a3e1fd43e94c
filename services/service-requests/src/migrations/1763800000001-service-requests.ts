import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Service requests, linked cases, activity plans and append-only notes. */
export class ServiceRequests1763800000001 implements MigrationInterface {
  name = 'ServiceRequests1763800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE "sr_number_seq" START 1000001`);
    await q.query(`
      CREATE TABLE "service_request" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sr_number" text NOT NULL,
        "type" text NOT NULL,
        "path" text NOT NULL,
        "process" text NOT NULL,
        "area" text NOT NULL,
        "sub_area" text NOT NULL,
        "status" text NOT NULL,
        "sub_status" text,
        "resolution_code" text,
        "source" text NOT NULL,
        "reported_by_first_name" text,
        "reported_by_last_name" text,
        "subject_client_id" uuid,
        "subject_role" text,
        "change_type" text,
        "details" jsonb NOT NULL DEFAULT '{}',
        "read_only" boolean NOT NULL DEFAULT false,
        "submitted_for_approval_by" text,
        "approved_by" text,
        "approved_at" timestamptz,
        "next_action_due" timestamptz,
        "flag" text,
        "queue" text NOT NULL,
        "owner" text,
        "nationally_sensitive" boolean NOT NULL DEFAULT false,
        "sla_due_at" timestamptz,
        "idempotency_key" text,
        "created_by" text NOT NULL,
        "closed_at" timestamptz,
        "version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_service_request" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_sr_number" ON "service_request" ("sr_number")`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_sr_idempotency_key" ON "service_request" ("idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_sr_queue_open" ON "service_request" ("queue", "sla_due_at", "id") WHERE "status" NOT IN ('Closed', 'Cancelled')`,
    );
    await q.query(
      `CREATE INDEX "IDX_sr_wait_due" ON "service_request" ("next_action_due") WHERE "status" = 'Wait'`,
    );
    await q.query(`CREATE INDEX "IDX_sr_subject" ON "service_request" ("subject_client_id")`);
    await q.query(`
      CREATE TABLE "sr_case_link" (
        "sr_id" uuid NOT NULL,
        "case_id" uuid NOT NULL,
        CONSTRAINT "PK_sr_case_link" PRIMARY KEY ("sr_id", "case_id")
      )`);
    await q.query(`CREATE INDEX "IDX_sr_case_link_case" ON "sr_case_link" ("case_id")`);
    await q.query(`
      CREATE TABLE "sr_activity_step" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sr_id" uuid NOT NULL,
        "position" integer NOT NULL,
        "key" text NOT NULL,
        "title" text NOT NULL,
        "outcome" text,
        "reason" text,
        "recorded_by" text,
        "recorded_at" timestamptz,
        CONSTRAINT "PK_sr_activity_step" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_sr_activity_step" ON "sr_activity_step" ("sr_id", "key")`);
    await q.query(`
      CREATE TABLE "sr_note" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sr_id" uuid NOT NULL,
        "text" text NOT NULL,
        "author" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_sr_note" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "IDX_sr_note_sr" ON "sr_note" ("sr_id", "created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sr_note"`);
    await q.query(`DROP TABLE "sr_activity_step"`);
    await q.query(`DROP TABLE "sr_case_link"`);
    await q.query(`DROP TABLE "service_request"`);
    await q.query(`DROP SEQUENCE "sr_number_seq"`);
  }
}
