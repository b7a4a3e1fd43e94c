import { DataSource } from 'typeorm';
import { startCisSimulator, TestCisSimulator } from './helpers';

describe('cis-simulator database schema', () => {
  let s: TestCisSimulator;
  beforeAll(async () => (s = await startCisSimulator({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
    const db = s.app.get(DataSource);
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    const db = s.app.get(DataSource);
    const count = db.migrations.length;
    for (let i = 0; i < count; i++) await db.undoLastMigration({ transaction: 'each' });
    expect(await db.query(`SELECT to_regclass('public.person') AS t`)).toEqual([{ t: null }]);
    await db.runMigrations({ transaction: 'each' });
    expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });
});
