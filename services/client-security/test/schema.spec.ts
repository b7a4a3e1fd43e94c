import { DataSource } from 'typeorm';
import { pendingSchemaChanges, revertAndReapplyMigrations } from '@cms/testing';
import { startClientSecurity, TestClientSecurity } from './helpers';

describe('client-security database schema', () => {
  let s: TestClientSecurity;
  beforeAll(async () => (s = await startClientSecurity({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
    expect(await pendingSchemaChanges(s.app.get(DataSource))).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    const db = s.app.get(DataSource);
    const emptied = await revertAndReapplyMigrations(db, () =>
      db.query(
        `SELECT to_regclass('public.security_credential') AS t, to_regproc('public.security_credential_append_only') AS f`,
      ),
    );
    expect(emptied).toEqual([{ t: null, f: null }]);
    expect(await pendingSchemaChanges(db)).toEqual([]);
  });
});
