import fc from 'fast-check';

/*
 * Requests drawn from a service's OpenAPI document, then broken, for the fuzz test
 * (e2e/test/fuzz.spec.ts): bodies, path parameters, query strings and headers of every operation,
 * first plausible (enums, examples, formats, ids of records that exist), then with wrong types,
 * boundary and Unicode edge strings (NUL, lone surrogates), huge numbers, deep nesting, extra
 * fields, and raw bytes that are not UTF-8.
 */

export type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
};

type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type OperationObject = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, unknown>;
};
export type OpenApi = {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
};

export const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

/** One operation as the fuzzer sees it. */
export interface Operation {
  method: Method;
  /** The OpenAPI path, e.g. `/service-requests/{id}/notes`. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body?: Schema;
  /** The statuses the document lists. */
  documented: Set<number>;
  doc: OpenApi;
}

export function operationsOf(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => {
      const op = item[method];
      const params = op.parameters ?? [];
      return {
        method,
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        query: params.filter((p) => p.in === 'query'),
        headers: params.filter((p) => p.in === 'header'),
        body: op.requestBody?.content?.['application/json']?.schema,
        documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
        doc,
      };
    }),
  );
}

/* ---------- ids of records that exist, drawn lazily (the pool grows as the fuzzer creates records) ---------- */

/** An id to be taken from the pool of `kind` when the request is sent (or `fallback`, a random UUID). */
export class PoolRef {
  constructor(
    readonly kind: string,
    readonly n: number,
    readonly fallback: string,
  ) {}
  toString(): string {
    return `id(${this.kind}#${this.n})`;
  }
}

const KINDS: Array<[RegExp, string]> = [
  [/servicerequest$|^sr$/, 'service-requests'],
  [/representative$/, 'representatives'],
  [/client$/, 'clients'],
  [/case$/, 'cases'],
  [/batch$/, 'batches'],
  [/letter$/, 'letters'],
  [/retrieval$/, 'retrievals'],
  [/discrepancy$/, 'discrepancies'],
  [/cisupdate$/, 'cis-updates'],
];

/** The kind of record an id field or parameter names: `clientId` → clients; `id` in `/letters/{id}` → letters. */
export function kindOf(name: string, path?: string): string {
  if (name === 'id' && path) {
    const segments = path.split('/');
    const prev = segments[segments.indexOf('{id}') - 1];
    return prev && !prev.startsWith('{') ? prev : 'any';
  }
  const base = name.toLowerCase().replace(/ids?$/, '');
  return KINDS.find(([re]) => re.test(base))?.[1] ?? 'any';
}

/** Ids of records that exist, by kind (`clients`, `service-requests`…). */
export class IdPool {
  private readonly ids = new Map<string, string[]>();
  add(kind: string, id: unknown): void {
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return;
    for (const k of [kind, 'any']) {
      const list = this.ids.get(k) ?? [];
      if (!list.includes(id)) list.push(id);
      this.ids.set(k, list);
    }
  }
  resolve(ref: PoolRef): string {
    const list = this.ids.get(ref.kind) ?? this.ids.get('any') ?? [];
    const i = ref.n % (list.length + 1);
    return i < list.length ? list[i] : ref.fallback;
  }
}

const poolRef = (kind: string) =>
  fc.tuple(fc.nat({ max: 1000 }), fc.uuid()).map(([n, fallback]) => new PoolRef(kind, n, fallback));

/* ---------- edge values ---------- */

/** `{"a":{"a":…}}`, `levels` deep. */
export function nested(levels: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

/** JSON text put in the body as it is (numbers JSON.stringify cannot write). */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return `raw(${this.text.slice(0, 40)})`;
  }
}

/** Bytes that are not UTF-8, put inside a string of the body. */
export class BadBytes {
  constructor(readonly bytes: number[]) {}
  toString(): string {
    return `bytes(${this.bytes.map((b) => b.toString(16)).join(' ')})`;
  }
}

const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00',
  'x\udbff',
  '\udfff\ud800',
  '😀',
  '\ufffd',
  '\ufeffBOM',
  '\u202egnp.exe',
  '\u200b',
  'é'.normalize('NFD'),
  'x'.repeat(5000),
  '%00',
  "'; DROP TABLE audit_log; --",
  '../../etc/passwd',
  '\\',
  '"',
  '{}',
  'NaN',
  '-1',
  '1e309',
  '2026-13-45',
  '0000-00-00T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '__proto__',
  'null',
  '\r\n',
  '\t',
];

/** Strings a fuzzer sends first: edge cases and short random ones made of risky characters. */
export const edgeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(
        '\u0000',
        '\ud800',
        '\udfff',
        'a',
        'Z',
        '1',
        ' ',
        'é',
        '€',
        '😀',
        '\u200b',
        '"',
        '\\',
      ),
      maxLength: 8,
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

const edgeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -1, -0, 0.5, -2147483649, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE),
  fc
    .constantFrom('1e400', '-1e400', '1'.repeat(400), '-0.0', '1E-400', '0.0000000000000000000001')
    .map((t) => new RawJson(t)),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

const edgeContainer: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(65, 300, 3000).map(nested),
  fc.constantFrom(70, 5000).map((n) => new RawJson('['.repeat(n) + ']'.repeat(n))),
  fc.constant(new RawJson('{"__proto__":{"polluted":1}}')),
  fc.constant(new RawJson('{"constructor":{"prototype":{"polluted":1}}}')),
  fc.array(edgeString, { maxLength: 3 }),
  fc.dictionary(edgeString, edgeString, { maxKeys: 2, noNullPrototype: true }),
  fc.constant([]),
  fc.constant({}),
);

/** Any value of the wrong kind. */
export const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: edgeString },
  { weight: 2, arbitrary: edgeNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 2, arbitrary: edgeContainer },
);

const BAD_BYTES = [
  [0xff],
  [0xfe, 0xff],
  [0xc3],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
];
const badBytes = fc.constantFrom(...BAD_BYTES).map((b) => new BadBytes(b));

/* ---------- plausible values from a schema ---------- */

function resolve(schema: Schema | undefined, doc: OpenApi): Schema | undefined {
  let s = schema;
  for (let i = 0; s?.$ref && i < 8; i++) s = doc.components?.schemas?.[s.$ref.split('/').pop()!];
  if (s?.allOf?.length === 1 && !s.properties) return { ...resolve(s.allOf[0], doc), nullable: s.nullable };
  return s;
}

const isoDate = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A plausible value for `schema` (enum members, examples, formats, ids that exist); `name` is the field's. */
export function plausible(
  schema: Schema | undefined,
  doc: OpenApi,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (!s || depth > 6) return fc.constant(null);
  const arb = plausibleOf(s, doc, name, depth);
  return s.nullable
    ? fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) })
    : arb;
}

function withExample(s: Schema, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return s.example === undefined
    ? arb
    : fc.oneof({ weight: 3, arbitrary: fc.constant(s.example) }, { weight: 1, arbitrary: arb });
}

function plausibleOf(s: Schema, doc: OpenApi, name: string, depth: number): fc.Arbitrary<unknown> {
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  if (s.allOf) {
    return fc
      .tuple(...s.allOf.map((x) => plausible(x, doc, name, depth + 1)))
      .map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
  }
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((x) => plausible(x, doc, name, depth + 1)));
  const idLike = s.format === 'uuid' || /(^id|Id|Ids)$/.test(name);
  switch (s.type) {
    case 'string':
      if (idLike) return poolRef(kindOf(name));
      if (s.format === 'date-time') return withExample(s, isoDate);
      if (s.format === 'date')
        return withExample(
          s,
          isoDate.map((d) => d.slice(0, 10)),
        );
      return withExample(s, fc.string({ maxLength: Math.min(s.maxLength ?? 30, 30) }));
    case 'integer':
    case 'number':
      return withExample(s, fc.integer({ min: s.minimum ?? -5, max: Math.min(s.maximum ?? 1000, 1e9) }));
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items =
        idLike && !s.items?.enum
          ? poolRef(kindOf(name))
          : plausible(s.items, doc, name.replace(/s$/, ''), depth + 1);
      const max = Math.min(s.maxItems ?? 3, 3);
      return withExample(
        s.example !== undefined && idLike ? {} : s,
        fc.array(items, { minLength: Math.min(s.minItems ?? 0, max), maxLength: max }),
      );
    }
    default:
      if (s.properties) {
        const props = Object.fromEntries(
          Object.entries(s.properties).map(([k, v]) => [k, plausible(v, doc, k, depth + 1)]),
        );
        return fc.record(props, {
          requiredKeys: (s.required ?? []).filter((k) => k in props),
          noNullPrototype: true,
        });
      }
      return withExample(
        s,
        fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), {
          maxKeys: 3,
          noNullPrototype: true,
        }),
      );
  }
}

/* ---------- breaking a plausible value ---------- */

type Path = Array<string | number>;

function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (out.length > 200) return out;
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...path, i], out));
  else if (value && typeof value === 'object' && value.constructor === Object)
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...path, k], out);
  return out;
}

function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value && typeof value === 'object' && value.constructor === Object)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  return value;
}

type Change = 'replace' | 'extra-field' | 'drop' | 'bad-bytes';

