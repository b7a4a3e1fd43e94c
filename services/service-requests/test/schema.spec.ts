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

  it.each([
    ['a note of no SR', `INSERT INTO sr_note (sr_id, text, author) VALUES (gen_random_uuid(), 'x', 'cw-1')`],
    [
      'an activity step of no SR',
      `INSERT INTO sr_activity_step (sr_id, position, key, title) VALUES (gen_random_uuid(), 0, 'k', 't')`,
    ],
    [
      'a case link of no SR and no case',
      `INSERT INTO sr_case_link (sr_id, case_id) VALUES (gen_random_uuid(), gen_random_uuid())`,
    ],
  ])('the database refuses %s (foreign keys)', async (_what, sql) => {
    await expect(s.app.get(DataSource).query(sql)).rejects.toMatchObject({ code: '23503' });
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
