import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { freePort, tokenFor } from '@cms/testing';
// Test-only: the real service-requests beside client-security (never a mock).
import { startServiceRequests, type TestServiceRequests } from '../../service-requests/test/helpers';
import { startClientSecurity, type TestClientSecurity } from './helpers';

/**
 * The one access policy (issue #11) in client-security: every operation about a nationally
 * sensitive client, a representative acting for one, or their audit trails is refused to callers
 * without sensitive access before anything is read or changed; service-requests says who is
 * sensitive (a flagged case, the client's own flag).
 */
describe('[X-1] client-security under the access policy, with the real service-requests', () => {
  let sr: TestServiceRequests;
  let srStopped = false;
  let cs: TestClientSecurity;
  let sql: Client;
  let cw: string;
  let tl: string;
  let sct: string;
  let sys: string;

  /** On a case the sensitive case team flagged (PATCH /cases/{id}). */
  let caseClient: string;
  /** A representative of `caseClient` as service-requests holds them (SD-15), with details here (SD-18). */
  let representative: string;
  /** Flagged through POST /clients/{id}/nationally-sensitive (SU-6), on a case that is not flagged. */
  let flaggedClient: string;
  /** A representative of `flaggedClient` (service-requests holds every representative: issue #12, SD-18). */
  let localRepresentative: string;
  let ordinaryClient: string;
  /** A Change - Security Details SR about `caseClient`, on the flagged case. */
  let sensitiveSr: string;
  /** Another representative of `caseClient`, set up by the sensitive case team at the end. */
  let spareRepresentative: string;
  /** A Change - Security Details SR about `flaggedClient` (a change is made only under one: SD-4). */
  let flaggedSr: string;

  const PIN = '2468135';
  const PASSWORD = 'Quiet Harbour 9';
  const WRONG_PIN = '9999991';

  const as = (token: string, method: 'get' | 'post', path: string, body?: object) => {
    const r =
      method === 'get'
        ? request(cs.url).get(path)
        : request(cs.url)
            .post(path)
            .send(body ?? {});
    return r.auth(token, { type: 'bearer' });
  };
  const srAs = (token: string) => ({
    post: (path: string, body: object) =>
      request(sr.url).post(path).auth(token, { type: 'bearer' }).send(body),
    patch: (path: string, body: object) =>
      request(sr.url).patch(path).auth(token, { type: 'bearer' }).send(body),
  });

  /** Every client-security operation about a client or a representative, and their audit trails. */
  const clientOps = (id: string, serviceRequestId: string) =>
    [
      ['read status', 'get', `/clients/${id}/security-details`, undefined],
      ['read history', 'get', `/clients/${id}/security-details/history`, undefined],
      ['set up', 'post', `/clients/${id}/security-details`, { pin: '1357913', password: 'Another One 1' }],
      ['change', 'post', `/clients/${id}/security-details/change`, { pin: '1357913', serviceRequestId }],
      ['check', 'post', `/clients/${id}/security-check`, { channel: 'phone', pin: WRONG_PIN }],
      ['unblock', 'post', `/clients/${id}/tam-account/unblock`, { verifiedBy: 'PIN/password' }],
      ['read audit trail', 'get', `/audit/client/${id}`, undefined],
    ] as const;
  const representativeOps = (id: string, actingFor: string, serviceRequestId: string) =>
    [
      ['read status', 'get', `/representatives/${id}/security-details`, undefined],
      ['read history', 'get', `/representatives/${id}/security-details/history`, undefined],
      [
        'set up',
        'post',
        `/representatives/${id}/security-details`,
        { actingForClientId: actingFor, pin: '1357913', password: 'Another One 1' },
      ],
      [
        'change',
        'post',
        `/representatives/${id}/security-details/change`,
        { pin: '1357913', serviceRequestId },
      ],
      ['check', 'post', `/representatives/${id}/security-check`, { channel: 'phone', pin: WRONG_PIN }],
      ['unblock', 'post', `/representatives/${id}/security-details/unblock`, { verifiedBy: 'PIN/password' }],
      ['read audit trail', 'get', `/audit/representative/${id}`, undefined],
    ] as const;
  const everyOp = () =>
    [
      ...clientOps(caseClient, sensitiveSr).map((o) => ['the case-flagged client', ...o] as const),
      ...clientOps(flaggedClient, flaggedSr).map((o) => ['the self-flagged client', ...o] as const),
      ...representativeOps(representative, caseClient, sensitiveSr).map(
        (o) => ['its representative', ...o] as const,
      ),
      ...representativeOps(localRepresentative, flaggedClient, flaggedSr).map(
        (o) => ['the self-flagged client’s representative', ...o] as const,
      ),
    ] as const;

  /** What a refusal may carry: the problem, and the caller's own path as `instance`; nothing of the subject. */
  const expectRefusedWithNothingOfTheSubject = (
    res: request.Response,
    path: string,
    requirementId: string | undefined,
  ) => {
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    if (requirementId) {
      expect(res.body).toMatchObject({
        title: 'Insufficient Access',
        code: 'INSUFFICIENT_ACCESS',
        requirementId,
      });
    }
    const { instance, ...rest } = res.body as Record<string, unknown>;
    expect(instance).toBe(path);
    const text = JSON.stringify(rest);
    for (const id of [caseClient, flaggedClient, representative, localRepresentative]) {
      expect(text).not.toContain(id);
    }
    for (const key of [
      'setUp',
      'consecutiveFailures',
      'blocked',
      'versions',
      'action',
      'actingForClientId',
    ]) {
      expect(rest).not.toHaveProperty(key);
    }
  };

  /** Everything a refused call could have changed: rows, counters, rate-limit buckets, events. */
  const snapshot = async () => {
    const q = async (text: string) => (await sql.query(text)).rows;
    return {
      subjects: await q(
        `SELECT subject_id, consecutive_failures, blocked_at, current_version, last_check_at, updated_at
           FROM security_subject ORDER BY subject_id`,
      ),
      credentials: await q(`SELECT id, superseded_at FROM security_credential ORDER BY id`),
      audit: await q(`SELECT id FROM audit_log ORDER BY id`),
      buckets: await q(`SELECT key, hits FROM rate_limit_bucket ORDER BY key`),
      events: await q(`SELECT id FROM pgboss.job WHERE name = 'client-security.security-event' ORDER BY id`),
    };
  };

  beforeAll(async () => {
    // Each asks the other: client-security about sensitivity, service-requests about security
    // set-up before it raises a Change Contact/Security Info SR (SD-22).
    const csPort = String(await freePort());
    sr = await startServiceRequests({
      WORKERS_ENABLED: 'false',
      CLIENT_SECURITY_URL: `http://127.0.0.1:${csPort}`,
    });
    cs = await startClientSecurity({
      PORT: csPort,
      SERVICE_REQUESTS_URL: sr.url,
      WORKERS_ENABLED: 'false',
      CHECK_LIMIT_PER_SUBJECT: '1000',
      CHECK_LIMIT_PER_CALLER: '1000',
    });
    sql = new Client({ connectionString: cs.db.url });
    await sql.connect();
    [cw, tl, sct, sys] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['team-leader'], 'tl-1'),
      tokenFor(['sensitive-access'], 'sct-1'),
      tokenFor(['system'], 'cis-interface'),
    ]);

    const newClient = async (nino: string) =>
      (await srAs(cw).post('/clients', { nino, firstName: 'Jo', lastName: 'Hidden' }).expect(201)).body
        .id as string;
    caseClient = await newClient('CE123456A');
    flaggedClient = await newClient('JK123456C');
    ordinaryClient = await newClient('HP123456B');
    const kase = (
      await srAs(cw)
        .post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [{ clientId: caseClient, role: 'PWC' }],
        })
        .expect(201)
    ).body as { id: string; version: number };
    const flaggedCase = (
      await srAs(cw)
        .post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [{ clientId: flaggedClient, role: 'NRP' }],
        })
        .expect(201)
    ).body as { id: string };
    const newRepresentative = async (clientId: string, caseId: string) =>
      (
        await srAs(cw)
          .post(`/clients/${clientId}/representatives`, {
            caseId,
            firstName: 'Grace',
            lastName: 'Okafor',
            relationship: 'Friend or family member',
          })
          .expect(201)
      ).body.id as string;
    representative = await newRepresentative(caseClient, kase.id);
    localRepresentative = await newRepresentative(flaggedClient, flaggedCase.id);
    spareRepresentative = await newRepresentative(caseClient, kase.id);

    // Security details while no one is sensitive yet, and a failed check so counters are not zero.
    for (const id of [caseClient, flaggedClient, ordinaryClient]) {
      await as(cw, 'post', `/clients/${id}/security-details`, { pin: PIN, password: PASSWORD }).expect(201);
      await as(cw, 'post', `/clients/${id}/security-check`, { channel: 'phone', pin: WRONG_PIN }).expect(200);
    }
    for (const [id, actingForClientId] of [
      [representative, caseClient],
      [localRepresentative, flaggedClient],
    ]) {
      await as(cw, 'post', `/representatives/${id}/security-details`, {
        actingForClientId,
        pin: PIN,
        password: PASSWORD,
      }).expect(201);
      await as(cw, 'post', `/representatives/${id}/security-check`, {
        channel: 'phone',
        pin: WRONG_PIN,
      }).expect(200);
    }

    // The SRs every change is made under (SD-4), raised once security is set up (SD-22).
    const securitySr = async (clientId: string, role: string, caseId: string) =>
      (
        await srAs(cw)
          .post('/service-requests', {
            type: 'SECURITY_DETAILS',
            source: role,
            reportedBy: { firstName: 'Jo', lastName: 'Hidden' },
            subject: { clientId, role },
            caseIds: [caseId],
          })
          .expect(201)
      ).body.id as string;
    sensitiveSr = await securitySr(caseClient, 'PWC', kase.id);
    flaggedSr = await securitySr(flaggedClient, 'NRP', flaggedCase.id);

    // Now the sensitive case team flags the case, and CIS's error code 1 flags the other client.
    await srAs(sct)
      .patch(`/cases/${kase.id}`, { version: kase.version, nationallySensitive: true })
      .expect(200);
    await srAs(sys)
      .post(`/clients/${flaggedClient}/nationally-sensitive`, {
        sensitive: true,
        reason: 'CIS update error code 1',
      })
      .expect(200);
  });
  afterAll(async () => {
    await sql?.end();
    await cs?.close();
    if (!srStopped) await sr?.close();
  });

  describe('GET /audit/{entityType}/{id}', () => {
    it.each([
      ['caseworker', () => cw],
      ['team leader', () => tl],
    ])(
      '[X-1] a %s without sensitive access gets no audit trail of a sensitive client or of its representatives',
      async (_who, token) => {
        for (const path of [
          `/audit/client/${caseClient}`,
          `/audit/client/${flaggedClient}`,
          `/audit/representative/${representative}`,
          `/audit/representative/${localRepresentative}`,
        ]) {
          const res = await as(token(), 'get', path);
          expectRefusedWithNothingOfTheSubject(res, path, 'X-1');
        }
      },
    );

    it('[X-1] the sensitive case team reads them; an ordinary client’s trail stays open to caseworkers', async () => {
      for (const path of [
        `/audit/client/${caseClient}`,
        `/audit/client/${flaggedClient}`,
        `/audit/representative/${representative}`,
        `/audit/representative/${localRepresentative}`,
      ]) {
        const res = await as(sct, 'get', path).expect(200);
        expect(res.body.map((a: { action: string }) => a.action)).toEqual([
          'security-details-set-up',
          'security-check-failed',
        ]);
      }
      const open = await as(cw, 'get', `/audit/client/${ordinaryClient}`).expect(200);
      expect(open.body).toHaveLength(2);
    });
  });

  it('[X-1] a caseworker is refused every operation about a sensitive client, its representatives and their audit trails', async () => {
    for (const [, , method, path, body] of everyOp()) {
      const res = await as(cw, method, path, body);
      expectRefusedWithNothingOfTheSubject(res, path, 'X-1');
    }
  });

  it('[X-1] a team leader is refused the reads (Insufficient Access) and, as ever, every change (role)', async () => {
    for (const [, , method, path, body] of everyOp()) {
      const res = await as(tl, method, path, body);
      // A team leader never had set-up, change, check or unblock: the role refuses them first.
      expectRefusedWithNothingOfTheSubject(res, path, method === 'get' ? 'X-1' : undefined);
      if (method === 'post') expect(res.body.code).toBe('ROLE_REQUIRED');
    }
  });

  it('[X-1] a caseworker cannot set up a new representative acting for a sensitive client, nor reach one through a client route', async () => {
    const newRep = `/representatives/${randomUUID()}/security-details`;
    expectRefusedWithNothingOfTheSubject(
      await as(cw, 'post', newRep, { actingForClientId: caseClient, pin: PIN, password: PASSWORD }),
      newRep,
      'X-1',
    );
    for (const path of [
      `/clients/${representative}/security-details`,
      `/audit/client/${representative}`,
      `/audit/representative/${caseClient}`,
    ]) {
      expectRefusedWithNothingOfTheSubject(await as(cw, 'get', path), path, 'X-1');
    }
  });

  it('[X-1] a caseworker cannot change or unblock even an ordinary client under a sensitive SR', async () => {
    for (const [path, body] of [
      [`/clients/${ordinaryClient}/security-details/change`, { pin: '1357913' }],
      [`/clients/${ordinaryClient}/tam-account/unblock`, { verifiedBy: 'PIN/password' }],
    ] as const) {
      const res = await as(cw, 'post', path, { ...body, serviceRequestId: sensitiveSr });
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ code: 'INSUFFICIENT_ACCESS', requirementId: 'X-1' });
      expect(JSON.stringify(res.body)).not.toContain(caseClient);
    }
    const status = await as(cw, 'get', `/clients/${ordinaryClient}/security-details`).expect(200);
    expect(status.body.currentVersion).toBe(1);
  });

  it('[X-1] [SD-2] [X-2] refused calls change nothing: no failed check counted, no block, no audit row, no rate-limit hit, no event', async () => {
    const before = await snapshot();
    // Three wrong PINs would block the account (SD-2) if any reached the handler.
    for (let i = 0; i < 3; i++) {
      for (const [, , method, path, body] of everyOp()) {
        if (method === 'post') await as(cw, method, path, body).expect(403);
      }
    }
    expect(await snapshot()).toEqual(before);
    const status = await as(sct, 'get', `/clients/${caseClient}/security-details`).expect(200);
    expect(status.body).toMatchObject({ consecutiveFailures: 1, blocked: false, currentVersion: 1 });
  });

  it('[X-1] the same calls by the sensitive case team are not refused for access', async () => {
    for (const [, what, method, path, body] of everyOp()) {
      const res = await as(sct, method, path, body);
      expect({ path, status: res.status }).not.toEqual({ path, status: 403 });
      if (what === 'set up') {
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('SECURITY_DETAILS_ALREADY_SET_UP');
      } else expect(res.status).toBe(200);
    }
    const checked = await as(sct, 'post', `/clients/${caseClient}/security-check`, {
      channel: 'phone',
      pin: '1357913',
    }).expect(200);
    expect(checked.body.result).toBe('pass');
    await as(sct, 'post', `/representatives/${spareRepresentative}/security-details`, {
      actingForClientId: caseClient,
      pin: PIN,
      password: PASSWORD,
    }).expect(201);
  });

  it('[X-1] an id asked about before it is set up is read again: acting for a sensitive client, it is refused at once (issue 17)', async () => {
    // The access policy remembers a subject's identity once read (fixed at set-up), never its absence.
    const later = randomUUID();
    const path = `/representatives/${later}/security-details`;
    expect((await as(cw, 'get', path).expect(200)).body).toMatchObject({ setUp: false });
    // Recorded here as acting for the sensitive client, unknown to service-requests as anyone's
    // representative: only client-security's own record makes it sensitive.
    await sql.query(
      `INSERT INTO security_subject (subject_id, subject_type, acting_for_client_id, current_version,
                                     created_by, created_at, updated_at)
       VALUES ($1, 'representative', $2, 1, 'test', now(), now())`,
      [later, caseClient],
    );
    try {
      expectRefusedWithNothingOfTheSubject(await as(cw, 'get', path), path, 'X-1');
    } finally {
      await sql.query('DELETE FROM security_subject WHERE subject_id = $1', [later]);
    }
  });

  it('[SD-18] the database refuses a change to a subject’s type or to the client a representative acts for', async () => {
    for (const [change, params] of [
      [
        `UPDATE security_subject SET acting_for_client_id = $2 WHERE subject_id = $1`,
        [representative, ordinaryClient],
      ],
      [
        `UPDATE security_subject SET subject_type = 'client', acting_for_client_id = NULL WHERE subject_id = $1`,
        [representative],
      ],
      [`UPDATE security_subject SET subject_id = $2 WHERE subject_id = $1`, [ordinaryClient, randomUUID()]],
    ] as const) {
      await expect(sql.query(change, [...params])).rejects.toThrow(/fixed at set-up \(SD-18\)/);
    }
    // Naming the columns with their own values, as an ORM may, is no change.
    await sql.query(
      `UPDATE security_subject SET subject_type = subject_type, acting_for_client_id = acting_for_client_id
        WHERE subject_id = $1`,
      [representative],
    );
  });

  it('[X-1] an ordinary client stays open to caseworkers, and team leaders read it', async () => {
    await as(cw, 'get', `/clients/${ordinaryClient}/security-details`).expect(200);
    await as(tl, 'get', `/clients/${ordinaryClient}/security-details/history`).expect(200);
    const check = await as(cw, 'post', `/clients/${ordinaryClient}/security-check`, {
      channel: 'phone',
      pin: PIN,
    }).expect(200);
    expect(check.body.result).toBe('pass');
  });

  it('[X-1] when service-requests cannot tell, a caseworker gets 503 and nothing of the client (never an open door)', async () => {
    await sr.close();
    srStopped = true;
    const path = `/clients/${ordinaryClient}/security-details`;
    const res = await as(cw, 'get', path);
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).not.toHaveProperty('setUp');
    // The sensitive case team is not slowed by the question.
    await as(sct, 'get', path).expect(200);
  });
});
