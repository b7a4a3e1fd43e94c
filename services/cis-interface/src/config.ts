import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@cms/platform';

/** Configuration of cis-interface (environment variables, validated at start). */
export class CisInterfaceConfig extends BaseServiceConfig {
  override PORT = 3002;

  /**
   * A day's broadcast from CIS arrives as one request (100,000 transactions are about 40 MB of
   * JSON), so this service accepts larger bodies than the platform default.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  override BODY_LIMIT_BYTES = 128 * 1024 * 1024;

  /** Base URL of CIS's web service (the cis-simulator in development and tests). */
  @IsUrl({ require_tld: false })
  CIS_URL = 'http://127.0.0.1:3005';

  /** Base URL of service-requests (clients, cases, matching, SRs, flags). */
  @IsUrl({ require_tld: false })
  SERVICE_REQUESTS_URL = 'http://127.0.0.1:3001';

  /** Base URL of correspondence (the automated MOPF letter, BR-8). */
  @IsUrl({ require_tld: false })
  CORRESPONDENCE_URL = 'http://127.0.0.1:3004';

  /** Time-out of one call to CIS, in milliseconds (RD-8, SU-5: real time). */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(120_000)
  CIS_TIMEOUT_MS = 5000;

  /** Retries of a CIS call after a technical error (503 or time-out), after the first attempt. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  CIS_RETRY_ATTEMPTS = 2;

  /** First delay before retrying a CIS call, in milliseconds; doubles on each retry (with jitter). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(60_000)
  CIS_RETRY_INITIAL_DELAY_MS = 200;

  /** Longest delay between CIS retries, in milliseconds. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(300_000)
  CIS_RETRY_MAX_DELAY_MS = 2000;

  /** Consecutive failed CIS attempts that open the circuit breaker (calls then fail fast: 503 CIS_UNAVAILABLE). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  CIS_BREAKER_THRESHOLD = 5;

  /**
   * How long the breaker stays open before one trial call is let through (half-open), in
   * milliseconds; callers meanwhile get 503 CIS_UNAVAILABLE with `Retry-After`. A few seconds: a
   * short burst of CIS errors must not fail every caseworker's call for long (at most a minute).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  CIS_BREAKER_HALF_OPEN_AFTER_MS = 5000;

  /** First delay before a failed job (a call to service-requests or correspondence) is retried, in seconds; doubles each time. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_RETRY_DELAY_SECONDS = 2;

  /**
   * Broadcast transactions handled per job (matched and raised together; at most service-requests'
   * 1,000 a call). 1,000 since issue 17: 100,000 transactions took 32–34 CPU seconds in all parts
   * against 39 with 500 (docs/benchmarks.md), the per-chunk round trips and statements halved.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  BROADCAST_CHUNK_SIZE = 1000;

  /** Broadcast chunk jobs worked at the same time by one replica. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(32)
  BROADCAST_WORKERS = 4;

  /**
   * pg-boss connections: the broadcast chunk and MOPF letter workers (two per BROADCAST_WORKERS),
   * the sensitive-check, nationally-sensitive and update-outcome workers, and two for supervision.
   * Raise it with BROADCAST_WORKERS (the service refuses to start with too few).
   */
  override JOB_POOL_SIZE = 13;
}
