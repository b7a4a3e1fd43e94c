import { DataSource } from 'typeorm';
import { startCorrespondence, TestCorrespondence } from './helpers';

describe('correspondence database schema', () => {
  let s: TestCorrespondence;
  beforeAll(async () => (s = await startCorrespondence({ WORKERS_ENABLED: 'false' })));
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
    expect(await db.query(`SELECT to_regclass('public.correspondence_item') AS t`)).toEqual([{ t: null }]);
    await db.runMigrations({ transaction: 'each' });
    expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    expect(await db.query(`SELECT count(*)::int AS n FROM letter_template`)).toEqual([{ n: 10 }]);
  });
});
