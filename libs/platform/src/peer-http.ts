import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@cms/domain';
import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { Agent, request as undiciRequest } from 'undici';
import { signDevToken } from './auth';
import { BaseServiceConfig } from './config';
import { CONFIG, SERVICE_NAME } from './tokens';
import { RequestContext } from './request-context';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

/** How a peer call retries: attempts after the first, the first backoff, its cap, and the whole budget. */
export interface PeerRetryPolicy {
  /**
   * Retries after the first attempt while the peer answers a 503 of its own momentary unavailability
   * ({@link TRANSIENT_PEER_CODES}: it is up, and says when to come back).
   */
  maxRetries: number;
  /**
   * Retries after connection errors, time-outs and other 5xx, other 503s included (the peer may be
   * down or broken, or already retried what failed behind it: a few quick tries, so that a caller
   * whose peer is gone hears so in well under a second).
   */
  maxOtherRetries: number;
  /** First backoff in ms when the peer gives no `Retry-After` (doubling, with jitter). */
  initialDelayMs: number;
  /** Largest single wait in ms, `Retry-After` included. */
  maxDelayMs: number;
  /**
   * Milliseconds from the first attempt after which no retry starts: long enough to ride out a
   * database restart or a replica's drain (a few seconds), short enough for the caller's own caller.
   */
  budgetMs: number;
}

/**
 * The default {@link PeerRetryPolicy}: a peer's momentary 503s retried up to 8 times within 10 s (a
 * database restart or failover takes a few seconds), anything else 3 times; waits of 100 ms
 * doubling to 2 s.
 */
export const PEER_RETRY: PeerRetryPolicy = {
  maxRetries: 8,
  maxOtherRetries: 3,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  budgetMs: 10_000,
};

/**
 * Problem codes of a 503 that says the peer itself is unavailable for a moment (its database
 * restarting, or the replica draining): worth waiting for. Other 503s (e.g. `CIS_UNAVAILABLE`, a
 * peer's own peer down) were already retried by the peer, so they get only the quick retries.
 */
export const TRANSIENT_PEER_CODES: ReadonlySet<string> = new Set([
  'DATABASE_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'DRAINING',
]);

/** A peer's answer as it came: status, headers (lower-case names) and the body read whole. */
export interface PeerAnswer {
  status: number;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

/** One peer request as sent on every attempt: headers with lower-case names, the body read once. */
interface PeerRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** One header of an answer (the first value when repeated), or null. */
function header(answer: PeerAnswer, name: string): string | null {
  const v = answer.headers[name];
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
}

/** The answer's body as JSON, or undefined when it has none or it is not JSON. */
function jsonOf(answer: PeerAnswer): unknown {
  if (!answer.body.length) return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

class RetryableResponse extends Error {
  constructor(
    readonly answer: PeerAnswer,
    /** A 503 of the peer's own, momentary unavailability ({@link TRANSIENT_PEER_CODES}). */
    readonly transient: boolean,
  ) {
    super(`peer answered ${answer.status}`);
  }
}

/** True for a 503 whose problem code is in {@link TRANSIENT_PEER_CODES}, or that has no code (a proxy's). */
function isTransientUnavailable(answer: PeerAnswer): boolean {
  if (answer.status !== 503) return false;
  const code = (jsonOf(answer) as { code?: unknown } | null | undefined)?.code;
  // No JSON body or no code: a load balancer's or proxy's 503.
  return typeof code !== 'string' || TRANSIENT_PEER_CODES.has(code);
}

/**
 * Milliseconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or undefined when
 * absent or unreadable.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The one way a service calls a peer over HTTP: a `fetch` that adds the service token and the
 * current request id, times out, and retries on connection errors and 5xx — only for idempotent
 * methods or requests carrying an `Idempotency-Key` — waiting what the peer's `Retry-After` asks
 * for a 503 while its database restarts or it drains ({@link TRANSIENT_PEER_CODES}), else backing
 * off exponentially, within the budget of {@link PEER_RETRY}. When the budget is spent the last
 * answer is returned as it is. With tracing on (tracing.ts), each attempt is a client span of the
 * current trace and carries its W3C `traceparent`, added by the undici instrumentation that every
 * undici request goes through (e2e/test/tracing.spec.ts proves it). The exchange itself is undici's
 * `request`, not the global `fetch` ({@link exchange}); callers still get a WHATWG Response.
 */
@Injectable()
export class PeerHttp {
  private cachedToken?: { value: string; expiresAt: number };
  /** Retry policy; tests may shorten it. */
  retryPolicy: PeerRetryPolicy = PEER_RETRY;

  constructor(
    @Inject(CONFIG) private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
  ) {}

  /** A fetch bound to this service's identity; pass it to the generated clients in libs/clients. */
  readonly fetch = (input: Request | string | URL, init?: RequestInit): Promise<Response> =>
    this.fetchWithin(input, init, this.config.HTTP_TIMEOUT_MS);

  /**
   * As {@link PeerHttp.fetch}, with a time-out of its own (milliseconds) for calls that are large by
   * nature, e.g. a day's CIS broadcast batch (tens of MB) stored durably before it is acknowledged.
   */
  withTimeout(timeoutMs: number): (input: Request | string | URL, init?: RequestInit) => Promise<Response> {
    return (input, init) => this.fetchWithin(input, init, timeoutMs);
  }

  /**
   * A JSON call without the WHATWG Request/Response the generated clients need, for the hottest
   * peer call (the access policy's sensitivity question, on every check of a record another service
   * owns: issue 17). Same token, request id, time-out and retries as {@link PeerHttp.fetch}.
   * `body` is sent as JSON when given. Returns the answer's JSON body on a 2xx.
   * @throws DomainError as {@link unwrapPeer}: the peer's problem (code, detail, field errors) on
   *   any other status; PEER_UNAVAILABLE (503) when it does not answer; PEER_UNREADABLE_ANSWER (503)
   *   for a 2xx whose body is not JSON
   */
  async json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let bytes: Buffer | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      bytes = Buffer.from(JSON.stringify(body), 'utf8');
    }
    const answer = await this.call(
      { url, method: method.toUpperCase(), headers, body: bytes },
      this.config.HTTP_TIMEOUT_MS,
    );
    const data = jsonOf(answer);
    if (answer.status < 200 || answer.status >= 300) throw peerProblem(answer.status, data);
    if (data === undefined && answer.body.length) {
      // Fail closed: an answer that cannot be read is no answer (e.g. a proxy's HTML page).
      throw new DomainError(
        'PEER_UNREADABLE_ANSWER',
        'unavailable',
        `A dependent service answered ${method.toUpperCase()} ${new URL(url).pathname} with a body that is not JSON.`,
      );
    }
    return data as T;
  }

