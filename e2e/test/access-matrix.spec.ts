import { randomUUID } from 'node:crypto';
import { maskNino } from '@cms/domain';
import request from 'supertest';
import {
  auditRowsFor,
  givenFamilies,
  identifyingValues,
  quiet,
  type OrdinaryFamily,
  type SensitiveFamily,
} from './support/access-family';
import {
  fillPath,
  identifyingValuesIn,
  operationsOf,
  readDocument,
  stringLeaves,
  type Operation,
} from './support/access-openapi';
import {
  anyParams,
  CLASSIFICATION,
  type Call,
  type Classification,
  type ListingCall,
  type Staff,
} from './support/access-operations';
import {
  SERVICE_NAMES,
  SERVICES,
  startSystem,
  type AcceptanceSystem,
  type Caller,
  type ServiceKey,
} from './support/system';

/*
 * Issue #11's proof (X-1, SU-6, BR-7, RD-4), generated from the five OpenAPI documents: a family
 * with a record of every kind in every service is flagged nationally sensitive by the sensitive case
 * team; then every operation of every document is called as a caseworker and as a team leader
 * with the family's ids (each operation classified in support/access-operations.ts), and must
 * refuse with 403 problem+json, name nothing of the family and change nothing; listings must
 * withhold the family and not count it; NINOs/CRNs must be shown the same way everywhere for a
 * role; and the sensitive case team must never be refused.
 */

/**
 * Real leaks this test found, each routed to the owner of the service. Every entry is a failure
 * (the matrix still reports it, and the last test fails while the list is not empty): remove an
 * entry only when the service is fixed.
 */
const KNOWN_LEAKS: { service: string; operation: string; caller: Caller | 'any'; observed: string }[] = [
  // Empty. (Found and fixed: GET /work-queues counted the sensitive family's SRs; PATCH /cases/{id} left them in ordinary queues.)
];

const STAFF: readonly Staff[] = ['caseworker', 'teamLeader'];
const MATRIX_TIMEOUT_MS = 120_000;

interface Sent {
  res: request.Response;
  /** The request's own values (URL and body): a refusal may name those, and only those. */
  own: string;
  requestId: string;
  what: string;
}

/** The classification entry of `op` (undefined when the table lacks it: the first test says so). */
function entryOf(key: ServiceKey, op: Operation): Classification | undefined {
  return CLASSIFICATION[key][op.key];
}

function knownLeak(key: ServiceKey, op: Operation, caller: Caller): boolean {
  return KNOWN_LEAKS.some(
    (l) =>
      l.service === SERVICE_NAMES[key] &&
      l.operation === op.key &&
      (l.caller === caller || l.caller === 'any'),
  );
}

/** The items array at a dotted path ('' for a bare array), or undefined. */
function itemsAt(body: unknown, path: string | undefined): unknown[] | undefined {
  if (path === undefined) return undefined;
  const found = path
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      body,
    );
  return Array.isArray(found) ? found : undefined;
}

/** A view without what moves with the clock alone (SLA state), for before/after comparison. */
function timeless(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(timeless);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== 'sla' && k !== 'slaState')
      .map(([k, v]) => [k, timeless(v)]),
  );
}

/** `AB123456C` as `AB 12 34 56 C`. */
function spaced(reference: string): string {
  return reference.replace(/^(..)(..)(..)(..)(.)$/, '$1 $2 $3 $4 $5');
}

/**
 * How `text` shows `references` against the policy for `caller`: whole to caseworkers and
 * the sensitive case team, masked (AB****56C) to a team leader. Returns what is shown wrongly.
 */
function referenceSlips(caller: Caller, text: string, references: readonly string[]): string[] {
  const upper = text.toUpperCase();
  return references.flatMap((r) =>
    caller === 'teamLeader'
      ? upper.includes(r) || upper.includes(spaced(r))
        ? [`shows ${r} whole to a team leader`]
        : []
      : upper.includes(maskNino(r))
        ? [`shows ${r} masked (${maskNino(r)}) to ${caller}`]
        : [],
  );
}

