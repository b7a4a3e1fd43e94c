import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The client's own nationally sensitive flag (SU-6): CIS error code 1 marks the person sensitive even
 * when they have no live case to flag, and the access policy reads it with the case flags.
 */
export class ClientSensitiveFlag1765000000000 implements MigrationInterface {
  name = 'ClientSensitiveFlag1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "client" ADD "nationally_sensitive" boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "client" DROP COLUMN "nationally_sensitive"`);
  }
}
