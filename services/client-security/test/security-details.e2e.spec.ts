import { randomUUID } from 'node:crypto';
import * as argon2 from 'argon2';
import { Client } from 'pg';
import request from 'supertest';
import { tokenFor } from '@cms/testing';
import {
  serviceRequestsRecords,
  type ServiceRequestsRecords,
  startClientSecurity,
  TEST_PEPPER,
  TestClientSecurity,
} from './helpers';

// Hashing costs ~25–60 ms per argon2id hash (19 MiB, 2 passes): a set-up is 3 hashes, a check 1–2
// verifications, a change 1–3 hashes. This file does about a hundred in all.

const OWASP_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

describe('client-security: security details over HTTP on real PostgreSQL', () => {
  let s: TestClientSecurity;
  let records: ServiceRequestsRecords;
  /** The open Change Contact/Security Info SR of each client set up here (SD-4). */
  const srOf = new Map<string, string>();
  let sql: Client;
  let cw: string;
  let tl: string;
  let sct: string;
  let portal: string;
  let ops: string;
  /** Every PIN and password this file sends, to prove none reaches an audit row or a log line. */
  const secrets = new Set<string>();

  const api = () => request(s.url);
  const pinOf = () => {
    let pin = '';
    while (pin.length < 7) pin += String(1 + Math.floor(Math.random() * 9));
    secrets.add(pin);
    return pin;
  };
  const pw = (text: string) => (secrets.add(text), text);

  /** Security set-up for a new client held by service-requests (on a CSA Arrears Only case if asked, SD-21). */
  const setUp = async (
    { csaArrearsOnly, ...body }: { pin: string; password: string; csaArrearsOnly?: boolean },
    token = cw,
  ) => {
    const client = await records.client({ csaArrearsOnly });
    const id = client.clientId;
    const res = await api()
      .post(`/clients/${id}/security-details`)
      .auth(token, { type: 'bearer' })
      .send(body);
    expect(res.status).toBe(201);
    // The SR every later change is made under (SD-4), raised once security is set up (SD-22).
    srOf.set(id, await records.securitySr(client));
    return { id, client, body: res.body };
  };
  const check = (id: string, body: Record<string, unknown>, token = cw, kind = 'clients') =>
    api().post(`/${kind}/${id}/security-check`).auth(token, { type: 'bearer' }).send(body);
  const status = async (id: string, kind = 'clients') =>
    (await api().get(`/${kind}/${id}/security-details`).auth(tl, { type: 'bearer' }).expect(200)).body;
  const audit = async (type: string, id: string) =>
    (await api().get(`/audit/${type}/${id}`).auth(tl, { type: 'bearer' }).expect(200)).body as Array<{
      action: string;
      actorId: string;
      source: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }>;
  const jobsFor = async (clientId: string) =>
    (
      await sql.query(
        `SELECT id, data, state, xmin::text AS xid FROM pgboss.job
          WHERE name = 'client-security.security-event' AND data->'payload'->>'clientId' = $1`,
        [clientId],
      )
    ).rows as Array<{ id: string; data: { payload: Record<string, unknown> }; state: string; xid: string }>;

  beforeAll(async () => {
    // Generous limits here: rate limiting has its own file.
    s = await startClientSecurity({
      WORKERS_ENABLED: 'false',
      CHECK_LIMIT_PER_SUBJECT: '1000',
      CHECK_LIMIT_PER_CALLER: '1000',
    });
    records = serviceRequestsRecords(s.serviceRequestsUrl);
    sql = new Client({ connectionString: s.db.url });
    await sql.connect();
    [cw, tl, sct, portal, ops] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['team-leader'], 'tl-1'),
      tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
      tokenFor(['system'], 'self-service-portal'),
      tokenFor(['system'], 'ops'),
    ]);
  });
  afterAll(async () => {
    await sql?.end();
    await s?.close();
  });

  describe('access', () => {
    it('401 problem+json without a token, 403 for a team leader setting up or checking', async () => {
      const id = randomUUID();
      const none = await api()
        .post(`/clients/${id}/security-check`)
        .send({ channel: 'phone', pin: '1234567' });
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toContain('application/problem+json');
      const setUpByTl = await api()
        .post(`/clients/${id}/security-details`)
        .auth(tl, { type: 'bearer' })
        .send({ pin: '1234567', password: 'Secret one' });
      expect(setUpByTl.status).toBe(403);
      expect(setUpByTl.body.code).toBe('ROLE_REQUIRED');
      const checkByTl = await check(id, { channel: 'phone', pin: '1234567' }, tl);
      expect(checkByTl.status).toBe(403);
      expect((await status(id)).setUp).toBe(false);
    });
  });

  describe('[SD-1] PIN and special password rules', () => {
    it.each([
      ['all zeroes', { pin: '0000000' }, 'pin', 'pin-not-all-zeroes'],
      ['six digits', { pin: '123456' }, 'pin', 'pin-format'],
      ['eight digits', { pin: '12345678' }, 'pin', 'pin-format'],
      ['letters', { pin: '12a4567' }, 'pin', 'pin-format'],
      ['a space', { pin: '123 456' }, 'pin', 'pin-format'],
      ['a password of five characters', { password: 'abcde' }, 'password', 'password-length'],
      ['a password of 31 characters', { password: 'x'.repeat(31) }, 'password', 'password-length'],
      ['a password with a line break', { password: 'abc\ndefg' }, 'password', 'password-characters'],
      [
        'a password starting with a space',
        { password: ' abcdefg' },
        'password',
        'password-surrounding-spaces',
      ],
    ])('[SD-1] refuses %s with field and rule, writing nothing', async (_label, patch, field, rule) => {
      const id = randomUUID();
      const res = await api()
        .post(`/clients/${id}/security-details`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: '4829175', password: 'Blue Heron 42', ...patch });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', requirementId: 'SD-1' });
      expect(res.body.errors).toEqual([expect.objectContaining({ field, rule, requirementId: 'SD-1' })]);
      expect((await status(id)).setUp).toBe(false);
    });

    it('[SD-1] refuses a PIN sent as a number (leading zeroes would be lost)', async () => {
      const res = await api()
        .post(`/clients/${randomUUID()}/security-details`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: 1234567, password: 'Blue Heron 42' });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'pin', rule: 'isString' })]),
      );
    });

    it('[SD-1] [SD-14] stores only peppered argon2id hashes (OWASP parameters) and X for the memorable questions', async () => {
      const pin = pinOf();
      const password = pw('Blue Heron 42');
      const { id, body } = await setUp({ pin, password });
      expect(body).toMatchObject({
        setUp: true,
        subjectType: 'client',
        tamAccount: { exists: true, blocked: false },
        memorableQuestions: ['X', 'X', 'X', 'X', 'X', 'X', 'X'],
        currentVersion: 1,
        attemptsRemaining: 3,
      });
      const text = JSON.stringify(body);
      expect(text).not.toContain(pin);
      expect(text).not.toContain(password);
      expect(text).not.toContain('$argon2');

      const { rows } = await sql.query(
        `SELECT pin_hash, password_hash, password_folded_hash, memorable_answers FROM security_credential WHERE subject_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.memorable_answers).toEqual(['X', 'X', 'X', 'X', 'X', 'X', 'X']);
      for (const hash of [row.pin_hash, row.password_hash, row.password_folded_hash]) {
        expect(hash.startsWith(OWASP_PREFIX)).toBe(true);
        expect(hash).not.toContain(pin);
      }
      expect(new Set([row.pin_hash, row.password_hash, row.password_folded_hash]).size).toBe(3);
      // The pepper is part of the hash: without it the right PIN does not verify.
      const secret = Buffer.from(TEST_PEPPER);
      expect(await argon2.verify(row.pin_hash, pin, { secret })).toBe(true);
      expect(await argon2.verify(row.pin_hash, pin)).toBe(false);
      expect(await argon2.verify(row.password_folded_hash, 'blue heron 42', { secret })).toBe(true);
    });
  });

  describe('[SD-22] a client without security details goes to security set-up', () => {
    it('[SD-22] status says not set up; check, change, unblock and history answer SECURITY_DETAILS_NOT_SET_UP', async () => {
      const id = randomUUID();
      expect(await status(id)).toMatchObject({ setUp: false, tamAccount: null, currentVersion: null });
      const attempts = [
        check(id, { channel: 'phone', pin: '4829175' }),
        api()
          .post(`/clients/${id}/security-details/change`)
          .auth(cw, { type: 'bearer' })
          .send({ pin: '4829175' }),
        api()
          .post(`/clients/${id}/tam-account/unblock`)
          .auth(cw, { type: 'bearer' })
          .send({ verifiedBy: 'transactional questions' }),
        api().get(`/clients/${id}/security-details/history`).auth(cw, { type: 'bearer' }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'SECURITY_DETAILS_NOT_SET_UP', requirementId: 'SD-22' });
        expect(res.body.detail).toMatch(/security set-up/);
      }
      expect(await audit('client', id)).toEqual([]);
    });

    it('[SD-20] a second set-up is refused (details are changed, never overwritten)', async () => {
      const { id } = await setUp({ pin: pinOf(), password: pw('First choice') });
      const again = await api()
        .post(`/clients/${id}/security-details`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: pinOf(), password: pw('Second choice') });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('SECURITY_DETAILS_ALREADY_SET_UP');
    });
  });

  describe('[SD-19] channels', () => {
    let id: string;
    let pin: string;
    beforeAll(async () => {
      pin = pinOf();
      ({ id } = await setUp({ pin, password: pw('Blue Heron 42') }));
    });

    it('[SD-19] the phone compares the special password case-insensitively, with the PIN or the password', async () => {
      for (const body of [
        { channel: 'phone', password: 'blue HERON 42' },
        { channel: 'phone', pin },
        { channel: 'phone', pin, password: 'BLUE HERON 42' },
      ]) {
        const res = await check(id, body);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          result: 'pass',
          consecutiveFailures: 0,
          attemptsRemaining: 3,
          blocked: false,
        });
      }
    });

    it('[SD-19] the self-service portal needs both and is case sensitive', async () => {
      const exact = await check(id, { channel: 'self-service', pin, password: 'Blue Heron 42' }, portal);
      expect(exact.body.result).toBe('pass');
      const lower = await check(id, { channel: 'self-service', pin, password: 'blue heron 42' }, portal);
      expect(lower.body).toMatchObject({ result: 'fail', consecutiveFailures: 1 });
      const missing = await check(id, { channel: 'self-service', pin }, portal);
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual([
        expect.objectContaining({ field: 'password', rule: 'required', requirementId: 'SD-19' }),
      ]);
      // Reset the failure for the next tests.
      expect(
        (await check(id, { channel: 'self-service', pin, password: 'Blue Heron 42' }, portal)).body,
      ).toMatchObject({
        result: 'pass',
        consecutiveFailures: 0,
      });
    });

    it('[SD-19] a phone check with neither item, or a PIN that is not seven digits, is a 400 that counts nothing', async () => {
      const none = await check(id, { channel: 'phone' });
      expect(none.status).toBe(400);
      expect(none.body.errors[0]).toMatchObject({ field: 'pin', rule: 'pin-or-password-required' });
      const short = await check(id, { channel: 'phone', pin: '123456' });
      expect(short.status).toBe(400);
      expect(short.body.errors[0]).toMatchObject({ field: 'pin', rule: 'pin-format' });
      expect((await status(id)).consecutiveFailures).toBe(0);
    });

    it('[SD-19] a failure never says which item was wrong', async () => {
      const wrongPin = await check(id, { channel: 'phone', pin: '9999999', password: 'Blue Heron 42' });
      const wrongPassword = await check(id, { channel: 'phone', pin, password: 'Red Heron 42' });
      expect(Object.keys(wrongPin.body).sort()).toEqual(Object.keys(wrongPassword.body).sort());
      expect(wrongPin.body.result).toBe('fail');
      expect(wrongPassword.body.result).toBe('fail');
      expect(JSON.stringify(wrongPin.body)).not.toMatch(/pin|password/i);
      await check(id, { channel: 'phone', pin });
    });
  });

  describe('[SD-2] three consecutive failures block the TAM account', () => {
    it('[SD-2] a success resets the count: fail, fail, pass, fail, fail leaves the account open', async () => {
      const pin = pinOf();
      const { id } = await setUp({ pin, password: pw('Reset Me 77') });
      const results = [];
      for (const p of ['1111111', '2222222', pin, '3333333', '4444444']) {
        results.push((await check(id, { channel: 'phone', pin: p })).body);
      }
      expect(results.map((r) => [r.result, r.consecutiveFailures])).toEqual([
        ['fail', 1],
        ['fail', 2],
        ['pass', 0],
        ['fail', 1],
        ['fail', 2],
      ]);
      expect(await status(id)).toMatchObject({
        blocked: false,
        consecutiveFailures: 2,
        attemptsRemaining: 1,
      });
      expect(await jobsFor(id)).toEqual([]);
    });

    it('[SD-2] [SD-3] the third blocks, audits, and writes the service-requests event in the same transaction; a blocked account refuses even the right PIN', async () => {
      const pin = pinOf();
      const { id } = await setUp({ pin, password: pw('Block Me 11') });
      await check(id, { channel: 'phone', pin: '1111111' }).expect(200);
      await check(id, { channel: 'self-service', pin: '2222222', password: 'Block Me 11' }, portal).expect(
        200,
      );
      const third = await check(id, { channel: 'phone', password: 'wrong password' });
      expect(third.status).toBe(200);
      expect(third.body).toEqual({
        result: 'fail',
        consecutiveFailures: 3,
        attemptsRemaining: 0,
        blocked: true,
      });

      const after = await status(id);
      expect(after).toMatchObject({
        blocked: true,
        tamAccount: { exists: true, blocked: true },
        attemptsRemaining: 0,
      });

      const refused = await check(id, { channel: 'phone', pin });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'ACCOUNT_BLOCKED', requirementId: 'SD-2' });
      expect(refused.headers['content-type']).toContain('application/problem+json');

      const jobs = await jobsFor(id);
      expect(jobs).toHaveLength(1);
      expect(jobs[0].state).toBe('created');
      expect(jobs[0].data.payload).toEqual({
        clientId: id,
        event: 'tam-account-blocked',
        occurredAt: after.blockedAt,
      });
      // Same transaction: the job, the blocked subject row and the audit record share one xid.
      const subjectXid = (
        await sql.query(`SELECT xmin::text AS xid FROM security_subject WHERE subject_id = $1`, [id])
      ).rows[0].xid;
      const auditXid = (
        await sql.query(
          `SELECT xmin::text AS xid FROM audit_log WHERE entity_id = $1 AND action = 'account-blocked'`,
          [id],
        )
      ).rows[0].xid;
      expect(jobs[0].xid).toBe(subjectXid);
      expect(auditXid).toBe(subjectXid);

      const trail = await audit('client', id);
      expect(trail.map((a) => a.action)).toEqual([
        'security-details-set-up',
        'security-check-failed',
        'security-check-failed',
        'security-check-failed',
        'account-blocked',
        'security-check-refused',
      ]);
      expect(trail[4]).toMatchObject({
        before: { blocked: false },
        after: { blocked: true, tamAccount: true },
      });
    });

    it('[SD-2] concurrent wrong guesses cannot exceed three: the rest are refused', async () => {
      const { id } = await setUp({ pin: pinOf(), password: pw('Race Me 55') });
      const results = await Promise.all(
        ['1111112', '1111113', '1111114', '1111115', '1111116', '1111117'].map((p) =>
          check(id, { channel: 'phone', pin: p }),
        ),
      );
      const counted = results.filter((r) => r.status === 200);
      expect(counted).toHaveLength(3);
      expect(counted.filter((r) => r.body.blocked)).toHaveLength(1);
      expect(results.filter((r) => r.status === 422).every((r) => r.body.code === 'ACCOUNT_BLOCKED')).toBe(
        true,
      );
      expect(await jobsFor(id)).toHaveLength(1);
      // Each counted failure saw the one before it: 1, 2, 3, and the audit trail chains the same.
      expect(counted.map((r) => r.body.consecutiveFailures).sort()).toEqual([1, 2, 3]);
      const failed = (await audit('client', id)).filter((a) => a.action === 'security-check-failed');
      expect(failed.map((a) => [a.before?.consecutiveFailures, a.after?.consecutiveFailures]).sort()).toEqual(
        [
          [0, 1],
          [1, 2],
          [2, 3],
        ],
      );
    });

    it('[SD-2] concurrent checks after one failure: a pass resets the count, and every counted check is audited once', async () => {
      const pin = pinOf();
      const { id } = await setUp({ pin, password: pw('Race Me 56') });
      expect((await check(id, { channel: 'phone', pin: '2222221' })).body.consecutiveFailures).toBe(1);
      const results = await Promise.all(
        [pin, '2222222', pin, '2222223', pin].map((p) => check(id, { channel: 'phone', pin: p })),
      );
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const trail = (await audit('client', id)).filter((a) => a.action.startsWith('security-check-'));
      expect(trail).toHaveLength(6);
      // Recorded one after another: every row's "before" is the count some other row left (or the
      // 0 of set-up), each count used once; the one left over is the last.
      const left = [0, ...trail.map((a) => a.after?.consecutiveFailures)];
      for (const a of trail) {
        const at = left.indexOf(a.before?.consecutiveFailures);
        expect(at).toBeGreaterThanOrEqual(0);
        left.splice(at, 1);
      }
      expect(left).toHaveLength(1);
      expect((await status(id)).blocked).toBe(false);
    });
  });

  describe('[SD-11] [SD-14] [SD-20] unblock and change', () => {
    let id: string;
    let pin: string;
    const password = 'Kestrel Moor 9';

    beforeAll(async () => {
      pin = pinOf();
      ({ id } = await setUp({ pin, password: pw(password) }));
      for (const p of ['5555551', '5555552', '5555553']) await check(id, { channel: 'phone', pin: p });
      expect((await status(id)).blocked).toBe(true);
    });

    it('[SD-11] a change is refused while the TAM account is blocked: unblock first', async () => {
      const res = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: pinOf() });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'ACCOUNT_BLOCKED', requirementId: 'SD-11' });
      expect(res.body.detail).toMatch(/Unblock/);
      expect((await status(id)).currentVersion).toBe(1);
    });

    it('[SD-11] Unblock User clears the block and the failures; unblocking again changes nothing', async () => {
      const res = await api()
        .post(`/clients/${id}/tam-account/unblock`)
        .auth(sct, { type: 'bearer' })
        .send({ verifiedBy: 'CMSL9800 returned', serviceRequestId: srOf.get(id) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        blocked: false,
        consecutiveFailures: 0,
        tamAccount: { blocked: false },
      });
      const again = await api()
        .post(`/clients/${id}/tam-account/unblock`)
        .auth(sct, { type: 'bearer' })
        .send({ verifiedBy: 'CMSL9800 returned' });
      expect(again.status).toBe(200);
      const unblocks = (await audit('client', id)).filter((a) => a.action === 'account-unblocked');
      expect(unblocks).toHaveLength(1);
      expect(unblocks[0]).toMatchObject({
        actorId: 'sct-1',
        before: { blocked: true, consecutiveFailures: 3 },
        after: { blocked: false, verifiedBy: 'CMSL9800 returned' },
      });
      const bad = await api()
        .post(`/clients/${id}/tam-account/unblock`)
        .auth(cw, { type: 'bearer' })
        .send({ verifiedBy: 'asked nicely' });
      expect(bad.status).toBe(400);
      expect((await check(id, { channel: 'phone', pin })).body.result).toBe('pass');
    });

    it('[SD-14] a change needs a new PIN, a new password or both', async () => {
      const res = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({});
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'pin', rule: 'pin-or-password-required', requirementId: 'SD-14' }),
      ]);
      const zero = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: '0000000' });
      expect(zero.body.errors[0]).toMatchObject({ rule: 'pin-not-all-zeroes', requirementId: 'SD-1' });
    });

    let newPin: string;
    it('[SD-14] changes the PIN only: the old PIN fails, the new one and the unchanged password pass; failures reset', async () => {
      await check(id, { channel: 'phone', pin: '7777777' });
      expect((await status(id)).consecutiveFailures).toBe(1);
      newPin = pinOf();
      const res = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: newPin, serviceRequestId: srOf.get(id) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ currentVersion: 2, consecutiveFailures: 0, lastChangedBy: 'cw-1' });
      expect((await check(id, { channel: 'phone', pin: newPin, password })).body.result).toBe('pass');
      expect((await check(id, { channel: 'phone', pin })).body.result).toBe('fail');
      await check(id, { channel: 'phone', pin: newPin });
    });

    it('[SD-14] changes the password only, then both', async () => {
      const password2 = pw('Curlew Fen 3');
      const one = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(portal, { type: 'bearer' })
        .send({ password: password2, serviceRequestId: srOf.get(id) });
      expect(one.body.currentVersion).toBe(3);
      expect(
        (await check(id, { channel: 'self-service', pin: newPin, password: password2 }, portal)).body.result,
      ).toBe('pass');
      const pin3 = pinOf();
      const both = await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({
          pin: pin3,
          password: pw('Dunlin Sands 4'),
          serviceRequestId: srOf.get(id),
        });
      expect(both.body.currentVersion).toBe(4);
      expect((await check(id, { channel: 'phone', pin: pin3, password: 'DUNLIN sands 4' })).body.result).toBe(
        'pass',
      );
      const { rows } = await sql.query(
        `SELECT memorable_answers FROM security_credential WHERE subject_id = $1 ORDER BY version`,
        [id],
      );
      expect(rows.map((r) => r.memorable_answers)).toEqual(
        Array(4).fill(['X', 'X', 'X', 'X', 'X', 'X', 'X']),
      );
    });

    it('[SD-20] history shows every version, newest first, with when, who and which items — never a secret', async () => {
      const res = await api().get(`/clients/${id}/security-details/history`).auth(tl, { type: 'bearer' });
      expect(res.status).toBe(200);
      const versions = res.body.versions;
      expect(versions.map((v: { version: number }) => v.version)).toEqual([4, 3, 2, 1]);
      expect(versions.map((v: { changedItems: string[] }) => v.changedItems)).toEqual([
        ['pin', 'password'],
        ['password'],
        ['pin'],
        ['pin', 'password'],
      ]);
      expect(versions.map((v: { reason: string }) => v.reason)).toEqual([
        'change',
        'change',
        'change',
        'set-up',
      ]);
      expect(versions.map((v: { current: boolean }) => v.current)).toEqual([true, false, false, false]);
      expect(versions[0]).toMatchObject({
        createdBy: 'cw-1',
        supersededAt: null,
        serviceRequestId: srOf.get(id),
      });
      expect(versions[2]).toMatchObject({ createdBy: 'cw-1', supersededAt: expect.any(String) });
      expect(versions[1].createdBy).toBe('self-service-portal');
      const text = JSON.stringify(res.body);
      expect(text).not.toMatch(/hash|argon2/i);
      for (const secret of secrets) expect(text).not.toContain(secret);
    });

    it('[SD-20] the database refuses to overwrite a stored version', async () => {
      await expect(
        sql.query(`UPDATE security_credential SET pin_hash = 'x' WHERE subject_id = $1 AND version = 1`, [
          id,
        ]),
      ).rejects.toThrow(/append-only/);
      await expect(
        sql.query(
          `UPDATE security_credential SET superseded_at = now() WHERE subject_id = $1 AND version = 1`,
          [id],
        ),
      ).rejects.toThrow(/append-only/);
    });
  });

  describe('[SD-21] manually built CSA Arrears Only cases have no TAM account', () => {
    let id: string;
    let pin: string;
    beforeAll(async () => {
      pin = pinOf();
      const created = await setUp({ pin, password: pw('Arrears Only 1'), csaArrearsOnly: true });
      id = created.id;
      expect(created.body).toMatchObject({
        csaArrearsOnly: true,
        tamAccount: { exists: false, createdAt: null },
      });
    });

    it('[SD-21] change and unblock are refused: raise an incident with AAC', async () => {
      for (const res of [
        await api()
          .post(`/clients/${id}/security-details/change`)
          .auth(cw, { type: 'bearer' })
          .send({ pin: pinOf() }),
        await api()
          .post(`/clients/${id}/tam-account/unblock`)
          .auth(cw, { type: 'bearer' })
          .send({ verifiedBy: 'PIN/password' }),
      ]) {
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'NO_TAM_ACCOUNT', requirementId: 'SD-21' });
        expect(res.body.detail).toContain('Raise an incident with AAC');
      }
      expect((await status(id)).currentVersion).toBe(1);
    });

    it('[SD-21] phone checks work; a self-service check is refused (no portal account)', async () => {
      expect((await check(id, { channel: 'phone', pin })).body.result).toBe('pass');
      const portalCheck = await check(
        id,
        { channel: 'self-service', pin, password: 'Arrears Only 1' },
        portal,
      );
      expect(portalCheck.status).toBe(422);
      expect(portalCheck.body.code).toBe('NO_TAM_ACCOUNT');
    });
  });

  describe('[SD-18] client representatives have security details of their own', () => {
    let clientId: string;
    let clientPin: string;
    let repId: string;
    let repPin: string;
    beforeAll(async () => {
      clientPin = pinOf();
      const created = await setUp({ pin: clientPin, password: pw('Client Own 1') });
      clientId = created.id;
      repId = await records.representative(created.client);
      repPin = pinOf();
      const res = await api()
        .post(`/representatives/${repId}/security-details`)
        .auth(cw, { type: 'bearer' })
        .send({ actingForClientId: clientId, pin: repPin, password: pw('Rep Own 22') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        subjectType: 'representative',
        actingForClientId: clientId,
        tamAccount: null,
        memorableQuestions: ['X', 'X', 'X', 'X', 'X', 'X', 'X'],
      });
    });

    it("[SD-18] each passes with their own details only, and a representative's failures do not touch the client", async () => {
      expect((await check(repId, { channel: 'phone', pin: repPin }, cw, 'representatives')).body.result).toBe(
        'pass',
      );
      expect((await check(clientId, { channel: 'phone', pin: repPin })).body.result).toBe('fail');
      expect(
        (await check(repId, { channel: 'phone', pin: clientPin }, cw, 'representatives')).body.result,
      ).toBe('fail');
      expect((await status(clientId)).consecutiveFailures).toBe(1);
      expect((await status(repId, 'representatives')).consecutiveFailures).toBe(1);
      await check(clientId, { channel: 'phone', pin: clientPin });
    });

    it("[SD-18] the client's change refuses to amend a representative's details", async () => {
      const bySubjectType = await api()
        .post(`/clients/${clientId}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: pinOf(), subjectType: 'client-representative' });
      expect(bySubjectType.status).toBe(422);
      expect(bySubjectType.body).toMatchObject({
        code: 'CLIENT_REPRESENTATIVE_NOT_AMENDABLE',
        requirementId: 'SD-18',
      });
      const repAsClient = await api()
        .post(`/clients/${repId}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: pinOf() });
      expect(repAsClient.status).toBe(422);
      expect(repAsClient.body).toMatchObject({
        code: 'CLIENT_REPRESENTATIVE_NOT_AMENDABLE',
        requirementId: 'SD-18',
      });
      expect(repAsClient.body.detail).toContain(`/representatives/${repId}/security-details`);
      expect((await status(repId, 'representatives')).currentVersion).toBe(1);
      expect((await status(clientId)).currentVersion).toBe(1);
    });

    it("[SD-18] the representative's own details change as the representative's subject, and block on their own failures", async () => {
      const newRepPin = pinOf();
      const changed = await api()
        .post(`/representatives/${repId}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ pin: newRepPin, serviceRequestId: srOf.get(clientId) });
      expect(changed.status).toBe(200);
      expect(changed.body.currentVersion).toBe(2);
      for (const p of ['6666661', '6666662', '6666663']) {
        await check(repId, { channel: 'phone', pin: p }, cw, 'representatives').expect(200);
      }
      expect((await status(repId, 'representatives')).blocked).toBe(true);
      expect((await status(clientId)).blocked).toBe(false);
      // service-requests' security events are about a client's TAM account only.
      expect(await jobsFor(clientId)).toEqual([]);
      expect((await audit('representative', repId)).map((a) => a.action)).toContain('account-blocked');
      const unblocked = await api()
        .post(`/representatives/${repId}/security-details/unblock`)
        .auth(cw, { type: 'bearer' })
        .send({ verifiedBy: 'transactional questions' });
      expect(unblocked.body).toMatchObject({ blocked: false, consecutiveFailures: 0 });
      expect((await audit('representative', repId)).map((a) => a.action)).toContain('account-unblocked');
    });
  });

  describe('[X-2] audit and logs', () => {
    it('[X-2] every event is audited with who, when, source, before and after', async () => {
      const pin = pinOf();
      const { id } = await setUp({ pin, password: pw('Audit Trail 5') }, sct);
      await check(id, { channel: 'phone', pin });
      await check(id, { channel: 'self-service', pin: '1212121', password: 'Audit Trail 5' }, portal);
      await api()
        .post(`/clients/${id}/security-details/change`)
        .auth(cw, { type: 'bearer' })
        .send({ password: pw('Audit Trail 6'), serviceRequestId: srOf.get(id) });
      const trail = await audit('client', id);
      expect(trail).toEqual([
        expect.objectContaining({
          action: 'security-details-set-up',
          actorId: 'sct-1',
          source: 'api',
          before: null,
          after: expect.objectContaining({ tamAccount: true, credentialVersion: 1 }),
        }),
        expect.objectContaining({
          action: 'security-check-passed',
          actorId: 'cw-1',
          source: 'phone',
          after: expect.objectContaining({ result: 'pass', itemsSupplied: ['pin'] }),
        }),
        expect.objectContaining({
          action: 'security-check-failed',
          actorId: 'self-service-portal',
          source: 'self-service',
          before: { consecutiveFailures: 0 },
          after: expect.objectContaining({ consecutiveFailures: 1, itemsSupplied: ['pin', 'password'] }),
        }),
        expect.objectContaining({
          action: 'security-details-changed',
          actorId: 'cw-1',
          before: { credentialVersion: 1, consecutiveFailures: 1 },
          after: expect.objectContaining({
            credentialVersion: 2,
            changedItems: ['password'],
            consecutiveFailures: 0,
          }),
        }),
      ]);
      const roles = await api().get(`/audit/client/${id}`).auth(ops, { type: 'bearer' });
      expect(roles.status).toBe(200);
    });

    it('[X-2] no PIN, password or hash appears in any audit row or captured log line', async () => {
      expect(secrets.size).toBeGreaterThan(20);
      const rows = JSON.stringify((await sql.query(`SELECT * FROM audit_log`)).rows);
      const jobs = JSON.stringify((await sql.query(`SELECT data FROM pgboss.job`)).rows);
      const logs = s.logs.text();
      expect(logs).toContain('account blocked after three failed checks');
      for (const text of [rows, jobs, logs]) {
        expect(text).not.toMatch(/argon2|pin_?hash|password_?hash/i);
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    });
  });

  it('serves health and an OpenAPI document with typed responses and problem responses', async () => {
    expect((await api().get('/health/live')).body.status).toBe('ok');
    const doc = (await api().get('/docs-json')).body;
    const checkOp = doc.paths['/clients/{clientId}/security-check'].post;
    expect(checkOp.responses['200'].content['application/json'].schema.$ref).toBe(
      '#/components/schemas/SecurityCheckResultView',
    );
    expect(checkOp.responses['429']).toBeDefined();
    expect(doc.components.schemas.SetUpClientSecurityDto.properties.pin.example).toBe('4829175');
    for (const [name, schema] of Object.entries(
      doc.components.schemas as Record<string, { properties?: object }>,
    )) {
      if (!name.endsWith('Dto') && !name.endsWith('View')) continue;
      for (const [field, prop] of Object.entries(schema.properties ?? {})) {
        expect([name, field, (prop as { example?: unknown }).example !== undefined]).toEqual([
          name,
          field,
          true,
        ]);
      }
    }
  });
});
