import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, LoggerService, NestMiddleware } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Logger as Pino, LoggerOptions } from 'pino';
import { redactDeep, scrubText } from './redact';
import { acceptRequestId, RequestContext } from './request-context';

type RawRequest = IncomingMessage & { id?: string };

/** Injection token of the service's pino logger. */
export const PINO = Symbol('PINO');

/** Resolves the id of a raw request: the caller's `x-request-id` when sane, else a new UUID. */
export function requestIdOf(req: RawRequest): string {
  if (!req.id) req.id = acceptRequestId(req.headers['x-request-id']) ?? randomUUID();
  return req.id;
}

/**
 * pino options: JSON lines named by service, each with the current request id (and trace and span
 * ids when a span is active), with sensitive
 * keys redacted and sensitive patterns scrubbed from every string (brief non-negotiable 4).
 */
export function pinoOptions(serviceName: string, level: string): LoggerOptions {
  return {
    level,
    base: { service: serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const ctx = RequestContext.get();
      // The active span's ids (tracing on, see tracing.ts), to find a line's trace and back.
      const span = trace.getActiveSpan()?.spanContext();
      const ids = span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
      return ctx ? { requestId: ctx.requestId, actor: ctx.actor?.id, ...ids } : ids;
    },
    formatters: {
      level: (label) => ({ level: label }),
      log: redactLogObject,
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
        return method.apply(this, scrubbed);
      },
    },
  };
}

/**
 * The `log` formatter: redacts a log line's object (see {@link redactDeep}), except a raw HTTP
 * request or response under `req` / `res`, which pino runs this before any serializer on: walking
 * such an object (socket, server, headers) cost about 8% of the service's CPU under load when
 * pino-http logged them, and a serializer keeps only what it names. The request log itself
 * ({@link RequestLoggingMiddleware}) logs plain objects, redacted here like any other.
 */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  const { req, res } = object;
  const rawReq = req instanceof IncomingMessage;
  const rawRes = res instanceof ServerResponse;
  if (!rawReq && !rawRes) return redactDeep(object) as Record<string, unknown>;
  const rest = { ...object };
  if (rawReq) delete rest.req;
  if (rawRes) delete rest.res;
  const out = redactDeep(rest) as Record<string, unknown>;
  if (rawReq) out.req = req;
  if (rawRes) out.res = res;
  return out;
}

/** Creates the service's logger, writing to `destination` (tests) or stdout. */
export function createPino(serviceName: string, level: string, destination?: DestinationStream): Pino {
  return pino(pinoOptions(serviceName, level), destination ?? pino.destination({ dest: 1, sync: false }));
}

/** Request paths whose requests are not logged (health polls, metrics scrapes, the API docs). */
const NOT_LOGGED = /^\/(health|metrics|docs)/;

/**
 * Sets the request id (from `x-request-id` or new), returns it on the response, puts it in
 * AsyncLocalStorage for logs, audit and outgoing calls, and logs one line per request with its
 * status and duration when the response is finished or the connection closes: `request
 * completed` (info), or `request errored` (info, with `err`) for a 5xx or a failed response, as
 * pino-http logged them. Bodies are never logged; URLs are scrubbed and ids redacted by the
 * service's log formatter. Written here rather than with pino-http, which made two child loggers
 * and serialized the raw request for each request: with the walk of the raw request it replaced,
 * about a third of a simple read's CPU (issue 17).
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  constructor(@Inject(PINO) private readonly logger: Pino) {}

  use(req: RawRequest, res: ServerResponse, next: () => void): void {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    RequestContext.run({ requestId }, () => {
      const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
      if (!NOT_LOGGED.test(url)) this.logWhenDone(req, res, requestId, url);
      next();
    });
  }

  private logWhenDone(req: RawRequest, res: ServerResponse, requestId: string, url: string): void {
    const start = Date.now();
    const done = (err?: unknown) => {
      res.removeListener('close', done);
      res.removeListener('finish', done);
      res.removeListener('error', done);
      const line = {
        reqId: requestId,
        req: { id: requestId, method: req.method, url },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - start,
      };
      if (err instanceof Error || res.statusCode >= 500) {
        const error = err instanceof Error ? err : new Error(`failed with status code ${res.statusCode}`);
        this.logger.info({ ...line, err: error }, 'request errored');
      } else this.logger.info(line, 'request completed');
    };
    res.on('close', done);
    res.on('finish', done);
    res.on('error', done);
  }
}

/** Nest's LoggerService on top of the service's pino logger, so framework logs are JSON too. */
@Injectable()
export class PinoNestLogger implements LoggerService {
  constructor(@Inject(PINO) private readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message instanceof Error) this.pino[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
