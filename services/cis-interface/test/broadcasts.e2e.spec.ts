import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from '@cms/testing';
import {
  cisChange,
  givenClient,
  moveSimClockToNext,
  nino,
  runBroadcast,
  SARAH,
  startSystem,
  type ClientFixture,
  type TestSystem,
} from './helpers';

const address = (line1: string) => ({
  type: 'ADDRESS_CHANGE',
  address: { line1, town: 'Leeds', postcode: 'LS6 3AA' },
  addressStartDate: '2026-01-01',
});

describe('cis-interface: CIS - Receive Broadcast Updates (BR-1..BR-9), with the real service-requests, CIS simulator and correspondence', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem({ correspondence: true });
  });
  afterAll(() => s?.close());

  const get = (path: string, token = s.tokens.cw) => s.api().get(path).auth(token, { type: 'bearer' });
  const post = (body: object, token = s.tokens.sys) =>
    s.api().post('/broadcasts').auth(token, { type: 'bearer' }).send(body);
  const register = (c: ClientFixture, interestType: string) =>
    s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType })
      .expect(201);
  const srsOf = async (clientId: string) =>
    (await s.srGet(`/service-requests?clientId=${clientId}`).expect(200)).body as Record<string, any>[];
  const processed = (batchId: string) =>
    eventually(async () => {
      const res = await get(`/broadcasts/${batchId}`).expect(200);
      return res.body.status === 'processed' ? res.body : null;
    }, 30_000);
  const transactions = async (batchId: string) =>
    (await get(`/broadcasts/${batchId}/transactions?limit=500`, s.tokens.sct).expect(200)).body
      .items as Record<string, any>[];

  describe('one UK day of changes', () => {
    let a: ClientFixture; // receiving parent: address twice and name
    let b: ClientFixture; // paying parent: benefit claim and benefit on/off
    let c: ClientFixture; // no interest
    let f: ClientFixture; // nationally sensitive status update
    let g: ClientFixture; // a change CMS already holds
    let d: ClientFixture; // interest deregistered before the broadcast
    let day: string;
    let batchId: string;
    let batch: Record<string, any>;
    let txs: Record<string, any>[];
    const txOf = (ref: string) => txs.filter((t) => t.reference === ref);

    beforeAll(async () => {
      a = await givenClient(s, { nino: nino(401) });
      b = await givenClient(s, { nino: nino(402), role: 'NRP', stage: 'maintenance' });
      c = await givenClient(s, { nino: nino(403) });
      f = await givenClient(s, { nino: nino(404) });
      g = await givenClient(s, { nino: nino(405), details: { ...SARAH, dateOfBirthVerified: true } });
      d = await givenClient(s, { nino: nino(410) });
      await register(d, 'PWC_QC_ROC_GENERAL');
      await s
        .api()
        .delete(`/clients/${d.clientId}/interests/PWC_QC_ROC_GENERAL`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      await Promise.all([
        register(a, 'PWC_QC_ROC_GENERAL'),
        register(b, 'NRP_GENERAL'),
        register(f, 'PWC_QC_ROC_GENERAL'),
        register(g, 'PWC_QC_ROC_GENERAL'),
      ]);
      // E: a person with a CMG interest on CIS whom CMS holds on no live case.
      await s
        .simPost('/admin/persons', {
          referenceKind: 'NINO',
          reference: nino(406),
          firstName: 'Evan',
          lastName: 'Stone',
          interestTypes: ['NRP_GENERAL'],
        })
        .expect(201);

      day = await moveSimClockToNext(s, 10);
      await cisChange(s, a.nino, address('1 First Street'));
      await cisChange(s, a.nino, { type: 'NAME_1_CHANGE', firstName: 'Sara', lastName: 'Okafor' });
      await cisChange(s, a.nino, address('2 Second Street'));
      await cisChange(s, b.nino, {
        type: 'NRP_BENEFIT_CLAIM',
        benefitType: 'Universal Credit',
        claimDate: day,
      });
      await cisChange(s, b.nino, {
        type: 'NRP_BENEFIT_ON_OFF',
        onBenefit: true,
        benefitType: 'Jobseeker’s Allowance',
      });
      await cisChange(s, c.nino, address('3 Third Street'));
      await cisChange(s, d.nino, address('6 Sixth Street'));
      await cisChange(s, nino(406), { type: 'NAME_CORRECTION', firstName: 'Evan', lastName: 'Stoner' });
      await cisChange(s, f.nino, { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true });
      await cisChange(s, g.nino, {
        type: 'DOB_VERIFICATION',
        dateOfBirth: SARAH.dateOfBirth,
        verified: true,
      });

      batchId = (await runBroadcast(s))!;
      expect(batchId).toBeTruthy();
      batch = await processed(batchId);
      txs = await transactions(batchId);
    });

    it('[BR-1] receives changes only for clients with an interest registered', () => {
      expect(new Set(txs.map((t) => t.reference))).toEqual(
        new Set([a.nino, b.nino, nino(406), f.nino, g.nino]),
      );
      expect(txOf(c.nino)).toEqual([]);
    });

    it('[RI-2] [BR-1] an interest deregistered through cis-interface stops the broadcasts for it', () => {
      expect(txOf(d.nino)).toEqual([]);
    });

    it('[BR-2] each change arrives at least 24 hours after CIS recorded it', () => {
      for (const t of txs) {
        expect(
          new Date(batch.generatedAt).getTime() - new Date(t.recordedAt).getTime(),
        ).toBeGreaterThanOrEqual(24 * 3_600_000);
      }
    });

    it('[BR-3] the same item changed twice in the day: only the latest change arrives and raises an SR', async () => {
      const addresses = txOf(a.nino).filter((t) => t.changeType === 'ADDRESS_CHANGE');
      expect(addresses).toHaveLength(1);
      expect(addresses[0].payload.address.line1).toBe('2 Second Street');
      expect((await srsOf(a.clientId)).filter((sr) => sr.changeType === 'ADDRESS_CHANGE')).toHaveLength(1);
    });

    it('[BR-4] two different items changed in the day are two transactions, each raising its SR', async () => {
      expect(
        txOf(a.nino)
          .map((t) => t.changeType)
          .sort(),
      ).toEqual(['ADDRESS_CHANGE', 'NAME_1_CHANGE']);
      expect((await srsOf(a.clientId)).map((sr) => sr.changeType).sort()).toEqual([
        'ADDRESS_CHANGE',
        'NAME_1_CHANGE',
      ]);
    });

    it('[BR-5] each transaction is matched with the client’s live case; one that matches nothing is kept as unmatched and listed', async () => {
      for (const t of txOf(a.nino))
        expect(t).toMatchObject({ clientId: a.clientId, clientRole: 'PWC', caseIds: [a.caseId] });
      const [e] = txOf(nino(406));
      expect(e).toMatchObject({ outcome: 'unmatched', clientId: null, serviceRequest: null });
      expect(e.reason).toMatch(/BR-5/);
      const unmatched = await get('/broadcasts/unmatched').expect(200);
      expect(unmatched.body.items.map((t: any) => t.id)).toContain(e.id);
    });

    it('[BR-6] each transaction raises an SR from CIS with its change type and the change, linked to the case and subject', async () => {
      const [name] = txOf(a.nino).filter((t) => t.changeType === 'NAME_1_CHANGE');
      expect(name.outcome).toBe('sr-raised');
      const sr = (await s.srGet(`/service-requests/${name.serviceRequest.id}`).expect(200)).body;
      expect(sr).toMatchObject({
        type: 'CIS_CHANGE',
        source: 'CIS',
        changeType: 'NAME_1_CHANGE',
        subject: { clientId: a.clientId, role: 'PWC' },
        caseIds: [a.caseId],
        srNumber: name.serviceRequest.srNumber,
        details: expect.objectContaining({
          change: { type: 'NAME_1_CHANGE', firstName: 'Sara', lastName: 'Okafor' },
        }),
      });
      const [benefit] = txOf(b.nino).filter((t) => t.changeType === 'NRP_BENEFIT_ON_OFF');
      expect(benefit).toMatchObject({ outcome: 'sr-raised', clientRole: 'NRP' });
    });

    it('[BR-7] SRs go to caseworkers with the right access; a nationally sensitive status update goes to the sensitive case team', async () => {
      const [name] = txOf(a.nino).filter((t) => t.changeType === 'NAME_1_CHANGE');
      expect(name.serviceRequest.queue).toBe('cis-changes');
      const [ns] = txOf(f.nino);
      expect(ns).toMatchObject({ outcome: 'sr-raised', nationallySensitive: true });
      expect(ns.serviceRequest.queue).toBe('sensitive-case-team');
      const sr = (await s.srGet(`/service-requests/${ns.serviceRequest.id}`).expect(200)).body;
      expect(sr).toMatchObject({
        type: 'NATIONALLY_SENSITIVE_UPDATE',
        changeType: 'NATIONALLY_SENSITIVE_STATUS',
      });
      expect((await s.srGet(`/clients/${f.clientId}`).expect(200)).body.nationallySensitive).toBe(true);
      // A caseworker without sensitive access does not see it in the lists.
      const cwView = await get(`/broadcasts/${batchId}/transactions?limit=500`).expect(200);
      expect(cwView.body.items.map((t: any) => t.reference)).not.toContain(f.nino);
    });

    it('[BR-8] a paying parent’s benefit claim raises no SR: the automated MOPF letter goes to the paying parent', async () => {
      const [claim] = txOf(b.nino).filter((t) => t.changeType === 'NRP_BENEFIT_CLAIM');
      expect(claim).toMatchObject({ outcome: 'letter-issued', serviceRequest: null, clientRole: 'NRP' });
      expect((await srsOf(b.clientId)).map((sr) => sr.changeType)).toEqual(['NRP_BENEFIT_ON_OFF']);
      const letter = await request(s.co!.url)
        .get(`/letters/${claim.letterId}`)
        .auth(s.tokens.sys, { type: 'bearer' })
        .expect(200);
      expect(letter.body).toMatchObject({
        templateCode: 'MOPF_BENEFIT_CLAIM',
        recipient: expect.objectContaining({ clientId: b.clientId, role: 'NRP' }),
        caseId: b.caseId,
      });
      // The case as service-requests holds it: number, jurisdiction and stage (read with the client).
      const kase = (await s.srGet(`/cases/${b.caseId}`).expect(200)).body;
      expect(letter.body).toMatchObject({
        caseNumber: kase.caseNumber,
        jurisdiction: kase.jurisdiction,
        stage: kase.stage,
      });
    });

    it('[BR-9] a change CMS already holds raises an SR that service-requests closes with a note', async () => {
      const [dob] = txOf(g.nino);
      expect(dob.outcome).toBe('sr-raised');
      const sr = (await s.srGet(`/service-requests/${dob.serviceRequest.id}`).expect(200)).body;
      expect(sr.status).toBe('Cancelled');
      expect(sr.notes[0].text).toMatch(/BR-9/);
    });

    it('shows the batch with its transactions counted by outcome', () => {
      expect(batch).toMatchObject({
        batchId,
        status: 'processed',
        timesReceived: 1,
        transactionCount: 7,
        counts: {
          pending: 0,
          'sr-raised': 5,
          'letter-issued': 1,
          unmatched: 1,
          'duplicate-ignored': 0,
          failed: 0,
        },
      });
    });

    it('[BR-6] a batch sent twice raises each SR once: the same batch again, and the same transactions in another batch', async () => {
      const sent = (await s.simGet(`/admin/broadcasts/batches/${batchId}`).expect(200)).body.body;
      const srCount = async () =>
        (await Promise.all([a, b, f, g].map((x) => srsOf(x.clientId)))).flat().length;
      const before = await srCount();
      const again = await post(sent).set('Idempotency-Key', batchId).expect(202);
      expect(again.body).toEqual({ batchId, status: 'accepted', statusUrl: `/broadcasts/${batchId}` });
      expect((await get(`/broadcasts/${batchId}`).expect(200)).body.timesReceived).toBe(2);

      const copyId = randomUUID();
      await post({ ...sent, batchId: copyId }).expect(202);
      const copy = await processed(copyId);
      expect(copy.counts).toMatchObject({ 'duplicate-ignored': 7, 'sr-raised': 0, pending: 0 });
      expect(await srCount()).toBe(before);
    });
  });

  it('[BR-6] the simulator delivering the next batch twice raises each SR once', async () => {
    const h = await givenClient(s, { nino: nino(407) });
    await register(h, 'PWC_QC_ROC_GENERAL');
    await s
      .simPost('/admin/faults', { duplicateNextBatch: true })
      .expect((r) => expect(r.status).toBeLessThan(300));
    await moveSimClockToNext(s, 10);
    await cisChange(s, h.nino, { type: 'NAME_CORRECTION', firstName: 'Sarah', lastName: 'Okafor-Reed' });
    const batchId = (await runBroadcast(s))!;
    await eventually(
      async () =>
        (await s.simGet(`/admin/broadcasts/batches/${batchId}`).expect(200)).body.acknowledgedCopies === 2,
    );
    const batch = await processed(batchId);
    expect(batch).toMatchObject({ timesReceived: 2, transactionCount: 1, counts: { 'sr-raised': 1 } });
    expect(await srsOf(h.clientId)).toHaveLength(1);
  });

  it('[BR-6] [BR-8] every one of the fifteen change types raises its SR, apart from the benefit claim (a letter)', async () => {
    const p = await givenClient(s, { nino: nino(409), role: 'NRP', stage: 'maintenance' });
    const changes: Record<string, unknown>[] = [
      { type: 'NAME_1_CHANGE', firstName: 'Sam', lastName: 'Okafor' },
      { type: 'NAME_CORRECTION', firstName: 'Sam', lastName: 'Okafor-Reed' },
      address('5 Fifth Street'),
      { type: 'DOB_VERIFICATION', dateOfBirth: '1988-04-18', verified: true },
      { type: 'DOB_VERIFICATION_CORRECTION', dateOfBirth: '1988-04-19', verified: true },
      { type: 'DOB_UNVERIFIED_CORRECTION', dateOfBirth: '1988-04-20', verified: false },
      { type: 'DOD_NOTIFICATION', dateOfDeath: '2026-10-01', verified: false },
      { type: 'DOD_VERIFICATION', dateOfDeath: '2026-10-01', verified: true },
      { type: 'DOD_UNVERIFIED_CORRECTION', dateOfDeath: '2026-10-02', verified: false },
      { type: 'DOD_REMOVAL' },
      { type: 'DOD_VERIFIED_CORRECTION', dateOfDeath: '2026-10-03', verified: true },
      { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'Universal Credit' },
      { type: 'NRP_PARTNER_BENEFIT_ON_OFF', onBenefit: false, benefitType: 'Pension Credit' },
      { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2026-10-15' },
      { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: false },
    ];
    const batchId = randomUUID();
    await post({
      batchId,
      generatedAt: '2026-11-22T00:00:05.000Z',
      // One change a day, so that BR-3 keeps every one.
      transactions: changes.map((payload, i) => ({
        transactionId: randomUUID(),
        referenceKind: 'NINO',
        reference: p.nino,
        changeType: payload.type,
        payload,
        recordedAt: new Date(Date.UTC(2026, 9, 1 + i, 10)).toISOString(),
        interestTypes: ['NRP_GENERAL'],
      })),
    }).expect(202);
    const batch = await processed(batchId);
    expect(batch.counts).toMatchObject({ 'sr-raised': 14, 'letter-issued': 1, failed: 0, unmatched: 0 });
    const srs = await srsOf(p.clientId);
    expect(srs.map((sr) => sr.changeType).sort()).toEqual(
      changes
        .map((c) => c.type as string)
        .filter((t) => t !== 'NRP_BENEFIT_CLAIM')
        .sort(),
    );
    expect(srs.filter((sr) => sr.type === 'NATIONALLY_SENSITIVE_UPDATE')).toHaveLength(1);
  });

  describe('[BR-8] several benefit claims in one batch (the letter jobs are worked a fetched batch at a time)', () => {
    it('[BR-8] each paying parent gets their own letter; one CMS holds no address for is recorded as failed with the reason; the batch counts both', async () => {
      const housed = await Promise.all(
        [nino(420), nino(421), nino(422)].map((n) =>
          givenClient(s, { nino: n, role: 'NRP', stage: 'maintenance' }),
        ),
      );
      const noAddress = {
        firstName: 'Noel',
        lastName: 'Ward',
        dateOfBirth: '1979-02-03',
        dateOfBirthVerified: false,
        sex: 'M',
      };
      const homeless = await givenClient(s, {
        nino: nino(423),
        role: 'NRP',
        stage: 'maintenance',
        details: noAddress,
      });
      const all = [...housed, homeless];
      await Promise.all(all.map((c) => register(c, 'NRP_GENERAL')));
      const day = await moveSimClockToNext(s, 10);
      for (const c of all) {
        await cisChange(s, c.nino, {
          type: 'NRP_BENEFIT_CLAIM',
          benefitType: 'Universal Credit',
          claimDate: day,
        });
      }
      const id = (await runBroadcast(s))!;
      const done = await processed(id);
      const txs = await transactions(id);
      const claimOf = (c: ClientFixture) => {
        const found = txs.filter((t) => t.reference === c.nino);
        expect(found).toHaveLength(1);
        return found[0];
      };
      const letterIds = new Set<string>();
      for (const c of housed) {
        const t = claimOf(c);
        expect(t).toMatchObject({ outcome: 'letter-issued', clientRole: 'NRP', serviceRequest: null });
        letterIds.add(t.letterId);
        const letter = await request(s.co!.url)
          .get(`/letters/${t.letterId}`)
          .auth(s.tokens.sys, { type: 'bearer' })
          .expect(200);
        expect(letter.body).toMatchObject({
          templateCode: 'MOPF_BENEFIT_CLAIM',
          recipient: expect.objectContaining({ clientId: c.clientId, role: 'NRP' }),
          caseId: c.caseId,
        });
      }
      expect(letterIds.size).toBe(3);
      const refused = claimOf(homeless);
      expect(refused).toMatchObject({ outcome: 'failed', letterId: null });
      expect(refused.reason).toMatch(/^BR-8: the MOPF letter could not be issued: .*address/i);
      expect(done.counts).toMatchObject({ pending: 0 });
      expect(done.counts['letter-issued']).toBe(txs.filter((t) => t.outcome === 'letter-issued').length);
      expect(done.counts.failed).toBe(txs.filter((t) => t.outcome === 'failed').length);
      expect(done.counts['letter-issued']).toBeGreaterThanOrEqual(3);
    });
  });

  describe('batches checked on receipt', () => {
    const tx = (over: Record<string, unknown> = {}) => ({
      transactionId: randomUUID(),
      referenceKind: 'NINO',
      reference: nino(408),
      changeType: 'ADDRESS_CHANGE',
      payload: address('9 Ninth Street'),
      recordedAt: '2026-11-20T10:15:00.000Z',
      interestTypes: ['PWC_QC_ROC_GENERAL'],
      ...over,
    });
    let i: ClientFixture;
    beforeAll(async () => {
      i = await givenClient(s, { nino: nino(408) });
    });

    it('[BR-3] applied again defensively: two changes to the same item of a client on one day keep only the latest', async () => {
      const later = tx({ recordedAt: '2026-11-20T15:00:00.000Z', payload: address('11 Later Street') });
      const earlier = tx({ recordedAt: '2026-11-20T09:00:00.000Z' });
      const batchId = randomUUID();
      await post({
        batchId,
        generatedAt: '2026-11-22T00:00:05.000Z',
        transactions: [
          later,
          earlier,
          tx({
            changeType: 'NAME_CORRECTION',
            payload: { type: 'NAME_CORRECTION', firstName: 'Sarah', lastName: 'Reed' },
          }),
        ],
      }).expect(202);
      const batch = await processed(batchId);
      expect(batch.counts).toMatchObject({ 'sr-raised': 2, 'duplicate-ignored': 1 });
      const items = await transactions(batchId);
      expect(items[1]).toMatchObject({ transactionId: earlier.transactionId, outcome: 'duplicate-ignored' });
      expect(items[1].reason).toMatch(/BR-3/);
      const srs = await srsOf(i.clientId);
      expect(srs.filter((sr) => sr.changeType === 'ADDRESS_CHANGE')).toHaveLength(1);
      expect(srs.find((sr) => sr.changeType === 'ADDRESS_CHANGE')!.details.change.address.line1).toBe(
        '11 Later Street',
      );
      // The earlier change arriving later, in another batch, is ignored too.
      const lateBatch = randomUUID();
      await post({
        batchId: lateBatch,
        generatedAt: '2026-11-22T00:00:06.000Z',
        transactions: [tx({ recordedAt: '2026-11-20T12:00:00.000Z' })],
      }).expect(202);
      expect((await processed(lateBatch)).counts).toMatchObject({ 'duplicate-ignored': 1 });
    });

    it('stores an invalid transaction as failed with its problems (never dropped); the rest of the batch goes on', async () => {
      const batchId = randomUUID();
      await post({
        batchId,
        generatedAt: '2026-11-22T00:00:05.000Z',
        transactions: [
          tx({ reference: 'XX', payload: { type: 'ADDRESS_CHANGE' } }),
          tx({ recordedAt: '2026-11-21T10:00:00.000Z' }),
        ],
      }).expect(202);
      const batch = await processed(batchId);
      expect(batch.counts).toMatchObject({ failed: 1, 'sr-raised': 1 });
      const [bad] = await transactions(batchId);
      expect(bad.outcome).toBe('failed');
      expect(bad.problems.map((p: any) => p.field)).toEqual(
        expect.arrayContaining(['transactions[0].reference', 'transactions[0].payload.address']),
      );
    });

    it('refuses a malformed batch (400) and callers other than CIS (403); the Idempotency-Key must be the batch id', async () => {
      const bad = await post({ batchId: 'nope', transactions: [] }).expect(400);
      expect(bad.headers['content-type']).toMatch(/problem\+json/);
      expect(bad.body.errors.map((e: any) => e.field)).toEqual(
        expect.arrayContaining(['batchId', 'generatedAt', 'transactions']),
      );
      const body = { batchId: randomUUID(), generatedAt: '2026-11-22T00:00:05.000Z', transactions: [tx()] };
      await post(body, s.tokens.cw).expect(403);
      await post(body).set('Idempotency-Key', randomUUID()).expect(400);
      await get(`/broadcasts/${body.batchId}`).expect(404);
    });
  });

  it('every batch counts by outcome exactly the transactions it holds (the counts are kept with each outcome)', async () => {
    const { batches } = (await get('/broadcasts?limit=200').expect(200)).body as {
      batches: { batchId: string; status: string; counts: Record<string, number> }[];
    };
    expect(batches.length).toBeGreaterThan(5);
    for (const b of batches) {
      const counted: Record<string, number> = {
        pending: 0,
        'sr-raised': 0,
        'letter-issued': 0,
        unmatched: 0,
        'duplicate-ignored': 0,
        failed: 0,
      };
      let after = '';
      for (let pages = 0; pages < 100; pages++) {
        const page = (
          await get(`/broadcasts/${b.batchId}/transactions?limit=500${after}`, s.tokens.sct).expect(200)
        ).body as { items: { outcome: string }[]; nextCursor: string | null };
        for (const t of page.items) counted[t.outcome]++;
        if (!page.nextCursor) break;
        after = `&after=${page.nextCursor}`;
      }
      expect({ batchId: b.batchId, counts: b.counts }).toEqual({ batchId: b.batchId, counts: counted });
      expect(b.status).toBe(counted.pending ? 'accepted' : 'processed');
    }
  });
});
