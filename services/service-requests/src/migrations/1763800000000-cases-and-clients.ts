import { AUDIT_LOG_DOWN, AUDIT_LOG_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Cases, clients, participants, the case number sequence and the audit log. */
export class CasesAndClients1763800000000 implements MigrationInterface {
  name = 'CasesAndClients1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_UP);
    await q.query(`CREATE SEQUENCE "case_number_seq" START 100000000001`);
    await q.query(`
      CREATE TABLE "client" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "reference_kind" text,
        "reference" text,
        "reference_status" text NOT NULL DEFAULT 'Unverified',
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
        "sensitive_check" boolean NOT NULL DEFAULT false,
        "version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_client" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_client_reference" ON "client" ("reference_kind", "reference") WHERE "reference" IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE "case" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_number" text NOT NULL,
        "jurisdiction" text NOT NULL,
        "stage" text NOT NULL,
        "live" boolean NOT NULL DEFAULT true,
        "nationally_sensitive" boolean NOT NULL DEFAULT false,
        "csa_arrears_only" boolean NOT NULL DEFAULT false,
        "version" integer NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_case" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_case_number" ON "case" ("case_number")`);
    await q.query(`
      CREATE TABLE "case_participant" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "case_id" uuid NOT NULL,
        "client_id" uuid NOT NULL,
        "role" text NOT NULL,
        CONSTRAINT "PK_case_participant" PRIMARY KEY ("id"),
        CONSTRAINT "FK_case_participant_case" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE CASCADE,
        CONSTRAINT "FK_case_participant_client" FOREIGN KEY ("client_id") REFERENCES "client"("id") ON DELETE RESTRICT
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_case_participant" ON "case_participant" ("case_id", "client_id", "role")`,
    );
    await q.query(`CREATE INDEX "IDX_case_participant_client" ON "case_participant" ("client_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "case_participant"`);
    await q.query(`DROP TABLE "case"`);
    await q.query(`DROP TABLE "client"`);
    await q.query(`DROP SEQUENCE "case_number_seq"`);
    await q.query(AUDIT_LOG_DOWN);
  }
}
