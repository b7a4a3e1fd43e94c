import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@cms/platform';

/** Configuration of the CIS simulator (environment variables, validated at start). */
export class CisSimulatorConfig extends BaseServiceConfig {
  override PORT = 3005;

  /** Base URL of cis-interface, which receives the daily broadcast batches at `POST /broadcasts`. */
  @IsUrl({ require_tld: false })
  CIS_INTERFACE_URL = 'http://127.0.0.1:3002';

  /**
   * How often the scheduler looks for broadcast days that have become due (BR-2), in milliseconds.
   * 0 turns the scheduler off (runs then only happen through `POST /admin/broadcasts/run`).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  BROADCAST_SCHEDULE_INTERVAL_MS = 60_000;

  /** Delivery retries of one broadcast batch after the first attempt, before it is marked failed. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  BROADCAST_RETRY_LIMIT = 50;

  /**
   * Time-out of one delivery of a batch to cis-interface, in milliseconds. A day's batch is tens of
   * MB that cis-interface stores durably before it answers 202 (about 6 s for 100,000 transactions,
   * docs/benchmarks.md), far longer than an interactive call (HTTP_TIMEOUT_MS).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  BROADCAST_DELIVERY_TIMEOUT_MS = 120_000;

  /** First delay between delivery attempts, in seconds; pg-boss doubles it on each retry (with jitter). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  BROADCAST_RETRY_DELAY_SECONDS = 2;
}
