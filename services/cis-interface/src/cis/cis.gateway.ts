import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { cisClient } from '@cms/clients';
import {
  type CisRetrievalRejection,
  type CisUpdate,
  type CisUpdateResponseCode,
  CIS_RETRIEVAL_REJECTION_INFO,
  DomainError,
  type InterestType,
  isCisRetrievalRejection,
  isCisUpdateResponseCode,
  type PersonalDetails,
  type PersonReferenceKind,
} from '@cms/domain';
import { CONFIG, RequestContext, signDevToken } from '@cms/platform';
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleType,
  retry,
  wrap,
} from 'cockatiel';
import type { CisInterfaceConfig } from '../config';
import { CisTechnicalError, CisUnavailableError } from './cis.errors';

/** A person's CIS key. */
export interface CisReference {
  referenceKind: PersonReferenceKind;
  reference: string;
}

/** CIS's personal, address and contact data of a person (RD-2), as returned by a retrieval. */
export interface CisPersonalData extends PersonalDetails, CisReference {}

/** What a retrieval returned: the person, or one of the RD-4/RD-5 rejections (technical errors are thrown). */
export type CisRetrieveResult =
  | { kind: 'found'; person: CisPersonalData; raw: Record<string, unknown> }
  | {
      kind: 'rejected';
      rejection: Exclude<CisRetrievalRejection, 'TECHNICAL_ERROR'>;
      message: string;
      supersededByNino: string | null;
    };

/** CIS's answer to an update (SU-5, SU-7). */
export interface CisUpdateAnswer {
  responseCode: CisUpdateResponseCode;
  message: string;
}

/** State of the circuit breaker in front of CIS. */
export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

/** Told of each attempt that failed technically (RD-5: each rejection is recorded), before it is retried. */
export type FailedTryObserver = (reason: string) => void;

/** One failed attempt to reach CIS (retried, counted by the breaker). */
class CisAttemptFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type OpenApiResult = { data?: unknown; error?: unknown; response: Response };

/**
 * CMS's only door to CIS's web service: register / deregister interests (RI), retrieve personal
 * data (RD), send updates (SU). Every call carries a `system` token and the request id, times out
 * after `CIS_TIMEOUT_MS`, is retried with exponential backoff after a technical error (HTTP 5xx
 * — CIS's "Technical error" is a 503 — or a time-out), and passes a circuit breaker
 * (`ConsecutiveBreaker(CIS_BREAKER_THRESHOLD)`), which fails calls at once while open. After
 * `CIS_BREAKER_HALF_OPEN_AFTER_MS` (default 5 s) the next call is let through as a trial
 * (half-open): an answer closes the breaker, a technical error opens it for another pause.
 * Both 503s carry `retryAfterSeconds` (until the next trial; the `Retry-After` header).
 * @throws CisTechnicalError (503 `CIS_TECHNICAL_ERROR`) after the last retry;
 *   CisUnavailableError (503 `CIS_UNAVAILABLE`) while the breaker is open;
 *   DomainError with CIS's problem code for any other refusal.
 */
@Injectable()
export class CisGateway {
  private readonly logger = new Logger(CisGateway.name);
  private readonly breaker: CircuitBreakerPolicy;
  private readonly policy: ReturnType<typeof wrap>;
  private readonly cis: ReturnType<typeof cisClient>;
  private cachedToken?: { value: string; expiresAt: number };
  /** When the breaker last opened (epoch ms), null while closed. */
  private openedAt: number | null = null;

  constructor(@Inject(CONFIG) private readonly config: CisInterfaceConfig) {
    this.breaker = circuitBreaker(handleType(CisAttemptFailed), {
      halfOpenAfter: config.CIS_BREAKER_HALF_OPEN_AFTER_MS,
      breaker: new ConsecutiveBreaker(config.CIS_BREAKER_THRESHOLD),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
      this.logger.warn(
        { halfOpenAfterMs: config.CIS_BREAKER_HALF_OPEN_AFTER_MS },
        'CIS circuit breaker opened: calls fail fast until a trial call succeeds',
      );
    });
    this.breaker.onHalfOpen(() => this.logger.log('CIS circuit breaker half-open: trial call'));
    this.breaker.onReset(() => {
      this.openedAt = null;
      this.logger.log('CIS circuit breaker closed');
    });
    const retries = retry(handleType(CisAttemptFailed), {
      maxAttempts: config.CIS_RETRY_ATTEMPTS,
      backoff: new ExponentialBackoff({
        initialDelay: config.CIS_RETRY_INITIAL_DELAY_MS,
        maxDelay: config.CIS_RETRY_MAX_DELAY_MS,
      }),
    });
    // Retry outside the breaker: every attempt counts towards opening it, and an open breaker
    // (BrokenCircuitError) is not retried.
    this.policy = wrap(retries, this.breaker);
    this.cis = cisClient(config.CIS_URL, this.fetch);
  }

