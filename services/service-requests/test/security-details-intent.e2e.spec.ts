import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { freePort, listen, testEnv, tokenFor, eventually } from '@cms/testing';
import { createApp } from '../src/app';
// Test-only: the real client-security service, started beside service-requests (never a mock).
import { startClientSecurity, TestClientSecurity } from '../../client-security/test/helpers';
import { startServiceRequests, TestServiceRequests } from './helpers';

/**
 * What the network between service-requests and client-security does to a write (POST); reads pass.
 * - `pass`: forwarded, answered.
 * - `hold`: forwarded only when released (a slow peer).
 * - `hold-answer`: forwarded and applied at once, answered only when released.
 * - `lose-answer`: forwarded and applied by client-security, but the answer is lost (502 instead).
 * - `drop`: the connection is dropped before client-security sees the request.
 */
type Fault = 'pass' | 'hold' | 'hold-answer' | 'lose-answer' | 'drop';

/** A real HTTP hop in front of the real client-security that can fail the way networks do. */
class FaultyHop {
  fault: Fault = 'pass';
  /** Every write that reached the hop: path and Idempotency-Key. */
  readonly writes: Array<{ path: string; key: string | undefined }> = [];
  private releaseHeld: Array<() => void> = [];
  private server?: Server;

  constructor(private readonly target: string) {}

