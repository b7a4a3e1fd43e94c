import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CIS - Send Update: a CoC SR's item is sent to CIS once (SU-4). An update holds its SR's item while
 * it is being asked (`pending`), while its outcome is `unknown` (the answer never arrived; a job
 * reconciles it, SU-5) and once CIS applied it (response code 0). Existing data never makes it fail:
 * an update left `pending` (asked, its answer never recorded) becomes `unknown`, as it is, and where one SR item was
 * sent more than once before SU-4 was enforced, the newest keeps the SR link and the older ones lose
 * it (the link stays in their `requested` audit record).
 */
export class CisUpdateOutcome1765300000000 implements MigrationInterface {
  name = 'CisUpdateOutcome1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE "cis_update" SET "status" = 'unknown',
             "failure_reason" = coalesce("failure_reason", 'No answer from CIS was recorded')
       WHERE "status" = 'pending'`);
    await q.query(`
      UPDATE "cis_update" u SET "service_request_id" = NULL
        FROM (
          SELECT "id", row_number() OVER (PARTITION BY "service_request_id", "update_type" ORDER BY "requested_at" DESC, "id") AS n
            FROM "cis_update"
           WHERE "service_request_id" IS NOT NULL AND ("status" IN ('pending', 'unknown') OR "response_code" = '0')
        ) d
       WHERE u."id" = d."id" AND d.n > 1`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_cis_update_service_request_item" ON "cis_update" ("service_request_id", "update_type") WHERE "service_request_id" IS NOT NULL AND ("status" IN ('pending', 'unknown') OR "response_code" = '0')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "UQ_cis_update_service_request_item"`);
    await q.query(`UPDATE "cis_update" SET "status" = 'failed' WHERE "status" = 'unknown'`);
  }
}
