import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foreign keys for an SR's parts: its case links, activity plan steps and notes belong to an SR that
 * exists, and a case link to a case that exists. Transactions already write them whole; these make
 * the database refuse an orphan whatever writes it.
 */
export class SrForeignKeys1764900000001 implements MigrationInterface {
  name = 'SrForeignKeys1764900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE "sr_case_link" ADD CONSTRAINT "FK_sr_case_link_sr" FOREIGN KEY ("sr_id") REFERENCES "service_request"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "sr_case_link" ADD CONSTRAINT "FK_sr_case_link_case" FOREIGN KEY ("case_id") REFERENCES "case"("id") ON DELETE RESTRICT`,
    );
    await q.query(
      `ALTER TABLE "sr_activity_step" ADD CONSTRAINT "FK_sr_activity_step_sr" FOREIGN KEY ("sr_id") REFERENCES "service_request"("id") ON DELETE CASCADE`,
    );
    await q.query(
      `ALTER TABLE "sr_note" ADD CONSTRAINT "FK_sr_note_sr" FOREIGN KEY ("sr_id") REFERENCES "service_request"("id") ON DELETE CASCADE`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "sr_note" DROP CONSTRAINT "FK_sr_note_sr"`);
    await q.query(`ALTER TABLE "sr_activity_step" DROP CONSTRAINT "FK_sr_activity_step_sr"`);
    await q.query(`ALTER TABLE "sr_case_link" DROP CONSTRAINT "FK_sr_case_link_case"`);
    await q.query(`ALTER TABLE "sr_case_link" DROP CONSTRAINT "FK_sr_case_link_sr"`);
  }
}
