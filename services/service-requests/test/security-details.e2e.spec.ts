import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort, tokenFor, eventually } from '@cms/testing';
// Test-only: the real client-security service, started beside service-requests (never a mock).
import { startClientSecurity, TestClientSecurity } from '../../client-security/test/helpers';
import { startServiceRequests, TestServiceRequests } from './helpers';

describe('Change - Security Details across service-requests and client-security', () => {
  let sr: TestServiceRequests;
  let cs: TestClientSecurity;
  let cw: string;
  let clientId: string;
  let noDetailsClientId: string;
  let caseId: string;
  const api = () => request(sr.url);
  const move = (id: string, version: number, body: Record<string, unknown>) =>
    api()
      .post(`/service-requests/${id}/transitions`)
      .auth(cw, { type: 'bearer' })
      .send({ version, ...body });
  const outcome = async (id: string, version: number, key: string, value: string, reason?: string) =>
    (
      await api()
        .put(`/service-requests/${id}/activity-steps/${key}`)
        .auth(cw, { type: 'bearer' })
        .send({ version, outcome: value, reason })
        .expect(200)
    ).body;
  const check = (pin: string) =>
    request(cs.url)
      .post(`/clients/${clientId}/security-check`)
      .auth(cw, { type: 'bearer' })
      .send({ channel: 'phone', pin });

  beforeAll(async () => {
    const [srPort, csPort] = await Promise.all([freePort(), freePort()]);
    [sr, cs] = await Promise.all([
      startServiceRequests({
        PORT: String(srPort),
        CLIENT_SECURITY_URL: `http://127.0.0.1:${csPort}`,
        WORKERS_ENABLED: 'false',
      }),
      startClientSecurity({ PORT: String(csPort), SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` }),
    ]);
    cw = await tokenFor(['caseworker'], 'cw-1');
    clientId = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor', mobilePhone: '07700 900123' })
    ).body.id;
    noDetailsClientId = (
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
            { clientId, role: 'PWC' },
            { clientId: noDetailsClientId, role: 'NRP' },
          ],
        })
    ).body.id;
    await request(cs.url)
      .post(`/clients/${clientId}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '1234567', password: 'Bluebell42' })
      .expect(201);
  });
  afterAll(async () => {
    await cs?.close();
    await sr?.close();
  });

  async function raise(subject = clientId, role = 'PWC') {
    return (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: role,
          subject: { clientId: subject, role },
          caseIds: [caseId],
        })
        .expect(201)
    ).body;
  }

  /** Brings an SR to Assess Outcome Of Change after a returned CMSL9800 (steps 5–10). */
  async function toAssess(subject = clientId, role = 'PWC') {
    let s = await raise(subject, role);
    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'security-details', 'Security Details');
    s = (
      await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'Security Details' } }).expect(
        200,
      )
    ).body;
    s = (
      await move(s.id, s.version, {
        to: { status: 'Wait', subStatus: 'Security Details' },
        reason: 'Account blocked after three failed checks; CMSL9800 sent',
        nextActionDue: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      }).expect(200)
    ).body;
    s = await outcome(s.id, s.version, 'information-received', 'Information Provided');
    return (
      await move(s.id, s.version, {
        to: { status: 'In Progress', subStatus: 'Assess Outcome Of Change' },
      }).expect(200)
    ).body;
  }

  it('[SD-2] [SD-11] [SD-13] [SD-14] [SD-16] [X-2] blocked, unblocked, PIN changed, confirmed by SMS, closed CofC Accepted', async () => {
    for (const pin of ['7654321', '7654321', '7654321']) await check(pin);
    expect(
      (await request(cs.url).get(`/clients/${clientId}/security-details`).auth(cw, { type: 'bearer' })).body
        .blocked,
    ).toBe(true);
    let s = await toAssess();
    const early = await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'CofC Accept' } });
    expect(early.status).toBe(422);
    expect(early.body.requirementId).toBe('SD-11');

    const unverified = await api()
      .post(`/service-requests/${s.id}/security-details/tam-account-check`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version });
    expect(unverified.status).toBe(400);
    s = (
      await api()
        .post(`/service-requests/${s.id}/security-details/tam-account-check`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, verifiedBy: 'CMSL9800 returned' })
        .expect(200)
    ).body;
    expect(s.activityPlan.find((x: { key: string }) => x.key === 'tam-account-check').outcome).toBe(
      'Unblocked',
    );
    expect(
      (await request(cs.url).get(`/clients/${clientId}/security-details`).auth(cw, { type: 'bearer' })).body
        .blocked,
    ).toBe(false);

    const zeroes = await api()
      .post(`/service-requests/${s.id}/security-details/update`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version, pin: '0000000' });
    expect(zeroes.status).toBe(400);
    expect(JSON.stringify(zeroes.body)).toContain('SD-1');
    // client-security refused after the SR recorded the step: that record rolled back with it.
    const unchanged = (await api().get(`/service-requests/${s.id}`).auth(cw, { type: 'bearer' })).body;
    expect(unchanged.version).toBe(s.version);
    expect(
      unchanged.activityPlan.find((x: { key: string }) => x.key === 'update-security-details').outcome,
    ).toBe(null);
    const auditBefore = (await api().get(`/audit/service-request/${s.id}`).auth(cw, { type: 'bearer' })).body;
    expect(auditBefore.map((a: { action: string }) => a.action)).not.toContain('security-details-updated');
    s = (
      await api()
        .post(`/service-requests/${s.id}/security-details/update`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, pin: '4820193' })
        .expect(200)
    ).body;
    expect(s.activityPlan.find((x: { key: string }) => x.key === 'update-security-details').outcome).toBe(
      'Updated',
    );
    expect((await check('4820193')).body.result).toBe('pass');
    // client-security's audit names service-requests and the caseworker it acted for.
    const csAudit = (
      await request(cs.url).get(`/audit/client/${clientId}`).auth(cw, { type: 'bearer' }).expect(200)
    ).body as Array<{ action: string; actorId: string; onBehalfOf: string | null }>;
    for (const action of ['account-unblocked', 'security-details-changed']) {
      expect(csAudit.find((r) => r.action === action)).toMatchObject({
        actorId: 'service-requests',
        onBehalfOf: 'cw-1',
      });
    }

    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'CofC Accept' } }).expect(200))
      .body;
    expect(s.activityPlan.find((x: { key: string }) => x.key === 'confirm-update').outcome).toBe('SMS Sent');
    const jobs = await sr.app
      .get(DataSource)
      .query(
        `SELECT data->'payload'->>'letter' AS letter FROM pgboss.job WHERE name = 'sr.issue-letter' AND data->'payload'->>'serviceRequestId' = $1`,
        [s.id],
      );
    expect(jobs.map((j: { letter: string }) => j.letter).sort()).toEqual([
      'CMSL9800',
      'SMS_SECURITY_DETAILS_UPDATED',
    ]);
    s = (
      await move(s.id, s.version, {
        to: { status: 'Closed', subStatus: 'Complete' },
        resolutionCode: 'CofC Accepted',
      }).expect(200)
    ).body;
    expect(s).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CofC Accepted' });
    // Secrets never reach service-requests' logs or audit.
    expect(sr.logs.text()).not.toContain('4820193');
    const audit = (await api().get(`/audit/service-request/${s.id}`).auth(cw, { type: 'bearer' })).body;
    expect(JSON.stringify(audit)).not.toContain('4820193');
  });

  it('[SD-17] declines with the reason: CoC Declined, CofC Declined, closed CoC Rejected', async () => {
    let s = await toAssess();
    const noOutcome = await move(s.id, s.version, {
      to: { status: 'In Progress', subStatus: 'CofC Declined' },
      reason: 'Form not signed',
    });
    expect(noOutcome.status).toBe(422);
    s = await outcome(s.id, s.version, 'decline', 'CoC Declined', 'The form was not signed by the client');
    s = (
      await move(s.id, s.version, {
        to: { status: 'In Progress', subStatus: 'CofC Declined' },
        reason: 'The form was not signed by the client',
      }).expect(200)
    ).body;
    s = (
      await move(s.id, s.version, {
        to: { status: 'Closed', subStatus: 'Complete' },
        resolutionCode: 'CoC Rejected',
      }).expect(200)
    ).body;
    expect(s).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CoC Rejected' });
  });

  it('[SD-6] [SD-11] the subject cannot be swapped after the TAM account check: no PIN changes on another person’s verification', async () => {
    let s = await toAssess();
    s = (
      await api()
        .post(`/service-requests/${s.id}/security-details/tam-account-check`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, verifiedBy: 'CMSL9800 returned' })
        .expect(200)
    ).body;
    const swap = await api()
      .patch(`/service-requests/${s.id}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version, subject: { clientId: noDetailsClientId, role: 'NRP' } });
    expect(swap.status).toBe(422);
    expect(swap.body).toMatchObject({ code: 'SUBJECT_LOCKED', requirementId: 'SD-6' });
    const recase = await api()
      .patch(`/service-requests/${s.id}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version, caseIds: [] });
    expect(recase.status).toBe(422);
    const after = (await api().get(`/service-requests/${s.id}`).auth(cw, { type: 'bearer' }).expect(200))
      .body;
    expect(after).toMatchObject({ version: s.version, subject: { clientId, role: 'PWC' } });
  });

  it('[SD-22] a client without security details is sent to security set-up: the SR is not raised', async () => {
    const res = await api()
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({
        type: 'SECURITY_DETAILS',
        source: 'NRP',
        subject: { clientId: noDetailsClientId, role: 'NRP' },
        caseIds: [caseId],
      });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'SECURITY_DETAILS_NOT_SET_UP', requirementId: 'SD-22' });
    const listed = await api()
      .get('/service-requests')
      .query({ clientId: noDetailsClientId })
      .auth(cw, { type: 'bearer' })
      .expect(200);
    expect(listed.body).toEqual([]);
  });

  it('[SD-11] [SD-14] [X-2] the TAM account check and the update are recorded through the SR’s checked outcome path, audited on the SR', async () => {
    let s = await toAssess();
    s = (
      await api()
        .post(`/service-requests/${s.id}/security-details/tam-account-check`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, verifiedBy: 'CMSL9800 returned' })
        .expect(200)
    ).body;
    s = (
      await api()
        .post(`/service-requests/${s.id}/security-details/update`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, password: 'Snowdrop77' })
        .expect(200)
    ).body;
    const audit = (await api().get(`/audit/service-request/${s.id}`).auth(cw, { type: 'bearer' }))
      .body as Array<{
      action: string;
      after: { step?: string; outcome?: string } | null;
    }>;
    const outcomes = audit.filter((a) => a.action === 'activity-outcome').map((a) => a.after);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'tam-account-check', outcome: expect.any(String) }),
        expect.objectContaining({ step: 'update-security-details', outcome: 'Updated' }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('Snowdrop77');
  });

  it('[SD-2] a block reported by client-security raised the call back SR in service-requests', async () => {
    const found = await eventually(async () => {
      const list = (await api().get('/service-requests').query({ clientId }).auth(cw, { type: 'bearer' }))
        .body as Array<{ source: string; notes: { text: string }[] }>;
      return list.find((x) => x.source === 'PWC' && x.notes.some((n) => /TAM account blocked/.test(n.text)));
    });
    expect(found).toBeDefined();
  });
});