/** `value` with one place changed: replaced by `edge`, given an extra field, dropped, or made of bad bytes. */
export function breakAt(
  value: unknown,
  pick: number,
  change: Change,
  edge: unknown,
  extraKey: string,
): unknown {
  const root = clone(value);
  const paths = pathsOf(root);
  const path = paths[pick % paths.length];
  if (path.length === 0) {
    if (change === 'extra-field' && root && typeof root === 'object' && !Array.isArray(root))
      return { ...(root as object), [extraKey]: edge };
    return change === 'drop' ? undefined : edge;
  }
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], root);
  const key = path[path.length - 1];
  const target = parent[key];
  if (change === 'drop' && !Array.isArray(parent)) delete parent[key];
  else if (change === 'extra-field' && target && typeof target === 'object' && !Array.isArray(target))
    target[extraKey] = edge;
  else parent[key] = edge;
  return root;
}

/** What is appended to a text field to poison it: what PostgreSQL and jsonb cannot store. */
const POISON = fc.oneof(fc.constantFrom('\u0000', 'a\u0000', '\ud800', '\udc00', 'x\udbff'), badBytes);

/** `value` with one of its strings (the `pick`th) poisoned; a value without strings is poisoned whole. */
export function poisonAt(value: unknown, pick: number, poison: string | BadBytes): unknown {
  const root = clone(value);
  const strings = pathsOf(root).filter(
    (p) =>
      p.length > 0 && typeof p.slice(0, -1).reduce<any>((o, k) => o[k], root)[p[p.length - 1]] === 'string',
  );
  if (!strings.length) return poison;
  const path = strings[pick % strings.length];
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], root);
  const key = path[path.length - 1];
  parent[key] = poison instanceof BadBytes ? poison : `${parent[key]}${poison}`;
  return root;
}

/* ---------- requests ---------- */

export type Caller = 'caseworker' | 'teamLeader' | 'sensitiveCaseTeam' | 'system' | 'anonymous';

/** A body as it goes on the wire. */
export type BodyCase =
  | { kind: 'json'; value: unknown; contentType?: string }
  | { kind: 'text'; text: string; contentType: string };

export interface RequestCase {
  caller: Caller;
  path: Record<string, string | PoolRef>;
  query: Array<[string, string | PoolRef]>;
  body?: BodyCase;
  idempotencyKey?: string;
}

const PATH_EDGES = [
  'not-a-uuid',
  '%00',
  'a%00b',
  '%FF',
  '%C3',
  '%ED%A0%80',
  '%C0%AF',
  '%2e%2e',
  'a%2Fb',
  'x'.repeat(300),
  '-1',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '%F0%9F%98%80',
  '%20',
];

const QUERY_EDGES = [
  '',
  '%00',
  'a%00b',
  '%FF',
  '%C3%28',
  '%ED%A0%80',
  '%zz',
  '-1',
  '0',
  '1e400',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  '0x10',
  '1.5',
  '%20',
  'true',
  '%F0%9F%98%80',
  'x'.repeat(2000),
  'not-a-uuid',
];

/** Percent-encodes a string; a lone surrogate (which encodeURIComponent refuses) becomes its CESU bytes. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[\s\S]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    });
  }
}

function paramValue(param: Parameter, op: Operation, inPath: boolean): fc.Arbitrary<string | PoolRef> {
  const s = resolve(param.schema, op.doc);
  const good: fc.Arbitrary<string | PoolRef> =
    s?.enum?.length || s?.type !== 'string' || s.example !== undefined
      ? plausible(s, op.doc, param.name).map((v) => (v instanceof PoolRef ? v : encode(String(v))))
      : /(^id|Id)$/.test(param.name) || s.format === 'uuid'
        ? poolRef(kindOf(param.name, op.path))
        : fc.string({ maxLength: 12 }).map(encode);
  const edges = fc.oneof(fc.constantFrom(...(inPath ? PATH_EDGES : QUERY_EDGES)), edgeString.map(encode));
  return fc.oneof({ weight: 3, arbitrary: good }, { weight: 2, arbitrary: edges });
}

const UNKNOWN_QUERY = fc.tuple(
  fc.constantFrom('x', 'limit', 'offset', '__proto__', '%00', 'a%00', '%FF', 'status[]', 'constructor'),
  fc.constantFrom(...QUERY_EDGES),
);

const textOf = (x: unknown): string => (typeof x === 'string' ? x : (JSON.stringify(x) ?? ''));

/** The body of a request to `op`: mostly plausible or broken JSON, sometimes raw bytes or another content type. */
function bodyOf(op: Operation): fc.Arbitrary<BodyCase | undefined> {
  const hasBody = op.method !== 'get' && op.method !== 'delete';
  if (!hasBody) return fc.constant(undefined);
  const valid = op.body ? plausible(op.body, op.doc) : fc.constant({});
  const broken = fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom<Change>('replace', 'replace', 'extra-field', 'drop'),
      edgeValue,
      fc.constantFrom('extra', 'id', 'version', '__proto__', 'a\u0000', '\ud800'),
    )
    .map(([v, pick, change, edge, key]) => breakAt(v, pick, change, edge, key));
  const withBadBytes = fc
    .tuple(valid, fc.nat(), badBytes)
    .map(([v, pick, bytes]) => breakAt(v, pick, 'replace', bytes, 'x'));
  const poisoned = fc.tuple(valid, fc.nat(), POISON).map(([v, pick, poison]) => poisonAt(v, pick, poison));
  const json = (value: fc.Arbitrary<unknown>) => value.map((v): BodyCase => ({ kind: 'json', value: v }));
  return fc.oneof(
    { weight: 4, arbitrary: json(valid) },
    { weight: 5, arbitrary: json(broken) },
    { weight: 4, arbitrary: json(poisoned) },
    { weight: 1, arbitrary: json(edgeValue) },
    { weight: 2, arbitrary: json(withBadBytes) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/xml',
            'application/json',
          ),
        )
        .map(([v, type]): BodyCase => {
          const flat = v && typeof v === 'object' ? Object.entries(v) : [['value', v]];
          const text =
            type === 'application/x-www-form-urlencoded'
              ? flat.map(([k, x]) => `${encode(String(k))}=${encode(textOf(x))}%00`).join('&')
              : type === 'application/json'
                ? JSON.stringify(v).slice(0, -1) // truncated
                : `a\u0000${JSON.stringify(v)}`;
          return { kind: 'text', text, contentType: type };
        }),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Every request the fuzzer may send to `op`. */
