import request from 'supertest';
import { eventually } from '@cms/testing';
import { givenClient, nino, SARAH, startSystem, type TestSystem } from './helpers';

const NEW_ADDRESS = { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' };

describe('cis-interface: CIS - Retrieve Personal Data From (RD-1..RD-8), with the real service-requests and CIS simulator', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem();
  });
  afterAll(() => s?.close());

  const retrieve = (clientId: string, token: string, opts: { trigger?: string; key?: string } = {}) => {
    const req = s
      .api()
      .post('/retrievals')
      .auth(token, { type: 'bearer' })
      .send({ clientId, trigger: opts.trigger ?? 'manual' });
    return opts.key ? req.set('Idempotency-Key', opts.key) : req;
  };
  const srClient = async (id: string) => (await s.srGet(`/clients/${id}`).expect(200)).body;

  describe('a client whose CIS record differs from CMS’s', () => {
    let clientId: string;
    let first: Record<string, any>;

    beforeAll(async () => {
      const c = await givenClient(s, {
        nino: nino(201),
        verified: true,
        cis: {
          ...SARAH,
          dateOfBirth: '1988-04-18',
          dateOfBirthVerified: true,
          address: NEW_ADDRESS,
          addressStartDate: '2026-10-01',
          homePhone: '01632 960099',
          businessPhone: '01632 960002',
        },
      });
      clientId = c.clientId;
      first = (
        await retrieve(clientId, s.tokens.sys, { trigger: 'reference-verified', key: 'rd1-201' }).expect(201)
      ).body;
    });

    it('[RD-1] [RD-2] [RD-8] the Verified trigger retrieves personal, address and contact data in real time', () => {
      expect(first).toMatchObject({
        clientId,
        trigger: 'reference-verified',
        outcome: 'completed',
        rejection: null,
        requestedBy: 'service-requests',
        attempts: 1,
      });
      expect(first.completedAt).toBeTruthy();
    });

    it('[RD-3] keeps DOB (verified and different), sex, the new address with its start date, and the differing phones only', () => {
      const items = Object.fromEntries(first.itemsStored.map((i: any) => [i.item, i]));
      expect(Object.keys(items).sort()).toEqual(
        ['address', 'addressStartDate', 'businessPhone', 'dateOfBirth', 'homePhone', 'sex'].sort(),
      );
      expect(items.dateOfBirth).toMatchObject({
        cisValue: '1988-04-18',
        cmsValue: '1988-04-17',
        differs: true,
      });
      expect(items.sex).toMatchObject({ cisValue: 'F', differs: false });
      expect(items.address.cisValue).toEqual({
        address: expect.objectContaining(NEW_ADDRESS),
        addressStartDate: '2026-10-01',
      });
      expect(items.homePhone).toMatchObject({
        cisValue: '+441632960099',
        cmsValue: '+441632960001',
        differs: true,
      });
    });

    it('[RD-6] stores everything CIS returned as sourced from CIS, apart from CMS’s record, which is unchanged', async () => {
      const data = await s
        .api()
        .get(`/clients/${clientId}/cis-data`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(data.body.latest).toMatchObject({
        retrievalId: first.id,
        source: 'CIS',
        data: expect.objectContaining({
          firstName: 'Sarah',
          dateOfBirth: '1988-04-18',
          mobilePhone: '+447700900123',
        }),
      });
      expect(data.body.latest.retrievedAt).toBeTruthy();
      const cms = await srClient(clientId);
      expect(cms).toMatchObject({
        dateOfBirth: '1988-04-17',
        homePhone: '+441632960001',
        address: SARAH.address,
      });
    });

    it('[RD-6] records one discrepancy per differing item, open', async () => {
      const res = await s
        .api()
        .get(`/clients/${clientId}/discrepancies`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(res.body.discrepancies.map((d: any) => d.item).sort()).toEqual(
        ['address', 'businessPhone', 'dateOfBirth', 'homePhone'].sort(),
      );
      expect(
        res.body.discrepancies.every((d: any) => d.status === 'open' && d.retrievalId === first.id),
      ).toBe(true);
      expect(first.discrepancies).toHaveLength(4);
    });

    it('[RD-1] the trigger is idempotent on its Idempotency-Key: the same key returns the same retrieval, CIS is not asked again', async () => {
      const again = await retrieve(clientId, s.tokens.sys, {
        trigger: 'reference-verified',
        key: 'rd1-201',
      }).expect(201);
      expect(again.body.id).toBe(first.id);
      const data = await s
        .api()
        .get(`/clients/${clientId}/cis-data`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(data.body.history).toHaveLength(1);
    });

    it('[RD-6] a later retrieval adds to the history and refreshes the open discrepancies (one open per item)', async () => {
      const second = await retrieve(clientId, s.tokens.cw).expect(201);
      expect(second.body.id).not.toBe(first.id);
      const data = await s
        .api()
        .get(`/clients/${clientId}/cis-data`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(data.body.history.map((h: any) => h.retrievalId)).toEqual([second.body.id, first.id]);
      const open = await s
        .api()
        .get(`/clients/${clientId}/discrepancies?status=open`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      expect(open.body.discrepancies).toHaveLength(4);
      const list = await s
        .api()
        .get(`/clients/${clientId}/retrievals`)
        .auth(s.tokens.tl, { type: 'bearer' })
        .expect(200);
      expect(list.body.retrievals.map((r: any) => r.id)).toEqual([second.body.id, first.id]);
    });

    it('[RD-7] [X-2] accept-cis: service-requests updates CMS’s record (with the version, audited there for the caseworker)', async () => {
      const d = (
        await s
          .api()
          .get(`/clients/${clientId}/discrepancies`)
          .auth(s.tokens.cw, { type: 'bearer' })
          .expect(200)
      ).body.discrepancies.find((x: any) => x.item === 'dateOfBirth');
      const before = await srClient(clientId);
      const res = await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ decision: 'accept-cis', reason: 'Birth certificate seen' })
        .expect(200);
      expect(res.body.discrepancy).toMatchObject({
        status: 'accepted-cis',
        decidedBy: 'cw-1',
        reason: 'Birth certificate seen',
      });
      expect(res.body.cisUpdate).toBeNull();
      const after = await srClient(clientId);
      expect(after).toMatchObject({ dateOfBirth: '1988-04-18', dateOfBirthVerified: true });
      expect(after.version).toBeGreaterThan(before.version);
      expect(res.body.discrepancy.clientVersion).toBe(after.version);
      const audit = await s.srGet(`/audit/client/${clientId}`).expect(200);
      // service-requests names both: the service that called, and the caseworker it acted for.
      expect(audit.body.filter((r: any) => r.action === 'personal-details-changed').at(-1)).toMatchObject({
        actorId: 'cis-interface',
        onBehalfOf: 'cw-1',
      });
      await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ decision: 'keep-cms', reason: 'Second thoughts' })
        .expect(409);
    });

    it('[RD-7] [SU-1] keep-cms of the address needs an interest, then sends CMS’s address to CIS and records the response', async () => {
      const d = (
        await s
          .api()
          .get(`/clients/${clientId}/discrepancies`)
          .auth(s.tokens.cw, { type: 'bearer' })
          .expect(200)
      ).body.discrepancies.find((x: any) => x.item === 'address');
      const refused = await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ decision: 'keep-cms', reason: 'Client confirmed by phone they have not moved' })
        .expect(422);
      expect(refused.body).toMatchObject({ code: 'NO_INTEREST_REGISTERED', requirementId: 'SU-1' });
      await s
        .api()
        .post(`/clients/${clientId}/interests`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ interestType: 'PWC_QC_ROC_GENERAL' })
        .expect(201);
      const res = await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ decision: 'keep-cms', reason: 'Client confirmed by phone they have not moved' })
        .expect(200);
      expect(res.body.discrepancy).toMatchObject({ status: 'kept-cms', cisUpdateId: res.body.cisUpdate.id });
      expect(res.body.cisUpdate).toMatchObject({
        updateType: 'ADDRESS_CHANGE',
        responseCode: '0',
        applied: true,
        discrepancyId: d.id,
      });
      const person = await s
        .simPost('/admin/persons/lookup', { referenceKind: 'NINO', reference: nino(201) })
        .expect(200);
      expect(person.body.address).toMatchObject(SARAH.address);
    });

    it('[RD-7] keep-cms of an item CIS does not accept (a phone) records the decision and sends nothing', async () => {
      const d = (
        await s
          .api()
          .get(`/clients/${clientId}/discrepancies`)
          .auth(s.tokens.cw, { type: 'bearer' })
          .expect(200)
      ).body.discrepancies.find((x: any) => x.item === 'homePhone');
      const res = await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send({ decision: 'keep-cms', reason: 'Client gave this number on the phone today' })
        .expect(200);
      expect(res.body).toMatchObject({ cisUpdate: null, noUpdateReason: 'not-updatable' });
      expect(res.body.discrepancy.status).toBe('kept-cms');
    });
  });

  it('[RD-1] the Verified trigger is refused while the client’s NINO is not Verified', async () => {
    const c = await givenClient(s, { nino: nino(202) });
    const res = await retrieve(c.clientId, s.tokens.sys, {
      trigger: 'reference-verified',
      key: 'rd1-202',
    }).expect(422);
    expect(res.body).toMatchObject({ code: 'REFERENCE_NOT_VERIFIED', requirementId: 'RD-1' });
    // The applicant trigger follows verification of the CMS reference ID, not of the NINO.
    await retrieve(c.clientId, s.tokens.sys, { trigger: 'applicant-verified' }).expect(201);
  });

  it('[RD-4] "Insufficient access level": Sensitive Check set and a call back SR raised to the sensitive case team', async () => {
    const c = await givenClient(s, {
      nino: nino(203),
      verified: true,
      cis: { ...SARAH, nationallySensitive: true },
    });
    const res = await retrieve(c.clientId, s.tokens.sys, {
      trigger: 'reference-verified',
      key: 'rd1-203',
    }).expect(201);
    expect(res.body).toMatchObject({
      outcome: 'insufficient-access',
      rejection: 'INSUFFICIENT_ACCESS_LEVEL',
      rejectionMessage: 'Insufficient access level',
      requirementId: 'RD-4',
      itemsStored: [],
    });
    // From this answer on the client is the sensitive case team's: a caseworker is refused.
    await s.api().get(`/retrievals/${res.body.id}`).auth(s.tokens.cw, { type: 'bearer' }).expect(403);
    const srId = await eventually(async () => {
      const r = await s
        .api()
        .get(`/retrievals/${res.body.id}`)
        .auth(s.tokens.sct, { type: 'bearer' })
        .expect(200);
      return r.body.sensitiveCheckServiceRequestId as string | null;
    });
    expect((await srClient(c.clientId)).sensitiveCheck).toBe(true);
    const sr = await s.srGet(`/service-requests/${srId}`).expect(200);
    expect(sr.body).toMatchObject({
      type: 'SENSITIVE_CALL_BACK',
      queue: 'sensitive-case-team',
      source: 'CIS',
    });
    // A caseworker with sensitive access gets the data.
    const sct = await retrieve(c.clientId, s.tokens.sct).expect(201);
    expect(sct.body.outcome).toBe('completed');
  });

  it.each([
    ['NINO_NOT_FOUND', 'NINO not found', async () => undefined],
    [
      'NINO_DELETED',
      'NINO deleted',
      async (ref: string) =>
        s
          .simPost('/admin/persons/flags', { referenceKind: 'NINO', reference: ref, deleted: true })
          .expect(200),
    ],
  ])('[RD-5] rejection %s is recorded on the retrieval and shown', async (rejection, message, arrange) => {
    const ref = nino(rejection === 'NINO_NOT_FOUND' ? 204 : 205);
    const c = await givenClient(s, { nino: ref, cis: rejection === 'NINO_NOT_FOUND' ? false : undefined });
    await arrange(ref);
    const res = await retrieve(c.clientId, s.tokens.cw).expect(201);
    expect(res.body).toMatchObject({
      outcome: 'rejected',
      rejection,
      rejectionMessage: message,
      requirementId: 'RD-5',
    });
    const shown = await s
      .api()
      .get(`/retrievals/${res.body.id}`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(shown.body).toMatchObject({ outcome: 'rejected', rejection });
    const discrepancies = await s
      .api()
      .get(`/clients/${c.clientId}/discrepancies`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(discrepancies.body.discrepancies).toEqual([]);
  });

  it('[RD-5] [RD-3] NINO superseded: the rejection and the new NINO are recorded, sourced from CIS', async () => {
    const c = await givenClient(s, { nino: nino(206) });
    await s
      .simPost('/admin/persons/supersede', {
        referenceKind: 'NINO',
        reference: nino(206),
        newNino: 'JK654321D',
      })
      .expect((r) => expect([200, 201]).toContain(r.status));
    const res = await retrieve(c.clientId, s.tokens.cw).expect(201);
    expect(res.body).toMatchObject({
      outcome: 'rejected',
      rejection: 'NINO_SUPERSEDED',
      supersededBy: 'JK654321D',
      itemsStored: [expect.objectContaining({ item: 'nino', cisValue: 'JK654321D', cmsValue: nino(206) })],
    });
    const data = await s
      .api()
      .get(`/clients/${c.clientId}/cis-data`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(data.body.latest.data).toEqual({ supersededByNino: 'JK654321D' });
  });

  it('[RD-3] [RD-6] a NINO CIS reports as superseded becomes an open discrepancy (CIS value: the new NINO) the caseworker decides with a reason (RD-7)', async () => {
    const c = await givenClient(s, { nino: nino(211) });
    await s
      .simPost('/admin/persons/supersede', {
        referenceKind: 'NINO',
        reference: nino(211),
        newNino: 'JK654322D',
      })
      .expect((r) => expect([200, 201]).toContain(r.status));
    const res = await retrieve(c.clientId, s.tokens.cw).expect(201);
    expect(res.body).toMatchObject({ outcome: 'rejected', rejection: 'NINO_SUPERSEDED' });
    expect(res.body.discrepancies).toEqual([
      expect.objectContaining({
        item: 'nino',
        cisValue: 'JK654322D',
        cmsValue: nino(211),
        status: 'open',
        retrievalId: res.body.id,
      }),
    ]);
    const open = await s
      .api()
      .get(`/clients/${c.clientId}/discrepancies?status=open`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(open.body.discrepancies.map((d: any) => d.item)).toEqual(['nino']);
    // Asked again: still one open discrepancy for the NINO, refreshed.
    await retrieve(c.clientId, s.tokens.cw).expect(201);
    const still = await s
      .api()
      .get(`/clients/${c.clientId}/discrepancies?status=open`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(still.body.discrepancies).toHaveLength(1);
    // RD-7: the caseworker decides; CMS's NINO itself changes through the verify NINO/CRN interface.
    const decided = await s
      .api()
      .post(`/discrepancies/${still.body.discrepancies[0].id}/resolution`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ decision: 'keep-cms', reason: 'NINO re-verified with the client; CIS record to be checked' })
      .expect(200);
    expect(decided.body).toMatchObject({
      discrepancy: { item: 'nino', status: 'kept-cms', reason: expect.stringMatching(/re-verified/) },
      cisUpdate: null,
      noUpdateReason: 'not-updatable',
    });
  });

  it('[RD-7] a decision needs a reason: without one (or blank) it is 400 naming the field', async () => {
    const c = await givenClient(s, { nino: nino(212), cis: { ...SARAH, homePhone: '01632 960077' } });
    const r = await retrieve(c.clientId, s.tokens.cw).expect(201);
    const d = r.body.discrepancies.find((x: any) => x.item === 'homePhone');
    for (const body of [{ decision: 'keep-cms' }, { decision: 'accept-cis', reason: '   ' }]) {
      const res = await s
        .api()
        .post(`/discrepancies/${d.id}/resolution`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .send(body)
        .expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'reason', requirementId: 'RD-7' })]),
      );
    }
    const still = await s
      .api()
      .get(`/clients/${c.clientId}/discrepancies?status=open`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(still.body.discrepancies).toHaveLength(1);
  });

  it('[RD-7] keep-cms over a date of birth CIS holds as verified needs explicit confirmation (422 naming RD-7), then updates CIS', async () => {
    const c = await givenClient(s, {
      nino: nino(213),
      cis: { ...SARAH, dateOfBirth: '1988-04-19', dateOfBirthVerified: true },
      cisInterests: ['PWC_QC_ROC_GENERAL'],
    });
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'PWC_QC_ROC_GENERAL' })
      .expect(201);
    const r = await retrieve(c.clientId, s.tokens.cw).expect(201);
    const d = r.body.discrepancies.find((x: any) => x.item === 'dateOfBirth');
    expect(d).toMatchObject({ cisValue: '1988-04-19', cmsValue: '1988-04-17', cisVerified: true });
    const refused = await s
      .api()
      .post(`/discrepancies/${d.id}/resolution`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ decision: 'keep-cms', reason: 'Client says CIS is wrong' })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'CIS_VALUE_VERIFIED', requirementId: 'RD-7' });
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'confirmOverrideVerified', requirementId: 'RD-7' }),
    ]);
    // Nothing was sent: CIS still holds its verified date of birth, the discrepancy stays open.
    const before = await s
      .simPost('/admin/persons/lookup', { referenceKind: 'NINO', reference: nino(213) })
      .expect(200);
    expect(before.body).toMatchObject({ dateOfBirth: '1988-04-19', dateOfBirthVerified: true });
    const ok = await s
      .api()
      .post(`/discrepancies/${d.id}/resolution`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ decision: 'keep-cms', reason: 'Passport seen: CIS is wrong', confirmOverrideVerified: true })
      .expect(200);
    expect(ok.body.discrepancy).toMatchObject({ status: 'kept-cms', reason: 'Passport seen: CIS is wrong' });
    expect(ok.body.cisUpdate).toMatchObject({ updateType: 'DOB_NOT_VERIFIED', responseCode: '0' });
    const audit = await s.ciQuery<{ after: Record<string, unknown> }>(
      `SELECT after FROM audit_log WHERE entity_type = 'discrepancy' AND entity_id = $1 AND action = 'keep-cms'`,
      [d.id],
    );
    expect(audit[0].after).toMatchObject({ confirmOverrideVerified: true, cisVerified: true });
  });

  it('[RD-5] a technical error retried automatically within one request is still recorded: every attempt is kept and shown', async () => {
    const c = await givenClient(s, { nino: nino(214) });
    // Seed 8: the first draw fails (a CIS "Technical error"), the second answers.
    await s
      .simPost('/admin/faults', { technicalErrorShare: 0.5, seed: 8 })
      .expect((r) => expect(r.status).toBeLessThan(300));
    let id: string;
    try {
      const res = await retrieve(c.clientId, s.tokens.cw).expect(201);
      expect(res.body.outcome).toBe('completed');
      expect((await s.simGet('/admin/faults').expect(200)).body.counts.technicalErrors).toBe(1);
      id = res.body.id;
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    const shown = await s.api().get(`/retrievals/${id}`).auth(s.tokens.cw, { type: 'bearer' }).expect(200);
    expect(shown.body.outcome).toBe('completed');
    expect(shown.body.attemptHistory).toEqual([
      expect.objectContaining({
        attempt: 1,
        request: 1,
        outcome: 'failed',
        rejection: 'TECHNICAL_ERROR',
        requirementId: 'RD-5',
        failureReason: expect.stringMatching(/503/),
      }),
      expect.objectContaining({ attempt: 2, request: 1, outcome: 'completed', rejection: null }),
    ]);
    expect(shown.body.attemptHistory[0].at).toBeTruthy();
  });

  it('[RD-5] a technical error is retried, then recorded as failed and shown; the same Idempotency-Key tries again', async () => {
    const c = await givenClient(s, { nino: nino(207), verified: true });
    await s
      .simPost('/admin/faults', { technicalErrorShare: 1 })
      .expect((r) => expect(r.status).toBeLessThan(300));
    try {
      const res = await retrieve(c.clientId, s.tokens.sys, {
        trigger: 'reference-verified',
        key: 'rd1-207',
      }).expect(201);
      expect(res.body).toMatchObject({
        outcome: 'failed',
        rejection: 'TECHNICAL_ERROR',
        requirementId: 'RD-5',
      });
      expect(res.body.failureReason).toMatch(/CIS_TECHNICAL_ERROR.*503.*3 attempts/);
      const faults = await s.simGet('/admin/faults').expect(200);
      expect(faults.body.counts.technicalErrors).toBe(3);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    const again = await retrieve(c.clientId, s.tokens.sys, {
      trigger: 'reference-verified',
      key: 'rd1-207',
    }).expect(201);
    expect(again.body).toMatchObject({ outcome: 'completed', attempts: 2 });
    // [RD-5] each rejection stays recorded: three technical errors in the first request, then the answer.
    const shown = await s
      .api()
      .get(`/retrievals/${again.body.id}`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(
      shown.body.attemptHistory.map((a: any) => [a.request, a.outcome, a.rejection, a.requestedBy]),
    ).toEqual([
      [1, 'failed', 'TECHNICAL_ERROR', 'service-requests'],
      [1, 'failed', 'TECHNICAL_ERROR', 'service-requests'],
      [1, 'failed', 'TECHNICAL_ERROR', 'service-requests'],
      [2, 'completed', null, 'service-requests'],
    ]);
  });

  it('[RD-5] [RD-8] a CIS that does not answer in time is a technical error (time-out), recorded as failed', async () => {
    const c = await givenClient(s, { nino: nino(208) });
    await s.simPost('/admin/faults', { delayMs: 1500 }).expect((r) => expect(r.status).toBeLessThan(300));
    try {
      const res = await retrieve(c.clientId, s.tokens.cw).expect(201);
      expect(res.body).toMatchObject({ outcome: 'failed', rejection: 'TECHNICAL_ERROR' });
      expect(res.body.failureReason).toMatch(/no answer within 1000 ms/);
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
  });

  it('[X-1] a nationally sensitive client’s CIS data, retrievals and discrepancies need sensitive access', async () => {
    const c = await givenClient(s, { nino: nino(209), nationallySensitiveCase: true });
    const res = await retrieve(c.clientId, s.tokens.cw).expect(403);
    expect(res.body.title).toBe('Insufficient Access');
    const ok = await retrieve(c.clientId, s.tokens.sct).expect(201);
    for (const path of [
      `/clients/${c.clientId}/cis-data`,
      `/clients/${c.clientId}/discrepancies`,
      `/retrievals/${ok.body.id}`,
    ]) {
      await s.api().get(path).auth(s.tokens.cw, { type: 'bearer' }).expect(403);
      await s.api().get(path).auth(s.tokens.sct, { type: 'bearer' }).expect(200);
    }
  });

  it('a retrieval of an unknown client is 404; a malformed body is 400 problem+json', async () => {
    await retrieve('6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11', s.tokens.cw).expect(404);
    const bad = await s
      .api()
      .post('/retrievals')
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ clientId: 'nope', trigger: 'whenever' })
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['clientId', 'trigger']);
  });
});

