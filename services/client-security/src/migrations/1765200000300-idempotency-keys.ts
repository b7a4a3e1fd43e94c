import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Requests applied under an `Idempotency-Key` (set-up, change, unblock): the caller, the key, an
 * argon2id hash of the request and the answer given — never the request body, which holds secrets.
 */
export class IdempotencyKeys1765200000300 implements MigrationInterface {
  name = 'IdempotencyKeys1765200000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "idempotency_key" (
        "caller_id" text NOT NULL,
        "key" text NOT NULL,
        "operation" text NOT NULL,
        "subject_id" uuid NOT NULL,
        "request_hash" text NOT NULL,
        "response" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL,
        CONSTRAINT "PK_idempotency_key" PRIMARY KEY ("caller_id", "key")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "idempotency_key"`);
  }
}
