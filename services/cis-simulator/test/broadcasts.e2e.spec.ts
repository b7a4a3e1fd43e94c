import { randomUUID } from 'node:crypto';
import { CIS_CHANGE_TYPES, ukToday, validateCisChange } from '@cms/domain';
import { eventually } from '@cms/testing';
import { broadcastDueAt } from '../src/broadcasts/broadcast-schedule';
import type { CisBroadcastBatch, CisBroadcastTransaction } from '../src/broadcasts/broadcast.types';
import {
  moveClockToNext,
  recordRequestsTo,
  startCisInterface,
  startCisSimulator,
  type SentRequest,
  type TestCisInterface,
  type TestCisSimulator,
} from './helpers';

const address = (line1: string) => ({
  type: 'ADDRESS_CHANGE',
  address: { line1, town: 'Leeds', postcode: 'LS1 4AP' },
  addressStartDate: '2026-01-01',
});

/** A transaction as cis-interface stored it, with its intake outcome. */
type StoredTransaction = CisBroadcastTransaction & { outcome: string };

describe('cis-simulator: daily broadcasts delivered to the real cis-interface (BR-1..BR-4)', () => {
  let ci: TestCisInterface;
  let s: TestCisSimulator;
  /** Every request the simulator sent to cis-interface, headers included (observed, not intercepted). */
  let wire: { sent: SentRequest[]; stop(): void };

  beforeAll(async () => {
    // The real cis-interface (workers off: it stores and acknowledges batches), then the simulator delivering to it.
    ci = await startCisInterface();
    wire = recordRequestsTo(ci.url);
    s = await startCisSimulator({ CIS_INTERFACE_URL: ci.url, BROADCAST_RETRY_DELAY_SECONDS: '1' });
    // A receiving parent, a person without interest, a paying parent with both NRP interests, a paying parent, and one more.
    for (const [reference, interestTypes] of [
      ['AA111111A', ['PWC_QC_ROC_GENERAL']],
      ['AB111111A', []],
      ['AC111111A', ['NRP_GENERAL', 'NRP_MC']],
      ['AE111111A', ['NRP_GENERAL']],
      ['AH111111A', ['PWC_QC_ROC_GENERAL']],
    ] as const) {
      await person(reference, [...interestTypes]);
    }
  });
  afterAll(async () => {
    await s?.close();
    await ci?.close();
    wire?.stop();
  });

  const person = (reference: string, interestTypes: string[] = []) =>
    s
      .post('/admin/persons', {
        referenceKind: 'NINO',
        reference,
        firstName: 'Alex',
        lastName: 'Moss',
        dateOfBirth: '1980-05-05',
        interestTypes,
      })
      .expect(201);
  const change = (reference: string, body: object) =>
    s.post('/admin/changes', { referenceKind: 'NINO', reference, change: body }).expect(201);
  const moveTo = (at: Date) => s.post('/internal/clock/advance', { to: at.toISOString() }).expect(200);
  const changesOf = async (reference: string) =>
    (await s.post('/admin/persons/lookup', { referenceKind: 'NINO', reference }).expect(200)).body
      .changes as {
      changeType: string;
      origin: string;
      payload: Record<string, unknown>;
      broadcastOutcome: string | null;
    }[];
  /** The delivery requests (POST /broadcasts) sent for a batch since the `from`-th request. */
  const sentFor = (batchId: string, from = 0) =>
    wire.sent.slice(from).filter((r) => r.headers['idempotency-key'] === batchId);
  const acknowledged = (batchId: string, copies = 1, timeoutMs = 15_000) =>
    eventually(async () => {
      const res = await s.get(`/admin/broadcasts/batches/${batchId}`).expect(200);
      return res.body.acknowledgedCopies >= copies ? res.body : null;
    }, timeoutMs);
  /** The batch as cis-interface has it (GET /broadcasts/{id}: timesReceived, transactionCount, counts by outcome). */
  const storedBatch = async (batchId: string) => (await ci.get(`/broadcasts/${batchId}`).expect(200)).body;
  /** The batches cis-interface has received, newest first (GET /broadcasts). */
  const storedBatches = async () =>
    (await ci.get('/broadcasts?limit=200').expect(200)).body.batches as {
      batchId: string;
      timesReceived: number;
      transactionCount: number;
    }[];
  /**
   * The transactions of a batch as cis-interface stored them (GET /broadcasts/{id}/transactions, in
   * order), with the interest types from its table broadcast_transaction (not in its API).
   */
  const storedTransactions = async (batchId: string): Promise<StoredTransaction[]> => {
    const page = (await ci.get(`/broadcasts/${batchId}/transactions?limit=500`).expect(200)).body;
    expect(page.nextCursor).toBeNull();
    const rows = await ci.query<{ id: string; interest_types: string[] }>(
      'SELECT id, interest_types FROM broadcast_transaction WHERE batch_id = $1',
      [batchId],
    );
    const interests = new Map(rows.map((r) => [r.id, r.interest_types]));
    expect(rows).toHaveLength(page.items.length);
    return page.items.map((t: Record<string, any>) => ({
      transactionId: t.transactionId,
      referenceKind: t.referenceKind,
      reference: t.reference,
      changeType: t.changeType,
      payload: t.payload,
      recordedAt: t.recordedAt,
      interestTypes: interests.get(t.id),
      outcome: t.outcome,
    }));
  };
  /** What cis-interface received, in the shape CIS sent it (CisBroadcastBatch). */
  const received = async (batchId: string): Promise<CisBroadcastBatch> => {
    const { generatedAt } = await storedBatch(batchId);
    const transactions = (await storedTransactions(batchId)).map(({ outcome: _outcome, ...t }) => t);
    return { batchId, generatedAt, transactions };
  };
  /** Rows cis-interface stored for a batch: batches with its id, and transactions in it. */
  const rowsStored = async (batchId: string) => {
    const [{ batches, transactions }] = await ci.query<{ batches: number; transactions: number }>(
      `SELECT (SELECT count(*)::int FROM broadcast_batch WHERE id = $1) AS batches,
              (SELECT count(*)::int FROM broadcast_transaction WHERE batch_id = $1) AS transactions`,
      [batchId],
    );
    return { batches, transactions };
  };

  describe('one UK day of changes', () => {
    let day: string;
    /** The batch as the simulator made it (GET /admin/broadcasts/batches/{id}: the exact body delivered). */
    let batch: CisBroadcastBatch;
    /** Its transactions as the real cis-interface received and stored them. */
    let stored: StoredTransaction[];
    const txOf = (reference: string) => stored.filter((t) => t.reference === reference);

    beforeAll(async () => {
      day = ukToday(await moveClockToNext(s, 10));
      // A: the address twice (BR-3), the name (BR-4), and a paying parent's benefit change (no fitting interest).
      await change('AA111111A', address('1 First Street'));
      await change('AA111111A', { type: 'NAME_1_CHANGE', firstName: 'Alexandra', lastName: 'Moss' });
      await change('AA111111A', address('2 Second Street'));
      await change('AA111111A', {
        type: 'NRP_BENEFIT_ON_OFF',
        onBenefit: true,
        benefitType: 'Universal Credit',
      });
      // B: no interest (BR-1).
      await change('AB111111A', address('3 Third Street'));
      // C: a paying parent with general and MC interests.
      await change('AC111111A', {
        type: 'NRP_BENEFIT_CLAIM',
        benefitType: 'Universal Credit',
        claimDate: day,
      });
      await change('AC111111A', { type: 'DOB_VERIFICATION', dateOfBirth: '1980-05-05', verified: true });
      // D: interest deregistered before the broadcast (RI-2).
      await change('AE111111A', { type: 'DOD_NOTIFICATION', dateOfDeath: day, verified: false });
      await s
        .post('/cis/interests/deregister', {
          referenceKind: 'NINO',
          reference: 'AE111111A',
          interestType: 'NRP_GENERAL',
        })
        .expect(200);
      // E: DWP changes the address, then CMG updates it later the same day.
      await change('AH111111A', address('4 Fourth Street'));
      const upd = await s
        .post('/cis/updates', {
          referenceKind: 'NINO',
          reference: 'AH111111A',
          update: address('5 Fifth Street'),
        })
        .expect(200);
      expect(upd.body.responseCode).toBe('0');
    });

    it('[BR-2] sends nothing until 24 hours after the day has ended, then sends the day’s batch', async () => {
      const due = broadcastDueAt(day);
      await moveTo(new Date(due.getTime() - 60_000));
      const early = await s.post('/admin/broadcasts/run', { day });
      expect(early.status).toBe(422);
      expect(early.body).toMatchObject({
        code: 'BROADCAST_NOT_DUE',
        requirementId: 'BR-2',
        dueAt: due.toISOString(),
      });
      expect((await s.post('/admin/broadcasts/run', {}).expect(200)).body.runs).toEqual([]);
      expect((await s.get('/admin/broadcasts/batches').expect(200)).body).toEqual([]);
      expect(await storedBatches()).toEqual([]);
      expect(wire.sent).toEqual([]);

      await moveTo(due);
      const run = await s.post('/admin/broadcasts/run', {}).expect(200);
      expect(run.body.lastDueDay).toBe(day);
      expect(run.body.runs).toEqual([
        expect.objectContaining({ day, alreadyRun: false, batchId: expect.any(String), transactionCount: 4 }),
      ]);
      expect(run.body.runs[0].excluded).toEqual({
        replacedSameDay: 2,
        noInterest: 3,
        madeByCmg: 1,
        personDeleted: 0,
      });
      batch = (await s.get(`/admin/broadcasts/batches/${run.body.runs[0].batchId}`).expect(200)).body.body;
      // cis-interface receives the day's batch: every transaction, in order.
      await acknowledged(batch.batchId);
      stored = await storedTransactions(batch.batchId);
      expect(stored.map((t) => t.transactionId)).toEqual(batch.transactions.map((t) => t.transactionId));
      for (const t of stored) {
        expect(
          new Date(batch.generatedAt).getTime() - new Date(t.recordedAt).getTime(),
        ).toBeGreaterThanOrEqual(24 * 3_600_000);
      }
    });

    it('[BR-1] broadcasts only for persons with an interest registered', async () => {
      expect(new Set(stored.map((t) => t.reference))).toEqual(new Set(['AA111111A', 'AC111111A']));
      expect((await changesOf('AB111111A'))[0].broadcastOutcome).toBe('no-interest');
    });

    it('[RI-2] [BR-1] sends nothing for an interest deregistered before the broadcast', async () => {
      expect(txOf('AE111111A')).toEqual([]);
      expect((await changesOf('AE111111A'))[0].broadcastOutcome).toBe('no-interest');
    });

    it('[BR-1] names the interests a change concerns; a paying parent’s benefit change needs a paying parent interest', async () => {
      expect(txOf('AA111111A').every((t) => t.interestTypes.join() === 'PWC_QC_ROC_GENERAL')).toBe(true);
      expect(txOf('AA111111A').map((t) => t.changeType)).not.toContain('NRP_BENEFIT_ON_OFF');
      expect(txOf('AC111111A')).toEqual([
        expect.objectContaining({
          changeType: 'NRP_BENEFIT_CLAIM',
          interestTypes: ['NRP_GENERAL', 'NRP_MC'],
        }),
        expect.objectContaining({ changeType: 'DOB_VERIFICATION', interestTypes: ['NRP_GENERAL', 'NRP_MC'] }),
      ]);
    });

    it('[BR-3] sends only the latest change when the same item changed twice in the day', async () => {
      const addresses = txOf('AA111111A').filter((t) => t.changeType === 'ADDRESS_CHANGE');
      expect(addresses).toHaveLength(1);
      expect(addresses[0].payload).toMatchObject({ address: { line1: '2 Second Street' } });
      expect(addresses[0].outcome).toBe('pending');
      const outcomes = (await changesOf('AA111111A'))
        .filter((c) => c.changeType === 'ADDRESS_CHANGE')
        .map((c) => [c.payload.address, c.broadcastOutcome]);
      expect(outcomes).toEqual([
        [expect.objectContaining({ line1: '2 Second Street' }), 'sent'],
        [expect.objectContaining({ line1: '1 First Street' }), 'replaced-same-day'],
      ]);
    });

    it('[BR-4] sends two different items changed in the day as two separate transactions', async () => {
      const a = txOf('AA111111A');
      expect(a.map((t) => t.changeType)).toEqual(['NAME_1_CHANGE', 'ADDRESS_CHANGE']);
      expect(new Set(a.map((t) => t.transactionId)).size).toBe(2);
      expect(a.map((t) => t.outcome)).toEqual(['pending', 'pending']);
      const name = {
        transactionId: a[0].transactionId,
        referenceKind: 'NINO',
        reference: 'AA111111A',
        changeType: 'NAME_1_CHANGE',
        payload: { type: 'NAME_1_CHANGE', firstName: 'Alexandra', lastName: 'Moss' },
        recordedAt: expect.any(String),
        interestTypes: ['PWC_QC_ROC_GENERAL'],
      } satisfies Record<keyof CisBroadcastTransaction, unknown>;
      // Exactly these fields on the wire, and so stored by cis-interface.
      expect(batch.transactions.find((t) => t.transactionId === name.transactionId)).toEqual(name);
      expect(a[0]).toEqual({ ...name, outcome: 'pending' });
    });

    it('never broadcasts CMG’s own update back; a later CMG update of the item leaves nothing to send', async () => {
      expect(txOf('AH111111A')).toEqual([]);
      const e = await changesOf('AH111111A');
      expect(e.map((c) => [c.origin, c.broadcastOutcome])).toEqual([
        ['CMG', 'made-by-cmg'],
        ['DWP', 'replaced-same-day'],
      ]);
    });

    it('delivers the batch to cis-interface with Idempotency-Key = batchId and records the acknowledgement', async () => {
      const detail = await acknowledged(batch.batchId);
      expect(detail).toMatchObject({
        status: 'acknowledged',
        copies: 1,
        acknowledgedCopies: 1,
        transactionCount: 4,
      });
      expect(detail.attempts).toEqual([
        expect.objectContaining({ copy: 1, statusCode: 202, outcome: 'acknowledged' }),
      ]);
      // cis-interface (POST /broadcasts: role system, so the simulator's bearer token was sent) stored
      // exactly the batch sent, once.
      expect(await storedBatch(batch.batchId)).toMatchObject({
        batchId: batch.batchId,
        generatedAt: batch.generatedAt,
        timesReceived: 1,
        transactionCount: 4,
        counts: { pending: 4, 'duplicate-ignored': 0, failed: 0 },
      });
      expect(await received(batch.batchId)).toEqual(batch);
      expect(await rowsStored(batch.batchId)).toEqual({ batches: 1, transactions: 4 });
      // One request, as it went out: POST /broadcasts with Idempotency-Key = batchId and a bearer token.
      expect(wire.sent).toEqual([
        {
          method: 'POST',
          path: '/broadcasts',
          headers: expect.objectContaining({
            'idempotency-key': batch.batchId,
            authorization: expect.stringMatching(/^Bearer /),
            'content-type': 'application/json',
          }),
        },
      ]);
      // cis-interface refuses a batch whose Idempotency-Key is not its batch id: its 202 proves the key.
      const wrongKey = await ci.post('/broadcasts', batch, { 'idempotency-key': randomUUID() });
      expect(wrongKey.status).toBe(400);
      expect(wrongKey.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
      expect((await storedBatch(batch.batchId)).timesReceived).toBe(1);
      const list = await s.get('/admin/broadcasts/batches?status=acknowledged').expect(200);
      expect(list.body).toEqual([expect.objectContaining({ batchId: batch.batchId, attemptCount: 1 })]);
    });

    it('[BR-2] runs a day once: running it again sends nothing new', async () => {
      const again = await s.post('/admin/broadcasts/run', { day }).expect(200);
      expect(again.body.runs).toEqual([
        expect.objectContaining({ alreadyRun: true, batchId: batch.batchId }),
      ]);
      expect((await s.post('/admin/broadcasts/run', {}).expect(200)).body.runs).toEqual([]);
      expect((await s.get('/admin/broadcasts/batches').expect(200)).body).toHaveLength(1);
      expect(await storedBatches()).toEqual([
        expect.objectContaining({ batchId: batch.batchId, timesReceived: 1 }),
      ]);
      expect(wire.sent).toHaveLength(1);
    });
  });

  it('retries the delivery with backoff while cis-interface is unreachable, until it acknowledges it; stored once', async () => {
    const day = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', address('6 Sixth Street'));
    await moveTo(broadcastDueAt(day));
    // cis-interface goes down (its database and port kept): every delivery attempt is unreachable.
    await ci.stop();
    const from = wire.sent.length;
    let batchId: string;
    try {
      const run = await s.post('/admin/broadcasts/run', { day }).expect(200);
      batchId = run.body.runs[0].batchId as string;
      const failing = await eventually(async () => {
        const res = await s.get(`/admin/broadcasts/batches/${batchId}`).expect(200);
        return res.body.attempts.length >= 2 ? res.body : null;
      }, 20_000);
      expect(failing).toMatchObject({ status: 'pending', acknowledgedCopies: 0 });
      for (const a of failing.attempts)
        expect(a).toMatchObject({ copy: 1, outcome: 'unreachable', statusCode: null });
    } finally {
      // Back on the same port and database.
      await ci.restart();
    }
    const detail = await acknowledged(batchId, 1, 30_000);
    expect(detail).toMatchObject({ status: 'acknowledged', copies: 1, acknowledgedCopies: 1 });
    // At least two unreachable attempts, then one acknowledged (and nothing after it).
    const outcomes = detail.attempts.map((a: { outcome: string }) => a.outcome);
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    expect(outcomes).toEqual([...Array(outcomes.length - 1).fill('unreachable'), 'acknowledged']);
    expect(detail.attempts.at(-1)).toMatchObject({ copy: 1, outcome: 'acknowledged', statusCode: 202 });
    // Backoff: before retry n (from 1) pg-boss waits at least BROADCAST_RETRY_DELAY_SECONDS (1 s) × 2^(n-1).
    const times = detail.attempts.map((a: { attemptedAt: string }) => Date.parse(a.attemptedAt));
    for (let n = 1; n < times.length; n++)
      expect(times[n] - times[n - 1]).toBeGreaterThanOrEqual(1000 * 2 ** (n - 1));
    // cis-interface received it once, stored it once, exactly as sent.
    expect(await storedBatch(batchId)).toMatchObject({ timesReceived: 1, transactionCount: 1 });
    expect(await rowsStored(batchId)).toEqual({ batches: 1, transactions: 1 });
    expect((await storedBatches()).filter((b) => b.batchId === batchId)).toHaveLength(1);
    expect(await received(batchId)).toEqual(detail.body);
    // Every request of every attempt (PeerHttp also retries within one) carried Idempotency-Key = batchId.
    expect(wire.sent.slice(from).length).toBeGreaterThanOrEqual(detail.attempts.length);
    expect(sentFor(batchId, from)).toEqual(wire.sent.slice(from));
  });

  it('"send the next batch twice" delivers the next batch twice with the same batch id, then once again', async () => {
    await s.post('/admin/faults', { duplicateNextBatch: true }).expect(200);
    const day = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', { type: 'NAME_CORRECTION', firstName: 'Alexandra', lastName: 'Mossop' });
    const next = new Date(broadcastDueAt(day).getTime() + 10 * 3_600_000);
    await change('AC111111A', address('7 Seventh Street')).then(() => moveTo(broadcastDueAt(day)));
    const from = wire.sent.length;
    const first = (await s.post('/admin/broadcasts/run', { day }).expect(200)).body.runs[0];
    const detail = await acknowledged(first.batchId, 2);
    expect(detail).toMatchObject({ copies: 2, acknowledgedCopies: 2 });
    // cis-interface received the same batch id twice, and stored it once.
    expect(await storedBatch(first.batchId)).toMatchObject({ timesReceived: 2, transactionCount: 2 });
    expect(await rowsStored(first.batchId)).toEqual({ batches: 1, transactions: 2 });
    expect((await storedBatches()).filter((b) => b.batchId === first.batchId)).toHaveLength(1);
    expect(await received(first.batchId)).toEqual(detail.body);
    expect(wire.sent.slice(from)).toHaveLength(2);
    expect(sentFor(first.batchId, from)).toHaveLength(2);
    expect((await s.get('/admin/faults').expect(200)).body.duplicateNextBatch).toBe(false);

    await moveTo(next);
    const day2 = ukToday(next);
    await change('AC111111A', address('8 Eighth Street'));
    await moveTo(broadcastDueAt(day2));
    const second = (await s.post('/admin/broadcasts/run', { day: day2 }).expect(200)).body.runs;
    expect(second).toEqual([expect.objectContaining({ day: day2, alreadyRun: false })]);
    expect((await acknowledged(second[0].batchId)).copies).toBe(1);
    expect(await storedBatch(second[0].batchId)).toMatchObject({ timesReceived: 1, transactionCount: 1 });
  });

  it('[BR-2] runs every due day not yet broadcast, oldest first, each as its own batch', async () => {
    const day1 = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', { type: 'DOB_VERIFICATION', dateOfBirth: '1980-05-05', verified: true });
    const day2 = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', { type: 'DOB_VERIFICATION', dateOfBirth: '1980-05-06', verified: true });
    await moveTo(broadcastDueAt(day2));
    const run = await s.post('/admin/broadcasts/run', {}).expect(200);
    expect(
      run.body.runs.map((r: { day: string; transactionCount: number }) => [r.day, r.transactionCount]),
    ).toEqual([
      [day1, 1],
      [day2, 1],
    ]);
    // cis-interface receives each as a batch of its own.
    for (const r of run.body.runs as { batchId: string }[]) {
      await acknowledged(r.batchId);
      expect(await storedBatch(r.batchId)).toMatchObject({ timesReceived: 1, transactionCount: 1 });
    }
  });

  it('[BR-6] generated changes of every type on persons with interests are broadcast as valid CisChange payloads', async () => {
    const day = ukToday(await moveClockToNext(s, 10));
    await s.post('/admin/seed', { count: 25, seed: 3, interestShare: 1 }).expect(201);
    const gen = await s.post('/admin/changes/generate', { perType: 2, seed: 7 }).expect(201);
    expect(gen.body.skippedTypes).toEqual([]);
    expect(gen.body.byType.map((b: { changeType: string }) => b.changeType)).toEqual([...CIS_CHANGE_TYPES]);
    expect(gen.body.recorded).toBe(30);
    await moveTo(broadcastDueAt(day));
    const run = (await s.post('/admin/broadcasts/run', { day }).expect(200)).body.runs[0];
    const detail = await acknowledged(run.batchId);
    const txs = detail.body.transactions as CisBroadcastTransaction[];
    expect(txs.length).toBe(run.transactionCount);
    expect(txs.length + run.excluded.replacedSameDay + run.excluded.noInterest).toBe(30);
    for (const t of txs) {
      expect(validateCisChange(t.payload)).toEqual([]);
      expect(t.payload.type).toBe(t.changeType);
      expect(t.interestTypes.length).toBeGreaterThan(0);
    }
    // cis-interface, which checks every transaction at intake, stored them all as valid (none failed).
    expect(await storedBatch(run.batchId)).toMatchObject({
      transactionCount: txs.length,
      counts: { pending: txs.length, failed: 0, 'duplicate-ignored': 0 },
    });
    expect(await received(run.batchId)).toEqual(detail.body);
  });
});
