import { Client } from 'pg';
import request from 'supertest';
import { tokenFor } from '@cms/testing';
import {
  givenSecuritySetUp,
  startServiceRequestsWithSecurity,
  TestServiceRequestsWithSecurity,
} from './helpers';

describe('service-requests: SRs through the shared rules, on real PostgreSQL', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  let cw2: string;
  let sct: string;
  let sys: string;
  let pwcId: string;
  let nrpId: string;
  let caseId: string;

  const api = () => request(s.url);
  const advance = (days: number) =>
    api().post('/internal/clock/advance').auth(sys, { type: 'bearer' }).send({ days }).expect(200);
  const sweep = () => api().post('/internal/follow-ups/run').auth(sys, { type: 'bearer' }).expect(200);
  const get = async (id: string, token = cw) =>
    (await api().get(`/service-requests/${id}`).auth(token, { type: 'bearer' }).expect(200)).body;
  const move = (id: string, version: number, body: Record<string, unknown>, token = cw) =>
    api()
      .post(`/service-requests/${id}/transitions`)
      .auth(token, { type: 'bearer' })
      .send({ version, ...body });
  const outcome = (id: string, key: string, version: number, value: string, reason?: string) =>
    api()
      .put(`/service-requests/${id}/activity-steps/${key}`)
      .auth(cw, { type: 'bearer' })
      .send({ version, outcome: value, reason });
  const inDays = async (days: number) => {
    const now = (await api().get('/internal/clock').auth(cw, { type: 'bearer' })).body.now;
    return new Date(Date.parse(now) + days * 86_400_000).toISOString();
  };
  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity({ WORKERS_ENABLED: 'false' });
    [cw, cw2, sct, sys] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['caseworker'], 'cw-2'),
      tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
      tokenFor(['system'], 'cis-interface'),
    ]);
    pwcId = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({
          nino: 'JK123456C',
          firstName: 'Sarah',
          lastName: 'Okafor',
          address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
        })
    ).body.id;
    nrpId = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed' })
    ).body.id;
    caseId = (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [
            { clientId: pwcId, role: 'PWC' },
            { clientId: nrpId, role: 'NRP' },
          ],
        })
    ).body.id;
    // Step 1 of Change - Security Details: security set-up comes before its SR (SD-22).
    await givenSecuritySetUp(s.security.url, cw, pwcId);
  });
  afterAll(() => s?.close());

  const raiseSecurity = async (source = 'PWC') =>
    (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source,
          reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
        .expect(201)
    ).body;

  it('[SD-4] [SD-6] raises a security details SR with its taxonomy, source, linked case and subject', async () => {
    const sr = await raiseSecurity();
    expect(sr).toMatchObject({
      process: 'CofC',
      area: 'Change Personal Info',
      subArea: 'Change Contact/Security Info',
      source: 'PWC',
      status: 'Open',
      caseIds: [caseId],
      subject: { clientId: pwcId, role: 'PWC' },
      queue: 'security-details',
      srNumber: expect.stringMatching(/^1-\d+$/),
    });
  });

  it('answers a raise with exactly what a read of the SR then answers (one statement, no read-back)', async () => {
    const raise = async (body: Record<string, unknown>) =>
      (await api().post('/service-requests').auth(cw, { type: 'bearer' }).send(body).expect(201)).body;
    const shapes: Record<string, unknown>[] = [
      {
        type: 'PERSONAL_DETAILS_CHANGE',
        path: 'address',
        source: 'PWC',
        reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
        subject: { clientId: pwcId, role: 'PWC' },
        caseIds: [caseId],
        note: 'Client rang to report a change of address.',
      },
      {
        type: 'PERSONAL_DETAILS_CHANGE',
        path: 'address',
        source: 'NRP',
        subject: { clientId: nrpId, role: 'NRP' },
        caseIds: [caseId],
      },
      {
        type: 'SECURITY_DETAILS',
        source: 'PWC',
        subject: { clientId: pwcId, role: 'PWC' },
        caseIds: [caseId],
        note: 'Asked to change the PIN.',
      },
    ];
    for (const body of shapes) {
      const raised = await raise(body);
      expect(raised).toEqual(await get(raised.id));
      expect(raised.notes).toHaveLength(body.note ? 1 : 0);
    }
  });

  it('reads an SR, a case and the access check through prepared statements that survive a migration adding or dropping a column', async () => {
    const sr = await raiseSecurity();
    // Enough reads for every pooled connection to have prepared the statements.
    const readAll = () =>
      Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          api()
            .get(i % 2 ? `/service-requests/${sr.id}` : `/cases/${caseId}`)
            .auth(cw, { type: 'bearer' }),
        ),
      );
    expect((await readAll()).map((r) => r.status)).toEqual(Array(24).fill(200));
    const pg = new Client({ connectionString: s.db.url });
    await pg.connect();
    try {
      // What a rolling deploy's migration may do under running replicas: a prepared `sr.*` would
      // now fail ("cached plan must not change result type").
      await pg.query('ALTER TABLE service_request ADD COLUMN later_column text');
      await pg.query('ALTER TABLE "case" ADD COLUMN later_column text');
      expect((await readAll()).map((r) => r.status)).toEqual(Array(24).fill(200));
      await pg.query('ALTER TABLE service_request DROP COLUMN later_column');
      await pg.query('ALTER TABLE "case" DROP COLUMN later_column');
      expect((await readAll()).map((r) => r.status)).toEqual(Array(24).fill(200));
    } finally {
      await pg.end();
    }
  });

  it('takes an SR number only for a raise that passes its checks (refused input uses none)', async () => {
    const body = {
      type: 'PERSONAL_DETAILS_CHANGE',
      path: 'address',
      source: 'PWC',
      subject: { clientId: pwcId, role: 'PWC' },
      caseIds: [caseId],
    };
    const first = (await api().post('/service-requests').auth(cw, { type: 'bearer' }).send(body).expect(201))
      .body;
    const refused = await api()
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({ ...body, subject: { clientId: nrpId, role: 'PWC' } })
      .expect(400);
    expect(refused.body.errors ?? refused.body.problems ?? refused.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'subject', requirementId: 'SD-6' })]),
    );
    await api()
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({ ...body, caseIds: ['6f1c7d1e-0000-4000-8000-000000000000'] })
      .expect(400);
    const next = (await api().post('/service-requests').auth(cw, { type: 'bearer' }).send(body).expect(201))
      .body;
    const n = (sr: { srNumber: string }) => Number(sr.srNumber.slice(2));
    expect(n(next)).toBe(n(first) + 1);
  });

  it('[SD-7] [SD-8] [SD-9] [SD-10] [SD-12] walks the phone path: plan, Security Details, CMSL9800 and Wait 7 days, CMSL9801, then rejection', async () => {
    let sr = await raiseSecurity();
    expect(sr.activityPlan).toEqual([]);
    sr = (await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    expect(sr.activityPlan.length).toBeGreaterThan(3);
    const refused = await move(sr.id, sr.version, {
      to: { status: 'In Progress', subStatus: 'Security Details' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ requirementId: 'SD-8' });
    sr = (await outcome(sr.id, 'security-details', sr.version, 'Security Details').expect(200)).body;
    sr = (
      await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: 'Security Details' } }).expect(
        200,
      )
    ).body;
    // Issue #13: no date now means the rules' seven days; a shorter Wait is what is refused.
    const noDate = await move(sr.id, sr.version, {
      to: { status: 'Wait', subStatus: 'Security Details' },
      reason: 'Account blocked',
      nextActionDue: await inDays(2),
    });
    expect(noDate.status).toBe(400);
    expect(noDate.body.errors[0]).toMatchObject({ field: 'nextActionDue', requirementId: 'SD-9' });
    sr = (
      await move(sr.id, sr.version, {
        to: { status: 'Wait', subStatus: 'Security Details' },
        reason: 'Account blocked after three failed checks',
        nextActionDue: await inDays(7),
      }).expect(200)
    ).body;
    expect(sr.notes.map((n: { text: string }) => n.text)).toContain(
      'Account blocked after three failed checks',
    );
    expect(sr.activityPlan.find((st: { key: string }) => st.key === 'cmsl9800').outcome).toBe('Issued');

    await sweep();
    expect((await get(sr.id)).status).toBe('Wait');
    await advance(8);
    await sweep();
    sr = await get(sr.id);
    expect(sr.status).toBe('Wait');
    expect(sr.activityPlan.find((st: { key: string }) => st.key === 'cmsl9801').outcome).toBe('Issued');
    await advance(8);
    await sweep();
    sr = await get(sr.id);
    expect(sr).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CoC Rejected' });
    const audit = (await api().get(`/audit/service-request/${sr.id}`).auth(cw, { type: 'bearer' })).body;
    expect(audit.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining([
        'raised',
        'transition:start',
        'activity-outcome',
        'transition:wait',
        'transition:remind',
        'transition:reject-no-response',
      ]),
    );
  });

  it('refuses an illegal transition with the rule and changes nothing; a stale version gets 409', async () => {
    const sr = await raiseSecurity();
    const bad = await move(sr.id, sr.version, {
      to: { status: 'Closed', subStatus: 'Complete' },
      resolutionCode: 'CofC Accepted',
    });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ code: 'NO_SUCH_TRANSITION' });
    expect(bad.body.allowedNext).toBeDefined();
    const unknown = await move(sr.id, sr.version, { to: { status: 'Sleeping', subStatus: null } });
    expect(unknown.status).toBe(400);
    const started = (
      await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)
    ).body;
    const stale = await move(sr.id, sr.version, {
      to: { status: 'Cancelled', subStatus: null },
      resolutionCode: 'Withdrawn',
      reason: 'x',
    });
    expect(stale.status).toBe(409);
    expect((await get(sr.id)).status).toBe(started.status);
  });

  it('[SD-5] a Self Service SR must be actioned within 24 hours and shows as breached after', async () => {
    const sr = await raiseSecurity('PWC (Self Service)');
    expect(sr.path).toBe('self-service');
    expect(sr.queue).toBe('self-service');
    expect(Date.parse(sr.sla.dueAt) - Date.parse(sr.createdAt)).toBeCloseTo(24 * 3600_000, -5);
    expect(sr.sla.state).toBe('on time');
    await advance(2);
    const page = (await api().get('/work-queues/self-service').auth(cw, { type: 'bearer' }).expect(200)).body;
    expect(page.items.find((i: { id: string }) => i.id === sr.id).slaState).toBe('breached');
  });

  it('[BR-5] matches NINOs to live cases in one call', async () => {
    const res = await api()
      .post('/cis-matches')
      .auth(sys, { type: 'bearer' })
      .send({
        references: [
          { referenceKind: 'NINO', reference: 'jk 12 34 56 c' },
          { referenceKind: 'NINO', reference: 'CE123456A' },
        ],
      })
      .expect(200);
    expect(res.body.matches[0]).toMatchObject({
      clientId: pwcId,
      cases: [expect.objectContaining({ caseId, role: 'PWC', stage: 'maintenance' })],
    });
    expect(res.body.matches[1]).toMatchObject({ clientId: null, cases: [] });
    await api().post('/cis-matches').auth(cw, { type: 'bearer' }).send({ references: [] }).expect(403);
  });

  it('[BR-6] [BR-9] raises CIS SRs idempotently; a change CMS already holds is closed with a note', async () => {
    const items = [
      {
        idempotencyKey: 'tx-1',
        type: 'CIS_CHANGE',
        source: 'CIS',
        subject: { clientId: nrpId, role: 'NRP' },
        caseIds: [caseId],
        changeType: 'NAME_CORRECTION',
        change: { type: 'NAME_CORRECTION', firstName: 'Thomas', lastName: 'Reed' },
      },
      {
        idempotencyKey: 'tx-2',
        type: 'CIS_CHANGE',
        source: 'CIS',
        subject: { clientId: pwcId, role: 'PWC' },
        caseIds: [caseId],
        changeType: 'ADDRESS_CHANGE',
        change: {
          type: 'ADDRESS_CHANGE',
          address: { line1: '12 ACACIA AVENUE', town: 'Leeds', postcode: 'ls14ap' },
          addressStartDate: '2024-01-01',
        },
      },
    ];
    const first = (
      await api().post('/service-requests/batch').auth(sys, { type: 'bearer' }).send({ items }).expect(200)
    ).body.results;
    expect(first.map((r: { created: boolean }) => r.created)).toEqual([true, true]);
    expect(first[0]).toMatchObject({ status: 'Open', queue: 'cis-changes' });
    expect(first[1]).toMatchObject({ status: 'Cancelled' });
    const closed = await get(first[1].id);
    expect(closed.resolutionCode).toBe('No Change Required');
    expect(closed.notes[0].text).toMatch(/matches what CMS already holds/);
    // Every column the batch wrote reads back as sent (the rows go to PostgreSQL as one JSON text).
    const open = await get(first[0].id);
    expect(open).toMatchObject({
      srNumber: first[0].srNumber,
      type: 'CIS_CHANGE',
      source: 'CIS',
      status: 'Open',
      queue: 'cis-changes',
      subject: { clientId: nrpId, role: 'NRP' },
      caseIds: [caseId],
      changeType: 'NAME_CORRECTION',
      details: { change: items[0].change },
      readOnly: false,
      reportedBy: null,
      owner: null,
      nationallySensitive: false,
    });
    expect(new Date(open.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(new Date(open.sla.dueAt).getTime()).toBeGreaterThan(new Date(open.createdAt).getTime());
    expect(new Date(closed.notes[0].createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const again = (
      await api().post('/service-requests/batch').auth(sys, { type: 'bearer' }).send({ items }).expect(200)
    ).body.results;
    expect(again.map((r: { created: boolean; id: string }) => [r.created, r.id])).toEqual(
      first.map((r: { id: string }) => [false, r.id]),
    );
    await api().post('/service-requests/batch').auth(cw, { type: 'bearer' }).send({ items }).expect(403);
  });

  it('[BR-7] [X-1] a nationally sensitive status update flags the cases and routes to the sensitive case team only', async () => {
    const res = await api()
      .post('/service-requests/batch')
      .auth(sys, { type: 'bearer' })
      .send({
        items: [
          {
            idempotencyKey: 'tx-ns',
            type: 'NATIONALLY_SENSITIVE_UPDATE',
            source: 'CIS',
            subject: { clientId: nrpId, role: 'NRP' },
            caseIds: [caseId],
            changeType: 'NATIONALLY_SENSITIVE_STATUS',
            change: { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true },
          },
        ],
      })
      .expect(200);
    const id = res.body.results[0].id;
    expect(res.body.results[0].queue).toBe('sensitive-case-team');
    const denied = await api().get(`/service-requests/${id}`).auth(cw, { type: 'bearer' });
    expect(denied.status).toBe(403);
    expect(denied.body.title).toBe('Insufficient Access');
    expect((await get(id, sct)).nationallySensitive).toBe(true);
    expect((await api().get(`/cases/${caseId}`).auth(cw, { type: 'bearer' })).status).toBe(403);
    await api().get('/work-queues/sensitive-case-team').auth(cw, { type: 'bearer' }).expect(403);
    const queue = (
      await api().get('/work-queues/sensitive-case-team').auth(sct, { type: 'bearer' }).expect(200)
    ).body;
    expect(queue.items.map((i: { id: string }) => i.id)).toContain(id);
    // Open SRs of the case followed it to the sensitive case team.
    const cisQueue = (await api().get('/work-queues/cis-changes').auth(cw2, { type: 'bearer' }).expect(200))
      .body;
    expect(cisQueue.items).toEqual([]);
  });

  it('[RD-4] Sensitive Check raises one call back SR for the sensitive case team', async () => {
    const res = await api()
      .post(`/clients/${pwcId}/sensitive-check`)
      .auth(sys, { type: 'bearer' })
      .send({ reason: 'Insufficient access level' })
      .expect(200);
    const again = await api()
      .post(`/clients/${pwcId}/sensitive-check`)
      .auth(sys, { type: 'bearer' })
      .send({ reason: 'Insufficient access level' })
      .expect(200);
    expect(again.body.serviceRequestId).toBe(res.body.serviceRequestId);
    const sr = await get(res.body.serviceRequestId, sct);
    expect(sr).toMatchObject({ type: 'SENSITIVE_CALL_BACK', queue: 'sensitive-case-team' });
    expect((await api().get(`/clients/${pwcId}`).auth(sct, { type: 'bearer' })).body.sensitiveCheck).toBe(
      true,
    );
  });

  it('lists queues with counts and pages a queue by breach time with a cursor', async () => {
    const queues = (await api().get('/work-queues').auth(sct, { type: 'bearer' }).expect(200)).body;
    expect(queues.map((q: { queue: string }) => q.queue)).toContain('sensitive-case-team');
    const first = (
      await api().get('/work-queues/sensitive-case-team?limit=1').auth(sct, { type: 'bearer' }).expect(200)
    ).body;
    expect(first.items).toHaveLength(1);
    const second = (
      await api()
        .get(`/work-queues/sensitive-case-team?limit=1&after=${first.nextCursor}`)
        .auth(sct, { type: 'bearer' })
        .expect(200)
    ).body;
    expect(second.items[0]?.id).not.toBe(first.items[0].id);
    expect(Date.parse(second.items[0].dueAt)).toBeGreaterThanOrEqual(Date.parse(first.items[0].dueAt));
    await api().get('/work-queues/nope').auth(cw, { type: 'bearer' }).expect(400);
  });
});
