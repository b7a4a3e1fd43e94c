import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Client representatives as contacts on a case (SD-15, SD-18). */
export class ClientRepresentatives1763800000002 implements MigrationInterface {
  name = 'ClientRepresentatives1763800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "client_representative" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "client_id" uuid NOT NULL,
        "case_id" uuid NOT NULL,
        "first_name" text NOT NULL,
        "last_name" text NOT NULL,
        "relationship" text NOT NULL,
        "phone" text,
        "added_by" text NOT NULL,
        "added_at" timestamptz NOT NULL DEFAULT now(),
        "removed_at" timestamptz,
        "removed_by" text,
        CONSTRAINT "PK_client_representative" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "IDX_client_representative_client" ON "client_representative" ("client_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "client_representative"`);
  }
}
