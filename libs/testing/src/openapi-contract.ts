import { readFileSync } from 'node:fs';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';

/*
 * Checks HTTP exchanges against a service's OpenAPI 3.0 document (issue #14: every request and
 * response in the e2e and acceptance suites validated against its operation's documented schema).
 * Schemas are compiled with Ajv (JSON Schema 2019-09) after a faithful translation of OpenAPI 3.0:
 * `nullable: true` adds null to the `type` beside it only (3.0.3: an `enum` must list null itself,
 * and `nullable` without a `type` has no effect), `$ref`s to `#/components/schemas/*` resolve in the
 * same document and ignore their siblings, and an object schema that lists its `properties` is
 * closed (a field it does not document is a violation; free-form `type: object` stays open).
 */

/** The parts of an OpenAPI 3.0 document the contract reads. */
export interface OpenApiDocument {
  openapi: string;
  info?: { title?: string };
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown> };
}

/** One HTTP request and its answer, as a test saw them. */
export interface HttpExchange {
  /** GET, POST, … (any case). */
  method: string;
  /** Path and query as sent, without the origin: `/cases/1f…?limit=5`. */
  url: string;
  /** What was sent: a JSON body (already parsed, or its text) and its media type; absent: no body. */
  request?: { contentType?: string; body?: unknown; text?: string };
  status: number;
  /** What came back: the media type, and the parsed JSON body or the raw text. */
  response: { contentType?: string; body?: unknown; text?: string };
}

/** What is wrong with an exchange, by the part of the contract it breaks. */
export interface ContractViolation {
  /** `METHOD /templated/path` of the matched operation (or the URL when none matched). */
  operation: string;
  /** operation: no documented operation; status: status not documented; request / response: a schema mismatch. */
  part: 'operation' | 'status' | 'request' | 'response';
  message: string;
}

/** How strictly an exchange is checked. */
export interface CheckOptions {
  /**
   * false for requests a test sends broken on purpose (malformed input, fuzzing): only the
   * operation, the status and the response are checked then. Default true.
   */
  request?: boolean;
  /**
   * The documented path template the request was drawn for (e.g. `/cases/{id}`), when the sent path
   * may not match it (a fuzzed, empty or oddly encoded id).
   */
  template?: string;
}

type Schema = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
};
type Route = {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literals: number;
  op: Operation;
  params: Parameter[];
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const DOC_ID = 'openapi-document';

/**
 * Translates an OpenAPI 3.0 schema into JSON Schema 2019-09 (see the file comment): returns a copy.
 * `closed` closes object schemas that list their properties.
 */
export function toJsonSchema(node: unknown, closed: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, closed));
  if (!node || typeof node !== 'object') return node;
  const s = node as Schema;
  if (typeof s.$ref === 'string') {
    // OpenAPI 3.0: a reference's siblings are ignored.
    return { $ref: s.$ref.startsWith('#/') ? `${DOC_ID}${s.$ref}` : s.$ref };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(s)) {
    if (key === 'example' || key === 'examples') out[key] = value;
    else if (key === 'properties' && value && typeof value === 'object')
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([k, v]) => [k, toJsonSchema(v, closed)]),
      );
    else out[key] = toJsonSchema(value, closed);
  }
  if (s.nullable === true && typeof s.type === 'string') out.type = [s.type, 'null'];
  delete out.nullable;
  for (const bound of ['Minimum', 'Maximum'] as const) {
    const flag = `exclusive${bound}`;
    if (typeof out[flag] === 'boolean') {
      if (out[flag] === true) {
        out[flag] = out[bound.toLowerCase()];
        delete out[bound.toLowerCase()];
      } else delete out[flag];
    }
  }
  if (closed && out.properties && out.additionalProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

const isJson = (media: string) => media === 'application/json' || /\+json$/.test(media);

/** The documented media type that covers `media` (exact, then `type/*`, then `*\/*`). */
function documentedMedia(content: Record<string, unknown>, media: string): string | undefined {
  if (media in content) return media;
  const wild = `${media.split('/')[0]}/*`;
  if (wild in content) return wild;
  return '*/*' in content ? '*/*' : undefined;
}

function errorsText(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => {
      const where = e.instancePath || '(root)';
      const extra =
        e.keyword === 'unevaluatedProperties'
          ? ` (${String((e.params as { unevaluatedProperty?: string }).unevaluatedProperty)})`
          : e.keyword === 'enum'
            ? ` ${JSON.stringify((e.params as { allowedValues?: unknown[] }).allowedValues)}`
            : '';
      return `${where} ${e.message ?? e.keyword}${extra}`;
    })
    .join('; ');
}

