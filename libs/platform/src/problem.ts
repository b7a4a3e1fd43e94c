import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { DomainError, DomainErrorKind, DomainValidationError, FieldProblem } from '@cms/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestContext } from './request-context';

/** RFC 9457 problem details, as every service writes them (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  requirementId?: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

/** The one map from a domain error's kind to its HTTP status and default title. */
export const KIND_TO_HTTP: Record<DomainErrorKind, { status: number; title: string }> = {
  validation: { status: 400, title: 'Bad Request' },
  unauthenticated: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  'insufficient-access': { status: 403, title: 'Insufficient Access' },
  'not-found': { status: 404, title: 'Not Found' },
  conflict: { status: 409, title: 'Conflict' },
  precondition: { status: 422, title: 'Unprocessable Content' },
  'rate-limited': { status: 429, title: 'Too Many Requests' },
  unavailable: { status: 503, title: 'Service Unavailable' },
};

const STATUS_TO_CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

function typeFor(code: string): string {
  return `urn:cms-cis:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * SQLSTATEs of a database that is going away, coming back or full for a moment (a restart, a
 * managed failover): 57P01 admin shutdown (sessions terminated), 57P02 crash shutdown, 57P03 cannot
 * connect now (shutting down / starting up / in recovery), 08000, 08001, 08003, 08006 connection
 * failures, 53300 too many connections.
 */
export const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
  '53300',
]);

/** Socket errors of a database (or its proxy) that cannot be reached for a moment. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** node-postgres's and pg-pool's own messages for a lost or unobtainable connection (no code). */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool connectionTimeoutMillis
  /has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable$/,
  /the database system is (shutting down|starting up|in recovery mode|not yet accepting connections)/,
  /terminating connection due to administrator command/,
];

/** Seconds a client should wait before retrying a 503 (the `Retry-After` header of every 503). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * True when `error` says the database is unavailable for a moment rather than that the request or
 * the code is wrong: a transient SQLSTATE ({@link TRANSIENT_SQLSTATES}), a refused/reset socket, a
 * pool connect time-out, or node-postgres's "Connection terminated". Looks through TypeORM's
 * `QueryFailedError.driverError`, `cause` chains and `AggregateError`s (IPv4 and IPv6 both refused).
 * Such errors answer 503 with `Retry-After`, never 500 (issue #16).
 */
export function isTransientDatabaseError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATES.has(e.code) || TRANSIENT_SOCKET_CODES.has(e.code)))
    return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(e.message as string)))
    return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransientDatabaseError(x, depth + 1))) return true;
  return isTransientDatabaseError(e.driverError, depth + 1) || isTransientDatabaseError(e.cause, depth + 1);
}

/**
 * Builds the problem body for any thrown value. 5xx details are masked (logged, never returned);
 * a transient database error ({@link isTransientDatabaseError}) is 503 `DATABASE_UNAVAILABLE`.
 */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  const requestId = RequestContext.requestId();
  if (!(error instanceof DomainError) && isTransientDatabaseError(error)) {
    return clean({
      type: typeFor('DATABASE_UNAVAILABLE'),
      title: 'Service Unavailable',
      status: 503,
      detail: `The service's database is unavailable for a moment (a restart or failover). Retry after ${RETRY_AFTER_SECONDS} s; nothing was changed unless a retry with the same Idempotency-Key says so.`,
      instance,
      code: 'DATABASE_UNAVAILABLE',
      requestId,
    });
  }
  if (error instanceof DomainError) {
    const map = KIND_TO_HTTP[error.kind];
    return clean({
      type: typeFor(error.code),
      title: error.options.title ?? map.title,
      status: map.status,
      detail: error.message,
      instance,
      code: error.code,
      requestId,
      requirementId: error.requirementId,
      errors: error.errors.length ? error.errors : undefined,
      ...(error.options.extra ?? {}),
    });
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status < 500) {
    const code = fastifyCode(error) ?? STATUS_TO_CODE[status] ?? `HTTP_${status}`;
    return clean({
      type: typeFor(code),
      title: titleFor(status),
      status,
      detail: detailOf(error, status),
      instance,
      code,
      requestId,
    });
  }
  if (status === 503) {
    return clean({
      type: typeFor('SERVICE_UNAVAILABLE'),
      title: 'Service Unavailable',
      status,
      detail: `The service cannot take this request just now. Retry after ${RETRY_AFTER_SECONDS} s.`,
      instance,
      code: 'SERVICE_UNAVAILABLE',
      requestId,
    });
  }
  return {
    type: typeFor('INTERNAL_ERROR'),
    title: 'Internal Server Error',
    status: status && status >= 500 ? status : 500,
    detail: 'Something went wrong on our side. Quote the request id if you contact support.',
    instance,
    code: 'INTERNAL_ERROR',
    requestId,
  };
}

function clean(p: ProblemDetails): ProblemDetails {
  for (const k of Object.keys(p)) if (p[k] === undefined) delete p[k];
  return p;
}

function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const s = (error as { statusCode?: unknown })?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : undefined;
}

function fastifyCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'PAYLOAD_TOO_LARGE';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'UNSUPPORTED_MEDIA_TYPE';
  if (code.startsWith('FST_ERR_CTP')) return 'MALFORMED_BODY';
  return undefined;
}

function titleFor(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ')
    : 'Error';
}

function detailOf(error: unknown, status: number): string {
  if (
    error instanceof SyntaxError ||
    (error as { code?: string })?.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
  ) {
    return 'The request body is not valid JSON.';
  }
  if (error instanceof HttpException) {
    const body = error.getResponse();
    if (typeof body === 'string') return body;
    const m = (body as { message?: unknown }).message;
    if (typeof m === 'string') return m;
    if (Array.isArray(m)) return m.join('; ');
  }
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && message ? message : titleFor(status);
}

/**
 * The one global exception filter: writes problem+json for every error, adds the request id,
 * masks 5xx and logs them with the stack.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetailsFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const problem = toProblem(exception, request?.url?.split('?')[0]);
    const bodyLimit = request?.routeOptions?.bodyLimit;
    if (problem.code === 'PAYLOAD_TOO_LARGE' && typeof bodyLimit === 'number') {
      problem.detail = `The request body is larger than the limit of ${bodyLimit} bytes.`;
    }
    if (problem.status === 503) {
      // Expected while a database or peer restarts: one line, no stack, the client retries.
      const reason = (exception as { message?: unknown })?.message;
      this.logger.warn(
        { code: problem.code, reason: typeof reason === 'string' ? reason : undefined },
        'Service unavailable',
      );
    } else if (problem.status >= 500) this.logger.error({ err: exception }, 'Unhandled error');
    sendProblem(reply, problem);
  }
}

/**
 * Writes `problem` as the reply with the right status and content type; a 503 always carries
 * `Retry-After` ({@link RETRY_AFTER_SECONDS} unless the caller set one).
 */
export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(problem);
}

/** Flattens class-validator errors into field problems with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown-field' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a field of this request` : message,
      ...(requirementOf(e, rule) ? { requirementId: requirementOf(e, rule) } : {}),
    }));
    return own.concat(flattenValidationErrors(e.children ?? [], field));
  });
}

function requirementOf(e: ValidationError, rule: string): string | undefined {
  const ctx = e.contexts?.[rule] as { requirementId?: string } | undefined;
  return ctx?.requirementId;
}

/** Global validation: whitelist, forbid unknown fields, transform; errors become problem+json 400. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new DomainValidationError(flattenValidationErrors(errors)),
  });
}
