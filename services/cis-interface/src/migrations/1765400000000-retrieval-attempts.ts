import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every attempt of a retrieval, kept (RD-5: each rejection recorded, also when a retry then
 * succeeded), filled with one attempt per retrieval already answered (earlier attempts were not
 * kept); and whether CIS holds a discrepancy's value as Verified (RD-7: keeping CMS's value over it
 * needs confirmation; RD-3 returns dates of birth and death only where Verified in CIS).
 */
export class RetrievalAttempts1765400000000 implements MigrationInterface {
  name = 'RetrievalAttempts1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "retrieval_attempt" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "retrieval_id" uuid NOT NULL,
        "attempt" integer NOT NULL,
        "request" integer NOT NULL,
        "requested_by" text NOT NULL,
        "at" timestamptz NOT NULL,
        "outcome" text NOT NULL,
        "rejection" text,
        "rejection_message" text,
        "failure_reason" text,
        CONSTRAINT "PK_retrieval_attempt" PRIMARY KEY ("id")
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_retrieval_attempt_number" ON "retrieval_attempt" ("retrieval_id", "attempt")`,
    );
    await q.query(`
      INSERT INTO "retrieval_attempt"
        (retrieval_id, attempt, request, requested_by, at, outcome, rejection, rejection_message, failure_reason)
      SELECT id, 1, greatest(attempts, 1), requested_by, coalesce(completed_at, requested_at), outcome,
             rejection, rejection_message, failure_reason
        FROM "retrieval" WHERE outcome <> 'in-progress'`);
    await q.query(`ALTER TABLE "discrepancy" ADD COLUMN "cis_verified" boolean NOT NULL DEFAULT false`);
    await q.query(
      `UPDATE "discrepancy" SET "cis_verified" = true WHERE "item" IN ('dateOfBirth', 'dateOfDeath')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "discrepancy" DROP COLUMN "cis_verified"`);
    await q.query(`DROP TABLE "retrieval_attempt"`);
  }
}
