import { randomUUID } from 'node:crypto';
import request from 'supertest';

/*
 * Reading the five OpenAPI documents for the access matrix (access-matrix.spec.ts): every operation
 * they list, a request body built from each operation's documented examples, and the scan of an
 * answer for a family's identifying values.
 */

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const METHODS: readonly Method[] = ['get', 'post', 'put', 'patch', 'delete'];

export interface Schema {
  $ref?: string;
  example?: unknown;
  enum?: unknown[];
  type?: string;
  format?: string;
  nullable?: boolean;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface OperationObject {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApi {
  paths: Record<string, Partial<Record<Method, OperationObject>>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One operation of a document, by its method and path template, as the classification names it. */
export interface Operation {
  /** `GET /clients/{id}`: the key of the classification table. */
  key: string;
  method: Method;
  path: string;
  /** The documented example request body (null when the operation takes no JSON body). */
  example: Record<string, unknown> | null;
}

/** `METHOD /path/{template}`. */
export function operationKey(method: Method, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** The OpenAPI document a running service serves at /docs-json. */
export async function readDocument(baseUrl: string): Promise<OpenApi> {
  const res = await request(baseUrl).get('/docs-json');
  if (res.status !== 200) throw new Error(`${baseUrl}/docs-json answered ${res.status}`);
  return res.body as OpenApi;
}

/** Every operation the document lists, with its example body. */
export function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    METHODS.filter((m) => ops[m]).map((method) => {
      const schema = ops[method]!.requestBody?.content?.['application/json']?.schema;
      const example = schema ? exampleOf(schema, doc) : undefined;
      return {
        key: operationKey(method, path),
        method,
        path,
        example:
          example && typeof example === 'object' && !Array.isArray(example)
            ? (example as Record<string, unknown>)
            : null,
      };
    }),
  );
}

function resolve(schema: Schema | undefined, doc: OpenApi): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 8; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!];
  return s;
}

/**
 * A value for `schema` from the document's examples: a property is kept when it (or something in it)
 * has an example or an enum, or the schema requires it; anything else is left out, so the body is
 * the documented example rather than filler.
 */
export function exampleOf(schema: Schema | undefined, doc: OpenApi, depth = 0): unknown {
  const s = resolve(schema, doc);
  if (!s || depth > 6) return undefined;
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  if (s.allOf) return Object.assign({}, ...s.allOf.map((x) => exampleOf(x, doc, depth + 1) ?? {}));
  if (s.oneOf || s.anyOf) return exampleOf((s.oneOf ?? s.anyOf)![0], doc, depth + 1);
  if (s.type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      const value = exampleOf(v, doc, depth + 1);
      if (value !== undefined) out[k] = value;
      else if (s.required?.includes(k)) out[k] = placeholder(resolve(v, doc));
    }
    return out;
  }
  if (s.type === 'array') {
    const item = exampleOf(s.items, doc, depth + 1);
    return item === undefined ? undefined : [item];
  }
  return undefined;
}

function placeholder(s: Schema | undefined): unknown {
  if (!s) return null;
  if (s.type === 'object' || s.properties) return {};
  if (s.type === 'array') return [];
  if (s.type === 'integer' || s.type === 'number') return 1;
  if (s.type === 'boolean') return false;
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'date-time') return '2026-11-22T10:00:00.000Z';
  return 'x';
}

/** Deep merge of `patch` onto `base` (objects merged, anything else replaced; undefined removes). */
export function patched(base: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> =
    base && typeof base === 'object' && !Array.isArray(base) ? { ...(base as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object')
      out[k] = patched(out[k], v as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

/** A path template with its `{params}` filled; throws naming a parameter the table did not fill. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${template}: no value for the path parameter {${name}}`);
    return encodeURIComponent(value);
  });
}

/** Every path template parameter of `template`. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The identifying values (by label) that occur in `text` as whole tokens (not inside a longer word
 * or number), case-insensitively, leaving out those in `own` (what the request itself carried).
 */
export function identifyingValuesIn(
  text: string,
  values: ReadonlyMap<string, string>,
  own: string,
): string[] {
  const found: string[] = [];
  const ownLower = own.toLowerCase();
  for (const [value, label] of values) {
    if (!value) continue;
    if (ownLower.includes(value.toLowerCase())) continue;
    const re = new RegExp(`(?<![A-Za-z0-9])${escape(value)}(?![A-Za-z0-9])`, 'i');
    if (re.test(text)) found.push(`${label} (${value})`);
  }
  return found;
}

/** Every string leaf of a JSON value with its dotted path (`items.0.nino`). */
export function stringLeaves(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
    stringLeaves(v, path ? `${path}.${k}` : k),
  );
}
