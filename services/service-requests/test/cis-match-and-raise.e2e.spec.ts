import request from 'supertest';
import { tokenFor } from '@cms/testing';
import { startServiceRequests, TestServiceRequests } from './helpers';

/**
 * `POST /cis-matches/raise`: CIS - Receive Broadcast Updates, steps 2–4 for a chunk of a broadcast in
 * one call (issue 17): match (BR-5) and raise (BR-6, BR-7, BR-9) in one transaction, idempotent per
 * CIS transaction id, with a compiled check of the body (400 problem+json naming the field).
 */
describe('service-requests: match and raise a broadcast chunk in one call', () => {
  let s: TestServiceRequests;
  let cw: string;
  let sct: string;
  let sys: string;
  let pwcId: string;
  let nrpId: string;
  let caseId: string;
  const api = () => request(s.url);
  const recordedAt = '2026-11-20T10:15:00.000Z';
  const raise = (items: unknown[], token = sys) =>
    api().post('/cis-matches/raise').auth(token, { type: 'bearer' }).send({ items });

  beforeAll(async () => {
    s = await startServiceRequests({ WORKERS_ENABLED: 'false' });
    [cw, sct, sys] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
      tokenFor(['system'], 'cis-interface'),
    ]);
    const post = async (path: string, body: object) =>
      (await api().post(path).auth(cw, { type: 'bearer' }).send(body).expect(201)).body.id as string;
    pwcId = await post('/clients', {
      nino: 'JK123456C',
      firstName: 'Sarah',
      lastName: 'Okafor',
      address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
    });
    nrpId = await post('/clients', { nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed' });
    await post('/clients', { nino: 'CE123456A', firstName: 'No', lastName: 'Case' });
    caseId = await post('/cases', {
      jurisdiction: 'GB',
      stage: 'maintenance',
      participants: [
        { clientId: pwcId, role: 'PWC' },
        { clientId: nrpId, role: 'NRP' },
      ],
    });
  });
  afterAll(() => s?.close());

  it('[BR-5] [BR-6] [BR-8] [BR-9] matches every transaction and raises the SRs of the matched ones in one call', async () => {
    const items = [
      {
        idempotencyKey: 'mr-1',
        referenceKind: 'NINO',
        reference: 'ab 12 34 56 c',
        changeType: 'NAME_CORRECTION',
        change: { type: 'NAME_CORRECTION', firstName: 'Thomas', lastName: 'Reed' },
        recordedAt,
      },
      {
        idempotencyKey: 'mr-2',
        referenceKind: 'NINO',
        reference: 'JK123456C',
        changeType: 'ADDRESS_CHANGE',
        change: {
          type: 'ADDRESS_CHANGE',
          address: { line1: '12 ACACIA AVENUE', town: 'Leeds', postcode: 'ls14ap' },
          addressStartDate: '2024-01-01',
        },
        recordedAt,
      },
      {
        idempotencyKey: 'mr-3',
        referenceKind: 'NINO',
        reference: 'JK123456C',
        changeType: 'NRP_BENEFIT_ON_OFF',
        change: { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'Universal Credit' },
        recordedAt,
      },
      {
        idempotencyKey: 'mr-4',
        referenceKind: 'NINO',
        reference: 'CE123456A',
        changeType: 'NAME_1_CHANGE',
        change: { type: 'NAME_1_CHANGE', firstName: 'Nia', lastName: 'Case' },
        recordedAt,
      },
      {
        idempotencyKey: 'mr-5',
        referenceKind: 'NINO',
        reference: 'AB123456C',
        changeType: 'NRP_BENEFIT_CLAIM',
        change: { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2026-11-19' },
        recordedAt,
      },
    ];
    const first = (await raise(items).expect(200)).body.results;
    expect(first.map((r: { idempotencyKey: string }) => r.idempotencyKey)).toEqual(
      items.map((i) => i.idempotencyKey),
    );
    // Matched and raised, linked to the live case (BR-5, BR-6).
    expect(first[0]).toMatchObject({
      clientId: nrpId,
      role: 'NRP',
      caseIds: [caseId],
      unmatched: null,
      nationallySensitive: false,
      serviceRequest: { created: true, status: 'Open', queue: 'cis-changes' },
    });
    const sr = (
      await api()
        .get(`/service-requests/${first[0].serviceRequest.id}`)
        .auth(cw, { type: 'bearer' })
        .expect(200)
    ).body;
    expect(sr).toMatchObject({ source: 'CIS', changeType: 'NAME_CORRECTION', caseIds: [caseId] });
    expect(sr.subject).toMatchObject({ clientId: nrpId, role: 'NRP' });
    // BR-9: what CMS already holds is raised and closed at once.
    expect(first[1].serviceRequest).toMatchObject({ created: true, status: 'Cancelled' });
    // BR-5: a benefit change needs a case where the client is the paying parent; no case at all.
    expect(first[2]).toMatchObject({ serviceRequest: null, clientId: null, caseIds: [] });
    expect(first[2].unmatched).toMatch(/^BR-5: no live .* paying parent/);
    expect(first[3]).toMatchObject({ serviceRequest: null, clientId: null });
    expect(first[3].unmatched).toMatch(/^BR-5: no live enquiry, application or case/);
    // BR-8: a benefit claim is matched and raises no SR (cis-interface issues the MOPF letter).
    expect(first[4]).toMatchObject({
      clientId: nrpId,
      role: 'NRP',
      caseIds: [caseId],
      unmatched: null,
      serviceRequest: null,
    });

    // The same chunk again (a retried job): nothing new, the same SRs.
    const again = (await raise(items).expect(200)).body.results;
    expect(
      again.map((r: { serviceRequest: { id: string; created: boolean } | null }) => r.serviceRequest),
    ).toEqual(
      first.map((r: { serviceRequest: { id: string } | null }) =>
        r.serviceRequest ? { ...r.serviceRequest, created: false } : null,
      ),
    );
    // A key that raised an SR answers that SR even when its transaction would no longer match.
    const moved = (await raise([{ ...items[0], reference: 'ZZ999999D' }]).expect(200)).body.results[0];
    expect(moved).toMatchObject({
      unmatched: null,
      clientId: nrpId,
      serviceRequest: { id: first[0].serviceRequest.id, created: false },
    });
  });

  it('[BR-7] [X-1] a nationally sensitive status update is matched, flags the cases and goes to the sensitive case team', async () => {
    const [r] = (
      await raise([
        {
          idempotencyKey: 'mr-ns',
          referenceKind: 'NINO',
          reference: 'AB123456C',
          changeType: 'NATIONALLY_SENSITIVE_STATUS',
          change: { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true },
          recordedAt,
        },
      ]).expect(200)
    ).body.results;
    expect(r).toMatchObject({ nationallySensitive: true, serviceRequest: { queue: 'sensitive-case-team' } });
    await api().get(`/service-requests/${r.serviceRequest.id}`).auth(cw, { type: 'bearer' }).expect(403);
    await api().get(`/service-requests/${r.serviceRequest.id}`).auth(sct, { type: 'bearer' }).expect(200);
    await api().get(`/cases/${caseId}`).auth(cw, { type: 'bearer' }).expect(403);
  });

  it('[BR-6] refuses a bad chunk with 400 naming each field (compiled check), and callers other than systems (403)', async () => {
    const good = {
      idempotencyKey: 'mr-bad',
      referenceKind: 'NINO',
      reference: 'AB123456C',
      changeType: 'NAME_1_CHANGE',
      change: { type: 'NAME_1_CHANGE', firstName: 'T', lastName: 'Reed' },
      recordedAt,
    };
    const { reference: _, ...noReference } = good;
    const bad = await raise([
      noReference,
      { ...good, idempotencyKey: 'mr-bad-2', referenceKind: 'PASSPORT' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['items[0].reference', 'items[1].referenceKind']),
    );
    const mismatch = await raise([
      { ...good, change: { ...good.change, type: 'ADDRESS_CHANGE' } },
      { ...good },
    ]).expect(400);
    expect(mismatch.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'items[0].change.type', rule: 'change-type-mismatch' }),
        expect.objectContaining({ field: 'items[1].idempotencyKey', rule: 'unique-keys' }),
      ]),
    );
    const unknown = await raise([{ ...good, extra: 1 }]).expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ field: 'items[0].extra' });
    await api().post('/cis-matches/raise').auth(sys, { type: 'bearer' }).send({ items: [] }).expect(400);
    await raise([good], cw).expect(403);
    // Nothing was raised by the refused calls.
    const none = await raise([{ ...good, idempotencyKey: 'mr-bad-3' }]).expect(200);
    expect(none.body.results[0].serviceRequest.created).toBe(true);
  });
});
