import 'reflect-metadata';
import { migrateFromEnv, runAsEntryPoint } from '@cms/platform';
import { ENTITIES, MIGRATIONS } from './app.module';

/**
 * The migrations Job of correspondence (deploy/k8s, docker-compose.yml): `node services/correspondence/dist/migrate.js`
 * with DATABASE_URL set brings its database to this release's schema (TypeORM migrations and
 * pg-boss's), once per release, before replicas started with MIGRATIONS_RUN=false serve. Exits 0
 * when done (also when nothing was pending), 1 with the reason otherwise.
 */
export function migrate(env: Record<string, string | undefined> = process.env) {
  return migrateFromEnv('correspondence', { entities: ENTITIES, migrations: MIGRATIONS }, env);
}

runAsEntryPoint(require.main === module, () => migrate());
