import { availableParallelism } from 'node:os';
import { Type } from 'class-transformer';
import { IsInt, IsString, IsUrl, Max, Min, MinLength } from 'class-validator';
import { BaseServiceConfig } from '@cms/platform';

/**
 * Configuration of client-security (environment variables, validated at start; a bad or missing
 * key stops the service with a message naming it).
 */
export class ClientSecurityConfig extends BaseServiceConfig {
  override PORT = 3003;

  /**
   * Server-side pepper for every security-detail hash (argon2id `secret`). Required, at least 32
   * characters, kept out of the database: a stolen database alone cannot be brute-forced, which
   * matters because a seven-digit PIN has only 10^7 values. Changing it invalidates every stored
   * PIN and password (no rotation support yet).
   */
  @IsString()
  @MinLength(32, { message: 'SECURITY_PEPPER must be at least 32 characters' })
  SECURITY_PEPPER!: string;

  /**
   * Most argon2id operations running at once (hashes and verifications; each holds one libuv
   * threadpool thread and 19 MiB for ~25–60 ms). Default: the CPU count, at most 3, so that one of
   * libuv's 4 default threads always stays free for file writes (logs) and DNS lookups. Keep it
   * below UV_THREADPOOL_SIZE; more than the CPU count only adds contention (docs/benchmarks.md).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  HASH_CONCURRENCY = Math.max(1, Math.min(availableParallelism(), 3));

  /**
   * Days an `Idempotency-Key` and its answer are kept (issue #18). A caller retries a lost answer
   * within minutes (service-requests' outbox, within hours at worst); after this a key is forgotten
   * and the same key is a new request. Swept hourly by the replica that runs workers.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  IDEMPOTENCY_RETENTION_DAYS = 30;

  /** Base URL of service-requests: receives `POST /security-events` when an account is blocked (SD-3). */
  @IsUrl({ require_tld: false })
  SERVICE_REQUESTS_URL = 'http://127.0.0.1:3001';

  /** Most security checks of one subject (client or representative) per subject window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CHECK_LIMIT_PER_SUBJECT = 10;

  /** Length of the per-subject window, in seconds (15 minutes). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(86_400)
  CHECK_LIMIT_SUBJECT_WINDOW_SECONDS = 900;

  /** Most security checks one member of staff (caller id) may make per caller window. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CHECK_LIMIT_PER_CALLER = 30;

  /**
   * Most security checks one system caller (role `system`, e.g. the Self Service Site, which
   * checks for every client logging in) may make per caller window.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CHECK_LIMIT_PER_SYSTEM_CALLER = 1200;

  /** Length of the per-caller window, in seconds (1 minute). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  CHECK_LIMIT_CALLER_WINDOW_SECONDS = 60;
}
