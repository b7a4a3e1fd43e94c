import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { BaseServiceConfig, ConfigError, loadConfig } from '../src/config';
import { JobQueue } from '../src/jobs';
import { RequestContext } from '../src/request-context';
import { combineWrites } from '../src/statements';

/*
 * JobQueue on a real PostgreSQL (TEST_DATABASE_URL, set by `npm test`), in a database of its own.
 * (libs/testing builds on this library, so the database is made here with pg directly.)
 */
const server = process.env.TEST_DATABASE_URL;
const name = `test_platform_jobs_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};

(server ? describe : describe.skip)('JobQueue: its pg-boss pool and its workers', () => {
  let url: string;
  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  const queueWith = (poolSize: number) =>
    new JobQueue(
      loadConfig(BaseServiceConfig, {
        DATABASE_URL: url,
        AUTH_JWT_SECRET: 'x'.repeat(32),
        JOB_POOL_SIZE: String(poolSize),
      }),
    );

  it('refuses at start a worker that would outnumber the pool (each needs a connection, plus two for supervision)', async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    try {
      await q.declare('a');
      const noop = async () => undefined;
      await q.work('a', noop);
      await q.work('a', noop);
      const third = q.work('a', noop);
      await expect(third).rejects.toBeInstanceOf(ConfigError);
      await expect(third).rejects.toThrow(
        /JOB_POOL_SIZE: 4 connections are too few for 3 job workers.*at least 5/,
      );
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it('works jobs with as many workers as the pool allows, and stops cleanly', async () => {
    const q = queueWith(5);
    await q.onModuleInit();
    const done: string[] = [];
    try {
      await q.declare('b');
      for (let i = 0; i < 3; i++) await q.work<{ n: number }>('b', async (p) => void done.push(String(p.n)));
      for (let n = 0; n < 6; n++) await q.send('b', { n });
      const deadline = Date.now() + 15_000;
      while (done.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(done.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it("drains a backlog at the handler's pace: after a full batch it fetches again at once, not after the polling interval", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    const done: number[] = [];
    try {
      await q.declare('c');
      for (let n = 0; n < 8; n++) await q.send('c', { n });
      const started = Date.now();
      // One worker, two jobs a fetch, a 5 s polling interval: four full fetches. Waiting out the
      // interval after each would take at least 15 s.
      await q.work<{ n: number }>('c', async (p) => void done.push(p.n), {
        batchSize: 2,
        pollingIntervalSeconds: 5,
      });
      const deadline = Date.now() + 12_000;
      while (done.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(done.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it('a nudge starts idle workers of that queue at once; other queues wait out their interval', async () => {
    const q = queueWith(5);
    await q.onModuleInit();
    const done: string[] = [];
    try {
      await q.declare('n1');
      await q.declare('n2');
      // 30 s polling: without the nudge neither job would run within this test.
      await q.work<{ q: string }>('n1', async (p) => void done.push(p.q), { pollingIntervalSeconds: 30 });
      await q.work<{ q: string }>('n2', async (p) => void done.push(p.q), { pollingIntervalSeconds: 30 });
      await new Promise((r) => setTimeout(r, 300)); // both workers have fetched nothing and sleep
      await q.send('n1', { q: 'n1' });
      await q.send('n2', { q: 'n2' });
      const started = Date.now();
      q.nudge('n1');
      while (!done.length && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 20));
      expect(done).toEqual(['n1']);
      expect(Date.now() - started).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 500));
      expect(done).toEqual(['n1']); // n2's worker was not woken
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it("writes many jobs in one statement in the caller's transaction: they commit or roll back with it, ids already stored are kept, an undeclared queue throws", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // The part of an EntityManager the queue uses: its query runner on one open transaction.
    const manager = {
      queryRunner: {
        query: async (text: string, values: unknown[]) => ({ records: (await c.query(text, values)).rows }),
      },
    } as never;
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const stored = async () =>
      (
        await c.query<{ id: string; n: number; retry_limit: number }>(
          `SELECT id, (data->'payload'->>'n')::int AS n, retry_limit FROM pgboss.job WHERE name = 'many' ORDER BY 2`,
        )
      ).rows;
    try {
      await q.declare('many', { retryLimit: 7 });
      await c.query('BEGIN');
      await q.sendManyInTransaction(
        manager,
        'many',
        ids.map((id, n) => ({ id, payload: { n } })),
      );
      await c.query('ROLLBACK');
      expect(await stored()).toEqual([]);

      await q.send('many', { n: 99 }, ids[1]); // already stored under the second id
      await c.query('BEGIN');
      await q.sendManyInTransaction(
        manager,
        'many',
        ids.map((id, n) => ({ id, payload: { n } })),
      );
      await c.query('COMMIT');
      expect(await stored()).toEqual([
        { id: ids[0], n: 0, retry_limit: 7 },
        { id: ids[2], n: 2, retry_limit: 7 },
        { id: ids[1], n: 99, retry_limit: 7 },
      ]);

      await c.query('BEGIN');
      await expect(
        q.sendManyInTransaction(manager, 'never-declared', [{ id: randomUUID(), payload: { n: 1 } }]),
      ).rejects.toThrow(/not declared/);
      await c.query('ROLLBACK');
    } finally {
      await c.end();
      await q.onApplicationShutdown();
    }
  });

  it("with concurrent, runs a fetched batch's jobs at the same time (handlers that wait on peers), each settled on its own", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    try {
      await q.declare('d', { retryLimit: 0 });
      for (let n = 0; n < 5; n++) await q.send('d', { n });
      await q.work<{ n: number }>(
        'd',
        async (p) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 300));
          inFlight--;
          if (p.n === 2) throw new Error('job 2 refused');
          done.push(p.n);
        },
        { batchSize: 5, concurrent: true },
      );
      const deadline = Date.now() + 10_000;
      while (done.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(done.sort()).toEqual([0, 1, 3, 4]);
      expect(most).toBe(5);
    } finally {
      await q.onApplicationShutdown();
    }
  });

  /** Each job of `queue`: its payload's n, state, when it was completed and its output. */
  const jobRows = async (queue: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{
        n: number;
        state: string;
        completed_on: Date | null;
        output: unknown;
      }>(
        `SELECT (data->'payload'->>'n')::int AS n, state, completed_on, output
           FROM pgboss.job WHERE name = $1 ORDER BY 1`,
        [queue],
      );
      return rows;
    } finally {
      await c.end();
    }
  };
  const waitFor = async (what: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await what()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };

  it("completes a fetched batch's done jobs in ONE statement, and fails each refused job on its own with its reason", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    try {
      await q.declare('one', { retryLimit: 0 });
      for (let n = 0; n < 5; n++) await q.send('one', { n });
      await q.work<{ n: number }>(
        'one',
        async (p) => {
          await new Promise((r) => setTimeout(r, 20 * p.n));
          if (p.n === 2) throw new Error('job 2 refused');
        },
        { batchSize: 5, concurrent: true },
      );
      await waitFor(async () =>
        (await jobRows('one')).every((r) => r.state !== 'created' && r.state !== 'active'),
      );
      const rows = await jobRows('one');
      expect(rows.map((r) => [r.n, r.state])).toEqual([
        [0, 'completed'],
        [1, 'completed'],
        [2, 'failed'],
        [3, 'completed'],
        [4, 'completed'],
      ]);
      // One statement (one transaction): now() is the same for every job it completed.
      const completedAt = new Set(
        rows.filter((r) => r.state === 'completed').map((r) => r.completed_on!.getTime()),
      );
      expect(completedAt.size).toBe(1);
      expect(JSON.stringify(rows[2].output)).toContain('job 2 refused');
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it("workBatch hands the handler a fetched batch whole, each job's work in that job's request context; its answers settle each job, and a throw fails them all", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    const batches: number[][] = [];
    const seen = new Map<number, string | undefined>();
    try {
      await q.declare('wb', { retryLimit: 0 });
      for (let n = 0; n < 4; n++) {
        await RequestContext.run({ requestId: `req-${n}` }, () => q.send('wb', { n }));
      }
      await q.workBatch<{ n: number }>(
        'wb',
        async (jobs) => {
          batches.push(jobs.map((j) => j.payload.n));
          return Promise.all(
            jobs.map((j) =>
              j.inContext(async () => {
                seen.set(j.payload.n, RequestContext.requestId());
                return j.payload.n === 1 ? new Error('job 1 refused') : undefined;
              }),
            ),
          );
        },
        { batchSize: 4 },
      );
      await waitFor(async () =>
        (await jobRows('wb')).every((r) => r.state !== 'created' && r.state !== 'active'),
      );
      expect(batches.map((b) => b.sort())).toEqual([[0, 1, 2, 3]]);
      expect([...seen.entries()].sort()).toEqual([
        [0, 'req-0'],
        [1, 'req-1'],
        [2, 'req-2'],
        [3, 'req-3'],
      ]);
      const rows = await jobRows('wb');
      expect(rows.map((r) => r.state)).toEqual(['completed', 'failed', 'completed', 'completed']);
      expect(JSON.stringify(rows[1].output)).toContain('job 1 refused');

      await q.declare('wb-throw', { retryLimit: 0 });
      for (let n = 0; n < 3; n++) await q.send('wb-throw', { n });
      await q.workBatch<{ n: number }>(
        'wb-throw',
        async () => {
          throw new Error('the batch read failed');
        },
        { batchSize: 3 },
      );
      await waitFor(async () =>
        (await jobRows('wb-throw')).every((r) => r.state !== 'created' && r.state !== 'active'),
      );
      const thrown = await jobRows('wb-throw');
      expect(thrown.map((r) => r.state)).toEqual(['failed', 'failed', 'failed']);
      expect(thrown.every((r) => JSON.stringify(r.output).includes('the batch read failed'))).toBe(true);
    } finally {
      await q.onApplicationShutdown();
    }
  });

  it("jobsStatement: a queue's jobs written by the caller's one statement, with the queue's retry policy; a statement that fails writes none; an undeclared queue throws", async () => {
    const q = queueWith(4);
    await q.onModuleInit();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await q.declare('js', { retryLimit: 7, retryDelaySeconds: 3 });
      await c.query('CREATE TABLE IF NOT EXISTS js_cause (id int PRIMARY KEY)');
      const write = (id: number) => ({ sql: 'INSERT INTO js_cause (id) VALUES ($1)', params: [id] });
      const one = combineWrites([write(1), await q.jobsStatement('js', [{ payload: { n: 1 } }])]);
      await c.query(one.sql, one.params);
      // The cause's row breaks the primary key: the statement fails whole, its job is not written.
      const again = combineWrites([write(1), await q.jobsStatement('js', [{ payload: { n: 2 } }])]);
      await expect(c.query(again.sql, again.params)).rejects.toThrow(/duplicate key/);
      const { rows } = await c.query(
        `SELECT (data->'payload'->>'n')::int AS n, retry_limit, retry_delay, state FROM pgboss.job WHERE name = 'js'`,
      );
      expect(rows).toEqual([{ n: 1, retry_limit: 7, retry_delay: 3, state: 'created' }]);
      await expect(q.jobsStatement('never-declared', [{ payload: {} }])).rejects.toThrow(/not declared/);
    } finally {
      await c.end();
      await q.onApplicationShutdown();
    }
  });

  it('refuses a JOB_POOL_SIZE below three at configuration time', () => {
    expect(() =>
      loadConfig(BaseServiceConfig, {
        DATABASE_URL: url,
        AUTH_JWT_SECRET: 'x'.repeat(32),
        JOB_POOL_SIZE: '2',
      }),
    ).toThrow(/JOB_POOL_SIZE/);
  });
});
