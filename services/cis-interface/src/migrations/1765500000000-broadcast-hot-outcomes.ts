import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17: recording a broadcast transaction's outcome (pending → sr-raised, …) becomes a HOT
 * update, one new heap tuple on the same page and no new index entry, instead of a new entry in
 * every index of `broadcast_transaction`:
 * - no index of the table mentions a column the outcome sets: the partial indexes on `outcome`
 *   (pending, unmatched) go. What they served is kept elsewhere, exactly, in the same transaction
 *   as each outcome: the batch's count of transactions by outcome (`broadcast_batch.*_count`; the
 *   batch is processed when `pending_count` reaches 0), and the unmatched ones (BR-5) listed from
 *   the narrow, insert-only `broadcast_unmatched`;
 * - the table leaves room on each page for its rows' outcome versions (fillfactor 40; new pages only).
 * Works on a database with rows: the counts and the unmatched list are filled from them.
 */
export class BroadcastHotOutcomes1765500000000 implements MigrationInterface {
  name = 'BroadcastHotOutcomes1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "broadcast_unmatched" (
        "transaction_row_id" uuid NOT NULL,
        "processed_at" timestamptz NOT NULL,
        CONSTRAINT "PK_broadcast_unmatched" PRIMARY KEY ("transaction_row_id")
      )`);
    await q.query(`
      INSERT INTO "broadcast_unmatched" ("transaction_row_id", "processed_at")
      SELECT "id", "processed_at" FROM "broadcast_transaction"
       WHERE "outcome" = 'unmatched' AND "processed_at" IS NOT NULL`);
    await q.query(
      `CREATE INDEX "IDX_broadcast_unmatched_processed" ON "broadcast_unmatched" ("processed_at", "transaction_row_id")`,
    );

    for (const c of COUNT_COLUMNS) {
      await q.query(`ALTER TABLE "broadcast_batch" ADD "${c}" integer NOT NULL DEFAULT 0`);
    }
    await q.query(`
      UPDATE "broadcast_batch" b
         SET "pending_count" = n.pending, "sr_raised_count" = n.sr_raised,
             "letter_issued_count" = n.letter_issued, "unmatched_count" = n.unmatched,
             "duplicate_ignored_count" = n.duplicate_ignored, "failed_count" = n.failed
        FROM (SELECT "batch_id",
                     count(*) FILTER (WHERE "outcome" = 'pending')::int AS pending,
                     count(*) FILTER (WHERE "outcome" = 'sr-raised')::int AS sr_raised,
                     count(*) FILTER (WHERE "outcome" = 'letter-issued')::int AS letter_issued,
                     count(*) FILTER (WHERE "outcome" = 'unmatched')::int AS unmatched,
                     count(*) FILTER (WHERE "outcome" = 'duplicate-ignored')::int AS duplicate_ignored,
                     count(*) FILTER (WHERE "outcome" = 'failed')::int AS failed
                FROM "broadcast_transaction" GROUP BY "batch_id") n
       WHERE b."id" = n."batch_id"`);

    await q.query(`DROP INDEX "IDX_broadcast_transaction_pending"`);
    await q.query(`DROP INDEX "IDX_broadcast_transaction_unmatched"`);
    await q.query(`ALTER TABLE "broadcast_transaction" SET (fillfactor = 40)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "broadcast_transaction" RESET (fillfactor)`);
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_pending" ON "broadcast_transaction" ("batch_id") WHERE "outcome" = 'pending'`,
    );
    await q.query(
      `CREATE INDEX "IDX_broadcast_transaction_unmatched" ON "broadcast_transaction" ("processed_at") WHERE "outcome" = 'unmatched'`,
    );
    for (const c of COUNT_COLUMNS) await q.query(`ALTER TABLE "broadcast_batch" DROP COLUMN "${c}"`);
    await q.query(`DROP TABLE "broadcast_unmatched"`);
  }
}

const COUNT_COLUMNS = [
  'pending_count',
  'sr_raised_count',
  'letter_issued_count',
  'unmatched_count',
  'duplicate_ignored_count',
  'failed_count',
];
