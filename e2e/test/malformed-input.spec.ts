import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { SERVICE_NAMES, SERVICES, startSystem, type AcceptanceSystem, type Caller } from './support/system';

/*
 * Bad input gets a clear error and never a 500 (the brief's non-negotiable 3), on every operation
 * of every service as its OpenAPI document lists it: ids that are not UUIDs (or unknown ones),
 * bodies of the wrong shape and type, nonsense query parameters, as a system and as a caseworker.
 * Every refusal is RFC 9457 problem+json that says what is wrong.
 */

type Operation = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const IDS = [randomUUID(), 'not-a-uuid'];
const QUERIES = ['', '?limit=abc&cursor=zzz&offset=-1&caseId=x&clientId=y&status=zz&versions=x'];
const BODIES: unknown[] = [
  {},
  [],
  'text',
  { version: 'x', id: 5, clientId: 'nope', caseId: 12, items: 'x', transactions: [{}], to: 'x', pin: 1 },
];
const CALLERS: Caller[] = ['system', 'caseworker'];

describe('malformed input on every operation of every service: a 4xx problem, never a 5xx', () => {
  let sys: AcceptanceSystem;
  const operations: Record<string, Operation[]> = {};

  beforeAll(async () => {
    sys = await startSystem();
    for (const key of SERVICES) {
      const doc = (await request(sys.urls[key]).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      operations[key] = Object.entries(doc.paths).flatMap(([path, ops]) =>
        METHODS.filter((m) => m in ops).map((method) => ({ method, path })),
      );
    }
  });
  afterAll(() => sys?.close());

  it.each(SERVICES.map((k) => [SERVICE_NAMES[k], k] as const))('%s', async (_name, key) => {
    expect(operations[key].length).toBeGreaterThan(5);
    const failures: string[] = [];
    let calls = 0;
    for (const op of operations[key]) {
      const write = op.method !== 'get' && op.method !== 'delete';
      for (const id of IDS) {
        const path = op.path.replace(/\{[^}]+\}/g, id);
        for (const caller of CALLERS) {
          for (const body of write ? BODIES : [undefined]) {
            for (const query of QUERIES) {
              calls++;
              const agent = request(sys.urls[key]);
              let req = agent[op.method](`${path}${query}`)
                .auth(sys.tokens[caller], { type: 'bearer' })
                .set('idempotency-key', randomUUID());
              if (body !== undefined)
                req = req.set('content-type', 'application/json').send(JSON.stringify(body));
              const res = await req;
              const what = `${op.method.toUpperCase()} ${path}${query} as ${caller} with ${JSON.stringify(body)}`;
              if (res.status >= 500) failures.push(`${res.status} ${what}: ${res.text.slice(0, 160)}`);
              else if (res.status >= 400) {
                if (!String(res.headers['content-type']).includes('application/problem+json'))
                  failures.push(`${res.status} not problem+json: ${what}`);
                else if (!res.body.detail) failures.push(`${res.status} without a detail: ${what}`);
              }
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(operations[key].length);
    expect(failures).toEqual([]);
  });
});
