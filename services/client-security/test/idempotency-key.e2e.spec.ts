import { Client } from 'pg';
import request from 'supertest';
import { tokenFor } from '@cms/testing';
import { IdempotentRequests } from '../src/idempotency/idempotent-requests';
import {
  serviceRequestsRecords,
  type ServiceRequestsRecords,
  startClientSecurity,
  TestClientSecurity,
} from './helpers';

// Idempotency-Key on the changes service-requests makes for Change - Security Details (issue #18:
// it records its intent, calls client-security with a key derived from the SR and step, and retries
// with the same key after a lost answer). Real service-requests beside, real PostgreSQL.

describe('client-security: Idempotency-Key on set-up, change and unblock', () => {
  let s: TestClientSecurity;
  let records: ServiceRequestsRecords;
  let sql: Client;
  let cw: string;
  let srs: string;
  const api = () => request(s.url);
  const secrets = ['4829175', 'Blue Heron 42', '6150382', '7305516', 'Copper Kettle 19'];

  /** A client held by service-requests, set up here FIRST, then their open security details SR (SD-22, SD-4). */
  async function setUpClient(): Promise<{ clientId: string; srId: string }> {
    const client = await records.client();
    await api()
      .post(`/clients/${client.clientId}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '4829175', password: 'Blue Heron 42' })
      .expect(201);
    return { clientId: client.clientId, srId: await records.securitySr(client) };
  }
  const change = (clientId: string, body: object, key?: string, token = srs) => {
    const req = api().post(`/clients/${clientId}/security-details/change`).auth(token, { type: 'bearer' });
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const history = async (clientId: string) =>
    (
      await api()
        .get(`/clients/${clientId}/security-details/history`)
        .auth(cw, { type: 'bearer' })
        .expect(200)
    ).body.versions as Array<{ version: number }>;
  const auditActions = async (clientId: string) =>
    (
      (await api().get(`/audit/client/${clientId}`).auth(cw, { type: 'bearer' }).expect(200)).body as Array<{
        action: string;
      }>
    ).map((a) => a.action);

  beforeAll(async () => {
    s = await startClientSecurity({
      WORKERS_ENABLED: 'false',
      CHECK_LIMIT_PER_SUBJECT: '1000',
      CHECK_LIMIT_PER_CALLER: '1000',
    });
    records = serviceRequestsRecords(s.serviceRequestsUrl);
    sql = new Client({ connectionString: s.db.url });
    await sql.connect();
    [cw, srs] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['system'], 'service-requests'),
    ]);
  });
  afterAll(async () => {
    await sql?.end();
    await s?.close();
  });

  it('[SD-14] [SD-20] the same key and the same change: the same answer, applied once (one new version)', async () => {
    const { clientId, srId } = await setUpClient();
    const body = { pin: '6150382', serviceRequestId: srId };
    const first = await change(clientId, body, `sr:${srId}:update-security-details:1:1`);
    expect(first.status).toBe(200);
    const again = await change(clientId, body, `sr:${srId}:update-security-details:1:1`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await history(clientId)).map((v) => v.version)).toEqual([2, 1]);
    expect((await auditActions(clientId)).filter((a) => a === 'security-details-changed')).toHaveLength(1);
    // A new key is a new change.
    await change(clientId, body, `sr:${srId}:update-security-details:2:1`).expect(200);
    expect((await history(clientId)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('the same key sent twice at once: one applies, the other gets its answer', async () => {
    const { clientId, srId } = await setUpClient();
    const body = { password: 'Copper Kettle 19', serviceRequestId: srId };
    const key = `sr:${srId}:update-security-details:concurrent`;
    const [a, b] = await Promise.all([change(clientId, body, key), change(clientId, body, key)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual(a.body);
    expect((await history(clientId)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('the same key with a different body is refused (422) naming the key, and nothing changes', async () => {
    const { clientId, srId } = await setUpClient();
    const key = `sr:${srId}:update-security-details:1:1`;
    await change(clientId, { pin: '6150382', serviceRequestId: srId }, key).expect(200);
    const other = await change(clientId, { pin: '7305516', serviceRequestId: srId }, key);
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.detail).toContain(key);
    expect(other.body.errors[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'same-request-per-key' });
    expect((await history(clientId)).map((v) => v.version)).toEqual([2, 1]);
    // The PIN that applied is the first one.
    const pass = await api()
      .post(`/clients/${clientId}/security-check`)
      .auth(cw, { type: 'bearer' })
      .send({ channel: 'phone', pin: '6150382' });
    expect(pass.body.result).toBe('pass');
    // The same key on another operation is a different request too.
    const asUnblock = await api()
      .post(`/clients/${clientId}/tam-account/unblock`)
      .auth(srs, { type: 'bearer' })
      .set('Idempotency-Key', key)
      .send({ verifiedBy: 'CMSL9800 returned', serviceRequestId: srId });
    expect(asUnblock.status).toBe(422);
    expect(asUnblock.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('a refused change stores nothing: the same key with a corrected body then applies', async () => {
    const { clientId, srId } = await setUpClient();
    const key = `sr:${srId}:update-security-details:refused-first`;
    const zeroes = await change(clientId, { pin: '0000000', serviceRequestId: srId }, key);
    expect(zeroes.status).toBe(400);
    expect(zeroes.body.requirementId).toBe('SD-1');
    await change(clientId, { pin: '6150382', serviceRequestId: srId }, key).expect(200);
    expect((await history(clientId)).map((v) => v.version)).toEqual([2, 1]);
  });

  it('keys are per caller: another caller with the same key is another request', async () => {
    const { clientId, srId } = await setUpClient();
    const key = `shared-key-${srId}`;
    await change(clientId, { pin: '6150382', serviceRequestId: srId }, key).expect(200);
    await change(clientId, { pin: '7305516', serviceRequestId: srId }, key, cw).expect(200);
    expect((await history(clientId)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('[SD-3] [SD-11] unblock with a key: a repeat answers the same and audits one unblock', async () => {
    const { clientId, srId } = await setUpClient();
    for (let i = 0; i < 3; i++) {
      await api()
        .post(`/clients/${clientId}/security-check`)
        .auth(cw, { type: 'bearer' })
        .send({ channel: 'phone', pin: '1111111' });
    }
    const unblock = () =>
      api()
        .post(`/clients/${clientId}/tam-account/unblock`)
        .auth(srs, { type: 'bearer' })
        .set('Idempotency-Key', `sr:${srId}:tam-account-check:1:1`)
        .send({ verifiedBy: 'CMSL9800 returned', serviceRequestId: srId });
    const first = await unblock().expect(200);
    expect(first.body.blocked).toBe(false);
    const again = await unblock().expect(200);
    expect(again.body).toEqual(first.body);
    expect((await auditActions(clientId)).filter((a) => a === 'account-unblocked')).toHaveLength(1);
  });

  it('[SD-22] set-up with a key: a repeat gets the first answer (201), not "already set up"', async () => {
    const client = await records.client();
    const setUp = () =>
      api()
        .post(`/clients/${client.clientId}/security-details`)
        .auth(cw, { type: 'bearer' })
        .set('Idempotency-Key', `set-up:${client.clientId}`)
        .send({ pin: '7305516', password: 'Harbour Light 7' });
    const first = await setUp().expect(201);
    const again = await setUp().expect(201);
    expect(again.body).toEqual(first.body);
    expect((await history(client.clientId)).map((v) => v.version)).toEqual([1]);
    // Without the key, a second set-up is still refused (SD-20).
    const noKey = await api()
      .post(`/clients/${client.clientId}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '7305516', password: 'Harbour Light 7' });
    expect(noKey.status).toBe(409);
  });

  it('a malformed key is refused (400) naming the header', async () => {
    const { clientId, srId } = await setUpClient();
    const res = await change(clientId, { pin: '6150382', serviceRequestId: srId }, 'x'.repeat(256));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'Idempotency-Key', rule: 'idempotency-key-format' });
  });

  it('stores an argon2id hash of the request and the answer, never the body or a secret', async () => {
    const { rows } = await sql.query(`SELECT * FROM idempotency_key`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.request_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      const stored = JSON.stringify(row);
      for (const secret of secrets) expect(stored).not.toContain(secret);
    }
  });

  it('keeps a key IDEMPOTENCY_RETENTION_DAYS (30), then forgets it: the same key is then a new request', async () => {
    const { clientId, srId } = await setUpClient();
    const key = `sr:${srId}:update-security-details:retention`;
    await change(clientId, { pin: '6150382', serviceRequestId: srId }, key).expect(200);
    const sweeper = s.app.get(IdempotentRequests);
    const storedDaysAgo = (days: number) =>
      sql.query(`UPDATE idempotency_key SET created_at = now() - make_interval(days => $2) WHERE key = $1`, [
        key,
        days,
      ]);
    const count = async () => Number((await sql.query(`SELECT count(*) FROM idempotency_key`)).rows[0].count);
    // Stored 29 days ago: kept, and a different request under it is still refused.
    await storedDaysAgo(29);
    const before = await count();
    expect(await sweeper.sweep()).toBe(0);
    expect(await change(clientId, { pin: '7305516', serviceRequestId: srId }, key)).toMatchObject({
      status: 422,
    });
    // Stored 31 days ago: it alone goes (the other keys, stored today, stay).
    await storedDaysAgo(31);
    expect(await sweeper.sweep()).toBe(1);
    expect(await count()).toBe(before - 1);
    const again = await change(clientId, { pin: '7305516', serviceRequestId: srId }, key);
    expect(again.status).toBe(200);
    expect((await history(clientId)).map((v) => v.version)).toEqual([3, 2, 1]);
  });
});
