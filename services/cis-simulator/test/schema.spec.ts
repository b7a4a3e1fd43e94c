import { DataSource } from 'typeorm';
import { pendingSchemaChanges, revertAndReapplyMigrations } from '@cms/testing';
import { startCisSimulator, TestCisSimulator } from './helpers';

describe('cis-simulator database schema', () => {
  let s: TestCisSimulator;
  beforeAll(async () => (s = await startCisSimulator({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
    expect(await pendingSchemaChanges(s.app.get(DataSource))).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    const db = s.app.get(DataSource);
    const emptied = await revertAndReapplyMigrations(db, () =>
      db.query(`SELECT to_regclass('public.person') AS t`),
    );
    expect(emptied).toEqual([{ t: null }]);
    expect(await pendingSchemaChanges(db)).toEqual([]);
  });
});
