import { DataSource } from 'typeorm';
import { pendingSchemaChanges, revertAndReapplyMigrations } from '@cms/testing';
import { startServiceRequests, TestServiceRequests } from './helpers';

describe('service-requests database schema', () => {
  let s: TestServiceRequests;
  beforeAll(async () => (s = await startServiceRequests({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
    expect(await pendingSchemaChanges(s.app.get(DataSource))).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    const db = s.app.get(DataSource);
    const emptied = await revertAndReapplyMigrations(db, () =>
      db.query(`SELECT to_regclass('public.service_request') AS t`),
    );
    expect(emptied).toEqual([{ t: null }]);
    expect(await pendingSchemaChanges(db)).toEqual([]);
  });
});