  /** Current state of the breaker (for readiness views and tests). */
  get breakerState(): BreakerState {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.Open:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'isolated';
    }
  }

  /** How long the breaker stays open before a trial call (CIS_BREAKER_HALF_OPEN_AFTER_MS). */
  get halfOpenAfterMs(): number {
    return this.config.CIS_BREAKER_HALF_OPEN_AFTER_MS;
  }

  /** When the breaker lets the next trial call through (null while closed). */
  get nextProbeAt(): Date | null {
    if (this.breaker.state === CircuitState.Closed || this.openedAt === null) return null;
    return new Date(this.openedAt + this.config.CIS_BREAKER_HALF_OPEN_AFTER_MS);
  }

  /** Seconds a refused caller should wait (`Retry-After`): until the breaker's next trial call, at least 1. */
  retryAfterSeconds(): number {
    const at = this.nextProbeAt;
    return at ? Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000)) : 1;
  }

  /**
   * Registers CMG's interest of `interestType` on the person's record (RI-1). Idempotent in CIS.
   * @returns whether it was registered already
   */
  async registerInterest(
    ref: CisReference,
    interestType: InterestType,
  ): Promise<{ alreadyRegistered: boolean }> {
    const data = await this.call('register interest', () =>
      this.cis.POST('/cis/interests', { body: { ...ref, interestType } }),
    );
    return { alreadyRegistered: data.alreadyRegistered === true };
  }

  /** Deregisters CMG's interest (RI-2): CIS then accepts no update and sends no broadcast for it. */
  async deregisterInterest(ref: CisReference, interestType: InterestType): Promise<void> {
    await this.call('deregister interest', () =>
      this.cis.POST('/cis/interests/deregister', { body: { ...ref, interestType } }),
    );
  }

  /**
   * Retrieves the person's personal, address and contact data (RD-2), in real time (RD-8), for a
   * caseworker of `accessLevel`: CIS answers a nationally sensitive record at standard access with
   * "Insufficient access level" (RD-4). "NINO not found / deleted / superseded" come back as a
   * rejection (RD-5); a technical error is thrown after the retries.
   */
  async retrieve(
    ref: CisReference,
    accessLevel: 'standard' | 'sensitive',
    onFailedTry?: FailedTryObserver,
  ): Promise<CisRetrieveResult> {
    const body = await this.call(
      'retrieve personal data',
      () => this.cis.POST('/cis/personal-data/retrieve', { body: { ...ref, accessLevel } }),
      onFailedTry,
    );
    if (body.outcome === 'rejected') {
      const rejection = body.rejection;
      if (!isCisRetrievalRejection(rejection) || (rejection as string) === 'TECHNICAL_ERROR') {
        throw new CisTechnicalError(`CIS answered an unknown rejection ${String(rejection)}`);
      }
      return {
        kind: 'rejected',
        rejection,
        message: body.message ?? CIS_RETRIEVAL_REJECTION_INFO[rejection].message,
        supersededByNino: body.supersededByNino,
      };
    }
    if (!body.person) throw new CisTechnicalError('CIS answered a retrieval without a person');
    const person = body.person;
    return { kind: 'found', person, raw: { ...body.person } as Record<string, unknown> };
  }

  /**
   * Sends one update to the person's CIS record (SU-2, SU-5) with `idempotencyKey`, so a retry
   * after a time-out is applied once. Returns CIS's response code (SU-7; `1` = nationally
   * sensitive, SU-6).
   */
  async sendUpdate(ref: CisReference, update: CisUpdate, idempotencyKey: string): Promise<CisUpdateAnswer> {
    const data = await this.call('send update', () =>
      this.cis.POST('/cis/updates', {
        params: { header: { 'idempotency-key': idempotencyKey } },
        body: { ...ref, update },
      }),
    );
    if (!isCisUpdateResponseCode(data.responseCode)) {
      throw new CisTechnicalError(
        `CIS answered an unknown update response code ${String(data.responseCode)}`,
      );
    }
    return { responseCode: data.responseCode, message: data.message ?? '' };
  }

  /** Runs one CIS operation through the policies and returns its data, or throws CIS's refusal. */
  private async call<T>(
    what: string,
    op: () => Promise<{ data?: T; error?: unknown; response: Response }>,
    onFailedTry?: FailedTryObserver,
  ): Promise<T> {
    const result = (await this.attempt(what, op, onFailedTry)) as {
      data?: T;
      error?: unknown;
      response: Response;
    };
    if (result.response.ok && result.data !== undefined) return result.data;
    throw peerError(result.response.status, (result.error ?? {}) as Record<string, unknown>);
  }

  /** Runs `op` with retries and the breaker; 5xx and time-outs are technical errors. */
  private async attempt(
    what: string,
    op: () => Promise<OpenApiResult>,
    onFailedTry?: FailedTryObserver,
  ): Promise<OpenApiResult> {
    let attempts = 0;
    try {
      return (await this.policy.execute(async () => {
        attempts++;
        let result: OpenApiResult;
        let failure: string | null = null;
        try {
          result = await op();
          if (result.response.status >= 500) failure = `CIS answered ${result.response.status}`;
        } catch (e) {
          failure = describeFetchError(e, this.config.CIS_TIMEOUT_MS);
        }
        if (failure !== null) {
          onFailedTry?.(failure);
          throw new CisAttemptFailed(failure);
        }
        return result!;
      })) as OpenApiResult;
    } catch (e) {
      if (e instanceof BrokenCircuitError) {
        this.logger.warn({ operation: what }, 'CIS call refused: circuit breaker open');
        throw new CisUnavailableError({ operation: what, retryAfterSeconds: this.retryAfterSeconds() });
      }
      if (e instanceof CisAttemptFailed) {
        this.logger.warn({ operation: what, attempts, reason: e.reason }, 'CIS technical error');
        throw new CisTechnicalError(`${e.reason} (${attempts} attempt${attempts === 1 ? '' : 's'})`, {
          operation: what,
          attempts,
          retryAfterSeconds: this.retryAfterSeconds(),
        });
      }
      throw e;
    }
  }

  /** fetch for CIS: system token, request id, time-out `CIS_TIMEOUT_MS`. */
  private readonly fetch = async (input: Request): Promise<Response> => {
    const req = input.clone();
    req.headers.set('authorization', `Bearer ${await this.token()}`);
    req.headers.set('x-request-id', RequestContext.requestId() ?? randomUUID());
    return fetch(req, { signal: AbortSignal.timeout(this.config.CIS_TIMEOUT_MS) });
  };

  private async token(): Promise<string> {
    if (this.config.SERVICE_TOKEN) return this.config.SERVICE_TOKEN;
    const now = Date.now();
    if (this.cachedToken && this.cachedToken.expiresAt - 60_000 > now) return this.cachedToken.value;
    const value = await signDevToken(this.config.AUTH_JWT_SECRET!, 'cis-interface', ['system'], {
      ttlSeconds: 3600,
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
    });
    this.cachedToken = { value, expiresAt: now + 3600_000 };
    return value;
  }
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (err?.cause?.code) return `connection failed (${err.cause.code})`;
  return 'connection failed';
}

/** CIS's refusal (4xx) as a DomainError carrying CIS's code and detail. */
function peerError(status: number, problem: Record<string, unknown>): DomainError {
  const kind =
    status === 404
      ? 'not-found'
      : status === 409
        ? 'conflict'
        : status === 422
          ? 'precondition'
          : status === 400
            ? 'validation'
            : 'unavailable';
  return new DomainError(
    typeof problem.code === 'string' ? problem.code : `CIS_HTTP_${status}`,
    kind,
    typeof problem.detail === 'string' ? `CIS: ${problem.detail}` : `CIS answered ${status}.`,
    { errors: Array.isArray(problem.errors) ? (problem.errors as never) : undefined },
  );
}
