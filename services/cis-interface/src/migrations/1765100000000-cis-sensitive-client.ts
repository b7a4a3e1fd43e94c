import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * cis-interface's own record of the clients CIS treats as nationally sensitive (X-1, RD-4, SU-6),
 * filled from the answers already stored: retrievals CIS answered "Insufficient access level" and
 * updates it answered with error code 1 (the first of each client's).
 */
export class CisSensitiveClient1765100000000 implements MigrationInterface {
  name = 'CisSensitiveClient1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "cis_sensitive_client" (
        "client_id" uuid NOT NULL,
        "reference_kind" text NOT NULL,
        "reference" text NOT NULL,
        "requirement_id" text NOT NULL,
        "source_id" uuid NOT NULL,
        "reason" text NOT NULL,
        "since" timestamptz NOT NULL,
        CONSTRAINT "PK_cis_sensitive_client" PRIMARY KEY ("client_id")
      )`);
    await q.query(
      `CREATE INDEX "IDX_cis_sensitive_client_reference" ON "cis_sensitive_client" ("reference_kind", "reference")`,
    );
    await q.query(`
      INSERT INTO "cis_sensitive_client" (client_id, reference_kind, reference, requirement_id, source_id, reason, since)
      SELECT DISTINCT ON (a.client_id) a.client_id, a.reference_kind, a.reference, a.requirement_id, a.id, a.reason, a.at
        FROM (
          SELECT client_id, reference_kind, reference, 'RD-4' AS requirement_id, id,
                 'CIS answered "Insufficient access level" to a retrieval of personal data (RD-4)' AS reason,
                 coalesce(completed_at, requested_at) AS at
            FROM "retrieval" WHERE outcome = 'insufficient-access'
          UNION ALL
          SELECT client_id, reference_kind, reference, 'SU-6', id, 'CIS update error code 1 (SU-6)',
                 coalesce(responded_at, requested_at)
            FROM "cis_update" WHERE response_code = '1'
        ) a
       ORDER BY a.client_id, a.at`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "cis_sensitive_client"`);
  }
}