function textOf(res: request.Response): string {
  return res.text ?? JSON.stringify(res.body ?? '');
}

describe('[X-1] access matrix: every operation of every service against a nationally sensitive family', () => {
  let system: AcceptanceSystem;
  const operations = {} as Record<ServiceKey, Operation[]>;
  let family: SensitiveFamily;
  let ordinary: OrdinaryFamily;
  let values: Map<string, string>;

  /** Calls `op` as `caller`, filled as `c` says, with its own request id. */
  async function send(key: ServiceKey, op: Operation, c: Call, caller: Caller | null): Promise<Sent> {
    const pairs = Object.entries(c.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    const query = pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '';
    const url = `${fillPath(op.path, c.params ?? {})}${query}`;
    const write = op.method === 'post' || op.method === 'put' || op.method === 'patch';
    const body = c.body ? c.body(op.example) : write ? {} : undefined;
    const requestId = randomUUID();
    const agent = request(system.urls[key]);
    let req = system
      .checked(key, agent[op.method](url))
      .set('idempotency-key', randomUUID())
      .set('x-request-id', requestId);
    if (caller) req = req.auth(system.tokens[caller], { type: 'bearer' });
    if (body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(body));
    const res = await req;
    return {
      res,
      own: `${decodeURIComponent(url)} ${JSON.stringify(body ?? null)}`,
      requestId,
      what: `${SERVICE_NAMES[key]} ${op.method.toUpperCase()} ${url} as ${caller ?? 'anonymous'}`,
    };
  }

  /** The ordinary family's NINOs and CRN. */
  function ordinaryReferences(): string[] {
    return [ordinary.pwc.nino, ordinary.nrp.nino, ordinary.child.crn];
  }

  /** What of the family the answer names, beyond what the request carried. */
  function named(sent: Sent): string[] {
    return identifyingValuesIn(textOf(sent.res), values, sent.own);
  }

  /** Every documented operation with its classification, of the classes asked for. */
  function classified<C extends Classification['class']>(
    ...classes: C[]
  ): { key: ServiceKey; op: Operation; entry: Extract<Classification, { class: C }> }[] {
    return SERVICES.flatMap((key) =>
      operations[key].flatMap((op) => {
        const entry = entryOf(key, op);
        return entry && (classes as string[]).includes(entry.class)
          ? [{ key, op, entry: entry as Extract<Classification, { class: C }> }]
          : [];
      }),
    );
  }

  /**
   * Runs `calls` and then checks nothing changed: every service's audit_log has as many rows as
   * before (with the system at rest), and none was written under a request id of `calls`.
   */
  async function changesNothing(calls: () => Promise<string[]>): Promise<string[]> {
    const before = await quiet(system);
    // Every service audits the family's records: the comparison is never of empty tables.
    expect(SERVICES.filter((k) => !before[k])).toEqual([]);
    const requestIds = await calls();
    const after = await quiet(system);
    const problems: string[] = [];
    for (const k of SERVICES) {
      if (after[k] !== before[k])
        problems.push(
          `${SERVICE_NAMES[k]}: audit_log had ${before[k]} rows before the refused calls, ${after[k]} after`,
        );
    }
    for (const row of await auditRowsFor(system, requestIds)) {
      problems.push(
        `${SERVICE_NAMES[row.service]}: audit row "${row.action}" on ${row.entity_type} under refused request ${row.request_id}`,
      );
    }
    return problems;
  }

  /**
   * The family's records as the sensitive case team reads them (every subject read of the table
   * but the PDFs), to compare before and after the refused calls.
   */
  async function snapshot(): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const { key, op, entry } of classified('subject')) {
      if (op.method !== 'get' || op.path.endsWith('/pdf')) continue;
      for (const c of entry.calls(family)) {
        const sent = await send(key, op, c, 'sensitiveCaseTeam');
        out[sent.what] = { status: sent.res.status, body: timeless(sent.res.body) };
      }
    }
    return out;
  }

  beforeAll(async () => {
    system = await startSystem();
    for (const key of SERVICES) operations[key] = operationsOf(await readDocument(system.urls[key]));
    ({ sensitive: family, ordinary } = await givenFamilies(system));
    values = identifyingValues(family);
  }, 150_000);
  afterAll(() => system?.close());

  it('[X-1] every operation of every OpenAPI document is classified (public, system-only, no-subject, create, subject, listing)', () => {
    const unclassified: string[] = [];
    const notDocumented: string[] = [];
    const counts: Record<string, number> = {};
    for (const key of SERVICES) {
      const documented = new Set(operations[key].map((o) => o.key));
      expect(documented.size).toBeGreaterThan(3);
      for (const op of operations[key]) {
        const entry = entryOf(key, op);
        if (!entry) unclassified.push(`${SERVICE_NAMES[key]}: ${op.key}`);
        else counts[entry.class] = (counts[entry.class] ?? 0) + 1;
      }
      for (const k of Object.keys(CLASSIFICATION[key]))
        if (!documented.has(k)) notDocumented.push(`${SERVICE_NAMES[key]}: ${k}`);
    }
    // A new route must say who may call it: add it to support/access-operations.ts.
    expect({ unclassified, notDocumented }).toEqual({ unclassified: [], notDocumented: [] });
    expect(counts.subject).toBeGreaterThan(40);
    process.stdout.write(`access matrix: operations by class ${JSON.stringify(counts)}\n`);
  });

  it(
    '[X-1] system-only operations refuse caseworkers and team leaders; public and no-subject ones name nothing of the family',
    async () => {
      const failures: string[] = [];
      const problems = await changesNothing(async () => {
        const ids: string[] = [];
        for (const { key, op } of classified('system-only')) {
          for (const caller of STAFF) {
            const sent = await send(key, op, { params: anyParams(op.path), body: (e) => e ?? {} }, caller);
            ids.push(sent.requestId);
            if (sent.res.status !== 403 || !String(sent.res.headers['content-type']).includes('problem+json'))
              failures.push(
                `${sent.what}: ${sent.res.status}, expected 403 problem+json: ${textOf(sent.res).slice(0, 200)}`,
              );
            if (named(sent).length) failures.push(`${sent.what} names ${named(sent).join(', ')}`);
          }
        }
        for (const { key, op, entry } of classified('no-subject', 'public')) {
          const call = (entry.class === 'no-subject' && entry.call) || { params: anyParams(op.path) };
          for (const caller of entry.class === 'public' ? [null] : STAFF) {
            const sent = await send(key, op, call, caller);
            ids.push(sent.requestId);
            if (sent.res.status !== 200) failures.push(`${sent.what}: ${sent.res.status}, expected 200`);
            if (named(sent).length) failures.push(`${sent.what} names ${named(sent).join(', ')}`);
          }
        }
        return ids;
      });
      expect([...failures, ...problems]).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    '[X-1] [SU-6] [BR-7] [RD-4] every operation on the nationally sensitive family refuses caseworker and team leader with 403 problem+json, names nothing of the family and changes nothing',
    async () => {
      const failures: string[] = [];
      let calls = 0;
      const before = await snapshot();
      const problems = await changesNothing(async () => {
        const ids: string[] = [];
        for (const { key, op, entry } of classified('subject', 'create')) {
          for (const c of entry.calls(family)) {
            for (const caller of STAFF) {
              const sent = await send(key, op, c, caller);
              calls++;
              ids.push(sent.requestId);
              const fail = (why: string) =>
                failures.push(
                  `${sent.what}: ${why}${knownLeak(key, op, caller) ? ' [KNOWN_LEAKS]' : ''}\n    ${sent.res.status} ${textOf(sent.res).slice(0, 300)}`,
                );
              const { status, body } = sent.res;
              const byRole = entry.roleRefused?.includes(caller) ?? false;
              if (!String(sent.res.headers['content-type']).includes('application/problem+json'))
                fail('not problem+json');
              if (entry.class === 'create' && !byRole) {
                if (status < 400 || status >= 500)
                  fail('a create naming the family’s records must be refused (4xx)');
              } else if (status !== 403) fail('expected 403');
              else if (byRole) {
                if (body.code !== 'ROLE_REQUIRED')
                  fail('expected ROLE_REQUIRED (the route is not this role’s)');
              } else if (entry.class === 'subject') {
                const ids = entry.requirementIds ?? ['X-1'];
                if (body.code !== 'INSUFFICIENT_ACCESS' || !ids.includes(body.requirementId))
                  fail(`expected INSUFFICIENT_ACCESS with requirementId ${ids.join(' or ')}`);
              }
              const leaked = named(sent);
              if (leaked.length) fail(`names ${leaked.join(', ')}`);
              if (body?.requestId && body.requestId !== sent.requestId)
                fail('the problem carries another request id');
            }
          }
        }
        return ids;
      });
      expect(calls).toBeGreaterThan(100);
      expect([...failures, ...problems]).toEqual([]);
      // …and the family's records read the same as before, in every service.
      expect(await snapshot()).toEqual(before);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    '[X-1] [BR-7] [RD-4] searches, case and SR lists, work queues, issue logs and broadcast lists never name the family to caseworkers or team leaders, and their totals do not count it',
    async () => {
      const failures: string[] = [];
      const listings = [
        ...classified('listing').map(({ key, op, entry }) => ({
          key,
          op,
          calls: entry.listings(family, ordinary),
        })),
        ...classified('subject').flatMap(({ key, op, entry }) =>
          entry.listings ? [{ key, op, calls: entry.listings(family, ordinary) }] : [],
        ),
      ];
      let checked = 0;
      for (const { key, op, calls } of listings) {
        for (const c of calls as ListingCall[]) {
          const full = await send(key, op, c, 'sensitiveCaseTeam');
          if (full.res.status !== 200) {
            failures.push(`${full.what}: ${full.res.status} ${textOf(full.res).slice(0, 200)}`);
            continue;
          }
          if (c.sctNames && !named(full).length)
            failures.push(
              `${full.what}: the family is not in the list at all (the check would prove nothing)`,
            );
          const fullItems = itemsAt(full.res.body, c.items);
          const familyItems =
            fullItems?.filter((i) => identifyingValuesIn(JSON.stringify(i), values, full.own).length)
              .length ?? 0;
          for (const caller of STAFF) {
            const sent = await send(key, op, c, caller);
            checked++;
            const fail = (why: string) =>
              failures.push(`${sent.what}: ${why}${knownLeak(key, op, caller) ? ' [KNOWN_LEAKS]' : ''}`);
            if (sent.res.status !== 200) {
              fail(`${sent.res.status} ${textOf(sent.res).slice(0, 200)}`);
              continue;
            }
            const leaked = named(sent);
            if (leaked.length) fail(`names ${leaked.join(', ')}`);
            referenceSlips(caller, textOf(sent.res), ordinaryReferences()).forEach(fail);
            const items = itemsAt(sent.res.body, c.items);
            if (fullItems && items && items.length !== fullItems.length - familyItems)
              fail(
                `lists ${items.length} items; the sensitive case team sees ${fullItems.length}, ${familyItems} of them the family’s (exactly those must be withheld)`,
              );
            if (c.total) {
              const total = sent.res.body[c.total];
              const fullTotal = full.res.body[c.total];
              if (total !== fullTotal - familyItems)
                fail(
                  `total ${total}; the sensitive case team’s is ${fullTotal} with ${familyItems} of the family’s`,
                );
            }
          }
        }
      }

      // Work queue counts (BR-7): the family's open SRs are not counted in any queue a caller sees.
      const counts = async (caller: Caller) =>
        new Map(
          (
            (
              await system
                .checked('sr', request(system.urls.sr).get('/work-queues'))
                .auth(system.tokens[caller], { type: 'bearer' })
            ).body as {
              queue: string;
              open: number;
            }[]
          ).map((q) => [q.queue, q.open]),
        );
      const full = await counts('sensitiveCaseTeam');
      const familySrs = [...Object.values(family.srs), family.checked.callBack].filter(
        (sr) => !['Closed', 'Cancelled'].includes(sr.status),
      );
      for (const caller of STAFF) {
        const seen = await counts(caller);
        if (seen.has('sensitive-case-team'))
          failures.push(`GET /work-queues as ${caller} lists the sensitive case team’s queue`);
        for (const [queue, open] of seen) {
          const expected = (full.get(queue) ?? 0) - familySrs.filter((sr) => sr.queue === queue).length;
          if (open !== expected)
            failures.push(
              `service-requests GET /work-queues as ${caller}: queue ${queue} counts ${open} open SRs; ${expected} are not the family’s (the sensitive case team sees ${full.get(queue)})${
                KNOWN_LEAKS.some((l) => l.operation === 'GET /work-queues') ? ' [KNOWN_LEAKS]' : ''
              }`,
            );
        }
      }
      expect(checked).toBeGreaterThan(20);
      expect(failures).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    '[X-1] NINOs and CRNs are shown the same way in every view for a role: whole to a caseworker, masked (AB****56C) to a team leader',
    async () => {
      const o = ordinary;
      const views: {
        key: ServiceKey;
        method: 'get' | 'post';
        url: string;
        body?: object;
        carries?: boolean;
      }[] = [
        { key: 'sr', method: 'get', url: `/clients/${o.pwc.id}`, carries: true },
        { key: 'sr', method: 'get', url: `/clients/${o.nrp.id}`, carries: true },
        { key: 'sr', method: 'get', url: `/clients/${o.child.id}`, carries: true },
        { key: 'sr', method: 'post', url: '/clients/search', body: { nino: o.pwc.nino }, carries: true },
        { key: 'sr', method: 'post', url: '/clients/search', body: { crn: o.child.crn }, carries: true },
        { key: 'sr', method: 'get', url: `/cases/${o.caseId}` },
        { key: 'sr', method: 'get', url: `/cases?clientId=${o.pwc.id}` },
        { key: 'sr', method: 'get', url: `/service-requests/${o.sr.id}` },
        { key: 'sr', method: 'get', url: `/service-requests?caseId=${o.caseId}` },
        { key: 'sr', method: 'get', url: `/audit/client/${o.pwc.id}` },
        { key: 'sr', method: 'get', url: `/audit/client/${o.child.id}` },
        { key: 'sr', method: 'get', url: `/audit/case/${o.caseId}` },
        { key: 'sr', method: 'get', url: '/work-queues/cis-changes?limit=200' },
        { key: 'ci', method: 'get', url: `/clients/${o.pwc.id}/interests`, carries: true },
        { key: 'ci', method: 'get', url: `/clients/${o.pwc.id}/retrievals` },
        { key: 'ci', method: 'get', url: `/retrievals/${o.retrievalId}` },
        { key: 'ci', method: 'get', url: `/clients/${o.pwc.id}/cis-data` },
        { key: 'ci', method: 'get', url: `/clients/${o.pwc.id}/discrepancies` },
        { key: 'ci', method: 'get', url: `/cis-updates/${o.cisUpdateId}`, carries: true },
        { key: 'ci', method: 'get', url: `/clients/${o.pwc.id}/cis-updates`, carries: true },
        {
          key: 'ci',
          method: 'get',
          url: `/broadcasts/${o.broadcast.batchId}/transactions?limit=500`,
          carries: true,
        },
        { key: 'ci', method: 'get', url: '/broadcasts/unmatched?limit=200' },
        { key: 'cs', method: 'get', url: `/clients/${o.pwc.id}/security-details` },
        { key: 'cs', method: 'get', url: `/audit/client/${o.pwc.id}` },
        { key: 'co', method: 'get', url: `/issue-log?clientId=${o.nrp.id}` },
        { key: 'co', method: 'get', url: `/letters/${o.mopfLetterId}` },
      ];
      const refs = [o.pwc.nino, o.nrp.nino, o.child.crn];
      const failures: string[] = [];
      let whole = 0;
      for (const v of views) {
        const call = (caller: Caller) => {
          const agent = request(system.urls[v.key]);
          const req = system
            .checked(v.key, agent[v.method](v.url))
            .auth(system.tokens[caller], { type: 'bearer' });
          return v.body ? req.send(v.body) : req;
        };
        const what = `${SERVICE_NAMES[v.key]} ${v.method.toUpperCase()} ${v.url}`;
        const [cw, tl] = [await call('caseworker'), await call('teamLeader')];
        if (cw.status !== 200 || tl.status !== 200) {
          failures.push(`${what}: caseworker ${cw.status}, team leader ${tl.status}`);
          continue;
        }
        const cwLeaves = new Map(stringLeaves(cw.body));
        const tlLeaves = new Map(stringLeaves(tl.body));
        let carried = false;
        for (const [path, value] of cwLeaves) {
          for (const r of refs) {
            if (value.includes(maskNino(r)))
              failures.push(`${what} as caseworker: ${path} shows ${r} masked (${value})`);
            if (value === r) {
              carried = true;
              whole++;
              if (tlLeaves.get(path) !== maskNino(r))
                failures.push(
                  `${what} as team leader: ${path} is ${JSON.stringify(tlLeaves.get(path))}, expected ${maskNino(r)}`,
                );
            }
          }
        }
        for (const [path, value] of tlLeaves) {
          for (const r of refs) {
            if (value.toUpperCase().includes(r) || value.toUpperCase().includes(spaced(r)))
              failures.push(`${what} as team leader: ${path} shows ${r} whole (${value.slice(0, 120)})`);
          }
        }
        if (v.carries && !carried)
          failures.push(`${what} as caseworker: no NINO/CRN shown whole (expected one)`);
      }
      expect(whole).toBeGreaterThan(5);
      expect(failures).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it(
    '[X-1] [SU-6] [BR-7] [RD-4] the sensitive case team is never refused for access on any of those operations (4xx for business reasons only)',
    async () => {
      const failures: string[] = [];
      // Reads first, changes next, removals last: each call meets the family as it was made.
      const order = { get: 0, post: 1, put: 1, patch: 1, delete: 2 } as const;
      const all = classified('subject', 'create')
        .flatMap(({ key, op, entry }) => entry.calls(family).map((c) => ({ key, op, c })))
        .sort((a, b) => order[a.op.method] - order[b.op.method]);
      for (const { key, op, c } of all) {
        const sent = await send(key, op, c, 'sensitiveCaseTeam');
        const { status, body } = sent.res;
        const refused = status === 401 || status === 403 || status >= 500;
        if (refused || (op.method === 'get' && status !== 200))
          failures.push(`${sent.what}: ${status} ${body?.code ?? ''} ${textOf(sent.res).slice(0, 200)}`);
        // The sensitive case team works with the client: NINOs whole, as for any caseworker.
        const refs = [family.pwc.nino, family.nrp.nino, family.checked.client.nino];
        referenceSlips('sensitiveCaseTeam', textOf(sent.res), refs).forEach((slip) =>
          failures.push(`${sent.what}: ${slip}`),
        );
      }
      expect(all.length).toBeGreaterThan(50);
      expect(failures).toEqual([]);
    },
    MATRIX_TIMEOUT_MS,
  );

  it('[X-1] KNOWN_LEAKS is empty: every leak this matrix found is fixed in its service', () => {
    expect(KNOWN_LEAKS).toEqual([]);
  });
});
