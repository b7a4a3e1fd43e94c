import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client, type Pool } from 'pg';
import type { DataSource, EntityManager, EntitySchema, MixedList } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { BaseServiceConfig, ConfigError } from './config';
import { openDataSource } from './migrate';
import { CONFIG, SERVICE_NAME } from './tokens';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type EntityList = MixedList<Function | string | EntitySchema>;

/** What a service tells the platform about its schema. */
export interface DatabaseDefinition {
  entities: EntityList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

/**
 * TypeORM on the service's own PostgreSQL database. Checked-in migrations run at start, or with
 * MIGRATIONS_RUN=false by a migrations Job beforehand (migrate.ts: the service then refuses to start
 * while one is pending); `synchronize` is never used.
 */
@Module({})
export class DatabaseModule {
  static forRoot(def: DatabaseDefinition): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [CONFIG, SERVICE_NAME],
          useFactory: (config: BaseServiceConfig, serviceName: string) => ({
            type: 'postgres' as const,
            url: config.DATABASE_URL,
            entities: def.entities,
            migrations: def.migrations,
            migrationsRun: config.MIGRATIONS_RUN,
            // Pending migrations with MIGRATIONS_RUN=false: refused at once, not retried.
            toRetry: (err: unknown) => !(err instanceof ConfigError),
            migrationsTransactionMode: 'each' as const,
            synchronize: false,
            uuidExtension: 'pgcrypto' as const,
            applicationName: serviceName,
            // A connection not obtained within 5 s (a database failing over, or every connection
            // busy) is an error the problem filter answers 503 with Retry-After (#16), not a hang.
            extra: { max: config.DATABASE_POOL_SIZE, connectionTimeoutMillis: 5000 },
          }),
          dataSourceFactory: openDataSource,
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}

/**
 * Creates the database named in `url` if it does not exist yet (connecting to the server's
 * `postgres` database). Safe to call on every start and from several processes.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`Database name "${name}" must be letters, digits and underscores`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name}"`).catch((e: { code?: string }) => {
        if (e.code !== '42P04' && e.code !== '23505') throw e; // created meanwhile by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * Runs one of our hot read queries as a named prepared statement on `dataSource`'s pool: PostgreSQL
 * parses and plans `sql` once per connection instead of on every call (issue 17: the SR read, the
 * case read and the access check they are guarded by). With `manager` (a caller's transaction) it
 * runs there instead, unprepared. `name` must be unique to `sql` in the process, and `sql` must name
 * its columns (PostgreSQL refuses a prepared `*` whose result type a migration changed). Same rows
 * and errors as `dataSource.query(sql, params)`; TypeORM's own query logging is skipped
 * (node-postgres' tracing is not).
 * @returns the result rows
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  name: string,
  sql: string,
  params: unknown[],
  manager?: EntityManager,
): Promise<T[]> {
  if (manager) return manager.query<T[]>(sql, params);
  const pool: Pool = (dataSource.driver as PostgresDriver).master;
  const result = await pool.query({ name, text: sql, values: params });
  return result.rows as T[];
}
