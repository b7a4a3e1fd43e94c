import request from 'supertest';
import { DataSource } from 'typeorm';
import { tokenFor } from '@cms/testing';
import {
  givenParentsOnCase,
  givenSecuritySetUp,
  startServiceRequestsWithSecurity,
  TestServiceRequestsWithSecurity,
} from './helpers';

const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };

describe('service-requests: transfer data and security events', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  let tl: string;
  let tlcw: string;
  let sys: string;
  let pwcId: string;
  let caseId: string;
  const api = () => request(s.url);
  const move = (id: string, version: number, body: Record<string, unknown>, token = cw) =>
    api()
      .post(`/service-requests/${id}/transitions`)
      .auth(token, { type: 'bearer' })
      .send({ version, ...body });
  const outcome = async (id: string, version: number, key: string, value: string) =>
    (
      await api()
        .put(`/service-requests/${id}/activity-steps/${key}`)
        .auth(cw, { type: 'bearer' })
        .send({ version, outcome: value })
        .expect(200)
    ).body;
  const items = (id: string, version: number, body: Record<string, unknown>, token = cw) =>
    api()
      .put(`/service-requests/${id}/transfer-items`)
      .auth(token, { type: 'bearer' })
      .send({ version, ...body });
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity({ WORKERS_ENABLED: 'false' });
    [cw, tl, tlcw, sys] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['team-leader'], 'tl-1'),
      tokenFor(['caseworker', 'team-leader'], 'tl-2'),
      tokenFor(['system'], 'client-security'),
    ]);
    ({ pwcId, caseId } = await givenParentsOnCase(s.url, cw, {
      pwc: { nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor', mobilePhone: '07700 900123' },
      nrp: { nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed' },
    }));
    // Her TAM account can only be blocked (SD-2) once she has set up security (SD-22).
    await givenSecuritySetUp(s.security.url, cw, pwcId);
  });
  afterAll(() => s?.close());

  /** A contact-details transfer SR brought to the point of TL submission (TD-2 … TD-5). */
  async function readyForApproval(token = cw) {
    let sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: 'PWC',
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
        .expect(201)
    ).body;
    expect(sr).toMatchObject({
      process: 'Outbound Contact',
      area: 'Send Generic Correspondence',
      subArea: 'Send Generic Correspondence',
    });
    sr = (await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    sr = await outcome(sr.id, sr.version, 'confirm-request', 'Confirmed');
    sr = (
      await move(sr.id, sr.version, {
        to: { status: 'Wait', subStatus: null },
        nextActionDue: inDays(14),
      }).expect(200)
    ).body;
    expect(sr.activityPlan.find((x: { key: string }) => x.key === 'cmsl0405').outcome).toBe('Issued');
    sr = (await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    sr = await outcome(sr.id, sr.version, 'form-checked', 'Complete And Signed');
    sr = (
      await items(sr.id, sr.version, {
        items: { mobile: '07700 900123', bankDetails: BANK },
        declarationSigned: true,
      }).expect(200)
    ).body;
    return (
      await move(
        sr.id,
        sr.version,
        { to: { status: 'Pending Approval', subStatus: 'Pending Approval TL' } },
        token,
      ).expect(200)
    ).body;
  }

  it('[TD-1] refuses items that may not pass to the other party, storing nothing', async () => {
    const sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: 'PWC',
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
    ).body;
    const res = await items(sr.id, sr.version, {
      items: { email: 'sarah@example.com', notes: 'hello', birthdayCard: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'items.birthdayCard',
      'items.notes',
    ]);
    expect(res.body.errors[0].requirementId).toBe('TD-1');
    expect((await api().get(`/service-requests/${sr.id}`).auth(cw, { type: 'bearer' })).body.details).toEqual(
      {},
    );
  });

  it('[TD-5] checks bank details before they are entered; seals them at rest and masks them', async () => {
    const sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: 'PWC',
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
    ).body;
    const bad = await items(sr.id, sr.version, {
      items: { bankDetails: { ...BANK, accountNumber: '15764273', sortCode: '938063' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ rule: 'bank-wizard', requirementId: 'TD-5' });
    const ok = await items(sr.id, sr.version, { items: { bankDetails: BANK } }).expect(200);
    expect(ok.body.details.transfer.bankDetails).toEqual({
      sortCode: '**-**-99',
      accountNumber: '****4958',
      accountName: 'Sarah Okafor',
    });
    expect(JSON.stringify(ok.body)).not.toContain('66374958');
    const raw = await s.app
      .get(DataSource)
      .query(`SELECT details::text AS d FROM service_request WHERE id = $1`, [sr.id]);
    expect(raw[0].d).not.toContain('66374958');
    expect(raw[0].d).toContain('bankDetailsSealed');
    const audit = (await api().get(`/audit/service-request/${sr.id}`).auth(cw, { type: 'bearer' })).body;
    expect(JSON.stringify(audit)).not.toContain('66374958');
  });

  it('[TD-9] verbal bank details need the consent statement accepted, and only bank details', async () => {
    const sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path: 'verbal-bank-details',
          source: 'PWC',
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
    ).body;
    const noConsent = await items(sr.id, sr.version, { items: { bankDetails: BANK } });
    expect(noConsent.body.errors).toEqual([
      expect.objectContaining({ field: 'consentAccepted', requirementId: 'TD-9' }),
    ]);
    const extra = await items(sr.id, sr.version, {
      items: { bankDetails: BANK, email: 'a@example.com' },
      consentAccepted: true,
    });
    expect(extra.body.errors).toEqual([
      expect.objectContaining({ field: 'items.email', requirementId: 'TD-9' }),
    ]);
    await items(sr.id, sr.version, { items: { bankDetails: BANK }, consentAccepted: true }).expect(200);
  });

  it('[TD-6] [TD-8] team leader approval: not by the submitter; approved SRs are read-only and CMSL0406 is issued', async () => {
    const own = await readyForApproval(tlcw);
    const self = await move(
      own.id,
      own.version,
      { to: { status: 'In Progress', subStatus: 'Approved TL' } },
      tlcw,
    );
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('APPROVER_IS_SUBMITTER');
    const byCaseworker = await move(
      own.id,
      own.version,
      { to: { status: 'In Progress', subStatus: 'Approved TL' } },
      cw,
    );
    expect(byCaseworker.status).toBe(403);

    const sr = await readyForApproval();
    expect(sr).toMatchObject({
      status: 'Pending Approval',
      subStatus: 'Pending Approval TL',
      queue: 'team-leader-approvals',
      submittedForApprovalBy: 'cw-1',
    });
    const approved = (
      await move(sr.id, sr.version, { to: { status: 'In Progress', subStatus: 'Approved TL' } }, tl).expect(
        200,
      )
    ).body;
    expect(approved).toMatchObject({ readOnly: true, editable: false, approvedBy: 'tl-1' });
    const jobs = await s.app
      .get(DataSource)
      .query(
        `SELECT data FROM pgboss.job WHERE name = 'sr.issue-letter' AND data->'payload'->>'serviceRequestId' = $1`,
        [sr.id],
      );
    expect(jobs.map((j: { data: { payload: { letter: string } } }) => j.data.payload.letter).sort()).toEqual([
      'CMSL0405',
      'CMSL0406',
    ]);
    const locked = await items(sr.id, approved.version, { items: { mobile: '07700 900999' } });
    expect(locked.status).toBe(422);
    expect(locked.body).toMatchObject({ code: 'SR_READ_ONLY', requirementId: 'TD-8' });
    const note = await api()
      .post(`/service-requests/${sr.id}/notes`)
      .auth(cw, { type: 'bearer' })
      .send({ text: 'late change' });
    expect(note.status).toBe(422);
  });

  it('[TD-8] a team leader rejection leaves the fields editable for correction and resubmission', async () => {
    const sr = await readyForApproval();
    const noReason = await move(
      sr.id,
      sr.version,
      { to: { status: 'In Progress', subStatus: 'Rejected TL' } },
      tl,
    );
    expect(noReason.status).toBe(400);
    const rejected = (
      await move(
        sr.id,
        sr.version,
        { to: { status: 'In Progress', subStatus: 'Rejected TL' }, reason: 'Mobile number is the old one' },
        tl,
      ).expect(200)
    ).body;
    expect(rejected).toMatchObject({ readOnly: false, editable: true, submittedForApprovalBy: null });
    const fixed = (
      await items(sr.id, rejected.version, {
        items: { mobile: '07700 900456', bankDetails: BANK },
        declarationSigned: true,
      }).expect(200)
    ).body;
    const again = (
      await move(sr.id, fixed.version, {
        to: { status: 'Pending Approval', subStatus: 'Pending Approval TL' },
      }).expect(200)
    ).body;
    expect(again.subStatus).toBe('Pending Approval TL');
  });

  it('[SD-2] [SD-3] a blocked TAM account raises one security details SR with the call back note', async () => {
    const body = { clientId: pwcId, event: 'tam-account-blocked', occurredAt: new Date().toISOString() };
    const first = await api()
      .post('/security-events')
      .auth(sys, { type: 'bearer' })
      .set('idempotency-key', 'blk-1')
      .send(body);
    expect(first.body).toMatchObject({ created: true });
    const again = await api()
      .post('/security-events')
      .auth(sys, { type: 'bearer' })
      .set('idempotency-key', 'blk-1')
      .send(body)
      .expect(200);
    expect(first.body.created).toBe(true);
    expect(again.body).toMatchObject({ created: false, serviceRequestId: first.body.serviceRequestId });
    const sr = (
      await api().get(`/service-requests/${first.body.serviceRequestId}`).auth(cw, { type: 'bearer' })
    ).body;
    expect(sr).toMatchObject({
      type: 'SECURITY_DETAILS',
      subArea: 'Change Contact/Security Info',
      caseIds: [caseId],
      subject: { clientId: pwcId, role: 'PWC' },
    });
    expect(sr.notes[0].text).toMatch(/Call the client back on the number held/);
    await api()
      .post('/security-events')
      .auth(cw, { type: 'bearer' })
      .set('idempotency-key', 'blk-2')
      .send(body)
      .expect(403);
    await api().post('/security-events').auth(sys, { type: 'bearer' }).send(body).expect(400);
  });
});

