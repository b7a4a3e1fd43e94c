import { DomainError } from '@cms/domain';

/**
 * CIS answered with a technical error (HTTP 5xx, "Technical error" as 503) or did not answer in
 * time, after every retry (RD-5 "technical error", SU-5). HTTP 503, code `CIS_TECHNICAL_ERROR`.
 */
export class CisTechnicalError extends DomainError {
  constructor(
    readonly reason: string,
    extra: Record<string, unknown> = {},
  ) {
    super('CIS_TECHNICAL_ERROR', 'unavailable', `CIS did not answer: ${reason}. Try again later.`, {
      extra,
    });
  }
}

/**
 * The circuit breaker in front of CIS is open after repeated technical errors: calls fail at once
 * without reaching CIS until a trial call succeeds. HTTP 503, code `CIS_UNAVAILABLE`.
 */
export class CisUnavailableError extends DomainError {
  constructor(extra: Record<string, unknown> = {}) {
    super(
      'CIS_UNAVAILABLE',
      'unavailable',
      'CIS is unavailable: after repeated technical errors calls are paused for a short while. Try again later.',
      { extra },
    );
  }
}

/** True for the two errors that mean "CIS could not be reached" (as opposed to an answer from CIS). */
export function isCisDown(e: unknown): e is CisTechnicalError | CisUnavailableError {
  return e instanceof CisTechnicalError || e instanceof CisUnavailableError;
}
