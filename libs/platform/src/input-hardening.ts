import { STATUS_CODES } from 'node:http';
import { Readable } from 'node:stream';
import { DomainValidationError, type FieldProblem } from '@cms/domain';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem, toProblem } from './problem';
import { RequestContext } from './request-context';

/**
 * Input hardening shared by every service (issue #14, "never a 500 on any input"): what no DTO can
 * express and PostgreSQL or class-transformer would otherwise answer with a 500.
 *
 * - A body must be valid UTF-8 (it used to be decoded with U+FFFD in place of the bad bytes and
 *   stored so); a percent-encoded query string or path too.
 * - No string or key anywhere in the body, the query or the path parameters may hold a NUL
 *   (PostgreSQL text cannot store U+0000) or a lone UTF-16 surrogate (`"\ud800"` parses to one;
 *   jsonb refuses it).
 * - A body is nested at most {@link INPUT_MAX_DEPTH} levels (class-transformer recurses and
 *   overflowed the stack on a few thousand).
 *
 * Every refusal is a `DomainValidationError` (400 problem+json naming the field path, e.g.
 * `notes.text`), raised before validation and before any handler runs, so no row is written.
 * JSON parsing itself stays Fastify's (JSON.parse semantics; `__proto__` and `constructor.prototype`
 * refused), as do the body size limit (413) and the other parsers.
 */

/** Deepest nesting of objects and arrays accepted in a body (the body itself is level 1). */
export const INPUT_MAX_DEPTH = 64;

/** Content types whose bodies are text, and so must be valid UTF-8. */
const TEXT_BODY =
  /^\s*(?:application\/(?:[\w.+-]*\+)?json|application\/x-www-form-urlencoded|text\/[\w.+-]+)\s*(?:;|$)/i;

/** Whether a string holds a NUL or a lone surrogate (native checks: this runs on every string and key). */
function suspect(text: string): boolean {
  return text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** What a field path shows escaped: controls and lone surrogates. */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const MAX_SEGMENT = 64;

/** The problem with one string (a value or a key), or null. `field` names it; `key` when it is a field name. */
export function textProblem(text: string, field: string, key = false): FieldProblem | null {
  if (!suspect(text)) return null;
  const what = key ? `the field name ${field}` : field;
  if (text.includes('\u0000')) {
    return {
      field,
      rule: 'no-nul-character',
      message: `${what} must not contain a NUL character (U+0000)`,
    };
  }
  const lone = LONE_SURROGATE.exec(text);
  if (!lone) return null;
  const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
  return {
    field,
    rule: 'well-formed-unicode',
    message: `${what} must be well-formed Unicode: it holds a lone surrogate (U+${code})`,
  };
}

/** One path segment as a problem shows it: escaped where unprintable, cut when very long. */
function printable(segment: string): string {
  const shown = segment.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > MAX_SEGMENT ? `${shown.slice(0, MAX_SEGMENT)}…` : shown;
}

/** A container on the walk: how it was reached (for the field path) and how deep it is (the body is 1). */
interface Frame {
  value: object;
  key: string | number | undefined;
  parent: Frame | undefined;
  depth: number;
}

function pathOf(frame: Frame | undefined, root: string, key?: string | number): string {
  const segments = key === undefined ? [] : [printable(String(key))];
  for (let f = frame; f && f.key !== undefined; f = f.parent) segments.push(printable(String(f.key)));
  return segments.length ? segments.reverse().join('.') : root;
}

/**
 * The first problem with a parsed value: a string or key holding a NUL or a lone surrogate, or
 * nesting deeper than `maxDepth` (then the top-level field holding it is named). `root` names the
 * value itself (`body`). Iterative, so any depth is safe to walk; a field path is only built for a
 * problem (a broadcast of 100,000 transactions is walked in a fraction of its parse time).
 */
export function findInputProblem(
  value: unknown,
  root = 'body',
  maxDepth = INPUT_MAX_DEPTH,
): FieldProblem | null {
  if (typeof value === 'string') return suspect(value) ? textProblem(value, root) : null;
  if (value === null || typeof value !== 'object') return null;
  const tooDeep = (frame: Frame | undefined, key: string | number | undefined): FieldProblem => {
    let top = frame;
    while (top?.parent?.key !== undefined) top = top.parent;
    const field =
      top?.key !== undefined ? pathOf(top, root) : key !== undefined ? printable(String(key)) : root;
    return {
      field,
      rule: 'max-depth',
      message: `${field} is nested more than ${maxDepth} levels deep (the limit is ${maxDepth})`,
    };
  };
  if (maxDepth < 1) return tooDeep(undefined, undefined);
  const stack: Frame[] = [{ value, key: undefined, parent: undefined, depth: 1 }];
  /** Checks one member of `frame`; pushes it when it is a container. */
  const member = (frame: Frame, key: string | number, child: unknown): FieldProblem | null => {
    if (typeof child === 'string') {
      return suspect(child) ? textProblem(child, pathOf(frame, root, key)) : null;
    }
    if (child === null || typeof child !== 'object') return null;
    if (frame.depth >= maxDepth) return tooDeep(frame, key);
    stack.push({ value: child, key, parent: frame, depth: frame.depth + 1 });
    return null;
  };
  while (stack.length) {
    const frame = stack.pop()!;
    const container = frame.value;
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) {
        const problem = member(frame, i, container[i]);
        if (problem) return problem;
      }
      continue;
    }
    // for…in: parsed bodies are plain objects (or prototype-less ones), with nothing inherited to list.
    for (const key in container) {
      if (suspect(key)) {
        const problem = textProblem(key, pathOf(frame, root, key), true);
        if (problem) return problem;
      }
      const problem = member(frame, key, (container as Record<string, unknown>)[key]);
      if (problem) return problem;
    }
  }
  return null;
}

