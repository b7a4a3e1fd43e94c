import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { eventually } from '@cms/testing';
import { givenClient, nino, startSystem, type TestSystem } from './helpers';

/** One CIS broadcast transaction about a paying parent (NRP general interest). */
const tx = (reference: string, payload: Record<string, unknown>) => ({
  transactionId: randomUUID(),
  referenceKind: 'NINO',
  reference,
  changeType: payload.type,
  payload,
  recordedAt: '2026-11-20T10:15:00.000Z',
  interestTypes: ['NRP_GENERAL'],
});

/** Polls cis-interface until the batch is `processed`; its view then. */
const processedBatch = (s: TestSystem, batchId: string, timeoutMs = 40_000) =>
  eventually(async () => {
    const res = await s.api().get(`/broadcasts/${batchId}`).auth(s.tokens.cw, { type: 'bearer' }).expect(200);
    return res.body.status === 'processed' ? res.body : null;
  }, timeoutMs);

const faults = (s: TestSystem, body: object) =>
  s.simPost('/admin/faults', body).expect((r) => expect(r.status).toBeLessThan(300));

describe('cis-interface: CIS technical errors, time-outs and the circuit breaker (RD-5, SU-5)', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem({
      ciEnv: { CIS_BREAKER_THRESHOLD: '3', CIS_BREAKER_HALF_OPEN_AFTER_MS: '1500', CIS_RETRY_ATTEMPTS: '2' },
    });
  });
  afterAll(() => s?.close());

  const status = async () =>
    (await s.api().get('/cis/status').auth(s.tokens.cw, { type: 'bearer' }).expect(200)).body
      .breaker as string;

  it('[RD-5] [SU-5] repeated technical errors open the breaker: calls then fail at once with 503 CIS_UNAVAILABLE without reaching CIS; after the pause a trial call closes it again', async () => {
    const c = await givenClient(s, { nino: nino(501) });
    expect(await status()).toBe('closed');
    await faults(s, { technicalErrorShare: 1 });
    try {
      // Three attempts (one call and two retries), three technical errors: the breaker opens.
      const first = await s
        .api()
        .post('/retrievals')
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ clientId: c.clientId, trigger: 'manual' });
      expect([201, 503]).toContain(first.status);
      expect((await s.simGet('/admin/faults').expect(200)).body.counts.technicalErrors).toBe(3);
      expect(await status()).toBe('open');

      const started = Date.now();
      const refused = await s
        .api()
        .post('/retrievals')
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ clientId: c.clientId, trigger: 'manual' })
        .expect(503);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'CIS_UNAVAILABLE', outcome: 'failed' });
      const shown = await s
        .api()
        .get(`/retrievals/${refused.body.retrievalId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(shown.body).toMatchObject({ outcome: 'failed', rejection: 'TECHNICAL_ERROR' });
      const reg = await s
        .api()
        .post(`/clients/${c.clientId}/interests`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ interestType: 'PWC_QC_ROC_GENERAL' })
        .expect(503);
      expect(reg.body.code).toBe('CIS_UNAVAILABLE');
      // CIS was not called while the breaker was open.
      expect((await s.simGet('/admin/faults').expect(200)).body.counts.technicalErrors).toBe(3);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    await new Promise((r) => setTimeout(r, 1600));
    const trial = await s
      .api()
      .post('/retrievals')
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ clientId: c.clientId, trigger: 'manual' })
      .expect(201);
    expect(trial.body.outcome).toBe('completed');
    expect(await status()).toBe('closed');
  });

  it('[RD-5] a CIS that sometimes fails is ridden out by the retries (one technical error, then an answer)', async () => {
    const c = await givenClient(s, { nino: nino(502) });
    // Seeded draws: with a share of 0.5 some attempts fail and the retries succeed.
    await faults(s, { technicalErrorShare: 0.5, seed: 7 });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await s
          .api()
          .post('/retrievals')
          .auth(s.tokens.cw, { type: 'bearer' })
          .send({ clientId: c.clientId, trigger: 'manual' });
        expect([201, 503]).toContain(res.status);
      }
      const completed = await s.ciQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM retrieval WHERE client_id = $1 AND outcome = 'completed' AND attempts = 1`,
        [c.clientId],
      );
      expect(completed[0].n).toBeGreaterThan(0);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
  });

  it('[SU-5] [SU-7] a CIS that does not answer in time: the outcome is unknown (202, never "failed": CIS applied it), then learnt by replaying the same Idempotency-Key', async () => {
    await new Promise((r) => setTimeout(r, 1600));
    const c = await givenClient(s, { nino: nino(503) });
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'PWC_QC_ROC_GENERAL' })
      .expect(201);
    // Slower than CIS_TIMEOUT_MS (1000 ms): CIS applies the update but its answer is lost.
    await faults(s, { delayMs: 1500 });
    let id: string;
    try {
      const res = await s
        .api()
        .post('/cis-updates')
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({
          clientId: c.clientId,
          updateType: 'DOB_NOT_VERIFIED',
          payload: { dateOfBirth: '1988-04-17' },
        })
        .expect(202);
      id = res.body.id;
      expect(res.body.status).toBe('unknown');
      expect(res.headers.location).toBe(`/cis-updates/${id}`);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    // The breaker (threshold 3) opened on the time-outs; after its pause the replay gets CIS's answer.
    const rows = await eventually(async () => {
      const r = await s.ciQuery<{ status: string; response_code: string | null }>(
        `SELECT status, response_code FROM cis_update WHERE client_id = $1`,
        [c.clientId],
      );
      return r[0]?.status === 'answered' ? r : null;
    }, 30_000);
    expect(rows).toEqual([{ status: 'answered', response_code: '0' }]);
  });
});

