import { mkdirSync, readFileSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Source of "now" for every rule that depends on time (waits of 7/14 days, the 24-hour SLA, BR-2). */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * Where an {@link AdjustableClock} keeps its offset from real time (milliseconds, never negative).
 * `update` applies `change` to the current offset atomically (for every process sharing the store)
 * and returns the offset it stored.
 */
export interface ClockOffsetStore {
  read(): number;
  update(change: (current: number) => number): number;
}

/** The offset in this process's memory only: each clock its own (one service's tests). */
export class MemoryOffsetStore implements ClockOffsetStore {
  private offsetMs = 0;

  read(): number {
    return this.offsetMs;
  }

  update(change: (current: number) => number): number {
    this.offsetMs = change(this.offsetMs);
    return this.offsetMs;
  }
}

/**
 * The offset in a file (CLOCK_FILE) that every service and the simulator on one machine share, so
 * moving the clock once moves them all, and the move survives restarts.
 *
 * File format (JSON): `{ "offsetMs": 604800000, "movedAt": "<ISO real time of the last move>",
 * "now": "<ISO clock time at that move>" }`; only `offsetMs` is read. A missing file is offset 0.
 * Reads are cheap: the file is re-read only when its identity (inode, mtime in ns, size) changed,
 * which one `stat` tells. Writes go to a temporary file renamed over the old one (readers never
 * see half a file), under a lock directory `<file>.lock` so that two processes moving the clock at
 * once both count (a lock older than 10 s is taken as left by a dead process and broken).
 * An unreadable file keeps the last offset read (logged by nobody: the clock never goes back).
 */
export class FileOffsetStore implements ClockOffsetStore {
  private seen = '';
  private offsetMs = 0;

  constructor(readonly path: string) {}

  read(): number {
    let identity: string;
    try {
      const s = statSync(this.path, { bigint: true });
      identity = `${s.ino}:${s.mtimeNs}:${s.size}`;
    } catch {
      return this.offsetMs; // no file yet (offset 0), or removed: keep what was read
    }
    if (identity !== this.seen) {
      const parsed = parseOffset(this.path);
      if (parsed !== undefined) this.offsetMs = parsed;
      this.seen = identity;
    }
    return this.offsetMs;
  }

  update(change: (current: number) => number): number {
    return withLock(`${this.path}.lock`, () => {
      this.seen = ''; // read the file itself, whatever its stat says
      const next = change(this.read());
      writeClockFile(this.path, next);
      this.offsetMs = next;
      this.seen = '';
      return next;
    });
  }
}

/**
 * A clock that runs with real time plus an offset, which tests and demos can move forward
 * (never back) so that waits of days pass without sleeping. The offset lives in `store`: this
 * process's memory by default, or a {@link FileOffsetStore} shared by every service.
 * `now()` never goes back within one clock, even if the store's offset is lowered by hand.
 */
export class AdjustableClock implements Clock {
  private highest = 0;

  constructor(private readonly store: ClockOffsetStore = new MemoryOffsetStore()) {}

  now(): Date {
    this.highest = Math.max(this.highest, this.store.read());
    return new Date(Date.now() + this.highest);
  }

  /** Moves time forward by `ms` milliseconds. Throws RangeError for a negative or non-finite value. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The clock only moves forward by a finite number of milliseconds.');
    this.highest = this.store.update((current) => Math.max(current, this.highest) + ms);
    return this.now();
  }

  /**
   * Sets the clock to `to`, which must not be earlier than now. Throws RangeError otherwise
   * (the check and the move are one step for every process sharing the store).
   */
  set(to: Date): Date {
    const target = to.getTime();
    if (!Number.isFinite(target)) throw new RangeError('The clock cannot be set to an invalid date.');
    this.highest = this.store.update((current) => {
      const base = Math.max(current, this.highest);
      const delta = target - (Date.now() + base);
      if (delta < 0) throw new RangeError('The clock only moves forward.');
      return base + delta;
    });
    return this.now();
  }

  /** Current offset from real time, in milliseconds. */
  get offset(): number {
    return Math.max(this.highest, this.store.read());
  }
}

/** The clock for a service: the system clock, or an adjustable one (file-backed when `file` is given). */
export function createClock(mode: 'system' | 'adjustable', file?: string): Clock {
  if (mode === 'system') return new SystemClock();
  return new AdjustableClock(file ? new FileOffsetStore(file) : new MemoryOffsetStore());
}

function parseOffset(path: string): number | undefined {
  try {
    const value = (JSON.parse(readFileSync(path, 'utf8')) as { offsetMs?: unknown }).offsetMs;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

function writeClockFile(path: string, offsetMs: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const body = {
    offsetMs,
    movedAt: new Date().toISOString(),
    now: new Date(Date.now() + offsetMs).toISOString(),
  };
  writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(tmp, path);
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/** Runs `fn` holding the lock directory `lock` (mkdir is atomic across processes). */
function withLock<T>(lock: string, fn: () => T): T {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`The clock file lock ${lock} is held too long.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}