/**
 * One service's documented contract: matches an exchange to its templated operation and checks
 * path and query parameters, the request body, the status and the response body against the
 * document. Compiled schemas are cached per operation.
 */
export class OpenApiContract {
  private readonly ajv: Ajv2019;
  /** Parameters arrive as text: `?limit=5` is the integer 5 (Ajv coerces a copy). */
  private readonly params: Ajv2019;
  private readonly routes: Route[];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly document: OpenApiDocument,
    readonly name = document.info?.title ?? 'service',
  ) {
    if (!/^3\.0\./.test(document.openapi))
      throw new Error(`${name}: OpenAPI 3.0 expected, got ${document.openapi}`);
    const make = (coerce: boolean) => {
      const ajv = new Ajv2019({
        // OpenAPI's own keywords (example, xml, discriminator without the option) only annotate.
        strict: false,
        allErrors: true,
        coerceTypes: coerce ? 'array' : false,
        validateFormats: true,
      });
      addFormats(ajv);
      ajv.addSchema(
        {
          $id: DOC_ID,
          components: { schemas: toJsonSchema(document.components?.schemas ?? {}, true) },
        },
        DOC_ID,
      );
      return ajv;
    };
    this.ajv = make(false);
    this.params = make(true);
    this.addUnknownFormats(document);
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        METHODS.filter((m) => item[m]).map((method) => {
          const names: string[] = [];
          const source = template
            .split('/')
            .map((seg) =>
              seg.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
                if (name) {
                  names.push(name);
                  return '([^/]+)';
                }
                return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
              }),
            )
            .join('/');
          const op = item[method] as Operation;
          const shared = (item.parameters as Parameter[] | undefined) ?? [];
          const own = op.parameters ?? [];
          const params = [
            ...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)),
            ...own,
          ];
          return {
            method,
            template,
            pattern: new RegExp(`^${source}$`),
            names,
            literals: template.split('/').filter((s) => s && !s.includes('{')).length,
            op,
            params,
          };
        }),
      )
      // A literal segment wins over a template: /service-requests/batch before /service-requests/{id}.
      .sort((a, b) => b.literals - a.literals);
  }

  /** Reads a document from a file (e.g. docs/api/service-requests.json). */
  static fromFile(file: string, name?: string): OpenApiContract {
    return new OpenApiContract(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument, name);
  }

  /** Formats Ajv does not know (e.g. `binary`) only annotate: they are accepted as any string. */
  private addUnknownFormats(document: OpenApiDocument): void {
    const formats = new Set<string>();
    const walk = (n: unknown) => {
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const s = n as Schema;
        if (typeof s.format === 'string') formats.add(s.format);
        Object.values(s).forEach(walk);
      }
    };
    walk(document);
    for (const f of formats)
      for (const ajv of [this.ajv, this.params]) if (!ajv.formats[f]) ajv.addFormat(f, true);
  }

  private compile(key: string, schema: Schema, coerce = false): ValidateFunction {
    const cacheKey = `${coerce ? 'p' : 's'} ${key}`;
    let fn = this.cache.get(cacheKey);
    if (!fn) {
      fn = (coerce ? this.params : this.ajv).compile(toJsonSchema(schema, true) as Schema);
      this.cache.set(cacheKey, fn);
    }
    return fn;
  }

  /** The operation documented for `method` and the path of `url`, with the path's parameter values. */
  match(
    method: string,
    url: string,
    template?: string,
  ): { route: Route; values: Record<string, string>; routed: boolean } | null {
    const path = url.split('?')[0].split('#')[0];
    const m = method.toLowerCase();
    for (const route of this.routes) {
      if (route.method !== m || (template !== undefined && route.template !== template)) continue;
      const found = route.pattern.exec(path);
      // A dot segment (`%2e%2e`) is resolved away by the server's URL normalisation (RFC 3986 5.2.4):
      // such a path never reaches this operation.
      if (found && found.slice(1).some((v) => ['.', '..'].includes(decoded(v)))) {
        if (template !== undefined) return { route, values: {}, routed: false };
        continue;
      }
      if (found)
        return {
          route,
          values: Object.fromEntries(route.names.map((n, i) => [n, decoded(found[i + 1])])),
          routed: true,
        };
      if (template !== undefined) return { route, values: {}, routed: false };
    }
    return null;
  }

  /** Every way `exchange` departs from the document ([] when it conforms). */
  check(exchange: HttpExchange, options: CheckOptions = {}): ContractViolation[] {
    const found = this.match(exchange.method, exchange.url, options.template);
    if (!found)
      return [
        {
          operation: `${exchange.method.toUpperCase()} ${exchange.url.split('?')[0]}`,
          part: 'operation',
          message: `no documented operation for ${exchange.method.toUpperCase()} ${exchange.url.split('?')[0]}`,
        },
      ];
    const { route, values, routed } = found;
    const operation = `${route.method.toUpperCase()} ${route.template}`;
    const out: ContractViolation[] = [];
    // A path drawn for `template` that does not fit it (an empty id: `/cases/`) reaches no operation:
    // its 404 is the router's, which no operation documents. Anything else is checked as usual.
    if (!routed && exchange.status === 404) return out;
    const add = (part: ContractViolation['part'], message: string) => out.push({ operation, part, message });
    if (options.request !== false) this.checkRequest(route, values, exchange, add);
    this.checkResponse(route, exchange, add);
    return out;
  }

  private checkRequest(
    route: Route,
    values: Record<string, string>,
    ex: HttpExchange,
    add: (part: ContractViolation['part'], message: string) => void,
  ): void {
    const key = `${route.method} ${route.template}`;
    const query = new URLSearchParams(ex.url.includes('?') ? ex.url.slice(ex.url.indexOf('?') + 1) : '');
    for (const name of new Set(query.keys()))
      if (!route.params.some((p) => p.in === 'query' && p.name === name))
        add('request', `query parameter ${name} is not documented`);
    for (const p of route.params) {
      if (p.in !== 'path' && p.in !== 'query') continue;
      const all = p.in === 'path' ? (p.name in values ? [values[p.name]] : []) : query.getAll(p.name);
      if (all.length === 0) {
        if (p.required || p.in === 'path') add('request', `${p.in} parameter ${p.name} is required`);
        continue;
      }
      if (!p.schema) continue;
      const isArray = (p.schema as Schema).type === 'array';
      const holder = { v: isArray ? all : all[0] };
      const fn = this.compile(
        `${key} ${p.in} ${p.name}`,
        { type: 'object', properties: { v: p.schema } },
        true,
      );
      if (!fn(holder))
        add('request', `${p.in} parameter ${p.name}=${all.join(',')}: ${errorsText(fn.errors)}`);
    }
    const body = bodyOf(ex.request);
    const documented = route.op.requestBody;
    if (body === undefined || (!documented && isEmptyObject(body))) {
      if (documented?.required) add('request', 'a request body is required');
      return;
    }
    if (!documented?.content) {
      add('request', 'a request body was sent, but the operation documents none');
      return;
    }
    const media = mediaType(ex.request?.contentType) || 'application/json';
    const which = documentedMedia(documented.content, media);
    if (!which) {
      add(
        'request',
        `request media type ${media} is not documented (${Object.keys(documented.content).join(', ')})`,
      );
      return;
    }
    const schema = documented.content[which].schema;
    if (!schema || !isJson(media)) return;
    const fn = this.compile(`${key} request ${which}`, schema);
    if (!fn(body)) add('request', `body: ${errorsText(fn.errors)}`);
  }

  private checkResponse(
    route: Route,
    ex: HttpExchange,
    add: (part: ContractViolation['part'], message: string) => void,
  ): void {
    const responses = route.op.responses ?? {};
    const status = String(ex.status);
    const code = [status, `${status[0]}XX`, `${status[0]}xx`, 'default'].find((c) => c in responses);
    if (!code) {
      add('status', `status ${status} is not documented (${Object.keys(responses).join(', ')})`);
      return;
    }
    const documented = responses[code];
    const media = mediaType(ex.response.contentType);
    const body = bodyOf(ex.response);
    const hasBody = body !== undefined && body !== '' && !(media === '' && isEmptyObject(body));
    if (!documented.content || Object.keys(documented.content).length === 0) {
      if (hasBody) add('response', `${status} documents no body, but one came (${media || 'no media type'})`);
      return;
    }
    const which = documentedMedia(documented.content, media);
    if (!which) {
      add(
        'response',
        `${status} media type ${media || '(none)'} is not documented (${Object.keys(documented.content).join(', ')})`,
      );
      return;
    }
    const schema = documented.content[which].schema;
    if (!schema || !isJson(media)) return;
    const fn = this.compile(`${route.method} ${route.template} ${code} ${which}`, schema);
    if (!fn(body)) add('response', `${status} body: ${errorsText(fn.errors)}`);
  }
}

