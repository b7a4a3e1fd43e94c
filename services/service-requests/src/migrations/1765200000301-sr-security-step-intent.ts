import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Intents to work an SR step in client-security (issue #18): committed before the call with its
 * Idempotency-Key, settled after it; while pending the SR shows the step as pending. No secrets.
 * At most one pending intent per SR and step.
 */
export class SrSecurityStepIntent1765200000301 implements MigrationInterface {
  name = 'SrSecurityStepIntent1765200000301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "sr_security_step_intent" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "sr_id" uuid NOT NULL,
        "step" text NOT NULL,
        "sr_version" integer NOT NULL,
        "attempt" integer NOT NULL,
        "idempotency_key" text NOT NULL,
        "state" text NOT NULL,
        "request" jsonb NOT NULL,
        "outcome" text,
        "refusal_code" text,
        "requested_by" text NOT NULL,
        "requested_at" timestamptz NOT NULL,
        "settled_at" timestamptz,
        CONSTRAINT "PK_sr_security_step_intent" PRIMARY KEY ("id"),
        CONSTRAINT "FK_sr_security_step_intent_sr" FOREIGN KEY ("sr_id")
          REFERENCES "service_request"("id") ON DELETE CASCADE,
        CONSTRAINT "CHK_sr_security_step_intent_state" CHECK ("state" IN ('pending', 'completed', 'refused'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "UQ_sr_security_step_intent_key" ON "sr_security_step_intent" ("idempotency_key")`,
    );
    await q.query(
      `CREATE INDEX "IDX_sr_security_step_intent_sr" ON "sr_security_step_intent" ("sr_id", "step", "state")`,
    );
    // One pending intent per SR and step.
    await q.query(
      `CREATE UNIQUE INDEX "UQ_sr_security_step_intent_pending" ON "sr_security_step_intent" ("sr_id", "step")
        WHERE "state" = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sr_security_step_intent"`);
  }
}
