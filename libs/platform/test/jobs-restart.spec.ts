import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { BaseServiceConfig, loadConfig } from '../src/config';
import { JobQueue } from '../src/jobs';

/*
 * Issue #16: the job queue survives a database restart (no job lost, workers resume by themselves,
 * nothing crashes the process) and a stopping replica drains (finishes the job in hand, hands the
 * rest back). Real PostgreSQL (TEST_DATABASE_URL), a database of this file's own; the "restart" is
 * that database refusing connections and having every session ended, as a server restart does.
 */
const server = process.env.TEST_DATABASE_URL;
const name = `test_platform_jobs_restart_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
const admin = async <R extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
  connectionString = server,
) => {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
};

/** The database goes away: no new connections, every session ended (57P01). */
async function cutDatabase(): Promise<void> {
  await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
}

async function restoreDatabase(): Promise<void> {
  await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

(server ? describe : describe.skip)('JobQueue through a database restart and a drain (issue #16)', () => {
  let url: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    url = u.toString();
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await restoreDatabase().catch(() => undefined);
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const states = async (queue: string) =>
    Object.fromEntries(
      (
        await admin<{ state: string; n: number }>(
          `SELECT state, count(*)::int AS n FROM pgboss.job WHERE name = $1 GROUP BY state`,
          [queue],
          url,
        )
      ).map((r) => [r.state, r.n]),
    ) as Record<string, number>;

  const newQueue = () =>
    new JobQueue(
      loadConfig(BaseServiceConfig, {
        DATABASE_URL: url,
        AUTH_JWT_SECRET: 'x'.repeat(32),
        JOB_POOL_SIZE: '4',
      }),
    );

  it('a job whose handler ends while the database is down is completed once it is back; workers resume; no unhandled rejection', async () => {
    const q = newQueue();
    await q.onModuleInit();
    const runs: number[] = [];
    let started!: () => void;
    const startedSlow = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    try {
      await q.declare('restart', { retryLimit: 5, retryDelaySeconds: 1 });
      await q.work<{ n: number }>(
        'restart',
        async ({ n }) => {
          runs.push(n);
          if (n === 0) {
            started();
            await released;
          }
        },
        { pollingIntervalSeconds: 0.5 },
      );
      await q.send('restart', { n: 0 });
      await startedSlow;
      await cutDatabase();
      release(); // the handler finishes while the database is away: its completion cannot be written
      await new Promise((r) => setTimeout(r, 2500));
      await restoreDatabase();
      for (let n = 1; n <= 5; n++) await q.send('restart', { n });
      await until(async () => (await states('restart')).completed === 6, 20_000);
      expect(runs.filter((n) => n === 0)).toHaveLength(1); // completed, not expired and run again
      expect([...new Set(runs)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(unhandled).toEqual([]);
    } finally {
      release();
      await restoreDatabase();
      await q.onApplicationShutdown();
    }
  }, 40_000);

  it('a stopping replica finishes the job in hand, hands the rest of its batch back, and fetches no more', async () => {
    const q = newQueue();
    await q.onModuleInit();
    const runs: number[] = [];
    let started!: () => void;
    const startedFirst = new Promise<void>((r) => (started = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    try {
      await q.declare('drain', { retryLimit: 5, retryDelaySeconds: 30 });
      for (let n = 0; n < 3; n++) await q.send('drain', { n });
      await q.work<{ n: number }>(
        'drain',
        async ({ n }) => {
          runs.push(n);
          started();
          await released;
        },
        { batchSize: 3, pollingIntervalSeconds: 0.5 },
      );
      await startedFirst;
      const stopping = q.stopWorkers();
      await new Promise((r) => setTimeout(r, 200));
      release();
      await stopping;
      expect(runs).toHaveLength(1);
      expect(await states('drain')).toEqual({ completed: 1, retry: 2 });
      await q.send('drain', { n: 3 });
      await new Promise((r) => setTimeout(r, 600));
      expect(runs).toHaveLength(1);
    } finally {
      release();
      await q.onApplicationShutdown();
    }
  }, 30_000);
});