  private async fetchWithin(
    input: Request | string | URL,
    init: RequestInit | undefined,
    timeoutMs: number,
  ): Promise<Response> {
    // The generated clients hand over a Request of their own: used as it is, not copied.
    const original = input instanceof Request && init === undefined ? input : new Request(input, init);
    const method = original.method.toUpperCase();
    // Read once: every attempt sends the same bytes and headers (issue 17: a Request built and its
    // body stream teed for every call cost more than the call).
    const body = original.body ? Buffer.from(await original.arrayBuffer()) : undefined;
    const answer = await this.call(
      { url: original.url, method, headers: Object.fromEntries(original.headers), body },
      timeoutMs,
    );
    const answerHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) answerHeaders.append(name, v);
    }
    return new Response(NULL_BODY_STATUS.has(answer.status) || method === 'HEAD' ? null : answer.body, {
      status: answer.status,
      headers: answerHeaders,
    });
  }

  /**
   * One peer call with its retries: `headers` (lower-case names) get the service token, the request
   * id and the client acted for. Returns the last answer (a retried one when the budget is spent).
   * @throws DomainError PEER_UNAVAILABLE when the peer never answered
   */
  private async call(request: PeerRequest, timeoutMs: number): Promise<PeerAnswer> {
    const { url, method } = request;
    const retryable = IDEMPOTENT.has(method) || request.headers['idempotency-key'] !== undefined;
    const headers: Record<string, string> = {
      ...request.headers,
      authorization: `Bearer ${await this.token()}`,
      'x-request-id': RequestContext.requestId() ?? randomUUID(),
    };
    const actingFor = RequestContext.actingFor();
    if (actingFor) headers['x-on-behalf-of'] = actingFor;
    const sent: PeerRequest = { ...request, headers };
    const rp = this.retryPolicy;
    const started = Date.now();
    let retries = 0;
    let otherRetries = 0;
    // The wait before the next attempt: the peer's Retry-After when it gave one, else exponential
    // backoff with equal jitter; undefined when that wait would end past the budget (no retry).
    const waitFor = (e: unknown): number | undefined => {
      const asked =
        e instanceof RetryableResponse && e.transient
          ? retryAfterMs(header(e.answer, 'retry-after'))
          : undefined;
      const backoff = Math.min(rp.maxDelayMs, rp.initialDelayMs * 2 ** retries);
      const wait = Math.min(rp.maxDelayMs, asked ?? backoff / 2 + (Math.random() * backoff) / 2);
      return Date.now() - started + wait <= rp.budgetMs ? wait : undefined;
    };
    let nextWait = 0;
    const policy = retry(
      handleWhen((e) => {
        if (!retryable || !(e instanceof RetryableResponse || isConnectionError(e))) return false;
        const unavailable = e instanceof RetryableResponse && e.transient;
        if (!unavailable && otherRetries >= rp.maxOtherRetries) return false;
        const wait = waitFor(e);
        if (wait === undefined) return false;
        if (!unavailable) otherRetries++;
        nextWait = wait;
        return true;
      }),
      {
        maxAttempts: retryable ? rp.maxRetries : 0,
        backoff: new DelegateBackoff(() => {
          retries++;
          return nextWait;
        }),
      },
    );
    try {
      return await policy.execute(async () => {
        const answer = await exchange(sent, timeoutMs);
        if (RETRYABLE_STATUS.has(answer.status) && retryable) {
          throw new RetryableResponse(answer, isTransientUnavailable(answer));
        }
        return answer;
      });
    } catch (e) {
      if (e instanceof RetryableResponse) return e.answer;
      throw new DomainError(
        'PEER_UNAVAILABLE',
        'unavailable',
        `A dependent service did not answer (${method} ${new URL(url).pathname}).`,
        {
          extra: { peer: new URL(url).host },
        },
      );
    }
  }

  private async token(): Promise<string> {
    if (this.config.SERVICE_TOKEN) return this.config.SERVICE_TOKEN;
    const now = Date.now();
    if (this.cachedToken && this.cachedToken.expiresAt - 60_000 > now) return this.cachedToken.value;
    const value = await signDevToken(this.config.AUTH_JWT_SECRET!, this.serviceName, ['system'], {
      ttlSeconds: 3600,
      issuer: this.config.AUTH_ISSUER,
      audience: this.config.AUTH_AUDIENCE,
    });
    this.cachedToken = { value, expiresAt: now + 3600_000 };
    return value;
  }
}

