import request from 'supertest';
import { eventually } from '@cms/testing';
import { DataSource } from 'typeorm';
import {
  cisChange,
  type ClientFixture,
  givenClient,
  moveSimClockToNext,
  nino,
  runBroadcast,
  SARAH,
  startSystem,
  type TestSystem,
} from './helpers';

/** What CIS holds of a person it treats as nationally sensitive, and CMS does not (RD-6: kept apart). */
const HIDDEN = {
  ...SARAH,
  address: { line1: '9 Hidden Row', town: 'Harrogate', postcode: 'HG1 2AB' },
  addressStartDate: '2025-06-01',
  dateOfBirth: '1979-02-03',
  dateOfBirthVerified: true,
  nationallySensitive: true,
};

/** The fields a refusal may carry: the problem, never the record. */
const PROBLEM_FIELDS = [
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'requirementId',
];

/** A 403 "Insufficient Access" problem naming `requirementId`, with nothing of the client in it. */
function expectRefused(
  res: request.Response,
  requirementId: string,
  secrets: string[],
  extra: string[] = [],
): void {
  expect(res.status).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    title: 'Insufficient Access',
    code: 'INSUFFICIENT_ACCESS',
    requirementId,
  });
  expect(Object.keys(res.body).filter((k) => !PROBLEM_FIELDS.includes(k) && !extra.includes(k))).toEqual([]);
  const text = JSON.stringify(res.body);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** A NINO as a team leader sees it (JK****01C). */
const masked = (ref: string) => `${ref.slice(0, 2)}****${ref.slice(6)}`;