// service-requests delivers the RD-1 trigger (when PUT
// /clients/{id}/reference-status sets Verified, a job calling cis-interface `POST /retrievals`
// {clientId, trigger: 'reference-verified'} with an Idempotency-Key).
describe('[RD-1] the retrieval triggered by service-requests when a NINO becomes Verified', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem({ wireRd1: true });
  });
  afterAll(() => s?.close());

  it('[RD-1] [RD-8] setting the NINO status to Verified retrieves the client’s data from CIS once, automatically', async () => {
    const c = await givenClient(s, { nino: nino(251), cis: { ...SARAH, homePhone: '01632 960099' } });
    const client = (await s.srGet(`/clients/${c.clientId}`).expect(200)).body;
    await request(s.sr.url)
      .put(`/clients/${c.clientId}/reference-status`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ status: 'Verified', version: client.version })
      .expect(200);
    const retrieval = await eventually(async () => {
      const res = await s
        .api()
        .get(`/clients/${c.clientId}/retrievals`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(200);
      return res.body.retrievals[0]?.outcome === 'completed' ? res.body.retrievals[0] : null;
    });
    // The fixture is an applicant (receiving parent on an application), which RD-1 names as its own trigger.
    expect(retrieval).toMatchObject({ trigger: 'applicant-verified', requestedBy: 'service-requests' });
    expect(retrieval.discrepancies.map((d: any) => d.item)).toEqual(['homePhone']);
    // The job's retries reuse its Idempotency-Key: still one retrieval.
    await new Promise((r) => setTimeout(r, 1500));
    const all = await s
      .api()
      .get(`/clients/${c.clientId}/retrievals`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(all.body.retrievals).toHaveLength(1);
  });
});
