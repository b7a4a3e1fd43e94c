import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { tokenFor } from '@cms/testing';
import { sensitivityStatement } from '../src/access/access.repository';
import {
  givenSecuritySetUp,
  startServiceRequestsWithSecurity,
  TestServiceRequestsWithSecurity,
} from './helpers';

/*
 * X-1 in service-requests, by the one access policy: every operation on a nationally sensitive
 * family (client, case, SR, representative, audit trails) refuses callers without sensitive access
 * with nothing of the family in the answer and nothing changed, and every listing withholds it.
 */
describe('[X-1] service-requests: a nationally sensitive family is open only to sensitive access', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  let tl: string;
  let team: string;
  let system: string;
  const family = { pwc: '', nrp: '', caseId: '', srId: '', repId: '', srVersion: 0 };
  const NAMES = ['Hidden', 'Secretson'];

  const as = (token: string) => ({
    get: (p: string) => request(s.url).get(p).auth(token, { type: 'bearer' }),
    post: (p: string, b?: object) =>
      request(s.url)
        .post(p)
        .auth(token, { type: 'bearer' })
        .send(b ?? {}),
    put: (p: string, b?: object) =>
      request(s.url)
        .put(p)
        .auth(token, { type: 'bearer' })
        .send(b ?? {}),
    patch: (p: string, b?: object) =>
      request(s.url)
        .patch(p)
        .auth(token, { type: 'bearer' })
        .send(b ?? {}),
    delete: (p: string) => request(s.url).delete(p).auth(token, { type: 'bearer' }),
  });
  const auditRows = async () =>
    Number(
      (await s.app.get<DataSource>(getDataSourceToken()).query('SELECT count(*)::int AS n FROM audit_log'))[0]
        .n,
    );

  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity();
    cw = await tokenFor(['caseworker'], 'cw-1');
    tl = await tokenFor(['team-leader'], 'tl-1');
    team = await tokenFor(['caseworker', 'sensitive-access'], 'sct-1');
    system = await tokenFor(['system'], 'cis-interface');
    const t = as(team);
    family.pwc = (
      await t.post('/clients', { nino: 'CE123456A', firstName: 'Jo', lastName: 'Hidden' }).expect(201)
    ).body.id;
    family.nrp = (
      await t.post('/clients', { nino: 'CE654321B', firstName: 'Al', lastName: 'Secretson' }).expect(201)
    ).body.id;
    family.caseId = (
      await t
        .post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [
            { clientId: family.pwc, role: 'PWC' },
            { clientId: family.nrp, role: 'NRP' },
          ],
        })
        .expect(201)
    ).body.id;
    // Security set-up comes before a Change - Security Details SR (SD-22).
    await givenSecuritySetUp(s.security.url, team, family.pwc);
    const sr = (
      await t
        .post('/service-requests', {
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          reportedBy: { firstName: 'Jo', lastName: 'Hidden' },
          subject: { clientId: family.pwc, role: 'PWC' },
          caseIds: [family.caseId],
        })
        .expect(201)
    ).body;
    family.srId = sr.id;
    await t.post(`/service-requests/${sr.id}/notes`, { text: 'Client called' }).expect(201);
    family.repId = (
      await t
        .post(`/clients/${family.pwc}/representatives`, {
          caseId: family.caseId,
          firstName: 'Rep',
          lastName: 'Hidden',
          relationship: 'Friend or family member',
        })
        .expect(201)
    ).body.id;
    // SU-6: CIS answered error code 1 for the receiving parent: the client and its live cases are flagged.
    await as(system)
      .post(`/clients/${family.pwc}/nationally-sensitive`, {
        sensitive: true,
        reason: 'CIS update error code 1',
      })
      .expect(200);
    family.srVersion = (await t.get(`/service-requests/${sr.id}`).expect(200)).body.version;
  });
  afterAll(() => s?.close());

  /** Every operation of service-requests that names the family, with a body that would otherwise be valid. */
  const operations = () =>
    [
      ['GET', `/clients/${family.pwc}`],
      ['GET', `/clients/${family.nrp}`],
      ['PATCH', `/clients/${family.pwc}`, { version: 1, firstName: 'Changed' }],
      ['PUT', `/clients/${family.pwc}/reference-status`, { status: 'Verified', version: 1 }],
      ['POST', '/clients/search', { nino: 'CE123456A' }],
      ['GET', `/clients/${family.pwc}/representatives`],
      [
        'POST',
        `/clients/${family.pwc}/representatives`,
        { caseId: family.caseId, firstName: 'A', lastName: 'B', relationship: 'Friend or family member' },
      ],
      ['DELETE', `/clients/${family.pwc}/representatives/${family.repId}`],
      ['GET', `/cases/${family.caseId}`],
      ['PATCH', `/cases/${family.caseId}`, { version: 1, nationallySensitive: false }],
      [
        'POST',
        '/cases',
        { jurisdiction: 'GB', stage: 'enquiry', participants: [{ clientId: family.nrp, role: 'NRP' }] },
      ],
      [
        'POST',
        '/service-requests',
        {
          type: 'SECURITY_DETAILS',
          source: 'NRP',
          subject: { clientId: family.nrp, role: 'NRP' },
          caseIds: [],
        },
      ],
      ['GET', `/service-requests/${family.srId}`],
      [
        'POST',
        `/service-requests/${family.srId}/transitions`,
        { version: family.srVersion, to: { status: 'Cancelled' } },
      ],
      ['POST', `/service-requests/${family.srId}/notes`, { text: 'peek' }],
      [
        'PUT',
        `/service-requests/${family.srId}/activity-steps/security-details`,
        { version: family.srVersion, outcome: 'Security Details' },
      ],
      ['PATCH', `/service-requests/${family.srId}`, { version: family.srVersion, details: {} }],
      ['PUT', `/service-requests/${family.srId}/transfer-items`, { version: family.srVersion, items: {} }],
      [
        'POST',
        `/service-requests/${family.srId}/security-details/tam-account-check`,
        { version: family.srVersion },
      ],
      ['POST', `/service-requests/${family.srId}/security-details/update`, { version: family.srVersion }],
      ['GET', `/audit/case/${family.caseId}`],
      ['GET', `/audit/client/${family.pwc}`],
      ['GET', `/audit/service-request/${family.srId}`],
    ] as Array<[string, string, object?]>;

  const send = (token: string, [method, path, body]: [string, string, object?]) => {
    const t = as(token);
    switch (method) {
      case 'GET':
        return t.get(path);
      case 'DELETE':
        return t.delete(path);
      case 'POST':
        return t.post(path, body);
      case 'PUT':
        return t.put(path, body);
      default:
        return t.patch(path, body);
    }
  };

  it('[X-1] refuses every operation on the family to a caseworker and a team leader, naming nothing, changing nothing', async () => {
    for (const token of [cw, tl]) {
      for (const op of operations()) {
        const before = await auditRows();
        const res = await send(token, op);
        expect({ op: `${op[0]} ${op[1]}`, status: res.status }).toEqual({
          op: `${op[0]} ${op[1]}`,
          status: 403,
        });
        expect(res.headers['content-type']).toContain('application/problem+json');
        // Nothing of the family beyond the ids the caller gave (the problem's `instance` echoes the path).
        const text = JSON.stringify({ ...res.body, instance: undefined });
        const ids = [family.pwc, family.nrp, family.caseId, family.srId, family.repId];
        for (const secret of [...NAMES, 'CE123456A', 'CE654321B', ...ids]) expect(text).not.toContain(secret);
        expect(await auditRows()).toBe(before);
      }
    }
  });

  it('[X-1] the answer names the rule: Insufficient Access (X-1) for a caseworker', async () => {
    const res = await as(cw).get(`/audit/service-request/${family.srId}`);
    expect(res.body).toMatchObject({ status: 403, title: 'Insufficient Access', requirementId: 'X-1' });
  });

  it('[X-1] serves the same reads to the sensitive case team', async () => {
    for (const op of operations().filter(([m]) => m === 'GET')) {
      expect({ op: op[1], status: (await send(team, op)).status }).toEqual({ op: op[1], status: 200 });
    }
  });

  it('[X-1] [BR-7] listings withhold the family, and never count it', async () => {
    const cases = (await as(cw).get('/cases?limit=200').expect(200)).body;
    expect(cases.items.map((c: { id: string }) => c.id)).not.toContain(family.caseId);
    const all = (await as(team).get('/cases?limit=200').expect(200)).body;
    expect(cases.total).toBe(all.total - 1);
    const srs = (await as(cw).get(`/service-requests?clientId=${family.pwc}`)).body;
    expect(JSON.stringify(srs)).not.toContain(family.srId);
    const queues = (await as(tl).get('/work-queues').expect(200)).body as Array<{ queue: string }>;
    expect(queues.map((q) => q.queue)).not.toContain('sensitive-case-team');
    const queue = await as(cw).get('/work-queues/sensitive-case-team');
    expect(queue.status).toBe(403);
    expect(queue.body.requirementId).toBe('BR-7');
    const teamQueue = (await as(team).get('/work-queues/sensitive-case-team').expect(200)).body;
    expect(teamQueue.items.map((i: { id: string }) => i.id)).toContain(family.srId);
  });

  it('[BR-7] [X-1] a case flagged by the sensitive case team takes its open SRs with it, and no queue counts them', async () => {
    const t = as(team);
    const pwc = (
      await t.post('/clients', { nino: 'CE444444A', firstName: 'Quiet', lastName: 'Case' }).expect(201)
    ).body.id;
    const kase = (
      await t
        .post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [{ clientId: pwc, role: 'PWC' }],
        })
        .expect(201)
    ).body;
    await givenSecuritySetUp(s.security.url, team, pwc);
    const sr = (
      await t
        .post('/service-requests', {
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          reportedBy: { firstName: 'Quiet', lastName: 'Case' },
          subject: { clientId: pwc, role: 'PWC' },
          caseIds: [kase.id],
        })
        .expect(201)
    ).body;
    const count = async () =>
      ((await as(cw).get('/work-queues').expect(200)).body as Array<{ queue: string; open: number }>).find(
        (q) => q.queue === sr.queue,
      )?.open ?? 0;
    const before = await count();
    await t.patch(`/cases/${kase.id}`, { version: kase.version, nationallySensitive: true }).expect(200);
    expect(await count()).toBe(before - 1);
    const moved = (await t.get(`/service-requests/${sr.id}`).expect(200)).body;
    expect(moved).toMatchObject({ queue: 'sensitive-case-team', nationallySensitive: true });
    // [#18] one write path: routed by the SR rules, a new version, and audited on the SR itself.
    expect(moved.version).toBeGreaterThan(sr.version);
    const trail = (await t.get(`/audit/service-request/${sr.id}`).expect(200)).body as Array<{
      action: string;
      before: { queue: string };
      after: { queue: string };
    }>;
    expect(trail.find((a) => a.action === 'marked-nationally-sensitive')).toMatchObject({
      before: { queue: sr.queue },
      after: { queue: 'sensitive-case-team' },
    });
    expect((await as(cw).get(`/service-requests/${sr.id}`)).status).toBe(403);
  });

  it('[SU-6] a client flagged by CIS error code 1 with no case at all is sensitive at once', async () => {
    const lone = (
      await as(cw).post('/clients', { nino: 'CE111111C', firstName: 'Lone', lastName: 'Person' }).expect(201)
    ).body.id;
    await as(system)
      .post(`/clients/${lone}/nationally-sensitive`, { sensitive: true, reason: 'CIS update error code 1' })
      .expect(200);
    expect((await as(cw).get(`/clients/${lone}`)).status).toBe(403);
    expect((await as(cw).get(`/audit/client/${lone}`)).status).toBe(403);
    expect((await as(team).get(`/clients/${lone}`).expect(200)).body.nationallySensitive).toBe(true);
  });

  it('[RD-4] a client under Sensitive Check is for the sensitive case team only', async () => {
    const held = (
      await as(cw).post('/clients', { nino: 'CE222222D', firstName: 'Held', lastName: 'Back' }).expect(201)
    ).body.id;
    await as(system)
      .post(`/clients/${held}/sensitive-check`, { reason: 'CIS answered "Insufficient access level"' })
      .expect(200);
    expect((await as(cw).get(`/clients/${held}`)).status).toBe(403);
    expect((await as(team).get(`/clients/${held}`).expect(200)).body.sensitiveCheck).toBe(true);
  });

  it('[X-1] tells other services which records are sensitive, and only them', async () => {
    const other = (
      await as(cw).post('/clients', { nino: 'CE333333A', firstName: 'Open', lastName: 'Book' }).expect(201)
    ).body.id;
    const body = {
      clients: [family.pwc, other],
      cases: [family.caseId],
      serviceRequests: [family.srId],
      representatives: [family.repId],
    };
    expect((await as(cw).post('/access/sensitivity', body)).status).toBe(403);
    const answer = (await as(system).post('/access/sensitivity', body).expect(200)).body;
    expect(answer).toEqual({
      clients: [family.pwc],
      cases: [family.caseId],
      serviceRequests: [family.srId],
      representatives: [family.repId],
    });
  });

  /**
   * Asks POST /access/sensitivity about every non-empty combination of kinds, `ids(kind, mask)` the
   * ids asked about a kind, and expects the family's record of a kind back exactly when
   * `named(mask)` and the kind was asked about.
   */
  async function askEveryCombination(
    ids: (sensitiveRecord: string, mask: number) => string[],
    named: (mask: number) => boolean,
  ) {
    const sensitive = {
      clients: family.pwc,
      cases: family.caseId,
      serviceRequests: family.srId,
      representatives: family.repId,
    } as const;
    const kinds = Object.keys(sensitive) as Array<keyof typeof sensitive>;
    for (let mask = 1; mask < 1 << kinds.length; mask++) {
      const asked = kinds.filter((_, i) => mask & (1 << i));
      const body = Object.fromEntries(asked.map((k) => [k, ids(sensitive[k], mask)]));
      const answer = (await as(system).post('/access/sensitivity', body).expect(200)).body;
      expect(answer).toEqual(
        Object.fromEntries(kinds.map((k) => [k, asked.includes(k) && named(mask) ? [sensitive[k]] : []])),
      );
    }
  }

  it('[X-1] answers every combination of kinds in one question as it answers each kind alone', async () => {
    const other = (
      await as(cw).post('/clients', { nino: 'CE444444B', firstName: 'Plain', lastName: 'Sight' }).expect(201)
    ).body.id;
    // Each kind asked about with its sensitive record (twice) and a record that is not.
    await askEveryCombination(
      (record) => [record, other, record],
      () => true,
    );
  });

  it('[X-1] answers every combination of kinds asked about with one id each (the one-id statements)', async () => {
    const plain = (
      await as(cw).post('/clients', { nino: 'CE444445B', firstName: 'Only', lastName: 'One' }).expect(201)
    ).body.id;
    // One id a kind: the sensitive record for even masks, a record that is not for odd ones.
    await askEveryCombination(
      (record, mask) => [mask % 2 ? plain : record],
      (mask) => mask % 2 === 0,
    );
  });

  it('[X-1] refuses a malformed question with 400 naming the field, and answers an empty one with nothing', async () => {
    const ask = (body: unknown) =>
      request(s.url)
        .post('/access/sensitivity')
        .auth(system, { type: 'bearer' })
        .set('content-type', 'application/json')
        .send(JSON.stringify(body));
    const refused: Array<[unknown, string]> = [
      [{ clients: [family.pwc, 'not-a-uuid'] }, 'clients[1]'],
      [{ cases: family.caseId }, 'cases'],
      [{ representatives: null }, 'representatives'],
      [{ serviceRequests: [42] }, 'serviceRequests[0]'],
      [{ clients: [family.pwc], nino: 'CE123456A' }, 'nino'],
      [{ cases: Array.from({ length: 1001 }, () => family.caseId) }, 'cases'],
      [[family.pwc], 'body'],
    ];
    for (const [body, field] of refused) {
      const res = await ask(body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toContain(family.pwc);
    }
    for (const empty of [{}, { clients: [] }])
      expect((await ask(empty).expect(200)).body).toEqual({
        cases: [],
        clients: [],
        representatives: [],
        serviceRequests: [],
      });
    await request(s.url).post('/access/sensitivity').auth(system, { type: 'bearer' }).expect(200);
  });

  it('[X-1] a question about one record is planned once, not on every call (issue 17)', async () => {
    // The statement POST /access/sensitivity runs for one client and one representative, as
    // client-security asks on every security check. PostgreSQL keeps a custom plan (planning again at
    // every execution) when it does not trust the generic one; after its five custom plans it must use
    // the generic plan, whatever statistics the tables have.
    const statement = sensitivityStatement([
      { kind: 'client', ids: [family.pwc] },
      { kind: 'representative', ids: [family.pwc] },
    ])!;
    const runner = s.app.get<DataSource>(getDataSourceToken()).createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`PREPARE one_record_question AS ${statement.sql}`);
      const literal = (p: string | readonly string[]) =>
        typeof p === 'string' ? `'${p}'` : `ARRAY[${p.map((id) => `'${id}'`).join(',')}]::uuid[]`;
      for (let i = 0; i < 8; i++)
        await runner.query(`EXECUTE one_record_question(${statement.params.map(literal).join(', ')})`);
      const [plans] = await runner.query(
        `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'one_record_question'`,
      );
      expect(plans).toEqual({ generic_plans: '3', custom_plans: '5' });
    } finally {
      await runner.query('DEALLOCATE ALL').catch(() => undefined);
      await runner.release();
    }
  });
});