describe('cis-interface: a peer that is down delays broadcast work but loses none and duplicates none', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem({ correspondence: true });
  });
  afterAll(() => s?.close());

  const processed = (batchId: string) => processedBatch(s, batchId);
  it('[BR-5] [BR-6] service-requests down: the batch is stored and acknowledged, and the SRs are raised once it is back', async () => {
    const c = await givenClient(s, { nino: nino(601), role: 'NRP' });
    await s.sr.stop();
    const batchId = randomUUID();
    try {
      await s
        .api()
        .post('/broadcasts')
        .auth(s.tokens.sys, { type: 'bearer' })
        .send({
          batchId,
          generatedAt: '2026-11-22T00:00:05.000Z',
          transactions: [tx(c.nino, { type: 'NAME_CORRECTION', firstName: 'Sarah', lastName: 'Reed' })],
        })
        .expect(202);
      await new Promise((r) => setTimeout(r, 1500));
      const waiting = await s
        .api()
        .get(`/broadcasts/${batchId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(waiting.body).toMatchObject({ status: 'accepted', counts: { pending: 1 } });
    } finally {
      await s.sr.restart();
    }
    const batch = await processed(batchId);
    expect(batch.counts).toMatchObject({ 'sr-raised': 1, pending: 0 });
    const srs = (await s.srGet(`/service-requests?clientId=${c.clientId}`).expect(200)).body;
    expect(srs).toHaveLength(1);
  });

  it('[BR-8] correspondence down: the MOPF letter is issued once it is back', async () => {
    const c = await givenClient(s, { nino: nino(602), role: 'NRP', stage: 'maintenance' });
    await s.co!.stop();
    const batchId = randomUUID();
    try {
      await s
        .api()
        .post('/broadcasts')
        .auth(s.tokens.sys, { type: 'bearer' })
        .send({
          batchId,
          generatedAt: '2026-11-22T00:00:05.000Z',
          transactions: [
            tx(c.nino, {
              type: 'NRP_BENEFIT_CLAIM',
              benefitType: 'Universal Credit',
              claimDate: '2026-11-19',
            }),
          ],
        })
        .expect(202);
      await new Promise((r) => setTimeout(r, 1500));
      const waiting = await s
        .api()
        .get(`/broadcasts/${batchId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(waiting.body.counts).toMatchObject({ pending: 1 });
    } finally {
      await s.co!.restart();
    }
    const batch = await processed(batchId);
    expect(batch.counts).toMatchObject({ 'letter-issued': 1, pending: 0 });
  });
});

describe('cis-interface: service-requests stopped in the middle of a batch, then restarted', () => {
  const CLIENTS = 24;
  let s: TestSystem;
  beforeAll(async () => {
    // One transaction a chunk and one worker: the batch is worked chunk after chunk, so stopping
    // service-requests when its first SR lands stops it in the middle of the batch.
    s = await startSystem({ ciEnv: { BROADCAST_CHUNK_SIZE: '1', BROADCAST_WORKERS: '1' } });
  });
  afterAll(() => s?.close());

  it('[BR-5] [BR-6] every SR of the batch is raised exactly once: none lost, none twice', async () => {
    const clients = [];
    for (let i = 0; i < CLIENTS; i += 6) {
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(6, CLIENTS - i) }, (_, k) =>
            givenClient(s, { nino: nino(700 + i + k), role: 'NRP', stage: 'maintenance' }),
          ),
        )),
      );
    }
    const transactions = clients.map((c) =>
      tx(c.nino, { type: 'NAME_CORRECTION', firstName: 'Sarah', lastName: 'Reed' }),
    );
    const srDb = new pg.Client({ connectionString: s.sr.db.url });
    await srDb.connect();
    const raised = async () =>
      (
        await srDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM service_request WHERE idempotency_key = ANY($1)`,
          [transactions.map((t) => t.transactionId)],
        )
      ).rows[0].n;
    const batchId = randomUUID();
    try {
      await s
        .api()
        .post('/broadcasts')
        .auth(s.tokens.sys, { type: 'bearer' })
        .send({ batchId, generatedAt: '2026-11-22T00:00:05.000Z', transactions })
        .expect(202);
      await eventually(async () => ((await raised()) > 0 ? true : null), 30_000, 5);
      await s.sr.stop();
      const atStop = await raised();
      const midway = await s
        .api()
        .get(`/broadcasts/${batchId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      // Stopped in the middle: some SRs are in, the rest of the batch is still to do.
      expect(atStop).toBeGreaterThan(0);
      expect(atStop).toBeLessThan(CLIENTS);
      expect(midway.body.status).toBe('accepted');
      expect(midway.body.counts.pending).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500));
      await s.sr.restart();
      const batch = await processedBatch(s, batchId, 60_000);
      expect(batch.counts).toMatchObject({ 'sr-raised': CLIENTS, pending: 0, failed: 0 });
      const perClient = await srDb.query<{ subject_client_id: string; n: number }>(
        `SELECT subject_client_id, count(*)::int AS n FROM service_request
          WHERE subject_client_id = ANY($1) GROUP BY subject_client_id`,
        [clients.map((c) => c.clientId)],
      );
      expect(perClient.rows).toHaveLength(CLIENTS);
      expect(perClient.rows.every((r) => r.n === 1)).toBe(true);
      expect(await raised()).toBe(CLIENTS);
    } finally {
      await srDb.end();
    }
  });
});
