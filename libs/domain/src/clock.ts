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
 * A clock that runs with real time plus an offset, which tests and demos can move forward
 * (never back) so that waits of days pass without sleeping.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves time forward by `ms` milliseconds. Throws RangeError for a negative or non-finite value. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The clock only moves forward by a finite number of milliseconds.');
    this.offsetMs += ms;
    return this.now();
  }

  /** Sets the clock to `to`, which must not be earlier than now. Throws RangeError otherwise. */
  set(to: Date): Date {
    const delta = to.getTime() - this.now().getTime();
    return this.advance(delta);
  }

  /** Current offset from real time, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }
}
