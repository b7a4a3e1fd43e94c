import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createApp as createServiceRequests } from '@cms/service-requests';
import {
  createTestDatabase,
  freePort,
  listen,
  LogCapture,
  testEnv,
  tokenFor,
  type RunningService,
  type TestDatabase,
} from '@cms/testing';
import { startClientSecurity, TestClientSecurity } from './helpers';

describe('[X-1] security details of a nationally sensitive client, with the real service-requests', () => {
  let cs: TestClientSecurity;
  let sr: RunningService;
  let srDb: TestDatabase;
  let cw: string;
  let sct: string;
  let sensitiveClient: string;
  let ordinaryClient: string;

  beforeAll(async () => {
    const srPort = await freePort();
    srDb = await createTestDatabase('cs_sr');
    const srApp = await createServiceRequests(
      testEnv(srDb.url, {
        PORT: String(srPort),
        WORKERS_ENABLED: 'false',
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
      }),
      { logDestination: new LogCapture() },
    );
    sr = await listen(srApp);
    cs = await startClientSecurity({ SERVICE_REQUESTS_URL: sr.url });
    [cw, sct] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
    ]);
    const mk = async (nino: string, sensitive: boolean) => {
      const c = (
        await request(sr.url)
          .post('/clients')
          .auth(sct, { type: 'bearer' })
          .send({ nino, firstName: 'Jo', lastName: 'Hidden' })
      ).body;
      await request(sr.url)
        .post('/cases')
        .auth(sct, { type: 'bearer' })
        .send({
          jurisdiction: 'GB',
          stage: 'maintenance',
          nationallySensitive: sensitive,
          participants: [{ clientId: c.id, role: 'PWC' }],
        })
        .expect(201);
      await request(cs.url)
        .post(`/clients/${c.id}/security-details`)
        .auth(sct, { type: 'bearer' })
        .send({ pin: '1234567', password: 'Bluebell42' })
        .expect(201);
      return c.id as string;
    };
    sensitiveClient = await mk('CE123456A', true);
    ordinaryClient = await mk('JK123456C', false);
  });
  afterAll(async () => {
    await cs?.close();
    await sr?.close();
    await srDb?.drop();
  });

  it.each([
    ['read status', 'get', 'security-details', undefined],
    ['check', 'post', 'security-check', { channel: 'phone', pin: '1234567' }],
    ['change', 'post', 'security-details/change', { pin: '7654321' }],
    ['unblock', 'post', 'tam-account/unblock', { verifiedBy: 'PIN/password' }],
  ] as const)(
    'a caseworker without sensitive access cannot %s: "Insufficient Access"',
    async (_what, method, path, body) => {
      const agent = request(cs.url);
      const url = `/clients/${sensitiveClient}/${path}`;
      const res = await (method === 'get' ? agent.get(url) : agent.post(url))
        .auth(cw, { type: 'bearer' })
        .send(body);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ title: 'Insufficient Access', requirementId: 'X-1' });
    },
  );

  it('the sensitive case team can; an ordinary client is open to every caseworker', async () => {
    await request(cs.url)
      .get(`/clients/${sensitiveClient}/security-details`)
      .auth(sct, { type: 'bearer' })
      .expect(200);
    await request(cs.url)
      .get(`/clients/${ordinaryClient}/security-details`)
      .auth(cw, { type: 'bearer' })
      .expect(200);
    const check = await request(cs.url)
      .post(`/clients/${ordinaryClient}/security-check`)
      .auth(cw, { type: 'bearer' })
      .send({ channel: 'phone', pin: '1234567' });
    expect(check.body.result).toBe('pass');
  });

  it.each([
    ['get', '/representatives/not-a-uuid/security-details', 'representativeId'],
    ['get', '/representatives/%2500/security-details/history', 'representativeId'],
    ['post', '/representatives/not-a-uuid/security-check', 'representativeId'],
    ['get', '/clients/not-a-uuid/security-details', 'clientId'],
  ] as const)(
    'a malformed id from a caseworker is 400 naming it, never a 500 (%s %s)',
    async (method, path, field) => {
      const agent = request(cs.url);
      const res = await (method === 'get' ? agent.get(path) : agent.post(path).send({})).auth(cw, {
        type: 'bearer',
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field, rule: 'isUuid' }] });
    },
  );
});
