import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ConfigError } from './config';
import { DatabaseDefinition, ensureDatabase } from './database';

/**
 * Advisory lock key held while one process migrates a database, so that two migration runs of the
 * same database (a Job retried while the first is still running, two releases applied at once)
 * apply each migration once, one after the other.
 */
export const MIGRATIONS_LOCK_KEY = 7_355_608_016;

/** Schema of pg-boss's tables; the same as JobQueue's. */
const PG_BOSS_SCHEMA = 'pgboss';

/** What one migration run did: the TypeORM migrations it applied, by name, in order. */
export interface MigrationRun {
  applied: string[];
}

/**
 * Brings a service's database to this release's schema and returns what it applied: creates the
 * database if missing ({@link ensureDatabase}), takes {@link MIGRATIONS_LOCK_KEY}, runs the pending
 * TypeORM migrations of `def` (each in its own transaction, as at start) and creates or migrates
 * pg-boss's schema. Idempotent: a second run applies nothing. Throws (and applies nothing more) on
 * the first failing migration. This is what the migrations Job of each release runs
 * (`node services/<name>/dist/migrate.js`, deploy/k8s), so that replicas started with
 * MIGRATIONS_RUN=false never migrate.
 */
export async function runMigrations(
  url: string,
  def: DatabaseDefinition,
  serviceName: string,
): Promise<MigrationRun> {
  await ensureDatabase(url);
  const lock = new Client({ connectionString: url, application_name: `${serviceName} migrate` });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY]);
    const dataSource = new DataSource({
      type: 'postgres',
      url,
      entities: def.entities,
      migrations: def.migrations,
      migrationsTransactionMode: 'each',
      synchronize: false,
      uuidExtension: 'pgcrypto',
      applicationName: `${serviceName} migrate`,
    });
    await dataSource.initialize();
    let applied: string[];
    try {
      applied = (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
    const boss = new PgBoss({
      connectionString: url,
      schema: PG_BOSS_SCHEMA,
      max: 2,
      supervise: false,
      schedule: false,
      migrate: true,
      application_name: `${serviceName} migrate`,
    });
    await boss.start();
    await boss.stop({ graceful: false, wait: true, timeout: 5_000 });
    return { applied };
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}

/**
 * Names of the migrations of `dataSource` that its database has not run yet (all of them on an
 * empty database), in order.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const [{ found }] = (await dataSource.query('SELECT to_regclass($1) IS NOT NULL AS found', [
    table,
  ])) as Array<{
    found: boolean;
  }>;
  const done = new Set(
    found
      ? ((await dataSource.query(`SELECT name FROM "${table}"`)) as Array<{ name: string }>).map(
          (r) => r.name,
        )
      : [],
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !done.has(n));
}

/**
 * Opens a service's DataSource (the DatabaseModule's `dataSourceFactory`, before any other part of
 * the service starts): with `migrationsRun` (MIGRATIONS_RUN=true) TypeORM runs the pending
 * migrations; without it (MIGRATIONS_RUN=false) a {@link ConfigError} naming the pending migrations
 * refuses the start while this release's migrations Job has not run, so a new replica never serves
 * on an old schema. Kubernetes then restarts the pod with back-off until the Job has finished, and a
 * rolling update waits, the old replicas serving meanwhile.
 */
export async function openDataSource(options?: DataSourceOptions): Promise<DataSource> {
  if (!options) throw new Error('openDataSource needs the DataSource options');
  const dataSource = await new DataSource(options).initialize();
  if (options.migrationsRun) return dataSource;
  const pending = await pendingMigrations(dataSource).catch(async (e: unknown) => {
    await dataSource.destroy();
    throw e;
  });
  if (!pending.length) return dataSource;
  await dataSource.destroy();
  const name = String((options as { applicationName?: string }).applicationName ?? '<name>');
  throw new ConfigError([
    `MIGRATIONS_RUN=false and ${pending.length} migration(s) are pending (${pending.join(', ')}): ` +
      `run this release's migrations first (node services/${name}/dist/migrate.js, ` +
      `the Job ${name}-migrate in deploy/k8s)`,
  ]);
}

/**
 * The body of each service's `migrate.ts` entry: reads DATABASE_URL from `env` (the only key it
 * needs; a missing or malformed one throws {@link ConfigError}) and runs {@link runMigrations},
 * logging one JSON line of what it applied.
 */
export async function migrateFromEnv(
  serviceName: string,
  def: DatabaseDefinition,
  env: Record<string, string | undefined>,
): Promise<MigrationRun> {
  const url = env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\/.+/.test(url))
    throw new ConfigError(['DATABASE_URL: must be a postgres:// URL (the database to migrate)']);
  const started = Date.now();
  const run = await runMigrations(url, def, serviceName);
  process.stdout.write(
    JSON.stringify({
      level: 30,
      time: Date.now(),
      service: serviceName,
      msg: `migrations done: ${run.applied.length} applied`,
      applied: run.applied,
      ms: Date.now() - started,
    }) + '\n',
  );
  return run;
}

/**
 * A one-shot command's entry point (a service's `migrate.js`, run by the release's migrations
 * Job): when `isMain` (`require.main === module`), runs `work` and exits 0 when it resolves, 1
 * with the reason (a configuration error's message, or the error) when it rejects.
 */
export function runAsEntryPoint(isMain: boolean, work: () => Promise<unknown>): void {
  if (!isMain) return;
  work().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof ConfigError ? e.message : e);
      process.exit(1);
    },
  );
}
