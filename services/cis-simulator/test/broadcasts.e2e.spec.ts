import { CIS_CHANGE_TYPES, ukToday, validateCisChange } from '@cms/domain';
import { eventually } from '@cms/testing';
import { broadcastDueAt } from '../src/broadcasts/broadcast-schedule';
import type { CisBroadcastBatch, CisBroadcastTransaction } from '../src/broadcasts/broadcast.types';
import { startBroadcastReceiverDouble, type BroadcastReceiverDouble } from './cis-interface-double';
import { moveClockToNext, startCisSimulator, type TestCisSimulator } from './helpers';

const address = (line1: string) => ({
  type: 'ADDRESS_CHANGE',
  address: { line1, town: 'Leeds', postcode: 'LS1 4AP' },
  addressStartDate: '2026-01-01',
});

describe('cis-simulator: daily broadcasts delivered to cis-interface (BR-1..BR-4)', () => {
  let receiver: BroadcastReceiverDouble;
  let s: TestCisSimulator;

  beforeAll(async () => {
    receiver = await startBroadcastReceiverDouble();
    s = await startCisSimulator({ CIS_INTERFACE_URL: receiver.url });
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
    await s.close();
    await receiver.close();
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
  const acknowledged = (batchId: string, copies = 1) =>
    eventually(async () => {
      const res = await s.get(`/admin/broadcasts/batches/${batchId}`).expect(200);
      return res.body.acknowledgedCopies >= copies ? res.body : null;
    }, 15_000);
  const receivedFor = (batchId: string) =>
    receiver.received.filter((r) => (r.body as CisBroadcastBatch).batchId === batchId);

  describe('one UK day of changes', () => {
    let day: string;
    let batch: CisBroadcastBatch;
    const txOf = (reference: string) => batch.transactions.filter((t) => t.reference === reference);

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
      expect(receiver.received).toHaveLength(0);

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
      for (const t of batch.transactions) {
        expect(
          new Date(batch.generatedAt).getTime() - new Date(t.recordedAt).getTime(),
        ).toBeGreaterThanOrEqual(24 * 3_600_000);
      }
    });

    it('[BR-1] broadcasts only for persons with an interest registered', async () => {
      expect(new Set(batch.transactions.map((t) => t.reference))).toEqual(
        new Set(['AA111111A', 'AC111111A']),
      );
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
      expect(a[0]).toEqual({
        transactionId: expect.any(String),
        referenceKind: 'NINO',
        reference: 'AA111111A',
        changeType: 'NAME_1_CHANGE',
        payload: { type: 'NAME_1_CHANGE', firstName: 'Alexandra', lastName: 'Moss' },
        recordedAt: expect.any(String),
        interestTypes: ['PWC_QC_ROC_GENERAL'],
      } satisfies Record<keyof CisBroadcastTransaction, unknown>);
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
      const [got] = receivedFor(batch.batchId);
      expect(got.headers['idempotency-key']).toBe(batch.batchId);
      expect(got.headers.authorization).toMatch(/^Bearer /);
      expect(got.body).toEqual(batch);
      const list = await s.get('/admin/broadcasts/batches?status=acknowledged').expect(200);
      expect(list.body).toEqual([expect.objectContaining({ batchId: batch.batchId, attemptCount: 1 })]);
    });

    it('[BR-2] runs a day once: running it again sends nothing new', async () => {
      const again = await s.post('/admin/broadcasts/run', { day }).expect(200);
      expect(again.body.runs).toEqual([
        expect.objectContaining({ alreadyRun: true, batchId: batch.batchId }),
      ]);
      expect((await s.post('/admin/broadcasts/run', {}).expect(200)).body.runs).toEqual([]);
      expect(receiver.received).toHaveLength(1);
    });
  });

  it('retries the delivery with backoff until cis-interface acknowledges it', async () => {
    const day = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', address('6 Sixth Street'));
    await moveTo(broadcastDueAt(day));
    receiver.failNext(5, 503);
    const run = await s.post('/admin/broadcasts/run', { day }).expect(200);
    const batchId = run.body.runs[0].batchId as string;
    const detail = await acknowledged(batchId);
    expect(detail.status).toBe('acknowledged');
    expect(detail.attempts.length).toBeGreaterThanOrEqual(2);
    expect(detail.attempts[0]).toMatchObject({ outcome: 'refused', statusCode: 503 });
    expect(detail.attempts.at(-1)).toMatchObject({ outcome: 'acknowledged', statusCode: 202 });
    const got = receivedFor(batchId);
    expect(got.map((r) => r.answeredStatus)).toEqual([503, 503, 503, 503, 503, 202]);
    expect(new Set(got.map((r) => r.headers['idempotency-key']))).toEqual(new Set([batchId]));
    expect(new Set(got.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('"send the next batch twice" delivers the next batch twice with the same batch id, then once again', async () => {
    await s.post('/admin/faults', { duplicateNextBatch: true }).expect(200);
    const day = ukToday(await moveClockToNext(s, 10));
    await change('AA111111A', { type: 'NAME_CORRECTION', firstName: 'Alexandra', lastName: 'Mossop' });
    const next = new Date(broadcastDueAt(day).getTime() + 10 * 3_600_000);
    await change('AC111111A', address('7 Seventh Street')).then(() => moveTo(broadcastDueAt(day)));
    const first = (await s.post('/admin/broadcasts/run', { day }).expect(200)).body.runs[0];
    const detail = await acknowledged(first.batchId, 2);
    expect(detail).toMatchObject({ copies: 2, acknowledgedCopies: 2 });
    expect(receivedFor(first.batchId)).toHaveLength(2);
    expect((await s.get('/admin/faults').expect(200)).body.duplicateNextBatch).toBe(false);

    await moveTo(next);
    const day2 = ukToday(next);
    await change('AC111111A', address('8 Eighth Street'));
    await moveTo(broadcastDueAt(day2));
    const second = (await s.post('/admin/broadcasts/run', { day: day2 }).expect(200)).body.runs;
    expect(second).toEqual([expect.objectContaining({ day: day2, alreadyRun: false })]);
    expect((await acknowledged(second[0].batchId)).copies).toBe(1);
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
  });
});
