import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

/** Faults injected into CIS calls and broadcasts. Shares are probabilities 0..1; times in milliseconds. */
export interface FaultSettings {
  /** Share of CIS calls answered with a technical error (HTTP 503 `TECHNICAL_ERROR`, RD-5). */
  technicalErrorShare: number;
  /** Delay added to every CIS call before it is handled. */
  delayMs: number;
  /** Share of CIS calls never answered: held for `noAnswerHoldMs`, then the connection is dropped. */
  noAnswerShare: number;
  /** How long an unanswered call is held (at most {@link MAX_HOLD_MS}). */
  noAnswerHoldMs: number;
  /** The next broadcast batch is delivered twice (same batch id and Idempotency-Key). */
  duplicateNextBatch: boolean;
  /** Seed of the draws that decide which calls fail (null: not repeatable). */
  seed: number | null;
}

/** Longest time an unanswered call is held: callers time out well before. */
export const MAX_HOLD_MS = 30_000;

const DEFAULTS: FaultSettings = {
  technicalErrorShare: 0,
  delayMs: 0,
  noAnswerShare: 0,
  noAnswerHoldMs: MAX_HOLD_MS,
  duplicateNextBatch: false,
  seed: null,
};

/** How many CIS calls each fault hit since the settings were last changed. */
export interface FaultCounts {
  technicalErrors: number;
  noAnswers: number;
  delayed: number;
}

/** Small seeded generator (mulberry32): the same seed gives the same draws. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The simulator's fault settings, per process (reset on restart): what makes CIS slow, fail or fall
 * silent, so that cis-interface's timeouts, retries and error handling (RD-5, SU-5) can be tested.
 */
@Injectable()
export class FaultsService implements BeforeApplicationShutdown {
  private settings: FaultSettings = { ...DEFAULTS };
  private draws: () => number = Math.random;
  private readonly counts: FaultCounts = { technicalErrors: 0, noAnswers: 0, delayed: 0 };
  private readonly stopping = new AbortController();

  /** The current settings and counts. */
  current(): FaultSettings & { counts: FaultCounts } {
    return { ...this.settings, counts: { ...this.counts } };
  }

  /** Changes the given settings (others stay) and resets the counts; a seed restarts the draws. */
  update(patch: Partial<FaultSettings>): FaultSettings & { counts: FaultCounts } {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.settings = { ...this.settings, ...defined };
    this.settings.noAnswerHoldMs = Math.min(this.settings.noAnswerHoldMs, MAX_HOLD_MS);
    if ('seed' in defined)
      this.draws = this.settings.seed === null ? Math.random : mulberry32(this.settings.seed);
    Object.assign(this.counts, { technicalErrors: 0, noAnswers: 0, delayed: 0 });
    return this.current();
  }

  /** Back to no faults. */
  reset(): FaultSettings & { counts: FaultCounts } {
    this.draws = Math.random;
    return this.update({ ...DEFAULTS });
  }

  /** What happens to the CIS call now being handled: `delay` first, then no answer or a technical error, or neither. */
  decide(): { delayMs: number; outcome: 'answer' | 'no-answer' | 'technical-error'; holdMs: number } {
    const s = this.settings;
    if (s.delayMs > 0) this.counts.delayed++;
    let outcome: 'answer' | 'no-answer' | 'technical-error' = 'answer';
    if (s.noAnswerShare > 0 && this.draws() < s.noAnswerShare) outcome = 'no-answer';
    else if (s.technicalErrorShare > 0 && this.draws() < s.technicalErrorShare) outcome = 'technical-error';
    if (outcome === 'no-answer') this.counts.noAnswers++;
    if (outcome === 'technical-error') this.counts.technicalErrors++;
    return { delayMs: s.delayMs, outcome, holdMs: s.noAnswerHoldMs };
  }

  /** Whether the batch being made now is to be delivered twice. */
  duplicateNextBatch(): boolean {
    return this.settings.duplicateNextBatch;
  }

  /** The duplicate was applied to a batch: the next one is sent once again. */
  duplicateApplied(): void {
    this.settings.duplicateNextBatch = false;
  }

  /** Waits `ms`, ending early when the service shuts down (so held calls never delay a shutdown). */
  sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.stopping.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done);
    });
  }

  beforeApplicationShutdown(): void {
    this.stopping.abort();
  }
}
