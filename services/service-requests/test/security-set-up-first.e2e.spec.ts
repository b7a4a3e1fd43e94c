import request from 'supertest';
import { DataSource } from 'typeorm';
import { freePort, tokenFor } from '@cms/testing';
// Test-only: the real client-security service, started beside service-requests (never a mock).
import { startClientSecurity, TestClientSecurity } from '../../client-security/test/helpers';
import { givenParentsOnCase, startServiceRequests, TestServiceRequests } from './helpers';

/**
 * Change - Security Details, step 1: "Check if the client has set up their security details prior to
 * raising an SR; if this has not been done, see Security set up" (SD-22). service-requests asks
 * client-security when a Change Contact/Security Info SR is raised, whatever the channel (SD-5).
 */
describe('[SD-22] security set-up before a Change Contact/Security Info SR', () => {
  let sr: TestServiceRequests;
  let cs: TestClientSecurity;
  let cw: string;
  let portal: string;
  let family: { pwcId: string; nrpId: string; caseId: string };
  const api = () => request(sr.url);

  /** Rows service-requests holds for an SR about `clientId`, and audit rows of SRs (nothing else raised here). */
  async function written(db: DataSource, clientId: string): Promise<{ srs: number; audit: number }> {
    const [{ srs }] = await db.query(
      `SELECT count(*)::int AS srs FROM service_request WHERE subject_client_id = $1`,
      [clientId],
    );
    const [{ audit }] = await db.query(
      `SELECT count(*)::int AS audit FROM audit_log a JOIN service_request s ON s.id::text = a.entity_id
        WHERE a.entity_type = 'service-request' AND s.subject_client_id = $1`,
      [clientId],
    );
    const [{ orphans }] = await db.query(
      `SELECT count(*)::int AS orphans FROM audit_log a
        WHERE a.entity_type = 'service-request' AND NOT EXISTS (SELECT 1 FROM service_request s WHERE s.id::text = a.entity_id)`,
    );
    return { srs, audit: audit + orphans };
  }

  const raise = (token: string, subject: { clientId: string; role: string } | undefined, source: string) =>
    api()
      .post('/service-requests')
      .auth(token, { type: 'bearer' })
      .send({
        type: 'SECURITY_DETAILS',
        source,
        reportedBy: { firstName: 'Tom', lastName: 'Reed' },
        ...(subject ? { subject } : {}),
        caseIds: [family.caseId],
        note: 'Client rang to change their PIN.',
      });

  const setUp = (clientId: string) =>
    request(cs.url)
      .post(`/clients/${clientId}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '2468135', password: 'Kestrel Way 9' })
      .expect(201);

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
    cw = await tokenFor(['caseworker'], 'cw-sd22');
    portal = await tokenFor(['system'], 'self-service-portal');
    family = await givenParentsOnCase(sr.url, cw, {
      pwc: { nino: 'JK223344A', firstName: 'Amara', lastName: 'Reed' },
      nrp: { nino: 'JK223345B', firstName: 'Tom', lastName: 'Reed' },
    });
  });
  afterAll(async () => {
    await cs?.close();
    await sr?.close();
  });

  it('[SD-22] [SD-4] refused for a client who never set up security: 422 naming SD-22 and security set-up, nothing written, no audit row; raised once set up', async () => {
    const db = sr.app.get(DataSource);
    const subject = { clientId: family.nrpId, role: 'NRP' };
    const before = await written(db, family.nrpId);
    const refused = await raise(cw, subject, 'NRP');
    expect(refused.status).toBe(422);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'SECURITY_DETAILS_NOT_SET_UP',
      requirementId: 'SD-22',
    });
    expect(refused.body.detail).toMatch(/security set-up/i);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'subject', requirementId: 'SD-22' }),
    ]);
    expect(await written(db, family.nrpId)).toEqual(before);
    const listed = await api()
      .get('/service-requests')
      .query({ clientId: family.nrpId })
      .auth(cw, { type: 'bearer' })
      .expect(200);
    expect(listed.body).toEqual([]);

    await setUp(family.nrpId);
    const raised = await raise(cw, subject, 'NRP').expect(201);
    expect(raised.body).toMatchObject({ type: 'SECURITY_DETAILS', subject, source: 'NRP' });
    expect(await written(db, family.nrpId)).toEqual({ srs: before.srs + 1, audit: before.audit + 1 });
  });

  it('[SD-22] [SD-5] the Self Service Site is held to the same check: refused before set-up, raised at step 3 after', async () => {
    const subject = { clientId: family.pwcId, role: 'PWC' };
    const refused = await raise(portal, subject, 'PWC (Self Service)');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'SECURITY_DETAILS_NOT_SET_UP', requirementId: 'SD-22' });
    expect(await written(sr.app.get(DataSource), family.pwcId)).toMatchObject({ srs: 0 });

    await setUp(family.pwcId);
    const raised = await raise(portal, subject, 'PWC (Self Service)').expect(201);
    expect(raised.body).toMatchObject({ path: 'self-service', source: 'PWC (Self Service)', subject });
  });

  it('[SD-22] [SD-6] a Change Contact/Security Info SR names its subject when raised: whose set-up to check', async () => {
    const res = await raise(cw, undefined, 'PWC');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'subject', rule: 'required', requirementId: 'SD-22' }),
    ]);
  });

  it('[SD-22] the subject cannot be changed afterwards to someone who never set up security', async () => {
    const other = await givenParentsOnCase(sr.url, cw, {
      pwc: { nino: 'JK223346C', firstName: 'Ola', lastName: 'Set' },
      nrp: { nino: 'JK223347D', firstName: 'Ben', lastName: 'Unset' },
    });
    await setUp(other.pwcId);
    const s = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          subject: { clientId: other.pwcId, role: 'PWC' },
          caseIds: [other.caseId],
        })
        .expect(201)
    ).body;
    const swap = await api()
      .patch(`/service-requests/${s.id}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version, subject: { clientId: other.nrpId, role: 'NRP' } });
    expect(swap.status).toBe(422);
    expect(swap.body).toMatchObject({ code: 'SECURITY_DETAILS_NOT_SET_UP', requirementId: 'SD-22' });
    const after = (await api().get(`/service-requests/${s.id}`).auth(cw, { type: 'bearer' }).expect(200))
      .body;
    expect(after).toMatchObject({ version: s.version, subject: { clientId: other.pwcId, role: 'PWC' } });
  });
});

