import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, DomainErrorKind } from '@cms/domain';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { signDevToken } from './auth';
import { BaseServiceConfig } from './config';
import { CONFIG, SERVICE_NAME } from './tokens';
import { RequestContext } from './request-context';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);

class RetryableResponse extends Error {
  constructor(readonly response: Response) {
    super(`peer answered ${response.status}`);
  }
}

/**
 * The one way a service calls a peer over HTTP: a `fetch` that adds the service token and the
 * current request id, times out, and retries with exponential backoff on connection errors and
 * 5xx — only for idempotent methods or requests carrying an `Idempotency-Key`.
 */
@Injectable()
export class PeerHttp {
  private cachedToken?: { value: string; expiresAt: number };

  constructor(
    @Inject(CONFIG) private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly serviceName: string,
  ) {}

  /** A fetch bound to this service's identity; pass it to the generated clients in libs/clients. */
  readonly fetch = (input: Request | string | URL, init?: RequestInit): Promise<Response> =>
    this.call(input, init, this.config.HTTP_TIMEOUT_MS);

  /**
   * As {@link PeerHttp.fetch}, with a time-out of its own (milliseconds) for calls that are large by
   * nature, e.g. a day's CIS broadcast batch (tens of MB) stored durably before it is acknowledged.
   */
  withTimeout(timeoutMs: number): (input: Request | string | URL, init?: RequestInit) => Promise<Response> {
    return (input, init) => this.call(input, init, timeoutMs);
  }

  private async call(
    input: Request | string | URL,
    init: RequestInit | undefined,
    timeoutMs: number,
  ): Promise<Response> {
    const original = new Request(input, init);
    const method = original.method.toUpperCase();
    const retryable = IDEMPOTENT.has(method) || original.headers.has('idempotency-key');
    const token = await this.token();
    const policy = retry(
      handleWhen((e) => retryable && (e instanceof RetryableResponse || isConnectionError(e))),
      {
        maxAttempts: retryable ? 3 : 0,
        backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 2000 }),
      },
    );
    try {
      return await policy.execute(async () => {
        const req = original.clone();
        req.headers.set('authorization', `Bearer ${token}`);
        req.headers.set('x-request-id', RequestContext.requestId() ?? randomUUID());
        const actingFor = RequestContext.actingFor();
        if (actingFor) req.headers.set('x-on-behalf-of', actingFor);
        const res = await fetch(req, { signal: AbortSignal.timeout(timeoutMs) });
        if (RETRYABLE_STATUS.has(res.status) && retryable) throw new RetryableResponse(res);
        return res;
      });
    } catch (e) {
      if (e instanceof RetryableResponse) return e.response;
      throw new DomainError(
        'PEER_UNAVAILABLE',
        'unavailable',
        `A dependent service did not answer (${original.method} ${new URL(original.url).pathname}).`,
        {
          extra: { peer: new URL(original.url).host },
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

function isConnectionError(e: unknown): boolean {
  const err = e as { name?: string; cause?: { code?: string } };
  return (
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
  const problem = (result.error ?? {}) as {
    code?: string;
    detail?: string;
    title?: string;
    errors?: [];
    requirementId?: string;
  };
  const status = result.response.status;
  const kind: DomainErrorKind =
    status === 403 && problem.title === 'Insufficient Access'
      ? 'insufficient-access'
      : (STATUS_TO_KIND[status] ?? 'unavailable');
  throw new DomainError(
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
