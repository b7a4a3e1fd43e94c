import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { BaseServiceConfig, loadConfig } from '../src/config';
import { JobQueue } from '../src/jobs';

/*
 * Replicas of one service start together on a fresh database and declare the same queues at once
 * (the replicas test, scripts/replicas-test.mjs, saw pg-boss's create_queue end one of them with
 * "deadlock detected" in 5 of 12 runs). Real PostgreSQL (TEST_DATABASE_URL), a database per round.
 */
const server = process.env.TEST_DATABASE_URL;
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
const QUEUES = ['letters', 'letters.dispatch', 'follow-ups', 'chunks', 'outcomes', 'sensitivity'];
const REPLICAS = 4;
const ROUNDS = 4;

(server ? describe : describe.skip)('JobQueue: replicas declaring their queues at once', () => {
  it('every replica of every round starts: a deadlock between declarations is retried, not fatal', async () => {
    const failures: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const name = `test_platform_declare_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      await admin(`CREATE DATABASE ${name}`);
      const u = new URL(server!);
      u.pathname = `/${name}`;
      const replicas = Array.from(
        { length: REPLICAS },
        () =>
          new JobQueue(
            loadConfig(BaseServiceConfig, { DATABASE_URL: u.toString(), AUTH_JWT_SECRET: 'x'.repeat(32) }),
          ),
      );
      try {
        const results = await Promise.allSettled(
          replicas.map(async (q) => {
            await q.onModuleInit();
            await Promise.all(QUEUES.map((queue) => q.declare(queue)));
          }),
        );
        for (const r of results) if (r.status === 'rejected') failures.push(String(r.reason));
      } finally {
        await Promise.allSettled(replicas.map((q) => q.onApplicationShutdown()));
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