describe('[SD-22] client-security cannot be reached', () => {
  let sr: TestServiceRequests;
  let cw: string;
  let family: { pwcId: string; nrpId: string; caseId: string };

  beforeAll(async () => {
    // A port nothing listens on: every call to client-security fails to connect.
    sr = await startServiceRequests({
      CLIENT_SECURITY_URL: `http://127.0.0.1:${await freePort()}`,
      WORKERS_ENABLED: 'false',
    });
    cw = await tokenFor(['caseworker'], 'cw-sd22-down');
    family = await givenParentsOnCase(sr.url, cw, {
      pwc: { nino: 'JK223348A', firstName: 'Ada', lastName: 'Down' },
      nrp: { nino: 'JK223349B', firstName: 'Cy', lastName: 'Down' },
    });
  });
  afterAll(async () => {
    await sr?.close();
  });

  it('[SD-22] 503 and nothing raised: never raised on a guess; our own checks still answer first; other SR types do not ask', async () => {
    const res = await request(sr.url)
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({
        type: 'SECURITY_DETAILS',
        source: 'PWC',
        subject: { clientId: family.pwcId, role: 'PWC' },
        caseIds: [family.caseId],
      });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const db = sr.app.get(DataSource);
    expect(await db.query(`SELECT id FROM service_request`)).toEqual([]);
    expect(await db.query(`SELECT id FROM audit_log WHERE entity_type = 'service-request'`)).toEqual([]);

    // Our own checks come first: a subject not on the case is refused as such (SD-6), never 503.
    const stranger = await request(sr.url)
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({
        type: 'SECURITY_DETAILS',
        source: 'NRP',
        subject: { clientId: family.pwcId, role: 'NRP' },
        caseIds: [family.caseId],
      });
    expect(stranger.status).toBe(400);
    expect(stranger.body.errors).toEqual([
      expect.objectContaining({ field: 'subject', rule: 'participant', requirementId: 'SD-6' }),
    ]);

    await request(sr.url)
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({
        type: 'DATA_TRANSFER',
        path: 'contact-details',
        source: 'PWC',
        subject: { clientId: family.pwcId, role: 'PWC' },
        caseIds: [family.caseId],
      })
      .expect(201);
  });
});
