import type { LoggerService } from '@nestjs/common';

/**
 * Starts a sweep that a replica running workers (`WORKERS_ENABLED`) repeats every `everyMs`
 * milliseconds: expired rate-limit buckets, old idempotency keys, waits that have run out. A
 * failure is logged as `${name} failed` and the next round runs as usual; the timer never keeps the
 * process alive. Returns the function that stops it (a no-op when `enabled` is false: nothing started).
 */
export function startPeriodicSweep(opts: {
  enabled: boolean;
  everyMs: number;
  name: string;
  logger: LoggerService;
  run: () => Promise<unknown>;
}): () => void {
  if (!opts.enabled) return () => undefined;
  const timer = setInterval(
    () => void opts.run().catch((err: unknown) => opts.logger.error({ msg: `${opts.name} failed`, err })),
    opts.everyMs,
  );
  timer.unref();
  return () => clearInterval(timer);
}
