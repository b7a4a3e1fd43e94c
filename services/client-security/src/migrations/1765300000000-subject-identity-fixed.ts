import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A security subject's identity is fixed at set-up: its id, whether it is a client or a client
 * representative, and the client a representative acts for (SD-18: set-up checks that with
 * service-requests; nothing changes it afterwards). The access policy remembers these facts once read
 * (client-security's access repository, issue 17), so the database refuses any change to them.
 * The trigger fires only when an UPDATE names one of the three columns.
 */
export class SubjectIdentityFixed1765300000000 implements MigrationInterface {
  name = 'SubjectIdentityFixed1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION "security_subject_identity_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (NEW."subject_id", NEW."subject_type", NEW."acting_for_client_id")
           IS DISTINCT FROM (OLD."subject_id", OLD."subject_type", OLD."acting_for_client_id")
        THEN
          RAISE EXCEPTION 'a security subject''s type and the client a representative acts for are fixed at set-up (SD-18)'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER "TRG_security_subject_identity_fixed"
      BEFORE UPDATE OF "subject_id", "subject_type", "acting_for_client_id" ON "security_subject"
      FOR EACH ROW EXECUTE FUNCTION "security_subject_identity_fixed"()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "TRG_security_subject_identity_fixed" ON "security_subject"`);
    await q.query(`DROP FUNCTION "security_subject_identity_fixed"()`);
  }
}
