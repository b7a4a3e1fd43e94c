import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError, type Clock } from '@cms/domain';
import { CLOCK, CONFIG, preparedQuery, type SqlStatement, startPeriodicSweep } from '@cms/platform';
import { DataSource } from 'typeorm';
import type { ClientSecurityConfig } from '../config';

/** One limit to apply: at most `max` hits of `key` per fixed window of `windowSeconds`. */
export interface RateLimit {
  key: string;
  max: number;
  windowSeconds: number;
  /** What the limit protects, for the refusal message: `subject` or `caller`. */
  scope: 'subject' | 'caller';
}

/** A bucket's count after a hit, as the hit statement returns it. */
export interface BucketCount {
  key: string;
  hits: number | string;
}

/** One hit against some limits, as SQL not yet sent, with what {@link RateLimiter.enforce} needs. */
export interface RateLimitHit extends SqlStatement {
  limits: readonly RateLimit[];
  /** The clock's time of the hit, in epoch milliseconds. */
  now: number;
  /** Each limit's window start, in epoch milliseconds. */
  starts: number[];
}

/** Thrown when a limit is exceeded (HTTP 429); `retryAfterSeconds` is when its window ends. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly scope: RateLimit['scope'],
    readonly retryAfterSeconds: number,
  ) {
    super(
      'TOO_MANY_SECURITY_CHECKS',
      'rate-limited',
      scope === 'subject'
        ? `Too many security checks for this person; try again in ${retryAfterSeconds} seconds.`
        : `Too many security checks by this caller; try again in ${retryAfterSeconds} seconds.`,
      { extra: { scope, retryAfterSeconds } },
    );
  }
}

/**
 * Fixed-window rate limits kept in PostgreSQL (`rate_limit_bucket`), so several replicas share
 * them: one statement increments every key's bucket atomically (`INSERT … ON CONFLICT DO UPDATE`)
 * and returns the counts. Refused attempts count too, so hammering keeps a caller limited until
 * the window ends. Windows follow the injected clock. Expired buckets are swept every 5 minutes.
 */
@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private stopSweep = (): void => undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: ClientSecurityConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweep = startPeriodicSweep({
      enabled: this.config.WORKERS_ENABLED,
      everyMs: 300_000,
      name: 'rate-limit sweep',
      logger: this.logger,
      run: () => this.sweep(),
    });
  }

  onApplicationShutdown(): void {
    this.stopSweep();
  }

  /**
   * Counts one hit against every limit. @throws RateLimitedError for the first limit exceeded
   * (the hit is still counted).
   */
  async consume(limits: RateLimit[]): Promise<void> {
    const hit = this.hitStatement(limits);
    this.enforce(hit, await preparedQuery<BucketCount>(this.db, 'rate_limit_consume', hit.sql, hit.params));
  }

  /**
   * The statement that counts one hit against every limit, not yet sent, so that a caller can send
   * it with a read of its own in one round trip ({@link combineWrites}); its RETURNING rows
   * (`key`, `hits`) then go to {@link RateLimiter.enforce}. The windows are fixed now, by the clock.
   */
  hitStatement(limits: readonly RateLimit[]): RateLimitHit {
    const now = this.clock.now().getTime();
    const starts = limits.map((l) => now - (now % (l.windowSeconds * 1000)));
    return {
      sql: `INSERT INTO "rate_limit_bucket" ("key", "window_start", "hits", "expires_at")
       SELECT k, to_timestamp(s / 1000.0), 1, to_timestamp(e / 1000.0)
         FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(k, s, e)
       ON CONFLICT ("key", "window_start") DO UPDATE SET "hits" = "rate_limit_bucket"."hits" + 1
       RETURNING "key", "hits"`,
      params: [limits.map((l) => l.key), starts, limits.map((l, i) => starts[i] + l.windowSeconds * 1000)],
      limits,
      now,
      starts,
    };
  }

  /**
   * Judges the counts a {@link RateLimiter.hitStatement} returned.
   * @throws RateLimitedError for the first limit exceeded (HTTP 429, with when its window ends)
   */
  enforce(hit: RateLimitHit, counts: readonly BucketCount[]): void {
    const hits = new Map(counts.map((r) => [r.key, Number(r.hits)]));
    hit.limits.forEach((l, i) => {
      if ((hits.get(l.key) ?? 0) > l.max) {
        const retryAfter = Math.max(1, Math.ceil((hit.starts[i] + l.windowSeconds * 1000 - hit.now) / 1000));
        this.logger.warn({
          msg: 'rate limited',
          scope: l.scope,
          limit: l.max,
          windowSeconds: l.windowSeconds,
        });
        throw new RateLimitedError(l.scope, retryAfter);
      }
    });
  }

  /** Deletes buckets whose window has ended. Returns how many. */
  async sweep(): Promise<number> {
    const [, count] = await this.db.query(`DELETE FROM "rate_limit_bucket" WHERE "expires_at" < $1`, [
      this.clock.now(),
    ]);
    return Number(count ?? 0);
  }
}
