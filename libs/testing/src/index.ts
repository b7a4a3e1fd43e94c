import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Role } from '@cms/domain';
import { BaseServiceConfig, CONFIG, signDevToken } from '@cms/platform';
import { Client } from 'pg';

/** HS256 secret every service uses under test. */
export const TEST_JWT_SECRET = 'test-only-secret-0123456789abcdef-not-for-production';

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: run tests with `npm test` (it starts PostgreSQL) or set it to a server URL.',
    );
  }
  return url;
}

/** A database made for one test file; `drop()` removes it (and ends lingering connections). */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, empty database on the test server so each test file runs in isolation and in
 * parallel with others, leaving nothing behind after `drop()`.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `t_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The environment a service gets under test: adjustable clock, test secret, quiet logs, random port. */
export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    CLOCK_MODE: 'adjustable',
    LOG_LEVEL: 'info',
    PORT: '0',
    DATABASE_POOL_SIZE: '4',
    HTTP_TIMEOUT_MS: '3000',
    ...extra,
  };
}

/** A bearer token for `roles`, signed with {@link TEST_JWT_SECRET}. */
export function tokenFor(roles: Role[], subject = `user-${roles.join('-') || 'none'}`): Promise<string> {
  return signDevToken(TEST_JWT_SECRET, subject, roles, { name: subject });
}

/** Collects log lines written by a service so tests can assert on them (request ids, redaction). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  /** Every captured line as text. */
  text(): string {
    return this.lines.join('\n');
  }

  /** Parsed JSON lines. */
  records(): Array<Record<string, unknown>> {
    return this.lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
}

/** A service running on a random local port for a test. */
export interface RunningService {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a service app on 127.0.0.1 at its configured PORT (testEnv sets 0: a random port; tests
 * that wire services together pass ports from {@link freePort}).
 */
export async function listen(app: {
  listen(port: number, host: string): Promise<unknown>;
  getUrl(): Promise<string>;
  close(): Promise<void>;
  get(token: unknown, options?: { strict: boolean }): unknown;
}): Promise<RunningService> {
  const config = app.get(CONFIG, { strict: false }) as BaseServiceConfig | undefined;
  await app.listen(config?.PORT ?? 0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
  return { url, close: () => app.close() };
}

/** Polls `check` every `intervalMs` until it returns a truthy value or `timeoutMs` passes (then throws). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A free TCP port on 127.0.0.1, for services that must know each other's URLs before they start. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** The SQL TypeORM would still run to make the database match the entities ([] when migrations are complete). */
export async function pendingSchemaChanges(db: import('typeorm').DataSource): Promise<string[]> {
  return (await db.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
}

/**
 * Reverts every migration (each `down`), returns what `probe` says about the emptied database,
 * then re-applies them all; the caller asserts the probe and that nothing is pending afterwards.
 */
export async function revertAndReapplyMigrations<T>(
  db: import('typeorm').DataSource,
  probe: () => Promise<T>,
): Promise<T> {
  for (let i = 0; i < db.migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
  const emptied = await probe();
  await db.runMigrations({ transaction: 'each' });
  return emptied;
}

/** What a service's `createApp` gives back, as far as a restartable test service needs it. */
export interface TestableApp {
  listen(port: number, host: string): Promise<unknown>;
  close(): Promise<void>;
  getHttpServer(): unknown;
  get(token: unknown, options?: { strict: boolean }): unknown;
}

/** A service started for a test; `stop` and `restart` keep its database and port (a peer down, then back). */
export interface RestartableService<A extends TestableApp> {
  /** The running app (a new one after `restart`). */
  app: A;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `create(testEnv(db, env))` on a fresh database `label_*` and `port` (a free one if not
 * given), with its logs captured. `stop()` closes it without waiting for peers' idle keep-alive
 * connections (Fastify keeps them up to 72 s); `restart()` starts it again on the same database and
 * port; `close()` stops it and drops the database.
 */
export async function startRestartable<A extends TestableApp>(
  label: string,
  create: (env: Record<string, string | undefined>, opts: { logDestination: LogCapture }) => Promise<A>,
  env: Record<string, string>,
  port?: number,
): Promise<RestartableService<A>> {
  const db = await createTestDatabase(label);
  const logs = new LogCapture();
  const chosen = port ?? (await freePort());
  const boot = async () => {
    const a = await create(testEnv(db.url, env), { logDestination: logs });
    await a.listen(chosen, '127.0.0.1');
    return a;
  };
  let app: A | null = await boot();
  const shut = async () => {
    if (!app) return;
    const closing = app.close();
    (app.getHttpServer() as { closeAllConnections(): void }).closeAllConnections();
    await closing;
    app = null;
  };
  const running: RestartableService<A> = {
    app,
    url: `http://127.0.0.1:${chosen}`,
    db,
    logs,
    stop: shut,
    async restart() {
      if (app) throw new Error(`${label} is running already`);
      app = await boot();
      running.app = app;
    },
    async close() {
      await shut();
      await db.drop();
    },
  };
  return running;
}
export * from './openapi-contract';