describe('client representatives', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity({ WORKERS_ENABLED: 'false' });
    cw = await tokenFor(['caseworker'], 'cw-1');
  });
  afterAll(() => s?.close());

  it('[SD-15] the client adds and removes a representative as a contact on the case, recorded on the SR', async () => {
    const api = () => request(s.url);
    const client = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor' })
    ).body;
    const kase = (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [{ clientId: client.id, role: 'PWC' }],
        })
    ).body;
    await givenSecuritySetUp(s.security.url, cw, client.id);
    let sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          subject: { clientId: client.id, role: 'PWC' },
          caseIds: [kase.id],
        })
        .expect(201)
    ).body;
    sr = (
      await api()
        .post(`/service-requests/${sr.id}/transitions`)
        .auth(cw, { type: 'bearer' })
        .send({ version: sr.version, to: { status: 'In Progress', subStatus: null } })
        .expect(200)
    ).body;
    const bad = await api()
      .post(`/clients/${client.id}/representatives`)
      .auth(cw, { type: 'bearer' })
      .send({ caseId: kase.id, firstName: '', lastName: 'X', relationship: 'Other' });
    expect(bad.status).toBe(400);
    const rep = (
      await api()
        .post(`/clients/${client.id}/representatives`)
        .auth(cw, { type: 'bearer' })
        .send({
          caseId: kase.id,
          firstName: 'Grace',
          lastName: 'Okafor',
          relationship: 'Friend or family member',
          phone: '07700 900456',
          serviceRequestId: sr.id,
        })
        .expect(201)
    ).body;
    expect(rep).toMatchObject({ phone: '+447700900456', removedAt: null });
    let now = (await api().get(`/service-requests/${sr.id}`).auth(cw, { type: 'bearer' })).body;
    expect(now.activityPlan.find((x: { key: string }) => x.key === 'client-representative').outcome).toBe(
      'Representative Added',
    );
    await api()
      .delete(`/clients/${client.id}/representatives/${rep.id}`)
      .query({ serviceRequestId: sr.id })
      .auth(cw, { type: 'bearer' })
      .expect(200);
    now = (await api().get(`/service-requests/${sr.id}`).auth(cw, { type: 'bearer' })).body;
    expect(now.activityPlan.find((x: { key: string }) => x.key === 'client-representative').outcome).toBe(
      'Representative Removed',
    );
    const list = (
      await api().get(`/clients/${client.id}/representatives`).auth(cw, { type: 'bearer' }).expect(200)
    ).body;
    expect(list).toEqual([expect.objectContaining({ id: rep.id, removedAt: expect.any(String) })]);
    await api()
      .delete(`/clients/${client.id}/representatives/${rep.id}`)
      .auth(cw, { type: 'bearer' })
      .expect(404);
    const audit = (await api().get(`/audit/client/${client.id}`).auth(cw, { type: 'bearer' })).body.map(
      (a: { action: string }) => a.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['representative-added', 'representative-removed']));
  });
});