const HEX = /^[0-9a-fA-F]{2}$/;
const utf8 = () => new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a percent-encoded URL component decodes to valid UTF-8. A malformed escape (`%zz`) is
 * taken literally, as Fastify's parsers take it; a request line is ASCII (Node refuses raw bytes).
 */
export function isValidPercentEncoding(component: string): boolean {
  if (!component.includes('%')) return true;
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i++) {
    const hex = component.slice(i + 1, i + 3);
    if (component[i] === '%' && HEX.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(component.charCodeAt(i) & 0xff);
  }
  try {
    utf8().decode(new Uint8Array(bytes));
    return true;
  } catch {
    return false;
  }
}

function safeDecode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}

function invalidUtf8(field: string, where: string): FieldProblem {
  return { field, rule: 'valid-utf8', message: `${where} is not valid UTF-8` };
}

/** The first query parameter (name or value) whose percent-encoding is not valid UTF-8, or null. */
export function queryEncodingProblem(rawQuery: string): FieldProblem | null {
  for (const pair of rawQuery.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (!isValidPercentEncoding(pair)) {
      const field = isValidPercentEncoding(name) ? printable(safeDecode(name)) : 'query';
      return invalidUtf8(field, `the query parameter ${field}`);
    }
  }
  return null;
}

/**
 * The first path segment whose percent-encoding is not valid UTF-8, named by its parameter in
 * `route` (`/service-requests/:id/notes`) when it is one, or null.
 */
export function pathEncodingProblem(rawPath: string, route: string | undefined): FieldProblem | null {
  const segments = rawPath.split('/');
  const pattern = route?.split('/') ?? [];
  for (let i = 0; i < segments.length; i++) {
    if (isValidPercentEncoding(segments[i])) continue;
    const param =
      pattern.length === segments.length && pattern[i]?.startsWith(':') ? pattern[i].slice(1) : 'path';
    return invalidUtf8(param, param === 'path' ? 'the path' : `the path parameter ${param}`);
  }
  return null;
}