  listen(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          const isWrite = req.method !== 'GET' && req.method !== 'HEAD';
          const fault = isWrite ? this.fault : 'pass';
          if (isWrite) this.writes.push({ path: req.url!, key: header(req.headers, 'idempotency-key') });
          if (fault === 'drop') return void req.socket.destroy();
          if (fault === 'hold') await new Promise<void>((resolve) => this.releaseHeld.push(resolve));
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) {
            if (!['host', 'connection', 'content-length'].includes(k) && typeof v === 'string')
              headers[k] = v;
          }
          const upstream = await fetch(this.target + req.url, {
            method: req.method,
            headers,
            body: isWrite ? Buffer.concat(chunks) : undefined,
          });
          const body = Buffer.from(await upstream.arrayBuffer());
          if (fault === 'hold-answer') await new Promise<void>((resolve) => this.releaseHeld.push(resolve));
          if (fault === 'lose-answer') {
            res.writeHead(502, { 'content-type': 'text/plain' });
            return void res.end('bad gateway');
          }
          res.writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
          });
          res.end(body);
        })().catch(() => res.destroy());
      });
    });
    return new Promise((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
  }

  /** Waits until `n` writes are held, then returns a function that lets them through. */
  async held(n = 1): Promise<() => void> {
    await eventually(async () => this.releaseHeld.length >= n, 5000, 20);
    return () => {
      this.releaseHeld.splice(0).forEach((go) => go());
    };
  }

  close(): Promise<void> {
    this.releaseHeld.splice(0).forEach((go) => go());
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const header = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

describe('Change - Security Details: no lock across the client-security call; a retry completes the step once (#18)', () => {
  let sr: TestServiceRequests;
  let cs: TestClientSecurity;
  let hop: FaultyHop;
  let cw: string;
  let srPort: number;
  /** service-requests started again on the same database and port (the crash test), closed last. */
  let restarted: { close(): Promise<void> } | undefined;
  /** The running service-requests' database (the first app's, then the restarted one's). */
  let srDb: () => DataSource;
  let hopUrl: string;
  const secrets = new Set<string>();
  const api = () => request(sr.url);
  const pin = (p: string) => (secrets.add(p), p);

  beforeAll(async () => {
    let csPort: number, hopPort: number;
    [srPort, csPort, hopPort] = await Promise.all([freePort(), freePort(), freePort()]);
    hop = new FaultyHop(`http://127.0.0.1:${csPort}`);
    hopUrl = `http://127.0.0.1:${hopPort}`;
    await hop.listen(hopPort);
    [sr, cs] = await Promise.all([
      startServiceRequests({
        PORT: String(srPort),
        CLIENT_SECURITY_URL: hopUrl,
        WORKERS_ENABLED: 'false',
        HTTP_TIMEOUT_MS: '10000',
      }),
      startClientSecurity({ PORT: String(csPort), SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` }),
    ]);
    cw = await tokenFor(['caseworker'], 'cw-1');
    srDb = () => sr.app.get(DataSource);
  });
  afterAll(async () => {
    await hop?.close();
    await cs?.close();
    if (restarted) {
      await restarted.close();
      await sr.db.drop();
    } else await sr?.close();
  });
  beforeEach(() => {
    hop.fault = 'pass';
    hop.writes.length = 0;
  });

  /** A client on a case with security details set up in client-security FIRST, then their SR raised (SD-22, SD-4). */
  async function securitySr(): Promise<{ clientId: string; s: { id: string; version: number } }> {
    const post = async (path: string, body: object) =>
      (await api().post(path).auth(cw, { type: 'bearer' }).send(body).expect(201)).body;
    const clientId = (
      await post('/clients', { firstName: 'Sarah', lastName: 'Okafor', mobilePhone: '07700 900123' })
    ).id as string;
    const caseId = (
      await post('/cases', {
        jurisdiction: 'GB',
        stage: 'maintenance',
        participants: [{ clientId, role: 'PWC' }],
      })
    ).id as string;
    await request(cs.url)
      .post(`/clients/${clientId}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: pin('1234567'), password: 'Bluebell42' })
      .expect(201);
    const s = await post('/service-requests', {
      type: 'SECURITY_DETAILS',
      source: 'PWC',
      subject: { clientId, role: 'PWC' },
      caseIds: [caseId],
    });
    return { clientId, s };
  }
  const update = (id: string, body: Record<string, unknown>) =>
    api().post(`/service-requests/${id}/security-details/update`).auth(cw, { type: 'bearer' }).send(body);
  const getSr = async (id: string) =>
    (await api().get(`/service-requests/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body;
  const stepOf = (view: { activityPlan: Array<{ key: string; outcome: string | null }> }, key: string) =>
    view.activityPlan.find((x) => x.key === key)?.outcome ?? null;
  const versions = async (clientId: string) =>
    (
      (
        await request(cs.url)
          .get(`/clients/${clientId}/security-details/history`)
          .auth(cw, { type: 'bearer' })
          .expect(200)
      ).body.versions as Array<{ version: number }>
    ).map((v) => v.version);
  const srAudit = async (id: string) =>
    (
      (await api().get(`/audit/service-request/${id}`).auth(cw, { type: 'bearer' }).expect(200))
        .body as Array<{
        action: string;
        after: Record<string, unknown> | null;
      }>
    ).map((a) => a.action);
  const csAudit = async (clientId: string) =>
    (
      (await request(cs.url).get(`/audit/client/${clientId}`).auth(cw, { type: 'bearer' }).expect(200))
        .body as Array<{ action: string }>
    ).map((a) => a.action);
  const check = (clientId: string, p: string) =>
    request(cs.url)
      .post(`/clients/${clientId}/security-check`)
      .auth(cw, { type: 'bearer' })
      .send({ channel: 'phone', pin: p });

  it('[SD-14] no row lock or open transaction while client-security is called: the SR is read and written meanwhile', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'hold';
    const updating = update(s.id, { version: s.version, pin: pin('4820193') }).then((r) => r);
    const release = await hop.held();
    try {
      // The peer call is held open. The SR's row is free: a locking write and a read complete now.
      const started = Date.now();
      const [noted, read] = await Promise.all([
        api()
          .post(`/service-requests/${s.id}/notes`)
          .auth(cw, { type: 'bearer' })
          .timeout(3000)
          .send({ text: 'Client called while the change was going through.' }),
        api().get(`/service-requests/${s.id}`).auth(cw, { type: 'bearer' }).timeout(3000),
      ]);
      expect(noted.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(2000);
      // The step shows as pending while its outcome is unknown.
      expect(read.body.pendingSteps).toEqual([
        expect.objectContaining({ step: 'update-security-details', requestedBy: 'cw-1' }),
      ]);
      expect(stepOf(read.body, 'update-security-details')).toBe(null);
      // No connection of service-requests sits in an open transaction.
      const idle = await srDb().query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      expect(idle[0].n).toBe(0);
    } finally {
      release();
    }
    const done = await updating;
    expect(done.status).toBe(200);
    expect(stepOf(done.body, 'update-security-details')).toBe('Updated');
    expect(done.body.pendingSteps).toEqual([]);
    expect(await versions(clientId)).toEqual([2, 1]);
    const actions = await srAudit(s.id);
    expect(actions.indexOf('security-step-requested')).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf('security-details-updated')).toBeGreaterThan(
      actions.indexOf('security-step-requested'),
    );
  });

  it('[SD-14] [SD-20] client-security applied but its answer was lost: pending; the retry re-sends the key and completes once', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'lose-answer';
    const lost = await update(s.id, { version: s.version, pin: pin('5930284') });
    expect(lost.status).toBe(503);
    expect(lost.body.code).toBe('SECURITY_STEP_PENDING');
    // client-security applied it once, though service-requests' PeerHttp re-sent it with the same key.
    expect(await versions(clientId)).toEqual([2, 1]);
    expect(hop.writes.length).toBeGreaterThan(1);
    expect(new Set(hop.writes.map((w) => w.key))).toEqual(
      new Set([`sr:${s.id}:update-security-details:${s.version}:1`]),
    );
    const pending = await getSr(s.id);
    expect(pending.version).toBe(s.version);
    expect(pending.pendingSteps.map((p: { step: string }) => p.step)).toEqual(['update-security-details']);
    expect(stepOf(pending, 'update-security-details')).toBe(null);

    hop.fault = 'pass';
    const retried = await update(s.id, { version: s.version, pin: '5930284' });
    expect(retried.status).toBe(200);
    expect(stepOf(retried.body, 'update-security-details')).toBe('Updated');
    expect(retried.body.pendingSteps).toEqual([]);
    expect(retried.body.version).toBe(s.version + 1);
    expect(new Set(hop.writes.map((w) => w.key)).size).toBe(1);
    // Exactly once: one new version and one change in client-security; one outcome on the SR.
    expect(await versions(clientId)).toEqual([2, 1]);
    expect((await csAudit(clientId)).filter((a) => a === 'security-details-changed')).toHaveLength(1);
    const actions = await srAudit(s.id);
    expect(actions.filter((a) => a === 'security-details-updated')).toHaveLength(1);
    expect(actions).toEqual(expect.arrayContaining(['security-step-requested', 'security-step-retried']));
    expect((await check(clientId, '5930284')).body.result).toBe('pass');
    // Sent again after it completed: the SR moved on (409), nothing applied again.
    expect((await update(s.id, { version: s.version, pin: '5930284' })).status).toBe(409);
    expect(await versions(clientId)).toEqual([2, 1]);
  });

  it('[SD-14] the connection dropped before client-security saw it: pending; the retry applies it once', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'drop';
    const dropped = await update(s.id, { version: s.version, password: 'Copper Kettle 19' });
    secrets.add('Copper Kettle 19');
    expect(dropped.status).toBe(503);
    expect(dropped.body.code).toBe('SECURITY_STEP_PENDING');
    expect(await versions(clientId)).toEqual([1]);
    expect((await getSr(s.id)).pendingSteps).toHaveLength(1);
    hop.fault = 'pass';
    const retried = await update(s.id, { version: s.version, password: 'Copper Kettle 19' });
    expect(retried.status).toBe(200);
    expect(stepOf(retried.body, 'update-security-details')).toBe('Updated');
    expect(await versions(clientId)).toEqual([2, 1]);
  });

  it('while pending, a retry with other details is refused naming the key (IDEMPOTENCY_KEY_REUSED); the first details complete it', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'lose-answer';
    expect((await update(s.id, { version: s.version, pin: pin('6150382') })).status).toBe(503);
    hop.fault = 'pass';
    const other = await update(s.id, { version: s.version, pin: pin('7305516') });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.body.detail).toContain(`sr:${s.id}:update-security-details:${s.version}:1`);
    expect((await getSr(s.id)).pendingSteps).toHaveLength(1);
    expect(await versions(clientId)).toEqual([2, 1]);
    const same = await update(s.id, { version: s.version, pin: '6150382' });
    expect(same.status).toBe(200);
    expect(await versions(clientId)).toEqual([2, 1]);
    expect((await check(clientId, '6150382')).body.result).toBe('pass');
  });

  it('[SD-1] a refusal settles the intent as refused: the SR is unchanged and a corrected request applies', async () => {
    const { clientId, s } = await securitySr();
    const zeroes = await update(s.id, { version: s.version, pin: '0000000' });
    expect(zeroes.status).toBe(400);
    expect(JSON.stringify(zeroes.body)).toContain('SD-1');
    const after = await getSr(s.id);
    expect(after.version).toBe(s.version);
    expect(after.pendingSteps).toEqual([]);
    expect(await srAudit(s.id)).toEqual(expect.arrayContaining(['security-step-refused']));
    const ok = await update(s.id, { version: s.version, pin: pin('8402915') });
    expect(ok.status).toBe(200);
    expect(await versions(clientId)).toEqual([2, 1]);
  });

  it('[SD-3] [SD-11] an unblock whose answer was lost completes as Unblocked on retry (not "Not Blocked"), once', async () => {
    const { clientId, s } = await securitySr();
    for (let i = 0; i < 3; i++) await check(clientId, '9999999');
    hop.fault = 'lose-answer';
    const body = { version: s.version, verifiedBy: 'CMSL9800 returned' };
    const tam = () =>
      api()
        .post(`/service-requests/${s.id}/security-details/tam-account-check`)
        .auth(cw, { type: 'bearer' })
        .send(body);
    expect((await tam()).status).toBe(503);
    expect((await getSr(s.id)).pendingSteps.map((p: { step: string }) => p.step)).toEqual([
      'tam-account-check',
    ]);
    hop.fault = 'pass';
    const retried = await tam();
    expect(retried.status).toBe(200);
    expect(stepOf(retried.body, 'tam-account-check')).toBe('Unblocked');
    expect((await csAudit(clientId)).filter((a) => a === 'account-unblocked')).toHaveLength(1);
  });

  it('[SD-14] the SR is cancelled while client-security applies the change: the step is settled (not pending for ever), audited, and the rules refuse the outcome', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'hold-answer';
    const updating = update(s.id, { version: s.version, pin: pin('2846013') }).then((r) => r);
    const release = await hop.held();
    try {
      await api()
        .post(`/service-requests/${s.id}/transitions`)
        .auth(cw, { type: 'bearer' })
        .timeout(3000)
        .send({
          version: s.version,
          to: { status: 'Cancelled', subStatus: null },
          resolutionCode: 'Withdrawn',
          reason: 'Withdrawn by the client.',
        })
        .expect(200);
    } finally {
      release();
    }
    const answered = await updating;
    expect(answered.status).toBe(422);
    expect(answered.body.code).toBe('SR_CLOSED');
    const after = await getSr(s.id);
    expect(after.status).toBe('Cancelled');
    expect(after.pendingSteps).toEqual([]);
    expect(await versions(clientId)).toEqual([2, 1]);
    expect(await srAudit(s.id)).toEqual(expect.arrayContaining(['security-step-applied-not-recorded']));
  });

  it('[SD-14] service-requests stops after client-security applied and before the outcome: restarted, the retry completes once', async () => {
    const { clientId, s } = await securitySr();
    hop.fault = 'lose-answer';
    expect((await update(s.id, { version: s.version, pin: pin('3920571') })).status).toBe(503);
    expect(await versions(clientId)).toEqual([2, 1]);
    // The process goes away; nothing of the step survives but what was committed (the intent).
    await sr.app.close();
    const app = await createApp(
      testEnv(sr.db.url, {
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
        PORT: String(srPort),
        CLIENT_SECURITY_URL: hopUrl,
        WORKERS_ENABLED: 'false',
      }),
    );
    restarted = await listen(app);
    srDb = () => app.get(DataSource);
    hop.fault = 'pass';
    expect((await getSr(s.id)).pendingSteps.map((p: { step: string }) => p.step)).toEqual([
      'update-security-details',
    ]);
    const retried = await update(s.id, { version: s.version, pin: '3920571' });
    expect(retried.status).toBe(200);
    expect(stepOf(retried.body, 'update-security-details')).toBe('Updated');
    expect(await versions(clientId)).toEqual([2, 1]);
    expect((await csAudit(clientId)).filter((a) => a === 'security-details-changed')).toHaveLength(1);
  });

  it('secrets are in no intent row, audit record or job of service-requests', async () => {
    const db = srDb();
    const intents = await db.query(`SELECT * FROM sr_security_step_intent`);
    expect(intents.map((i: { state: string }) => i.state)).not.toContain('pending');
    expect(intents.length).toBeGreaterThan(0);
    const stored = JSON.stringify([
      intents,
      await db.query(`SELECT * FROM audit_log`),
      await db.query(`SELECT * FROM pgboss.job`),
    ]);
    expect(secrets.size).toBeGreaterThan(3);
    for (const secret of [...secrets, 'Bluebell42']) expect(stored).not.toContain(secret);
  });
});
