import { randomUUID } from 'node:crypto';
import type { Role } from '@cms/domain';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  auth,
  issue,
  letterBody,
  RECIPIENT_ADDRESS,
  startCorrespondence,
  type TestCorrespondence,
} from './helpers';

/** A client and a case they are on, in the real service-requests. */
interface Party {
  clientId: string;
  caseId: string;
}

/** What a refusal must never show: the recipient's name, case number and mobile as issued. */
const NAME = 'Imogen Verity-Hale';
const CASE_NUMBER = '120077553311';
const MOBILE = '07700 900987';

/** A client on a case in the real service-requests (opened by the sensitive case team). */
async function clientOnCase(srUrl: string, sensitive: boolean): Promise<Party> {
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

/** A letter body for `caseId` to `clientId`, printed with {@link NAME} and {@link CASE_NUMBER}. */
function bodyFor(
  code: Parameters<typeof letterBody>[0],
  caseId: string,
  clientId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const base = letterBody(code, { caseId, caseNumber: CASE_NUMBER, ...overrides });
  return { ...base, recipient: { ...(base.recipient as object), clientId, name: NAME } };
}

/**
 * X-1 for correspondence, through the one access policy: every route declares what it serves, and
 * correspondence's access repository asks the real service-requests whether the letter's, SMS's or
 * entry's case, or the client it went to, is nationally sensitive.
 */
describe('[X-1] correspondence of nationally sensitive cases and clients, with the real service-requests', () => {
  let s: TestCorrespondence;
  let db: DataSource;
  let srUrl: string;
  /** A nationally sensitive case and its client. */
  let sensitive: Party;
  /** An ordinary case and its client. */
  let ordinary: Party;
  /** An ordinary case whose client is under Sensitive Check (RD-4): the client is sensitive, the case is not. */
  let checked: Party;
  /** On the sensitive case, held for the caseworker's review (CMSL9800). */
  let heldLetter: string;
  /** On the sensitive case, but sent to the ordinary client (who is not on it). */
  let strayLetter: string;
  let sensitiveSms: string;
  let ordinaryLetter: string;
  /** On the ordinary case of the client under Sensitive Check. */
  let checkedLetter: string;

  beforeAll(async () => {
    // No workers: nothing changes in the background, so "nothing changed" means the refusals.
    s = await startCorrespondence({ WORKERS_ENABLED: 'false' });
    db = s.app.get(DataSource);
    srUrl = s.serviceRequestsUrl;
    [sensitive, ordinary, checked] = await Promise.all([
      clientOnCase(srUrl, true),
      clientOnCase(srUrl, false),
      clientOnCase(srUrl, false),
    ]);
    const issued = async (body: Record<string, unknown>) => {
      const res = await issue(s.url, body);
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    [heldLetter, strayLetter, ordinaryLetter, checkedLetter] = await Promise.all([
      issued(bodyFor('CMSL9800', sensitive.caseId, sensitive.clientId)),
      issued(bodyFor('CMSL0405', sensitive.caseId, ordinary.clientId)),
      issued(bodyFor('CMSL0405', ordinary.caseId, ordinary.clientId)),
      issued(bodyFor('CMSL0405', checked.caseId, checked.clientId)),
    ]);
    const sms = await request(s.url)
      .post('/sms')
      .set(await auth(['system'], 'service-requests'))
      .set('Idempotency-Key', randomUUID())
      .send({
        templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
        recipient: { clientId: sensitive.clientId, mobilePhone: MOBILE },
        caseId: sensitive.caseId,
        jurisdiction: 'GB',
        personalisation: {},
      })
      .expect(201);
    sensitiveSms = sms.body.id;
    // RD-4: CIS withheld the client's record at standard access; service-requests sets Sensitive Check.
    await request(srUrl)
      .post(`/clients/${checked.clientId}/sensitive-check`)
      .set(await auth(['system'], 'cis-interface'))
      .send({ reason: 'CIS answered "Insufficient access level" to a retrieval' })
      .expect(200);
  });
  afterAll(() => s?.close());

  const call = async (method: 'get' | 'post' | 'patch', path: string, roles: Role[], body?: object) => {
    const agent = request(s.url);
    const req = agent[method](path)
      .set(await auth(roles, roles.join('+')))
      .set('Idempotency-Key', randomUUID());
    return body ? req.send(body) : req;
  };

  /** 403 problem+json "Insufficient Access" (X-1), naming nothing of the case, client or letter. */
  const expectInsufficientAccess = (res: request.Response, subject: Party = sensitive) => {
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status: 403,
      type: expect.stringContaining('application/problem+json'),
    });
    expect(res.body).toMatchObject({
      title: 'Insufficient Access',
      code: 'INSUFFICIENT_ACCESS',
      requirementId: 'X-1',
    });
    const text = JSON.stringify(res.body);
    for (const secret of [
      subject.caseId,
      subject.clientId,
      NAME,
      CASE_NUMBER,
      '900987',
      'LS6 3AB',
      '14 Mill',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text.toLowerCase()).not.toContain(RECIPIENT_ADDRESS.postcode);
  };

  /** Everything correspondence holds that a refused call might have changed. */
  const snapshot = async () => ({
    items: await db.query(
      `SELECT id, status, status_reason, reviewed_by, version, updated_at FROM correspondence_item ORDER BY id`,
    ),
    audit: await db.query(`SELECT count(*)::int AS n FROM audit_log`),
    pdfs: await db.query(`SELECT count(*)::int AS n FROM letter_pdf`),
    outbox: await db.query(`SELECT count(*)::int AS n FROM gateway_outbox`),
  });

  /** Every operation about the sensitive case's letters, PDFs, SMS and issue log. */
  const sensitiveOperations = () =>
    [
      ['read a letter', 'get', `/letters/${heldLetter}`, undefined],
      ['download its PDF', 'get', `/letters/${heldLetter}/pdf`, undefined],
      ['review it', 'post', `/letters/${heldLetter}/review`, undefined],
      ['change its status', 'patch', `/letters/${heldLetter}/status`, { status: 'failed', reason: 'x' }],
      ['read a letter sent to a client not on the case', 'get', `/letters/${strayLetter}`, undefined],
      ['download that one’s PDF', 'get', `/letters/${strayLetter}/pdf`, undefined],
      ['read an SMS', 'get', `/sms/${sensitiveSms}`, undefined],
      ['change its status', 'patch', `/sms/${sensitiveSms}/status`, { status: 'failed', reason: 'x' }],
      ['list the case’s issue log', 'get', `/issue-log?caseId=${sensitive.caseId}`, undefined],
      ['list its SMS', 'get', `/issue-log?caseId=${sensitive.caseId}&channel=sms`, undefined],
      ['list the client’s issue log', 'get', `/issue-log?clientId=${sensitive.clientId}`, undefined],
      [
        'issue a clerical letter on the case',
        'post',
        '/letters',
        bodyFor('CMSL9660', sensitive.caseId, sensitive.clientId, { stage: 'new case', mode: 'clerical' }),
      ],
    ] as const;

  it('[X-1] a caseworker or team leader is refused every operation on a sensitive case’s letters, PDFs, SMS and issue log (403 Insufficient Access, nothing of it in the answer), and nothing changes', async () => {
    const before = await snapshot();
    for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
      for (const [what, method, path, body] of sensitiveOperations()) {
        const res = await call(method, path, roles, body);
        try {
          expectInsufficientAccess(res);
        } catch (e) {
          throw new Error(`${roles.join('+')} may ${what} (${method} ${path}): ${(e as Error).message}`);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('[X-1] sending an SMS is for our own services only: a caseworker or team leader is refused (403), nothing sent', async () => {
    const before = await snapshot();
    for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
      const res = await call('post', '/sms', roles, {
        templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
        recipient: { clientId: sensitive.clientId, mobilePhone: MOBILE },
        caseId: sensitive.caseId,
        jurisdiction: 'GB',
      });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('ROLE_REQUIRED');
      expect(JSON.stringify(res.body)).not.toContain(sensitive.caseId);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('[X-1] a client under Sensitive Check (RD-4) on an ordinary case: their letters, PDFs and issue log are refused, and no clerical letter is issued to them', async () => {
    const before = await snapshot();
    for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
      for (const [method, path, body] of [
        ['get', `/letters/${checkedLetter}`, undefined],
        ['get', `/letters/${checkedLetter}/pdf`, undefined],
        ['patch', `/letters/${checkedLetter}/status`, { status: 'failed', reason: 'x' }],
        ['get', `/issue-log?clientId=${checked.clientId}`, undefined],
        [
          'post',
          '/letters',
          bodyFor('CMSL9660', checked.caseId, checked.clientId, { stage: 'new case', mode: 'clerical' }),
        ],
      ] as const) {
        const res = await call(method, path, roles, body);
        try {
          expectInsufficientAccess(res, checked);
        } catch (e) {
          throw new Error(`${roles.join('+')}: ${method} ${path}: ${(e as Error).message}`);
        }
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('[X-1] whatever the issue log is listed by, an entry of a sensitive case or to a sensitive client is never returned to a caseworker or team leader', async () => {
    for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
      // The ordinary client's log holds a letter on the sensitive case (they are not on it).
      const byClient = await call('get', `/issue-log?clientId=${ordinary.clientId}`, roles);
      expect(byClient.status).toBe(200);
      expect(byClient.body.items.map((i: { id: string }) => i.id)).toEqual([ordinaryLetter]);
      // Page by page, too: the withheld entry is on no page.
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await call(
          'get',
          `/issue-log?clientId=${ordinary.clientId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          roles,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((i: { id: string }) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([ordinaryLetter]);
      // The ordinary case of a client under Sensitive Check: their letter is withheld.
      const byCase = await call('get', `/issue-log?caseId=${checked.caseId}`, roles);
      expect(byCase.status).toBe(200);
      expect(byCase.body.items).toEqual([]);
      expect(JSON.stringify(byCase.body)).not.toContain(checked.clientId);
      // Without a case or client it lists nothing at all (400, no entries).
      for (const query of ['', '?channel=letter', '?limit=100']) {
        const all = await call('get', `/issue-log${query}`, roles);
        expect(all.status).toBe(400);
        expect(all.body.items).toBeUndefined();
        expect(JSON.stringify(all.body)).not.toContain(sensitive.caseId);
      }
    }
  });

  it('[X-1] the sensitive case team reads, reviews and changes them all, and issues on the sensitive case', async () => {
    const roles: Role[] = ['caseworker', 'sensitive-access'];
    const letter = await call('get', `/letters/${heldLetter}`, roles);
    expect(letter.status).toBe(200);
    expect(letter.body).toMatchObject({ caseId: sensitive.caseId, recipient: { name: NAME } });
    const pdf = await call('get', `/letters/${heldLetter}/pdf`, roles);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect((await call('get', `/letters/${strayLetter}`, roles)).status).toBe(200);
    expect((await call('get', `/letters/${checkedLetter}`, roles)).status).toBe(200);
    expect((await call('get', `/sms/${sensitiveSms}`, roles)).body.caseId).toBe(sensitive.caseId);
    const ids = async (query: string) =>
      ((await call('get', `/issue-log?${query}`, roles)).body.items as { id: string }[]).map((i) => i.id);
    expect(await ids(`caseId=${sensitive.caseId}`)).toEqual(
      expect.arrayContaining([heldLetter, strayLetter, sensitiveSms]),
    );
    expect(await ids(`clientId=${sensitive.clientId}`)).toEqual(
      expect.arrayContaining([heldLetter, sensitiveSms]),
    );
    expect(await ids(`clientId=${ordinary.clientId}`)).toEqual(
      expect.arrayContaining([ordinaryLetter, strayLetter]),
    );
    expect(await ids(`caseId=${checked.caseId}`)).toEqual([checkedLetter]);
    const reviewed = await call('post', `/letters/${heldLetter}/review`, roles);
    expect(reviewed.status).toBe(200);
    expect(reviewed.body.reviewedBy).toBe('caseworker+sensitive-access');
    const failed = await call('patch', `/sms/${sensitiveSms}/status`, roles, {
      status: 'failed',
      reason: 'x',
    });
    expect(failed.status).toBe(200);
    expect(failed.body.status).toBe('failed');
    const clerical = await call(
      'post',
      '/letters',
      roles,
      bodyFor('CMSL9660', sensitive.caseId, sensitive.clientId, { stage: 'new case', mode: 'clerical' }),
    );
    expect(clerical.status).toBe(201);
    expect(clerical.body.mode).toBe('clerical');
  });

  it('[X-1] an ordinary case’s letters and issue log stay open to caseworkers and team leaders', async () => {
    expect((await call('get', `/letters/${ordinaryLetter}`, ['caseworker'])).status).toBe(200);
    expect((await call('get', `/letters/${ordinaryLetter}/pdf`, ['team-leader'])).status).toBe(200);
    const log = await call('get', `/issue-log?caseId=${ordinary.caseId}`, ['team-leader']);
    expect(log.status).toBe(200);
    expect(log.body.items.map((i: { id: string }) => i.id)).toEqual([ordinaryLetter]);
    expect((await call('get', '/templates', ['team-leader'])).status).toBe(200);
    expect((await call('get', '/templates/CMSL0405', ['caseworker'])).status).toBe(200);
  });

  it('[SU-6] [X-1] a case that becomes nationally sensitive is closed to caseworkers from that moment (asked per request)', async () => {
    const later = await clientOnCase(srUrl, false);
    const letter = (await issue(s.url, bodyFor('CMSL0405', later.caseId, later.clientId))).body.id as string;
    expect((await call('get', `/letters/${letter}`, ['caseworker'])).status).toBe(200);
    const sct = await auth(['caseworker', 'sensitive-access'], 'sct-1');
    const current = await request(srUrl).get(`/cases/${later.caseId}`).set(sct).expect(200);
    await request(srUrl)
      .patch(`/cases/${later.caseId}`)
      .set(sct)
      .send({ nationallySensitive: true, version: current.body.version })
      .expect(200);
    expectInsufficientAccess(await call('get', `/letters/${letter}`, ['caseworker']), later);
    expectInsufficientAccess(
      await call('get', `/issue-log?clientId=${later.clientId}`, ['caseworker']),
      later,
    );
  });

  it('unknown or malformed ids are still 404 / 400, not a 403 or a 500', async () => {
    expect((await call('get', `/letters/${randomUUID()}`, ['caseworker'])).status).toBe(404);
    expect((await call('get', `/sms/${randomUUID()}`, ['team-leader'])).status).toBe(404);
    // A letter's id is no SMS's: 404, as for any other unknown SMS.
    expect((await call('get', `/sms/${heldLetter}`, ['caseworker'])).status).toBe(404);
    expect((await call('get', `/letters/not-a-uuid`, ['caseworker'])).status).toBe(400);
    expect((await call('get', `/issue-log?caseId=nope`, ['caseworker'])).status).toBe(400);
    expect((await call('get', `/issue-log?caseId=${randomUUID()}`, ['caseworker'])).body.items).toEqual([]);
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
    for (const path of [`/letters/${res.body.id}`, `/issue-log?caseId=${res.body.caseId}`]) {
      const asCaseworker = await request(s.url)
        .get(path)
        .set(await auth(['caseworker']));
      expect(asCaseworker.status).toBe(503);
      expect(asCaseworker.body.code).toBe('PEER_UNAVAILABLE');
      const asSct = await request(s.url)
        .get(path)
        .set(await auth(['caseworker', 'sensitive-access']));
      expect(asSct.status).toBe(200);
    }
  });
});