/** A path segment decoded, or as sent when it is not valid percent-encoding. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isEmptyObject(v: unknown): boolean {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0;
}

/** The JSON of a message: the parsed body, else its text parsed when the media type is JSON. */
function bodyOf(part: { contentType?: string; body?: unknown; text?: string } | undefined): unknown {
  if (!part) return undefined;
  const media = mediaType(part.contentType);
  if (part.text !== undefined && (part.body === undefined || (isJson(media) && isEmptyObject(part.body)))) {
    if (part.text === '') return undefined;
    if (isJson(media) || media === '') {
      try {
        return JSON.parse(part.text);
      } catch {
        return part.text;
      }
    }
    return part.text;
  }
  return part.body;
}

/**
 * The contracts of several services and what was checked against them in one test file: counts the
 * exchanges, collects the violations (each with the first exchange that broke it), and reports them.
 */
export class ContractLog {
  exchanges = 0;
  /** Each distinct violation (`service METHOD /template [part] message`) with how often and a first example. */
  readonly violations = new Map<string, { count: number; example: string }>();

  constructor(private readonly contracts: Record<string, OpenApiContract>) {}

  /** Checks one exchange with `service`'s contract and keeps what is wrong; returns it too. */
  record(service: string, exchange: HttpExchange, options: CheckOptions = {}): ContractViolation[] {
    const contract = this.contracts[service];
    if (!contract) throw new Error(`No OpenAPI contract for ${service}`);
    this.exchanges++;
    const found = contract.check(exchange, options);
    for (const v of found) {
      const key = `${contract.name} ${v.operation} [${v.part}] ${v.message}`;
      const seen = this.violations.get(key);
      if (seen) seen.count++;
      else
        this.violations.set(key, {
          count: 1,
          example: `${exchange.method.toUpperCase()} ${exchange.url.slice(0, 200)} → ${exchange.status}`,
        });
    }
    return found;
  }

  /** How many violations were found (each occurrence). */
  get violationCount(): number {
    return [...this.violations.values()].reduce((n, v) => n + v.count, 0);
  }

  /** One line: how many exchanges were checked and how many violations were found. */
  summary(): string {
    return `OpenAPI contract: ${this.exchanges} exchanges validated against the documents, ${this.violationCount} violations`;
  }

  /** Throws, listing each distinct violation (how often, and the first exchange), if there were any. */
  assertClean(): void {
    if (this.violations.size === 0) return;
    const lines = [...this.violations].map(
      ([key, v]) => `${key} ×${v.count}
    (e.g. ${v.example})`,
    );
    throw new Error(`${this.summary()} (${lines.length} distinct):\n  ${lines.join('\n  ')}`);
  }
}
