import { randomUUID } from 'node:crypto';
import type { Role } from '@cms/domain';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { auth, issue, letterBody, startCorrespondence, type TestCorrespondence } from './helpers';

/** A client on a case in the real service-requests (opened by the sensitive case team). */
async function clientOnCase(
  srUrl: string,
  sensitive: boolean,
): Promise<{ clientId: string; caseId: string }> {
  const sct = await auth(['caseworker', 'sensitive-access'], 'sct-1');
  const client = await request(srUrl)
    .post('/clients')
    .set(sct)
    .send({ firstName: 'Jo', lastName: sensitive ? 'Hidden' : 'Open' })
    .expect(201);
  const theCase = await request(srUrl)
    .post('/cases')
    .set(sct)
    .send({
      jurisdiction: 'GB',
      stage: 'maintenance',
      nationallySensitive: sensitive,
      participants: [{ clientId: client.body.id, role: 'PWC' }],
    })
    .expect(201);
  return { clientId: client.body.id, caseId: theCase.body.id };
}

describe('[X-1] letters, SMS and issue log of a nationally sensitive case, with the real service-requests', () => {
  let s: TestCorrespondence;
  let srUrl: string;
  let sensitive: { clientId: string; caseId: string };
  let ordinary: { clientId: string; caseId: string };
  let sensitiveLetter: string;
  let ordinaryLetter: string;
  let sensitiveSms: string;

  beforeAll(async () => {
    s = await startCorrespondence();
    srUrl = s.serviceRequestsUrl;
    [sensitive, ordinary] = await Promise.all([clientOnCase(srUrl, true), clientOnCase(srUrl, false)]);
    const letterFor = async (c: { clientId: string; caseId: string }) => {
      const base = letterBody('CMSL0405');
      const res = await issue(s.url, {
        ...base,
        caseId: c.caseId,
        recipient: { ...(base.recipient as object), clientId: c.clientId },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    [sensitiveLetter, ordinaryLetter] = await Promise.all([letterFor(sensitive), letterFor(ordinary)]);
    const sms = await request(s.url)
      .post('/sms')
      .set(await auth(['system'], 'service-requests'))
      .set('Idempotency-Key', randomUUID())
      .send({
        templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
        recipient: { clientId: sensitive.clientId, mobilePhone: '07700 900456' },
        caseId: sensitive.caseId,
        jurisdiction: 'GB',
        personalisation: {},
      })
      .expect(201);
    sensitiveSms = sms.body.id;
  });
  afterAll(() => s?.close());

  const call = async (method: 'get' | 'post' | 'patch', path: string, roles: Role[], body?: object) => {
    const agent = request(s.url);
    const req = agent[method](path).set(await auth(roles, roles.join('+')));
    return body ? req.send(body) : req;
  };
  const expectInsufficientAccess = (res: request.Response) => {
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      title: 'Insufficient Access',
      code: 'INSUFFICIENT_ACCESS',
      requirementId: 'X-1',
    });
  };

  const routes = (letter: () => string, sms: () => string) =>
    [
      ['read a letter', 'get', () => `/letters/${letter()}`, undefined],
      ['download its PDF', 'get', () => `/letters/${letter()}/pdf`, undefined],
      ['review it', 'post', () => `/letters/${letter()}/review`, undefined],
      ['change its status', 'patch', () => `/letters/${letter()}/status`, { status: 'failed', reason: 'x' }],
      ['read an SMS', 'get', () => `/sms/${sms()}`, undefined],
      ['change its status', 'patch', () => `/sms/${sms()}/status`, { status: 'failed', reason: 'x' }],
    ] as const;

  it.each(
    routes(
      () => sensitiveLetter,
      () => sensitiveSms,
    ),
  )(
    '[X-1] a caseworker or team leader without sensitive access may not %s (%s): 403 Insufficient Access',
    async (_what, method, path, body) => {
      for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
        expectInsufficientAccess(await call(method, path(), roles, body));
      }
    },
  );

  it('[X-1] the sensitive case team reads the letter, its PDF and the SMS of the sensitive case', async () => {
    const roles: Role[] = ['caseworker', 'sensitive-access'];
    const letter = await call('get', `/letters/${sensitiveLetter}`, roles);
    expect(letter.status).toBe(200);
    expect(letter.body.caseId).toBe(sensitive.caseId);
    expect((await call('get', `/letters/${sensitiveLetter}/pdf`, roles)).status).toBe(200);
    expect((await call('get', `/sms/${sensitiveSms}`, roles)).status).toBe(200);
  });

  it('[X-1] the issue log of the sensitive case, or of a client on it, is refused without sensitive access', async () => {
    expectInsufficientAccess(await call('get', `/issue-log?caseId=${sensitive.caseId}`, ['caseworker']));
    expectInsufficientAccess(await call('get', `/issue-log?clientId=${sensitive.clientId}`, ['team-leader']));
    const sct = await call('get', `/issue-log?caseId=${sensitive.caseId}`, [
      'caseworker',
      'sensitive-access',
    ]);
    expect(sct.status).toBe(200);
    expect(sct.body.items.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([sensitiveLetter, sensitiveSms]),
    );
  });

  it('[X-1] a caseworker issuing a clerical letter on the sensitive case is refused and nothing is issued', async () => {
    const base = letterBody('CMSL9660', { stage: 'new case', caseId: sensitive.caseId });
    const body = { ...base, recipient: { ...(base.recipient as object), clientId: sensitive.clientId } };
    const db = s.app.get(DataSource);
    const count = async () =>
      (
        await db.query(`SELECT count(*)::int AS n FROM correspondence_item WHERE case_id = $1`, [
          sensitive.caseId,
        ])
      )[0].n as number;
    const before = await count();
    expectInsufficientAccess(await issue(s.url, body, { roles: ['caseworker'] }));
    expect(await count()).toBe(before);
    const bySct = await issue(s.url, body, { roles: ['caseworker', 'sensitive-access'] });
    expect(bySct.status).toBe(201);
    expect(bySct.body.mode).toBe('clerical');
  });

  it('[X-1] an ordinary case’s letters and issue log stay open to caseworkers', async () => {
    expect((await call('get', `/letters/${ordinaryLetter}`, ['caseworker'])).status).toBe(200);
    expect((await call('get', `/letters/${ordinaryLetter}/pdf`, ['team-leader'])).status).toBe(200);
    const log = await call('get', `/issue-log?clientId=${ordinary.clientId}`, ['caseworker']);
    expect(log.status).toBe(200);
    expect(log.body.items.map((i: { id: string }) => i.id)).toContain(ordinaryLetter);
  });

  it('[SU-6] [X-1] a case that becomes nationally sensitive is closed to caseworkers from that moment (asked per request)', async () => {
    const later = await clientOnCase(srUrl, false);
    const base = letterBody('CMSL0405');
    const letter = (
      await issue(s.url, {
        ...base,
        caseId: later.caseId,
        recipient: { ...(base.recipient as object), clientId: later.clientId },
      })
    ).body.id as string;
    expect((await call('get', `/letters/${letter}`, ['caseworker'])).status).toBe(200);
    const sct = await auth(['caseworker', 'sensitive-access'], 'sct-1');
    const current = await request(srUrl).get(`/cases/${later.caseId}`).set(sct).expect(200);
    await request(srUrl)
      .patch(`/cases/${later.caseId}`)
      .set(sct)
      .send({ nationallySensitive: true, version: current.body.version })
      .expect(200);
    expectInsufficientAccess(await call('get', `/letters/${letter}`, ['caseworker']));
  });

  it('unknown or malformed ids are still 404 / 400, not a 403 or a 500', async () => {
    expect((await call('get', `/letters/${randomUUID()}`, ['caseworker'])).status).toBe(404);
    expect((await call('get', `/letters/not-a-uuid`, ['caseworker'])).status).toBe(400);
    expect((await call('get', `/issue-log?caseId=nope`, ['caseworker'])).status).toBe(400);
  });
});

describe('[X-1] correspondence when service-requests does not answer', () => {
  let s: TestCorrespondence;
  beforeAll(async () => {
    s = await startCorrespondence({ SERVICE_REQUESTS_URL: 'http://127.0.0.1:9', HTTP_TIMEOUT_MS: '1000' });
  });
  afterAll(() => s?.close());

  it('[X-1] refuses a caller without sensitive access with 503 rather than showing what may be sensitive; sensitive access and the system are not held up', async () => {
    const res = await issue(s.url, letterBody('CMSL0405'));
    expect(res.status).toBe(201);
    const asCaseworker = await request(s.url)
      .get(`/letters/${res.body.id}`)
      .set(await auth(['caseworker']));
    expect(asCaseworker.status).toBe(503);
    expect(asCaseworker.body.code).toBe('PEER_UNAVAILABLE');
    const asSct = await request(s.url)
      .get(`/letters/${res.body.id}`)
      .set(await auth(['caseworker', 'sensitive-access']));
    expect(asSct.status).toBe(200);
  });
});