describe('cis-interface: the one access policy (X-1, SU-6, RD-4, BR-7), with the real service-requests and CIS simulator', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem();
  });
  afterAll(() => s?.close());

  const as = (token: string) => ({
    get: (path: string) => s.api().get(path).auth(token, { type: 'bearer' }),
    post: (path: string, body: object = {}) => s.api().post(path).auth(token, { type: 'bearer' }).send(body),
    delete: (path: string) => s.api().delete(path).auth(token, { type: 'bearer' }),
  });
  const cw = () => as(s.tokens.cw);
  const tl = () => as(s.tokens.tl);
  const sct = () => as(s.tokens.sct);

  /** The client's reads in cis-interface, each with the requirement ID its refusal names. */
  const reads = (clientId: string, retrievalId?: string, updateId?: string): [string, string][] => [
    [`/clients/${clientId}/interests`, 'X-1'],
    [`/clients/${clientId}/retrievals`, 'X-1'],
    [`/clients/${clientId}/cis-data`, 'X-1'],
    [`/clients/${clientId}/discrepancies`, 'X-1'],
    [`/clients/${clientId}/cis-updates`, 'SU-6'],
    ...(retrievalId ? ([[`/retrievals/${retrievalId}`, 'X-1']] as [string, string][]) : []),
    ...(updateId ? ([[`/cis-updates/${updateId}`, 'SU-6']] as [string, string][]) : []),
  ];

  /** Waits until cis-interface's job of `id` is done (so it cannot set a flag again later). */
  const jobDone = (id: string) =>
    eventually(
      async () =>
        (await s.ciQuery<{ state: string }>(`SELECT state FROM pgboss.job WHERE id = $1`, [id]))[0]?.state ===
        'completed',
    );

  /**
   * A client CIS withholds at standard access (RD-4): a caseworker registers an interest and
   * retrieves ("Insufficient access level"); then CMS stops holding them sensitive (Sensitive Check
   * cleared in service-requests, as if the sensitive case team had dealt with the call back), so that
   * only cis-interface's own record of CIS's word protects them.
   */
  async function sensitiveOnlyToCis(
    ref: string,
    interest = true,
  ): Promise<ClientFixture & { retrievalId: string }> {
    const c = await givenClient(s, {
      nino: ref,
      cis: HIDDEN,
      cisInterests: interest ? [] : ['PWC_QC_ROC_GENERAL'],
    });
    if (interest)
      await cw().post(`/clients/${c.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }).expect(201);
    const res = await cw().post('/retrievals', { clientId: c.clientId, trigger: 'manual' }).expect(201);
    expect(res.body.outcome).toBe('insufficient-access');
    await jobDone(res.body.id);
    await s.sr.app
      .get(DataSource)
      .query(`UPDATE client SET sensitive_check = false WHERE id = $1`, [c.clientId]);
    await request(s.sr.url).get(`/clients/${c.clientId}`).auth(s.tokens.cw, { type: 'bearer' }).expect(200);
    return { ...c, retrievalId: res.body.id };
  }

  describe('[X-1] a client CMS holds nationally sensitive (a flagged case)', () => {
    let c: ClientFixture;
    let retrievalId: string;
    let discrepancyId: string;
    let updateId: string;
    let secrets: string[];

    beforeAll(async () => {
      c = await givenClient(s, {
        nino: nino(601),
        nationallySensitiveCase: true,
        cis: { ...SARAH, homePhone: '01632 960099' },
      });
      secrets = [c.nino, masked(c.nino), SARAH.lastName, SARAH.address.line1, '960099', '960001'];
      await sct()
        .post(`/clients/${c.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' })
        .expect(201);
      const r = await sct().post('/retrievals', { clientId: c.clientId, trigger: 'manual' }).expect(201);
      expect(r.body.outcome).toBe('completed');
      retrievalId = r.body.id;
      discrepancyId = r.body.discrepancies[0].id;
      const u = await sct()
        .post('/cis-updates', {
          clientId: c.clientId,
          updateType: 'NAME_CHANGE',
          payload: { firstName: 'Sarah', lastName: 'Reed' },
        })
        .expect(201);
      updateId = u.body.id;
    });

    it('[X-1] caseworkers and team leaders are refused every read: 403 problem+json, X-1 (SU-6 for updates), nothing of the client in the body', async () => {
      for (const caller of [cw(), tl()]) {
        for (const [path, requirementId] of reads(c.clientId, retrievalId, updateId)) {
          expectRefused(await caller.get(path), requirementId, secrets);
        }
      }
    });

    it('[X-1] a caseworker is refused every change, and nothing changes', async () => {
      const clientId = c.clientId;
      expectRefused(
        await cw().post(`/clients/${clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }),
        'X-1',
        secrets,
      );
      expectRefused(await cw().delete(`/clients/${clientId}/interests/PWC_QC_ROC_GENERAL`), 'X-1', secrets);
      expectRefused(await cw().post('/retrievals', { clientId, trigger: 'manual' }), 'X-1', secrets);
      expectRefused(
        await cw().post('/cis-updates', {
          clientId,
          updateType: 'NAME_CHANGE',
          payload: { firstName: 'Sarah', lastName: 'Bell' },
        }),
        'SU-6',
        secrets,
      );
      expectRefused(
        await cw().post(`/discrepancies/${discrepancyId}/resolution`, { decision: 'accept-cis' }),
        'X-1',
        secrets,
      );
      const counts = await s.ciQuery<{
        retrievals: number;
        updates: number;
        open: number;
        interests: number;
      }>(
        `SELECT (SELECT count(*)::int FROM retrieval WHERE client_id = $1) AS retrievals,
                (SELECT count(*)::int FROM cis_update WHERE client_id = $1) AS updates,
                (SELECT count(*)::int FROM discrepancy WHERE client_id = $1 AND status = 'open') AS open,
                (SELECT count(*)::int FROM interest_registration WHERE client_id = $1 AND status = 'registered') AS interests`,
        [clientId],
      );
      expect(counts).toEqual([{ retrievals: 1, updates: 1, open: 1, interests: 1 }]);
    });

    it('[X-1] the sensitive case team reads every one of them', async () => {
      for (const [path] of reads(c.clientId, retrievalId, updateId)) await sct().get(path).expect(200);
      const data = await sct().get(`/clients/${c.clientId}/cis-data`).expect(200);
      expect(data.body.latest.data.homePhone).toMatch(/960099/);
    });
  });

  it('[X-1] a NINO is shown whole to a caseworker and masked to a team leader, in every view', async () => {
    const c = await givenClient(s, { nino: nino(602) });
    const reg = await cw()
      .post(`/clients/${c.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' })
      .expect(201);
    expect(reg.body.reference).toBe(c.nino);
    expect((await cw().get(`/clients/${c.clientId}/interests`).expect(200)).body.interests[0].reference).toBe(
      c.nino,
    );
    expect((await tl().get(`/clients/${c.clientId}/interests`).expect(200)).body.interests[0].reference).toBe(
      masked(c.nino),
    );
    const u = await cw()
      .post('/cis-updates', {
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName: 'Reed' },
      })
      .expect(201);
    expect(u.body.reference).toBe(c.nino);
    expect((await tl().get(`/cis-updates/${u.body.id}`).expect(200)).body.reference).toBe(masked(c.nino));
    expect(
      (await sct().get(`/clients/${c.clientId}/cis-updates`).expect(200)).body.updates[0].reference,
    ).toBe(c.nino);
  });

  describe('[RD-4] CIS withholds the record at standard access ("Insufficient access level")', () => {
    let c: ClientFixture;
    let first: string;
    let secrets: string[];

    beforeAll(async () => {
      c = await givenClient(s, { nino: nino(603), cis: HIDDEN });
      secrets = [c.nino, masked(c.nino), HIDDEN.address.line1, HIDDEN.address.postcode, HIDDEN.dateOfBirth];
    });

    it('[RD-4] closes the client in cis-interface at once, and sets Sensitive Check with the call back SR before answering', async () => {
      const res = await cw().post('/retrievals', { clientId: c.clientId, trigger: 'manual' }).expect(201);
      first = res.body.id;
      expect(res.body).toMatchObject({
        outcome: 'insufficient-access',
        rejection: 'INSUFFICIENT_ACCESS_LEVEL',
        requirementId: 'RD-4',
        itemsStored: [],
        sensitiveCheckServiceRequestId: expect.any(String),
      });
      // No waiting: from the answer on, the client is the sensitive case team's.
      expectRefused(await cw().get(`/retrievals/${first}`), 'X-1', secrets);
      expectRefused(await cw().get(`/clients/${c.clientId}/retrievals`), 'X-1', secrets);
      expect((await s.srGet(`/clients/${c.clientId}`).expect(200)).body.sensitiveCheck).toBe(true);
      const sr = await s.srGet(`/service-requests/${res.body.sensitiveCheckServiceRequestId}`).expect(200);
      expect(sr.body).toMatchObject({ type: 'SENSITIVE_CALL_BACK', queue: 'sensitive-case-team' });
      expect(
        await s.ciQuery(`SELECT requirement_id, source_id FROM cis_sensitive_client WHERE client_id = $1`, [
          c.clientId,
        ]),
      ).toEqual([{ requirement_id: 'RD-4', source_id: first }]);
    });

    it('[RD-4] what the sensitive case team then retrieves (address, date of birth) stays closed to caseworkers and team leaders, even once CMS no longer holds the client sensitive', async () => {
      const res = await sct().post('/retrievals', { clientId: c.clientId, trigger: 'manual' }).expect(201);
      expect(res.body.outcome).toBe('completed');
      expect(res.body.discrepancies.map((d: any) => d.item).sort()).toEqual(
        expect.arrayContaining(['address', 'dateOfBirth']),
      );
      const address = res.body.discrepancies.find((d: any) => d.item === 'address');
      // CMS stops holding the client sensitive (the call back dealt with); CIS's word stays.
      await jobDone(first);
      await s.sr.app
        .get(DataSource)
        .query(`UPDATE client SET sensitive_check = false WHERE id = $1`, [c.clientId]);
      await request(s.sr.url).get(`/clients/${c.clientId}`).auth(s.tokens.cw, { type: 'bearer' }).expect(200);

      for (const caller of [cw(), tl()]) {
        for (const [path, requirementId] of reads(c.clientId, res.body.id)) {
          expectRefused(await caller.get(path), requirementId, secrets);
        }
      }
      expectRefused(
        await cw().post(`/discrepancies/${address.id}/resolution`, { decision: 'accept-cis' }),
        'X-1',
        secrets,
      );
      expect((await s.srGet(`/clients/${c.clientId}`).expect(200)).body.address.line1).toBe(
        SARAH.address.line1,
      );
      const open = await sct().get(`/clients/${c.clientId}/discrepancies?status=open`).expect(200);
      expect(open.body.discrepancies.map((d: any) => d.id)).toContain(address.id);
      const data = await sct().get(`/clients/${c.clientId}/cis-data`).expect(200);
      expect(data.body.latest.data.address.line1).toBe(HIDDEN.address.line1);
    });
  });

  it('[SU-6] error code 1: the caseworker gets 403 naming the update, and from that answer on (no window) the client is closed here and flagged in CMS', async () => {
    const c = await givenClient(s, {
      nino: nino(604),
      role: 'NRP',
      cis: { ...SARAH, nationallySensitive: true },
    });
    await cw().post(`/clients/${c.clientId}/interests`, { interestType: 'NRP_GENERAL' }).expect(201);
    const secrets = [c.nino, masked(c.nino), SARAH.lastName, SARAH.dateOfBirth];
    const update = {
      clientId: c.clientId,
      updateType: 'DOB_VERIFIED',
      payload: { dateOfBirth: SARAH.dateOfBirth },
    };

    const res = await cw().post('/cis-updates', update);
    expectRefused(res, 'SU-6', secrets, ['updateId']);
    const updateId = res.body.updateId as string;
    expect(updateId).toEqual(expect.any(String));
    // Immediately, without waiting for any job.
    expectRefused(await cw().get(`/clients/${c.clientId}/cis-updates`), 'SU-6', secrets);
    expectRefused(await cw().get(`/cis-updates/${updateId}`), 'SU-6', secrets);
    expect((await s.srGet(`/clients/${c.clientId}`).expect(200)).body.nationallySensitive).toBe(true);
    for (const caller of [cw(), tl()]) {
      for (const [path, requirementId] of reads(c.clientId, undefined, updateId)) {
        expectRefused(await caller.get(path), requirementId, secrets);
      }
    }
    // A second try is refused before CIS is asked again.
    expectRefused(await cw().post('/cis-updates', update), 'SU-6', secrets);
    expect(
      await s.ciQuery(`SELECT count(*)::int AS n FROM cis_update WHERE client_id = $1`, [c.clientId]),
    ).toEqual([{ n: 1 }]);
    const list = await sct().get(`/clients/${c.clientId}/cis-updates`).expect(200);
    expect(list.body.updates).toEqual([
      expect.objectContaining({ id: updateId, responseCode: '1', reference: c.nino }),
    ]);
  });

  describe('[BR-7] broadcast transactions of sensitive persons are withheld from callers without sensitive access', () => {
    let batchId: string;
    const refs = {
      statusUpdate: nino(611), // matched: a nationally sensitive status update (the transaction's own flag)
      plain: nino(612), // matched, nobody sensitive: visible to all
      cisOnly: nino(613), // matched: a client only cis-interface holds sensitive (RD-4)
      unmatchedStatus: nino(614), // unmatched: a nationally sensitive status update
      unmatchedCisNino: nino(615), // unmatched (case closed): a NINO CIS withheld at standard access (RD-4), no interest here
      unmatchedCmsClient: nino(616), // unmatched (case closed): a client CMS holds sensitive, known here by the interest
      unmatchedPlain: nino(617), // unmatched, nobody sensitive: visible to all
    };
    const withheld = [
      refs.statusUpdate,
      refs.cisOnly,
      refs.unmatchedStatus,
      refs.unmatchedCisNino,
      refs.unmatchedCmsClient,
    ];
    /** Closes the client's case: CMS still holds the client, on no live case (BR-5 unmatched). */
    const closeCase = async (c: ClientFixture) => {
      const kase = await s.srGet(`/cases/${c.caseId}`).expect(200);
      await request(s.sr.url)
        .patch(`/cases/${c.caseId}`)
        .auth(s.tokens.sys, { type: 'bearer' })
        .send({ version: kase.body.version, live: false })
        .expect(200);
    };
    const transactions = async (caller: ReturnType<typeof as>, path: string) =>
      (await caller.get(path).expect(200)).body.items as Record<string, any>[];

    beforeAll(async () => {
      const f = await givenClient(s, { nino: refs.statusUpdate });
      await cw().post(`/clients/${f.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }).expect(201);
      const p = await givenClient(s, { nino: refs.plain });
      await cw().post(`/clients/${p.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }).expect(201);
      await sensitiveOnlyToCis(refs.cisOnly);
      await closeCase(await sensitiveOnlyToCis(refs.unmatchedCisNino, false));
      const u3 = await givenClient(s, { nino: refs.unmatchedCmsClient, nationallySensitiveCase: true });
      await sct()
        .post(`/clients/${u3.clientId}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' })
        .expect(201);
      await closeCase(u3);
      for (const reference of [refs.unmatchedStatus, refs.unmatchedPlain]) {
        await s
          .simPost('/admin/persons', {
            referenceKind: 'NINO',
            reference,
            firstName: 'Evan',
            lastName: 'Stone',
            interestTypes: ['NRP_GENERAL'],
          })
          .expect(201);
      }

      await moveSimClockToNext(s, 10);
      const address = {
        type: 'ADDRESS_CHANGE',
        address: { line1: '5 Broad Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-01-01',
      };
      await cisChange(s, refs.statusUpdate, {
        type: 'NATIONALLY_SENSITIVE_STATUS',
        nationallySensitive: true,
      });
      await cisChange(s, refs.plain, address);
      await cisChange(s, refs.cisOnly, address);
      await cisChange(s, refs.unmatchedStatus, {
        type: 'NATIONALLY_SENSITIVE_STATUS',
        nationallySensitive: true,
      });
      await cisChange(s, refs.unmatchedCisNino, address);
      await cisChange(s, refs.unmatchedCmsClient, address);
      await cisChange(s, refs.unmatchedPlain, {
        type: 'NAME_CORRECTION',
        firstName: 'Evan',
        lastName: 'Stoner',
      });
      batchId = (await runBroadcast(s))!;
      expect(batchId).toBeTruthy();
      await eventually(
        async () => (await sct().get(`/broadcasts/${batchId}`).expect(200)).body.status === 'processed',
        30_000,
      );
    });

    it('[BR-7] a batch’s transactions: the sensitive case team sees every one; caseworkers and team leaders only those of nobody sensitive', async () => {
      const all = await transactions(sct(), `/broadcasts/${batchId}/transactions?limit=500`);
      expect(all.map((t) => t.reference).sort()).toEqual(Object.values(refs).sort());
      const outcome = (ref: string) => all.find((t) => t.reference === ref)!.outcome;
      expect([refs.statusUpdate, refs.plain, refs.cisOnly].map(outcome)).toEqual([
        'sr-raised',
        'sr-raised',
        'sr-raised',
      ]);
      expect(
        [refs.unmatchedStatus, refs.unmatchedCisNino, refs.unmatchedCmsClient, refs.unmatchedPlain].map(
          outcome,
        ),
      ).toEqual(['unmatched', 'unmatched', 'unmatched', 'unmatched']);
      const seen = (await transactions(cw(), `/broadcasts/${batchId}/transactions?limit=500`)).map(
        (t) => t.reference,
      );
      expect(seen.sort()).toEqual([refs.plain, refs.unmatchedPlain].sort());
      const tlSeen = (await transactions(tl(), `/broadcasts/${batchId}/transactions?limit=500`)).map(
        (t) => t.reference,
      );
      expect(tlSeen.sort()).toEqual([masked(refs.plain), masked(refs.unmatchedPlain)].sort());
      // The batch itself is counts only.
      expect((await cw().get(`/broadcasts/${batchId}`).expect(200)).body.transactionCount).toBe(7);
    });

    it('[BR-7] the unmatched list: a sensitivity update, or the NINO of a person CIS or CMS holds sensitive, is withheld', async () => {
      const ours = new Set(Object.values(refs));
      const all = (await transactions(sct(), '/broadcasts/unmatched?limit=500')).filter((t) =>
        ours.has(t.reference),
      );
      expect(all.map((t) => t.reference).sort()).toEqual(
        [refs.unmatchedStatus, refs.unmatchedCisNino, refs.unmatchedCmsClient, refs.unmatchedPlain].sort(),
      );
      const seen = (await transactions(cw(), '/broadcasts/unmatched?limit=500')).map((t) => t.reference);
      expect(seen).toContain(refs.unmatchedPlain);
      for (const ref of withheld) expect(seen).not.toContain(ref);
      const tlSeen = (await transactions(tl(), '/broadcasts/unmatched?limit=500')).map((t) => t.reference);
      expect(tlSeen).toContain(masked(refs.unmatchedPlain));
      for (const ref of withheld) expect(tlSeen).not.toContain(masked(ref));
    });
  });
});