export function requestsFor(op: Operation): fc.Arbitrary<RequestCase> {
  const path = fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, paramValue(p, op, true)])));
  const query = fc
    .tuple(
      fc.tuple(...op.query.map((p) => fc.option(paramValue(p, op, false), { nil: undefined }))),
      fc.array(UNKNOWN_QUERY, { maxLength: 1 }),
      fc.boolean(),
    )
    .map(([values, unknown, duplicate]) => {
      const pairs: Array<[string, string | PoolRef]> = [];
      op.query.forEach((p, i) => {
        const v = values[i];
        if (v === undefined) return;
        pairs.push([p.name, v]);
        if (duplicate) pairs.push([p.name, v]);
      });
      return [...pairs, ...unknown];
    });
  const needsKey = op.headers.some((h) => h.name.toLowerCase() === 'idempotency-key');
  const idempotencyKey = needsKey
    ? fc.oneof(
        { weight: 5, arbitrary: fc.uuid() },
        { weight: 1, arbitrary: fc.constantFrom('', 'x', 'k'.repeat(300), 'é', 'a b') },
      )
    : fc.constant(undefined);
  return fc.record({
    caller: fc.constantFrom<Caller>(
      'caseworker',
      'teamLeader',
      'sensitiveCaseTeam',
      'system',
      'system',
      'anonymous',
    ),
    path,
    query,
    body: bodyOf(op),
    idempotencyKey: fc.option(idempotencyKey, { nil: undefined, freq: 8 }).map((k) => k ?? undefined),
  });
}

/* ---------- the wire ---------- */

/** The request's URL path and query, ids taken from `pool`. */
export function urlOf(op: Operation, req: RequestCase, pool: IdPool): string {
  const value = (v: string | PoolRef) => (v instanceof PoolRef ? pool.resolve(v) : v);
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(req.path[name]));
  const query = req.query.map(([k, v]) => `${k}=${value(v)}`).join('&');
  return query ? `${path}?${query}` : path;
}

/** The body's bytes: JSON text with raw tokens and bad bytes spliced in, ids taken from `pool`. */
export function bytesOf(body: BodyCase, pool: IdPool): Buffer | undefined {
  if (body.kind === 'text') return Buffer.from(body.text, 'utf8');
  const splices: Array<RawJson | BadBytes> = [];
  const text = JSON.stringify(body.value, function (_key, v: unknown) {
    if (v instanceof PoolRef) return pool.resolve(v);
    if (v instanceof RawJson) return `\u0001${splices.push(v) - 1}\u0001`;
    if (v instanceof BadBytes) return `\u0001${splices.push(v) - 1}\u0001`;
    return v;
  });
  if (text === undefined) return undefined;
  const parts = text.split(/"\\u0001(\d+)\\u0001"/);
  return Buffer.concat(
    parts.map((part, i) => {
      if (i % 2 === 0) return Buffer.from(part, 'utf8');
      const splice = splices[Number(part)];
      if (!splice) return Buffer.from(`"\\u0001${part}\\u0001"`, 'utf8'); // a drawn string that looked like a marker
      return splice instanceof RawJson
        ? Buffer.from(splice.text, 'utf8')
        : Buffer.concat([Buffer.from('"a'), Buffer.from(splice.bytes), Buffer.from('b"')]);
    }),
  );
}
