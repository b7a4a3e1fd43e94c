import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, LoggerService, NestMiddleware } from '@nestjs/common';
import pino, { DestinationStream, Logger as Pino, LoggerOptions } from 'pino';
import { pinoHttp, HttpLogger } from 'pino-http';
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
 * pino options: JSON lines named by service, each with the current request id, with sensitive
 * keys redacted and sensitive patterns scrubbed from every string (brief non-negotiable 4).
 */
export function pinoOptions(serviceName: string, level: string): LoggerOptions {
  return {
    level,
    base: { service: serviceName },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => {
      const ctx = RequestContext.get();
      return ctx ? { requestId: ctx.requestId, actor: ctx.actor?.id } : {};
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
 * request or response under `req` / `res` (pino-http's request log line), which pino runs this
 * before the serializers on. Those serializers ({@link RequestLoggingMiddleware}) keep only the
 * id (redacted), method, scrubbed URL and status, so walking the raw objects (socket, server,
 * headers: about 8% of the service's CPU under load, and its garbage) bought nothing.
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

/**
 * Sets the request id (from `x-request-id` or new), returns it on the response, puts it in
 * AsyncLocalStorage for logs, audit and outgoing calls, and logs one line per request with its
 * status and duration. Bodies are never logged; URLs are scrubbed.
 */
@Injectable()
export class RequestLoggingMiddleware implements NestMiddleware {
  private readonly http: HttpLogger;

  constructor(@Inject(PINO) logger: Pino) {
    this.http = pinoHttp({
      logger,
      genReqId: (req) => requestIdOf(req as RawRequest),
      quietReqLogger: true,
      // Our serializers see the raw request and response (the wrapped ones read a status of null
      // from Fastify's response, and a path without its prefix).
      wrapSerializers: false,
      serializers: {
        req: (req: { id: string; method: string; url: string; originalUrl?: string }) => ({
          // An id key's value is redacted as redactDeep does it (a request id that is a NINO is not kept).
          id: (redactDeep({ id: req.id }) as { id: string }).id,
          method: req.method,
          url: scrubText(req.originalUrl ?? req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: {
        ignore: (req) =>
          /^\/(health|metrics|docs)/.test((req as { originalUrl?: string }).originalUrl ?? req.url ?? ''),
      },
    });
  }

  use(req: RawRequest, res: ServerResponse, next: () => void): void {
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    RequestContext.run({ requestId }, () => this.http(req, res, next));
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