describe('request ids across services', () => {
  let sr: TestServiceRequests;
  let cs: TestClientSecurity;
  beforeAll(async () => {
    const [srPort, csPort] = await Promise.all([freePort(), freePort()]);
    [sr, cs] = await Promise.all([
      startServiceRequests({
        PORT: String(srPort),
        CLIENT_SECURITY_URL: `http://127.0.0.1:${csPort}`,
        WORKERS_ENABLED: 'false',
      }),
      startClientSecurity({ PORT: String(csPort), SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` }),
    ]);
  });
  afterAll(async () => {
    await cs?.close();
    await sr?.close();
  });

  it('a request id sent in comes back and shows in the logs of both services of one call; the PIN in the body shows in neither', async () => {
    const cw = await tokenFor(['caseworker'], 'cw-9');
    const client = (
      await request(sr.url)
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'CE123456A', firstName: 'Amy', lastName: 'Log' })
    ).body;
    const kase = (
      await request(sr.url)
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({
          jurisdiction: 'NI',
          stage: 'maintenance',
          participants: [{ clientId: client.id, role: 'PWC' }],
        })
    ).body;
    await request(cs.url)
      .post(`/clients/${client.id}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '1234567', password: 'Bluebell42' })
      .expect(201);
    const s = (
      await request(sr.url)
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          subject: { clientId: client.id, role: 'PWC' },
          caseIds: [kase.id],
        })
    ).body;
    const res = await request(sr.url)
      .post(`/service-requests/${s.id}/security-details/update`)
      .auth(cw, { type: 'bearer' })
      .set('x-request-id', 'req-cross-service-42')
      .send({ version: s.version, pin: '9081726' });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('req-cross-service-42');
    await eventually(async () => cs.logs.text().includes('req-cross-service-42'));
    expect(sr.logs.text()).toContain('req-cross-service-42');
    for (const logs of [sr.logs.text(), cs.logs.text()]) {
      expect(logs).not.toContain('9081726');
      expect(logs).not.toMatch(/CE\s?12\s?34\s?56\s?A/);
    }
  });
});
