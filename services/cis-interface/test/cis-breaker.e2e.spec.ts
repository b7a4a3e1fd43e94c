import { givenClient, nino, startSystem, type TestSystem } from './helpers';

const faults = (s: TestSystem, body: object) =>
  s.simPost('/admin/faults', body).expect((r) => expect(r.status).toBeLessThan(300));

describe('cis-interface: the circuit breaker with its default pause probes CIS again within seconds (RD-5, SU-5)', () => {
  let s: TestSystem;
  beforeAll(async () => {
    // Only the threshold is set: the half-open pause is the default (CIS_BREAKER_HALF_OPEN_AFTER_MS).
    s = await startSystem({ ciEnv: { CIS_BREAKER_THRESHOLD: '3' } });
  });
  afterAll(() => s?.close());

  const status = async () =>
    (await s.api().get('/cis/status').auth(s.tokens.cw, { type: 'bearer' }).expect(200)).body;

  it('[RD-5] [SU-5] a short burst of technical errors opens the breaker for a few seconds only: 503 with Retry-After, then a trial call closes it', async () => {
    const c = await givenClient(s, { nino: nino(511) });
    expect(await status()).toMatchObject({ breaker: 'closed', halfOpenAfterMs: 5000, nextProbeAt: null });
    await faults(s, { technicalErrorShare: 1 });
    let retryAfter: number;
    try {
      // Three attempts (a call and two retries), three technical errors: the breaker opens.
      await s
        .api()
        .post('/retrievals')
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ clientId: c.clientId, trigger: 'manual' });
      const refused = await s
        .api()
        .post(`/clients/${c.clientId}/interests`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ interestType: 'PWC_QC_ROC_GENERAL' })
        .expect(503);
      expect(refused.body.code).toBe('CIS_UNAVAILABLE');
      // The caller is told when to try again: in the header and in the problem body.
      retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(5);
      expect(refused.body.retryAfterSeconds).toBe(retryAfter);
      const open = await status();
      expect(open).toMatchObject({ breaker: 'open', halfOpenAfterMs: 5000 });
      expect(Date.parse(open.nextProbeAt) - Date.now()).toBeLessThanOrEqual(5000);
      // A retrieval refused by the open breaker is recorded as failed, with the same Retry-After.
      const retrieval = await s
        .api()
        .post('/retrievals')
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ clientId: c.clientId, trigger: 'manual' })
        .expect(503);
      expect(retrieval.body).toMatchObject({ code: 'CIS_UNAVAILABLE', outcome: 'failed' });
      expect(Number(retrieval.headers['retry-after'])).toBeLessThanOrEqual(5);
      const shown = await s
        .api()
        .get(`/retrievals/${retrieval.body.retrievalId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(shown.body.attemptHistory).toEqual([
        expect.objectContaining({
          outcome: 'failed',
          rejection: 'TECHNICAL_ERROR',
          failureReason: expect.stringMatching(/circuit breaker open/),
        }),
      ]);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    // CIS answers again (the burst is over): once the pause has passed a call is let through and closes the breaker.
    await new Promise((r) => setTimeout(r, 5200));
    const trial = await s
      .api()
      .post('/retrievals')
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ clientId: c.clientId, trigger: 'manual' })
      .expect(201);
    expect(trial.body.outcome).toBe('completed');
    expect(await status()).toMatchObject({ breaker: 'closed', nextProbeAt: null });
  });
});
