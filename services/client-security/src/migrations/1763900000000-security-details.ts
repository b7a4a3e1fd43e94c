import { AUDIT_LOG_DOWN, AUDIT_LOG_UP } from '@cms/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security subjects (clients and representatives) with their account state, the append-only
 * versions of their security details (hashes only), rate-limit buckets and the audit log.
 */
export class SecurityDetails1763900000000 implements MigrationInterface {
  name = 'SecurityDetails1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(AUDIT_LOG_UP);
    await q.query(`
      CREATE TABLE "security_subject" (
        "subject_id" uuid NOT NULL,
        "subject_type" text NOT NULL,
        "acting_for_client_id" uuid,
        "csa_arrears_only" boolean NOT NULL DEFAULT false,
        "tam_account" boolean NOT NULL DEFAULT false,
        "tam_account_created_at" timestamptz,
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "blocked_at" timestamptz,
        "last_check_at" timestamptz,
        "last_check_result" text,
        "current_version" integer NOT NULL,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "updated_at" timestamptz NOT NULL,
        CONSTRAINT "PK_security_subject" PRIMARY KEY ("subject_id"),
        CONSTRAINT "CHK_security_subject_type" CHECK ("subject_type" IN ('client', 'representative')),
        CONSTRAINT "CHK_security_subject_representative"
          CHECK (("subject_type" = 'representative') = ("acting_for_client_id" IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE "security_credential" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "subject_id" uuid NOT NULL,
        "version" integer NOT NULL,
        "pin_hash" text NOT NULL,
        "password_hash" text NOT NULL,
        "password_folded_hash" text NOT NULL,
        "memorable_answers" text[] NOT NULL,
        "reason" text NOT NULL,
        "changed_items" text[] NOT NULL,
        "service_request_id" uuid,
        "created_by" text NOT NULL,
        "created_at" timestamptz NOT NULL,
        "superseded_at" timestamptz,
        CONSTRAINT "PK_security_credential" PRIMARY KEY ("id"),
        CONSTRAINT "FK_security_credential_subject" FOREIGN KEY ("subject_id")
          REFERENCES "security_subject"("subject_id") ON DELETE CASCADE,
        CONSTRAINT "CHK_security_credential_memorable"
          CHECK ("memorable_answers" = ARRAY['X','X','X','X','X','X','X']::text[]),
        CONSTRAINT "CHK_security_credential_reason" CHECK ("reason" IN ('set-up', 'change'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_security_credential_version" ON "security_credential" ("subject_id", "version")`,
    );
    // SD-20: a written version of the details is never overwritten; only `superseded_at` may be set.
    await q.query(`
      CREATE FUNCTION "security_credential_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW."subject_id", NEW."version", NEW."pin_hash", NEW."password_hash",
            NEW."password_folded_hash", NEW."memorable_answers", NEW."reason", NEW."changed_items",
            NEW."created_by", NEW."created_at")
           IS DISTINCT FROM
           (OLD."subject_id", OLD."version", OLD."pin_hash", OLD."password_hash",
            OLD."password_folded_hash", OLD."memorable_answers", OLD."reason", OLD."changed_items",
            OLD."created_by", OLD."created_at")
           OR (OLD."superseded_at" IS NOT NULL AND NEW."superseded_at" IS DISTINCT FROM OLD."superseded_at")
        THEN
          RAISE EXCEPTION 'security details are append-only (SD-20)' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER "TRG_security_credential_append_only" BEFORE UPDATE ON "security_credential"
      FOR EACH ROW EXECUTE FUNCTION "security_credential_append_only"()`);
    await q.query(`
      CREATE TABLE "rate_limit_bucket" (
        "key" text NOT NULL,
        "window_start" timestamptz NOT NULL,
        "hits" integer NOT NULL,
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "PK_rate_limit_bucket" PRIMARY KEY ("key", "window_start")
      )`);
    await q.query(`CREATE INDEX "IDX_rate_limit_bucket_expires" ON "rate_limit_bucket" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rate_limit_bucket"`);
    await q.query(`DROP TRIGGER "TRG_security_credential_append_only" ON "security_credential"`);
    await q.query(`DROP FUNCTION "security_credential_append_only"()`);
    await q.query(`DROP TABLE "security_credential"`);
    await q.query(`DROP TABLE "security_subject"`);
    await q.query(AUDIT_LOG_DOWN);
  }
}
