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

/** Builds the problem body for any thrown value. 5xx details are masked (logged, never returned). */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  const requestId = RequestContext.requestId();
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
    if (problem.status >= 500) this.logger.error({ err: exception }, 'Unhandled error');
    sendProblem(reply, problem);
  }
}

/** Writes `problem` as the reply with the right status and content type. */
export function sendProblem(reply: FastifyReply, problem: ProblemDetails): void {
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer');
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