/** The first problem with a request's query string, path parameters or parsed body, or null. */
export function requestInputProblem(
  request: Pick<FastifyRequest, 'url' | 'query' | 'params' | 'body'> & { routeOptions?: { url?: string } },
  maxDepth = INPUT_MAX_DEPTH,
): FieldProblem | null {
  const q = request.url.indexOf('?');
  const rawPath = q === -1 ? request.url : request.url.slice(0, q);
  return (
    pathEncodingProblem(rawPath, request.routeOptions?.url) ??
    findParamsProblem(request.params) ??
    (q === -1 ? null : queryEncodingProblem(request.url.slice(q + 1))) ??
    findInputProblem(request.query, 'query', 2) ??
    (request.body === undefined ? null : findInputProblem(request.body, 'body', maxDepth))
  );
}

function findParamsProblem(params: unknown): FieldProblem | null {
  if (!params || typeof params !== 'object') return null;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const problem = textProblem(value, name);
    if (problem) return problem;
  }
  return null;
}

/**
 * The body stream passed through, failing with a 400 `valid-utf8` problem on the first byte
 * sequence that is not UTF-8 (checked as the body streams in: nothing is kept but a split
 * character). It reads `source` only once it is read itself, so the refusal reaches whoever reads
 * it (Fastify's body reader, which answers with the problem); after a refusal the rest of the body
 * is read and dropped, so the connection lives to carry the answer.
 */
export function utf8Guard(source: Readable): Readable {
  const decoder = utf8();
  let refused = false;
  const out = new Readable({
    read: () => {
      source.resume();
    },
  });
  const refuse = (check: () => void): boolean => {
    try {
      check();
      return false;
    } catch {
      refused = true;
      out.destroy(new DomainValidationError([invalidUtf8('body', 'The request body')]));
      return true;
    }
  };
  source.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (refused || refuse(() => decoder.decode(bytes, { stream: true }))) return;
    if (!out.push(bytes)) source.pause();
  });
  source.on('end', () => {
    if (!refused && !refuse(() => decoder.decode())) out.push(null);
  });
  source.on('error', (e) => out.destroy(e));
  source.pause();
  return out;
}

/**
 * Installs the hardening on a service's Fastify instance, before its routes are registered:
 * UTF-8 checked as a text body streams in (preParsing), then the query, path parameters and parsed
 * body walked (preValidation) — both before guards, pipes and handlers.
 */
export function installInputHardening(app: NestFastifyApplication, maxDepth = INPUT_MAX_DEPTH): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    const { 'content-type': type, 'content-length': length, 'transfer-encoding': chunked } = request.headers;
    const hasBody = (length !== undefined && length !== '0') || chunked !== undefined;
    if (!hasBody || typeof type !== 'string' || !TEXT_BODY.test(type)) return payload;
    return utf8Guard(payload as Readable);
  });
  fastify.addHook('preValidation', async (request) => {
    const problem = requestInputProblem(request, maxDepth);
    if (problem) throw new DomainValidationError([problem]);
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any hook runs (a path that is not
 * valid percent-encoded UTF-8: `/cases/%FF`) answered as problem+json with the request id, like
 * every other error (Fastify's default was its own JSON).
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const refusal =
    error.code === 'FST_ERR_BAD_URL'
      ? new DomainValidationError([
          { field: 'path', rule: 'valid-utf8', message: 'the path is not valid percent-encoded UTF-8' },
        ])
      : error;
  const requestId = String(request.id);
  reply.header('x-request-id', requestId);
  sendProblem(
    reply,
    RequestContext.run({ requestId }, () => toProblem(refusal, request.url.split('?')[0])),
  );
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refuses (raw bytes in the request
 * line, a header too large, a timeout) answered as problem+json, as Fastify's default does in its
 * own JSON. Nothing reached the service.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'REQUEST_TIMEOUT', 'The request took too long to arrive.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'The request headers are too large.']
        : [400, 'BAD_REQUEST', 'The request is not valid HTTP (e.g. raw bytes in the request line).'];
  const title = STATUS_CODES[status] ?? 'Bad Request';
  const body = JSON.stringify({
    type: `urn:cms-cis:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
