import request from 'supertest';
import { tokenFor } from '@cms/testing';
import { startServiceRequests, TestServiceRequests } from './helpers';

const validClient = {
  nino: 'jk 12 34 56 c',
  firstName: 'Sarah',
  lastName: 'Okafor',
  dateOfBirth: '1988-04-17',
  address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'ls1 4ap' },
  mobilePhone: '07700 900123',
  homeEmail: 'sarah@example.com',
};

describe('service-requests: clients and cases over HTTP on real PostgreSQL', () => {
  let s: TestServiceRequests;
  let cw: string;
  let sensitive: string;
  let tl: string;

  beforeAll(async () => {
    s = await startServiceRequests();
    cw = await tokenFor(['caseworker'], 'cw-1');
    sensitive = await tokenFor(['caseworker', 'sensitive-access'], 'sct-1');
    tl = await tokenFor(['team-leader'], 'tl-1');
  });
  afterAll(() => s.close());

  it('401 problem+json without a token', async () => {
    const res = await request(s.url).get('/cases');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', title: 'Unauthorized' });
    expect(res.body.requestId).toBeDefined();
  });

  it('401 with a token signed by another key', async () => {
    const forged = (await tokenFor(['caseworker'])).replace(/\.[^.]+$/, '.AAAA');
    const res = await request(s.url).get('/cases').auth(forged, { type: 'bearer' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it('403 problem+json with the wrong role, and nothing written', async () => {
    const res = await request(s.url).post('/clients').auth(tl, { type: 'bearer' }).send(validClient);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'ROLE_REQUIRED', status: 403 });
  });

  it('400 on malformed JSON, never 500', async () => {
    const res = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .set('content-type', 'application/json')
      .send('{"firstName": "Sarah",');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.detail).toMatch(/JSON/);
  });

  it('400 naming the field and rule for an invalid NINO, with nothing written', async () => {
    const res = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .send({ ...validClient, nino: 'QQ123456E' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'nino', rule: 'nino-format' })]),
    );
    const search = await request(s.url)
      .post('/clients/search')
      .auth(cw, { type: 'bearer' })
      .send({ nino: 'QQ123456E' });
    expect(search.status).toBe(400);
  });

  it('400 for an unknown field and for a wrong type', async () => {
    const unknown = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .send({ ...validClient, favouriteColour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      expect.objectContaining({ field: 'favouriteColour', rule: 'unknown-field' }),
    ]);
    const wrongType = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .send({ ...validClient, firstName: 42 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0]).toMatchObject({ field: 'firstName', rule: 'isString' });
  });

  it('413 problem+json for a body over the limit', async () => {
    const res = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .send({ ...validClient, lastName: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  let clientId: string;
  let childId: string;
  let otherParentId: string;

  it('201 creates a client with its NINO normalised, and audits it', async () => {
    const res = await request(s.url).post('/clients').auth(cw, { type: 'bearer' }).send(validClient);
    expect(res.body).toMatchObject({ id: expect.any(String) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      nino: 'JK123456C',
      referenceStatus: 'Unverified',
      address: { postcode: 'LS1 4AP' },
      mobilePhone: '+447700900123',
      version: 1,
    });
    clientId = res.body.id;
    const dup = await request(s.url).post('/clients').auth(cw, { type: 'bearer' }).send(validClient);
    expect(dup.status).toBe(409);
    const audit = await request(s.url).get(`/audit/client/${clientId}`).auth(cw, { type: 'bearer' });
    expect(audit.body).toEqual([
      expect.objectContaining({ action: 'created', actorId: 'cw-1', source: 'api' }),
    ]);
    childId = (
      await request(s.url)
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ crn: 'TC 12 34 56 A', firstName: 'Ada', lastName: 'Okafor', dateOfBirth: '2016-05-01' })
    ).body.id;
    otherParentId = (
      await request(s.url)
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed' })
    ).body.id;
  });

  it('[X-2] the audit names whom a system caller acted for (x-on-behalf-of), and ignores it from anyone else', async () => {
    const sys = await tokenFor(['system'], 'cis-interface');
    const made = async (token: string, onBehalfOf: string) =>
      (
        await request(s.url)
          .post('/clients')
          .auth(token, { type: 'bearer' })
          .set('x-on-behalf-of', onBehalfOf)
          .send({ firstName: 'Kim', lastName: 'Audit' })
          .expect(201)
      ).body.id as string;
    const trail = async (id: string) =>
      (await request(s.url).get(`/audit/client/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body[0];
    expect(await trail(await made(sys, 'cw-1042'))).toMatchObject({
      actorId: 'cis-interface',
      onBehalfOf: 'cw-1042',
    });
    // A person cannot put another person's name on their change.
    expect(await trail(await made(cw, 'tl-9999'))).toMatchObject({ actorId: 'cw-1', onBehalfOf: null });
    // Nor can a system caller smuggle anything but a staff id.
    expect(await trail(await made(sys, 'x'.repeat(200)))).toMatchObject({ onBehalfOf: null });
  });

  it('opens a case with participants and reads and lists it', async () => {
    const res = await request(s.url)
      .post('/cases')
      .auth(cw, { type: 'bearer' })
      .send({
        jurisdiction: 'GB',
        stage: 'maintenance',
        participants: [
          { clientId, role: 'PWC' },
          { clientId: otherParentId, role: 'NRP' },
          { clientId: childId, role: 'QC' },
        ],
      });
    expect(res.status).toBe(201);
    expect(res.body.caseNumber).toMatch(/^[1-9]\d{11}$/);
    expect(res.body.participants).toHaveLength(3);
    const list = await request(s.url).get('/cases').query({ clientId }).auth(cw, { type: 'bearer' });
    expect(list.body.total).toBe(1);
    const client = await request(s.url).get(`/clients/${clientId}`).auth(cw, { type: 'bearer' });
    expect(client.body.cases).toEqual([
      {
        caseId: res.body.id,
        caseNumber: res.body.caseNumber,
        role: 'PWC',
        live: res.body.live,
        jurisdiction: 'GB',
        stage: 'maintenance',
      },
    ]);
  });

  it('reads a client with every detail as it was written (the same view as the create answered), and their cases in case-number order', async () => {
    const full = {
      nino: 'JT 33 44 55 B',
      firstName: 'Nia',
      lastName: 'Lowe',
      dateOfBirth: '1979-12-31',
      dateOfBirthVerified: true,
      sex: 'F',
      address: { line1: '4 Mill Lane', line2: 'Headingley', town: 'Leeds', postcode: 'ls6 3aa' },
      addressStartDate: '2024-02-29',
      homePhone: '0113 496 0000',
      businessPhone: '0113 496 0001',
      mobilePhone: '07700 900456',
      homeEmail: 'nia@example.com',
    };
    const created = await request(s.url).post('/clients').auth(cw, { type: 'bearer' }).send(full).expect(201);
    const kases = [];
    for (const stage of ['application', 'maintenance']) {
      kases.push(
        (
          await request(s.url)
            .post('/cases')
            .auth(cw, { type: 'bearer' })
            .send({ jurisdiction: 'NI', stage, participants: [{ clientId: created.body.id, role: 'NRP' }] })
            .expect(201)
        ).body,
      );
    }
    const read = await request(s.url)
      .get(`/clients/${created.body.id}`)
      .auth(cw, { type: 'bearer' })
      .expect(200);
    expect({ ...read.body, cases: [] }).toEqual(created.body);
    expect(read.body.dateOfBirth).toBe('1979-12-31');
    expect(read.body.addressStartDate).toBe('2024-02-29');
    expect(read.body.cases).toEqual(
      kases
        .sort((a, b) => a.caseNumber.localeCompare(b.caseNumber))
        .map((k) => ({
          caseId: k.id,
          caseNumber: k.caseNumber,
          role: 'NRP',
          live: k.live,
          jurisdiction: 'NI',
          stage: k.stage,
        })),
    );
  });

  it('refuses a case with a client that does not exist, writing nothing', async () => {
    const before = await request(s.url).get('/cases').auth(cw, { type: 'bearer' });
    const res = await request(s.url)
      .post('/cases')
      .auth(cw, { type: 'bearer' })
      .send({
        jurisdiction: 'GB',
        stage: 'application',
        participants: [{ clientId: '00000000-0000-4000-8000-000000000000', role: 'PWC' }],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'participants[0].clientId', rule: 'exists' });
    const after = await request(s.url).get('/cases').auth(cw, { type: 'bearer' });
    expect(after.body.total).toBe(before.body.total);
  });

  it('409 for a stale version, and nothing changed', async () => {
    const ok = await request(s.url)
      .patch(`/clients/${clientId}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: 1, lastName: 'Okafor-Reed' });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    const stale = await request(s.url)
      .patch(`/clients/${clientId}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: 1, lastName: 'Other' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STALE_VERSION');
    const now = await request(s.url).get(`/clients/${clientId}`).auth(cw, { type: 'bearer' });
    expect(now.body.lastName).toBe('Okafor-Reed');
    const audit = await request(s.url).get(`/audit/client/${clientId}`).auth(cw, { type: 'bearer' });
    expect(audit.body[1]).toMatchObject({
      action: 'personal-details-changed',
      before: { lastName: 'Okafor' },
      after: { lastName: 'Okafor-Reed' },
    });
  });

  it('[X-1] a nationally sensitive case and its clients answer "Insufficient Access" without sensitive access', async () => {
    const p = await request(s.url)
      .post('/clients')
      .auth(sensitive, { type: 'bearer' })
      .send({ nino: 'CE123456A', firstName: 'Jo', lastName: 'Hidden' });
    const c = await request(s.url)
      .post('/cases')
      .auth(sensitive, { type: 'bearer' })
      .send({
        jurisdiction: 'NI',
        stage: 'maintenance',
        nationallySensitive: true,
        participants: [{ clientId: p.body.id, role: 'PWC' }],
      });
    expect(c.status).toBe(201);
    for (const path of [`/cases/${c.body.id}`, `/clients/${p.body.id}`, `/audit/case/${c.body.id}`]) {
      const res = await request(s.url).get(path).auth(cw, { type: 'bearer' });
      expect(res.status).toBe(403);
      expect(res.body.title).toBe('Insufficient Access');
      expect((await request(s.url).get(path).auth(sensitive, { type: 'bearer' })).status).toBe(200);
    }
    const listed = await request(s.url).get('/cases').auth(cw, { type: 'bearer' });
    expect(listed.body.items.map((x: { id: string }) => x.id)).not.toContain(c.body.id);
    const opened = await request(s.url)
      .post('/cases')
      .auth(cw, { type: 'bearer' })
      .send({
        jurisdiction: 'GB',
        stage: 'maintenance',
        nationallySensitive: true,
        participants: [{ clientId: p.body.id, role: 'NRP' }],
      });
    expect(opened.status).toBe(403);
  });

  it('echoes x-request-id and never logs a NINO posted in a body', async () => {
    const res = await request(s.url)
      .post('/clients')
      .auth(cw, { type: 'bearer' })
      .set('x-request-id', 'req-test-0001')
      .send({ nino: 'JG103759A', firstName: 'Amy', lastName: 'Log', homeEmail: 'amy@example.org' });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe('req-test-0001');
    const lines = s.logs.text();
    expect(lines).toContain('req-test-0001');
    expect(lines).not.toMatch(/JG\s?10\s?37\s?59\s?A/i);
    expect(lines).not.toContain('amy@example.org');
  });

  it('serves health, OpenAPI and Swagger UI', async () => {
    expect((await request(s.url).get('/health/live')).body.status).toBe('ok');
    const ready = await request(s.url).get('/health/ready');
    expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    const doc = await request(s.url).get('/docs-json');
    expect(
      doc.body.paths['/clients'].post.responses['400'].content['application/problem+json'],
    ).toBeDefined();
    const ui = await request(s.url).get('/docs');
    expect([200, 301, 302]).toContain(ui.status);
    const metrics = await request(s.url).get('/metrics');
    expect(metrics.text).toContain('http_requests_total');
  });
});
