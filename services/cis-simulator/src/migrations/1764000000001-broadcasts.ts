import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Daily broadcast runs, the batches they produced and every attempt to deliver them. */
export class Broadcasts1764000000001 implements MigrationInterface {
  name = 'Broadcasts1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "broadcast_run" (
        "day" date NOT NULL,
        "ran_at" timestamptz NOT NULL,
        "batch_id" uuid,
        "transaction_count" integer NOT NULL DEFAULT 0,
        "excluded" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "PK_broadcast_run" PRIMARY KEY ("day")
      )`);
    await q.query(`
      CREATE TABLE "broadcast_batch" (
        "id" uuid NOT NULL,
        "day" date NOT NULL,
        "generated_at" timestamptz NOT NULL,
        "body" jsonb NOT NULL,
        "transaction_count" integer NOT NULL,
        "status" text NOT NULL DEFAULT 'pending',
        "copies" integer NOT NULL DEFAULT 1,
        "acknowledged_copies" integer NOT NULL DEFAULT 0,
        "acknowledged_at" timestamptz,
        "failed_at" timestamptz,
        CONSTRAINT "PK_broadcast_batch" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "IDX_broadcast_batch_generated" ON "broadcast_batch" ("generated_at")`);
    await q.query(`
      CREATE TABLE "broadcast_delivery_attempt" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "batch_id" uuid NOT NULL,
        "copy" integer NOT NULL,
        "attempted_at" timestamptz NOT NULL,
        "status_code" integer,
        "outcome" text NOT NULL,
        "detail" text,
        "duration_ms" integer NOT NULL,
        CONSTRAINT "PK_broadcast_delivery_attempt" PRIMARY KEY ("id"),
        CONSTRAINT "FK_broadcast_delivery_attempt_batch" FOREIGN KEY ("batch_id") REFERENCES "broadcast_batch"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "IDX_broadcast_delivery_attempt_batch" ON "broadcast_delivery_attempt" ("batch_id", "attempted_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "broadcast_delivery_attempt"`);
    await q.query(`DROP TABLE "broadcast_batch"`);
    await q.query(`DROP TABLE "broadcast_run"`);
  }
}
