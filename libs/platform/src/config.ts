import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  getMetadataStorage,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** Thrown at start when configuration is missing or invalid; the message names every bad key. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const postgresUrl = /^postgres(ql)?:\/\/.+/;

/**
 * Settings every service needs, read from the environment. Services extend this class with their
 * own keys (peer URLs, keys, pepper). Validated once at start by {@link loadConfig}.
 */
export class BaseServiceConfig {
  /** TCP port to listen on; 0 picks a free port (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '127.0.0.1';

  /** This service's own PostgreSQL database. */
  @Matches(postgresUrl, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL!: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Connections of the job queue's (pg-boss) own pool. Each job worker holds one while it fetches
   * or completes a job, and supervision needs two more, so it must be at least the service's
   * worker count + 2 (checked at start: see JobQueue.work). A worker left waiting for a connection
   * when the service stops would never be answered.
   */
  @Type(() => Number)
  @IsInt()
  @Min(3)
  @Max(100)
  JOB_POOL_SIZE = 4;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** HS256 secret for development and tests. Either this or AUTH_JWKS_URL must be set. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  /** JWKS URL of the identity provider in production. */
  @IsOptional()
  @IsUrl({ require_tld: false })
  AUTH_JWKS_URL?: string;

  @IsString()
  AUTH_ISSUER = 'cms-cis-dev';

  @IsString()
  AUTH_AUDIENCE = 'cms-cis';

  /** Token this service presents to its peers when tokens come from an identity provider (JWKS mode). */
  @IsOptional()
  @IsString()
  SERVICE_TOKEN?: string;

  /** `adjustable` lets tests and demos move the clock forward via /internal/clock (one machine only). */
  @IsIn(['system', 'adjustable'])
  CLOCK_MODE: 'system' | 'adjustable' = 'system';

  /**
   * With CLOCK_MODE=adjustable: the file holding the clock's offset that every service on this
   * machine shares (moving it on one moves all, and it survives restarts; `npm start` uses
   * `.data/clock.json`). Absent: this service's own clock, in memory. Ignored with CLOCK_MODE=system.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  CLOCK_FILE?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES = 1_048_576;

  /** Timeout of one outgoing call to a peer service, in milliseconds. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  HTTP_TIMEOUT_MS = 5000;

  /** Whether to start background workers (queues, sweeps). Off for one-off scripts. */
  @Transform(({ value }) => value === true || value === 'true' || value === '1')
  WORKERS_ENABLED = true;

  /**
   * Whether this process creates its database if missing and runs the migrations (its own
   * TypeORM migrations and pg-boss's schema) at start: `true` (default: `npm start`, tests, one
   * process). `false` where several replicas start at once (Kubernetes, docker-compose): a
   * migrations Job per release runs `node services/<name>/dist/migrate.js` first, and a service
   * started with `false` refuses to start while a migration is pending (see migrate.ts).
   */
  @Transform(({ value }) =>
    ['true', '1'].includes(value) ? true : ['false', '0'].includes(value) ? false : value,
  )
  @IsBoolean({ message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN = true;
}

/**
 * Builds and validates a config object of class `cls` from `env`.
 * Unknown environment keys are ignored. Throws {@link ConfigError} naming each bad or missing key.
 */
export function loadConfig<T extends BaseServiceConfig>(
  cls: new () => T,
  env: Record<string, string | undefined>,
): T {
  const known = new Set([...Object.keys(new cls()), ...declaredKeys(cls)]);
  const provided: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) if (known.has(k) && v !== undefined && v !== '') provided[k] = v;
  const instance = Object.assign(new cls(), plainToInstance(cls, provided));
  const errors = validateSync(instance as object);
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  if (!instance.AUTH_JWT_SECRET && !instance.AUTH_JWKS_URL) {
    problems.push('AUTH_JWT_SECRET or AUTH_JWKS_URL: one of them must be set');
  }
  if (problems.length) throw new ConfigError(problems);
  return instance;
}

/** Property names that carry class-validator decorators on `cls` (includes optional keys with no default). */
function declaredKeys(cls: new () => unknown): string[] {
  return getMetadataStorage()
    .getTargetValidationMetadatas(cls, '', true, false)
    .map((m) => m.propertyName);
}

/** One configuration key of a service: its name, whether it must be given, and its default. */
export interface ConfigKey {
  key: string;
  required: boolean;
  default: unknown;
}

/**
 * The configuration keys a service's config class declares, for checks of deployment files
 * (docker-compose.yml, deploy/k8s) against what the service validates at start.
 */
export function configSchema(cls: new () => BaseServiceConfig): ConfigKey[] {
  const defaults = new cls() as unknown as Record<string, unknown>;
  const metas = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const optional = new Set(
    metas.filter((m) => m.type === 'conditionalValidation').map((m) => m.propertyName),
  );
  const keys = [...new Set([...Object.keys(defaults), ...metas.map((m) => m.propertyName)])];
  return keys.map((key) => ({
    key,
    required: defaults[key] === undefined && !optional.has(key),
    default: defaults[key],
  }));
}
