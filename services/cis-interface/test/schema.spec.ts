import {
  createTestDatabase,
  listen,
  LogCapture,
  pendingSchemaChanges,
  revertAndReapplyMigrations,
  testEnv,
  type TestDatabase,
} from '@cms/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';

describe('cis-interface database schema', () => {
  let app: NestFastifyApplication;
  let db: TestDatabase;
  let close: () => Promise<void>;
  beforeAll(async () => {
    db = await createTestDatabase('ci_schema');
    app = await createApp(testEnv(db.url, { WORKERS_ENABLED: 'false' }), {
      logDestination: new LogCapture(),
    });
    close = (await listen(app)).close;
  });
  afterAll(async () => {
    await close();
    await db.drop();
  });

  it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
    expect(await pendingSchemaChanges(app.get(DataSource))).toEqual([]);
  });

  it('every migration can be reverted and re-applied', async () => {
    const ds = app.get(DataSource);
    const emptied = await revertAndReapplyMigrations(ds, () =>
      ds.query(`SELECT to_regclass('public.broadcast_transaction') AS t`),
    );
    expect(emptied).toEqual([{ t: null }]);
    expect(await pendingSchemaChanges(ds)).toEqual([]);
  });
});
