import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { DataSource } from 'typeorm';
import { BaseServiceConfig, ConfigError } from './config';
import { DatabaseDefinition, ensureDatabase } from './database';
import { CONFIG, SERVICE_NAME } from './tokens';

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
 * At start with MIGRATIONS_RUN=false: refuses to start (a {@link ConfigError} naming the pending
 * migrations) while this release's migrations Job has not run, so that a new replica never serves
 * on an old schema. Kubernetes then restarts the pod with back-off until the Job has finished, and a
 * rolling update waits, the old replicas serving meanwhile. Does nothing with MIGRATIONS_RUN=true
 * (the migrations ran at start).
 */
@Injectable()
export class PendingMigrationsCheck implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.MIGRATIONS_RUN) return;
    const pending = await pendingMigrations(this.dataSource);
    if (pending.length)
      throw new ConfigError([
        `MIGRATIONS_RUN=false and ${pending.length} migration(s) are pending (${pending.join(', ')}): ` +
          `run this release's migrations first (node services/${this.serviceName}/dist/migrate.js, ` +
          `the Job ${this.serviceName}-migrate in deploy/k8s)`,
      ]);
  }
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