/** Statuses whose answer has no body: a Response must not be given one. */
const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** A call that got no answer: refused, reset, timed out or aborted (`cause` says which). */
class NoAnswer extends Error {
  constructor(cause: unknown) {
    super('peer did not answer', { cause });
  }
}

/**
 * Keep-alive connections to the peers, shared by every PeerHttp of the process (as fetch shares
 * its global dispatcher). Idle sockets do not keep the process alive.
 */
const PEER_DISPATCHER = new Agent({ keepAliveTimeout: 10_000 });

/**
 * One HTTP exchange with a peer through undici's `request`, the answer read whole within
 * `timeoutMs` (undici's own header and body time-outs, and an overall timer). Issue 17: the global
 * `fetch` (undici's WHATWG fetch over web streams) was 22% of client-security's main thread in a
 * security check, ~0.8 CPU ms a call under load; this path costs under half of it (0.17–0.20
 * against 0.40–0.44 CPU ms a call on an idle machine). undici publishes the same diagnostics
 * channels for it, so the tracing's undici instrumentation still makes each attempt a client span
 * and adds its `traceparent` (e2e/test/tracing.spec.ts).
 * @throws NoAnswer when the peer cannot be reached, resets, or does not answer in time
 */
async function exchange({ url, method, headers, body }: PeerRequest, timeoutMs: number): Promise<PeerAnswer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new NoAnswer('timed out')), timeoutMs);
  try {
    const res = await undiciRequest(url, {
      method,
      headers,
      body,
      signal: abort.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      dispatcher: PEER_DISPATCHER,
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body: bytes };
  } catch (e) {
    throw new NoAnswer(e);
  } finally {
    clearTimeout(timer);
  }
}

function isConnectionError(e: unknown): boolean {
  const err = e as { name?: string; cause?: { code?: string } };
  return (
    e instanceof NoAnswer ||
    err?.name === 'TimeoutError' ||
    err?.name === 'AbortError' ||
    err?.name === 'TypeError' ||
    !!err?.cause?.code
  );
}

const STATUS_TO_KIND: Record<number, DomainErrorKind> = {
  400: 'validation',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'precondition',
  429: 'rate-limited',
};

/**
 * Turns a peer's answer (as returned by openapi-fetch: `{ data, error, response }`) into its data,
 * or throws a DomainError that carries the peer's problem code, detail and field errors, so the
 * caller's client sees the real reason (e.g. "Insufficient Access" from service-requests).
 */
export function unwrapPeer<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw peerProblem(result.response.status, result.error);
}

/**
 * The DomainError for a peer's non-2xx answer: its problem code, detail, title, field errors and
 * requirement id carried over; the kind from the status ("Insufficient Access" on a 403 is its own).
 */
function peerProblem(status: number, body: unknown): DomainError {
  const problem = (body ?? {}) as {
    code?: string;
    detail?: string;
    title?: string;
    errors?: [];
    requirementId?: string;
  };
  const kind: DomainErrorKind =
    status === 403 && problem.title === 'Insufficient Access'
      ? 'insufficient-access'
      : (STATUS_TO_KIND[status] ?? 'unavailable');
  return new DomainError(
    problem.code ?? `PEER_HTTP_${status}`,
    kind,
    problem.detail ?? `A dependent service answered ${status}.`,
    {
      errors: problem.errors,
      requirementId: problem.requirementId,
      title: problem.title,
    },
  );
}
