import { AUDIT_LOG_DOWN, AUDIT_LOG_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** CIS persons, CMG's interests on them, the changes recorded on them, the updates CMG sent, and the audit log. */
export class PersonsInterestsChanges1764000000000 implements MigrationInterface {
  name = 'PersonsInterestsChanges1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_UP);
    await q.query(`
      CREATE TABLE "person" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "first_name" text NOT NULL,
        "last_name" text NOT NULL,
        "date_of_birth" date,
        "date_of_birth_verified" boolean NOT NULL DEFAULT false,
        "date_of_death" date,
        "date_of_death_verified" boolean NOT NULL DEFAULT false,
        "sex" text,
        "address" jsonb,
        "address_start_date" date,
        "home_phone" text,
        "business_phone" text,
        "mobile_phone" text,
        "home_email" text,
        "nationally_sensitive" boolean NOT NULL DEFAULT false,
        "superseded_by_nino" text,
        "deleted" boolean NOT NULL DEFAULT false,
        "version" integer NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "PK_person" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_person_reference" ON "person" ("reference_kind", "reference")`);
    await q.query(`
      CREATE TABLE "interest" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "person_id" uuid NOT NULL,
        "interest_type" text NOT NULL,
        "registered_at" timestamptz NOT NULL,
        "registered_by" text NOT NULL,
        "deregistered_at" timestamptz,
        "deregistered_by" text,
        CONSTRAINT "PK_interest" PRIMARY KEY ("id"),
        CONSTRAINT "FK_interest_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_interest_active" ON "interest" ("person_id", "interest_type") WHERE "deregistered_at" IS NULL`,
    );
    await q.query(`
      CREATE TABLE "cis_change" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "seq" SERIAL NOT NULL,
        "person_id" uuid NOT NULL,
        "day" date NOT NULL,
        "change_type" text NOT NULL,
        "item" text NOT NULL,
        "origin" text NOT NULL,
        "payload" jsonb NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        "update_id" uuid,
        "broadcast_outcome" text,
        "broadcast_batch_id" uuid,
        CONSTRAINT "PK_cis_change" PRIMARY KEY ("id"),
        CONSTRAINT "FK_cis_change_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "IDX_cis_change_day" ON "cis_change" ("day", "person_id", "item", "recorded_at")`,
    );
    await q.query(`CREATE INDEX "IDX_cis_change_person" ON "cis_change" ("person_id", "recorded_at")`);
    await q.query(
      `CREATE INDEX "IDX_cis_change_pending" ON "cis_change" ("day") WHERE "broadcast_outcome" IS NULL`,
    );
    await q.query(`
      CREATE TABLE "cis_update" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "idempotency_key" text,
        "request_hash" text NOT NULL,
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "person_id" uuid,
        "update_type" text NOT NULL,
        "payload" jsonb NOT NULL,
        "response_code" text NOT NULL,
        "applied_at" timestamptz,
        "received_at" timestamptz NOT NULL,
        "caller" text NOT NULL,
        CONSTRAINT "PK_cis_update" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_cis_update_idempotency_key" ON "cis_update" ("idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_cis_update_reference" ON "cis_update" ("reference_kind", "reference", "received_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cis_update"`);
    await q.query(`DROP TABLE "cis_change"`);
    await q.query(`DROP TABLE "interest"`);
    await q.query(`DROP TABLE "person"`);
    await q.query(AUDIT_LOG_DOWN);
  }
}
