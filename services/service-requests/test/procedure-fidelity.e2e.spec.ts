import request from 'supertest';
import { tokenFor } from '@cms/testing';
import {
  givenParentsOnCase,
  givenSecuritySetUp,
  startServiceRequests,
  startServiceRequestsWithSecurity,
  TestServiceRequests,
  TestServiceRequestsWithSecurity,
} from './helpers';

/**
 * Issue #13 (procedure fidelity) and #18 (one write path), over HTTP on real PostgreSQL: the Waits
 * the procedures set, what a Wait expiry leaves for the caseworker, the declaration and consent
 * before a transfer goes to a team leader, the paying parent's bank details, the Source of the SR a
 * blocked account raises, and every activity outcome recorded (and audited) on the SR's one path.
 */

const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };
const DAY = 86_400_000;
const SD_WAIT = { status: 'Wait', subStatus: 'Security Details' };
const WAIT = { status: 'Wait', subStatus: null };
const IN_PROGRESS = { status: 'In Progress', subStatus: null };
const PENDING = { status: 'Pending Approval', subStatus: 'Pending Approval TL' };

type Sr = {
  id: string;
  version: number;
  status: string;
  subStatus: string | null;
  nextActionDue: string | null;
  flag: string | null;
  notes: { text: string }[];
  activityPlan: { key: string; outcome: string | null }[];
  source: string;
  reportedBy: { firstName: string | null; lastName: string | null } | null;
};

describe('procedure fidelity over HTTP', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  let sys: string;
  let pwcId: string;
  let nrpId: string;
  let caseId: string;
  const api = () => request(s.url);
  const now = async () =>
    Date.parse((await api().get('/internal/clock').auth(cw, { type: 'bearer' }).expect(200)).body.now);
  const get = async (id: string): Promise<Sr> =>
    (await api().get(`/service-requests/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body;
  const move = (sr: Sr, to: object, body: Record<string, unknown> = {}, token = cw) =>
    api()
      .post(`/service-requests/${sr.id}/transitions`)
      .auth(token, { type: 'bearer' })
      .send({ version: sr.version, to, ...body });
  const outcome = async (sr: Sr, key: string, value: string, reason?: string): Promise<Sr> =>
    (
      await api()
        .put(`/service-requests/${sr.id}/activity-steps/${key}`)
        .auth(cw, { type: 'bearer' })
        .send({ version: sr.version, outcome: value, reason })
        .expect(200)
    ).body;
  const items = (sr: Sr, body: Record<string, unknown>) =>
    api()
      .put(`/service-requests/${sr.id}/transfer-items`)
      .auth(cw, { type: 'bearer' })
      .send({ version: sr.version, ...body });
  const raise = async (body: Record<string, unknown>): Promise<Sr> =>
    (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({ caseIds: [caseId], ...body })
        .expect(201)
    ).body;
  const audit = async (id: string) =>
    (await api().get(`/audit/service-request/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body as Array<{
      action: string;
      before: Record<string, unknown> | null;
      after: Record<string, unknown> | null;
    }>;

  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity({ WORKERS_ENABLED: 'false' });
    [cw, sys] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['system'], 'client-security'),
    ]);
    ({ pwcId, nrpId, caseId } = await givenParentsOnCase(s.url, cw, {
      pwc: { nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor', mobilePhone: '07700 900123' },
      nrp: { nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed', homePhone: '0113 496 0000' },
    }));
    // Both parents have set up security: a Change - Security Details SR comes after it (SD-22).
    await givenSecuritySetUp(s.security.url, cw, pwcId);
    await givenSecuritySetUp(s.security.url, cw, nrpId);
  });
  afterAll(() => s?.close());

  /** A security details SR at In Progress / Security Details (steps 1–6). */
  async function securityDetails(): Promise<Sr> {
    let sr = await raise({
      type: 'SECURITY_DETAILS',
      source: 'NRP',
      subject: { clientId: nrpId, role: 'NRP' },
    });
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = await outcome(sr, 'security-details', 'Security Details');
    return (await move(sr, { status: 'In Progress', subStatus: 'Security Details' }).expect(200)).body;
  }

  /** A contact-details transfer SR with the request confirmed, ready for CMSL0405 (steps 1–3). */
  async function contactDetails(subject = { clientId: pwcId, role: 'PWC' }): Promise<Sr> {
    let sr = await raise({ type: 'DATA_TRANSFER', path: 'contact-details', source: subject.role, subject });
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    return outcome(sr, 'confirm-request', 'Confirmed');
  }

  it('[SD-9] the Wait after CMSL9800 is seven days: applied when no date is given', async () => {
    const sr = await securityDetails();
    const before = await now();
    const res = await move(sr, SD_WAIT, { reason: 'Account blocked after three failed checks.' });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.nextActionDue) - before).toBeGreaterThanOrEqual(7 * DAY);
    expect(Date.parse(res.body.nextActionDue) - before).toBeLessThan(7 * DAY + 60_000);
  });

  it('[SD-9] a Wait shorter than seven days is refused, naming SD-9, and changes nothing', async () => {
    const sr = await securityDetails();
    const res = await move(sr, SD_WAIT, {
      reason: 'Account blocked after three failed checks.',
      nextActionDue: new Date((await now()) + 2 * DAY).toISOString(),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'NEXT_ACTION_DUE_TOO_SOON', requirementId: 'SD-9' });
    expect(res.body.errors[0]).toMatchObject({ field: 'nextActionDue', requirementId: 'SD-9' });
    expect((await get(sr.id)).status).toBe('In Progress');
  });

  it('[SD-9] a longer Wait is refused, even with a reason: the procedure sets seven days', async () => {
    const sr = await securityDetails();
    const res = await move(sr, SD_WAIT, {
      reason: 'Client is abroad for a fortnight.',
      nextActionDue: new Date((await now()) + 14 * DAY).toISOString(),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'NEXT_ACTION_DUE_TOO_LATE', requirementId: 'SD-9' });
  });

  it('[TD-3] the CMSL0405 Wait is 14 days: five seconds and one day are refused, none given applies 14', async () => {
    const sr = await contactDetails();
    for (const ms of [5_000, DAY]) {
      const res = await move(sr, WAIT, { nextActionDue: new Date((await now()) + ms).toISOString() });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'NEXT_ACTION_DUE_TOO_SOON', requirementId: 'TD-3' });
    }
    const before = await now();
    const res = await move(sr, WAIT);
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.nextActionDue) - before).toBeGreaterThanOrEqual(14 * DAY);
    expect(Date.parse(res.body.nextActionDue) - before).toBeLessThan(14 * DAY + 60_000);
  });

  it('[TD-11] the domestic violence Wait for the details is 14 days', async () => {
    let sr = await raise({
      type: 'DATA_TRANSFER',
      path: 'domestic-violence',
      source: 'PWC',
      subject: { clientId: pwcId, role: 'PWC' },
    });
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = await outcome(sr, 'discuss-options', 'Discussed', 'Central / national sort codes explained');
    sr = await outcome(sr, 'cmsl9660', 'Not Requested');
    const short = await move(sr, WAIT, { nextActionDue: new Date((await now()) + 7 * DAY).toISOString() });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'NEXT_ACTION_DUE_TOO_SOON', requirementId: 'TD-11' });
    const res = await move(sr, WAIT, { nextActionDue: new Date((await now()) + 14 * DAY).toISOString() });
    expect(res.status).toBe(200);
  });

  it('[TD-4] an unsigned declaration, or one left out, stops submission to the team leader', async () => {
    let sr = await contactDetails();
    sr = (await move(sr, WAIT).expect(200)).body;
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = await outcome(sr, 'form-checked', 'Complete And Signed');
    for (const declaration of [{ declarationSigned: false }, {}]) {
      sr = (await items(sr, { items: { mobile: '07700 900123' }, ...declaration }).expect(200)).body;
      const refused = await move(sr, PENDING);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'DECLARATION_NOT_SIGNED', requirementId: 'TD-4' });
    }
    sr = (await items(sr, { items: { mobile: '07700 900123' }, declarationSigned: true }).expect(200)).body;
    expect((await move(sr, PENDING).expect(200)).body).toMatchObject(PENDING);
  });

  it('[TD-4] the form checked but no items entered: submission refused', async () => {
    let sr = await contactDetails();
    sr = (await move(sr, WAIT).expect(200)).body;
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = await outcome(sr, 'form-checked', 'Complete And Signed');
    sr = await outcome(sr, 'bank-details-checked', 'No Bank Details');
    const refused = await move(sr, PENDING);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'TRANSFER_ITEMS_MISSING', requirementId: 'TD-4' });
  });

  it('[TD-9] Consent Given writes the request and the accepted verbatim statement to the Notes, before submission', async () => {
    let sr = await raise({
      type: 'DATA_TRANSFER',
      path: 'verbal-bank-details',
      source: 'PWC',
      subject: { clientId: pwcId, role: 'PWC' },
    });
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = await outcome(sr, 'consent', 'Consent Given');
    const consent = sr.notes.find((n) => /verbatim consent statement/i.test(n.text));
    expect(consent?.text).toMatch(/share (their|her|his) bank details/);
    sr = (await items(sr, { items: { bankDetails: BANK }, consentAccepted: true }).expect(200)).body;
    sr = await outcome(sr, 'call-paying-parent', 'Paying Parent Told');
    expect((await move(sr, PENDING).expect(200)).body).toMatchObject(PENDING);
    expect((await audit(sr.id)).find((a) => a.after?.step === 'consent')).toMatchObject({
      action: 'activity-outcome',
      after: { outcome: 'Consent Given', note: consent?.text },
    });
  });

  it('[TD-4] [TD-1] the transfer cannot be entered around its checks: not at creation, not by editing the SR', async () => {
    const forged = {
      transfer: { route: 'contact-details', items: { mobile: '07700 900123' }, declarationSigned: true },
    };
    const created = await api()
      .post('/service-requests')
      .auth(cw, { type: 'bearer' })
      .send({
        type: 'DATA_TRANSFER',
        path: 'contact-details',
        source: 'PWC',
        subject: { clientId: pwcId, role: 'PWC' },
        caseIds: [caseId],
        details: forged,
      });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([
      expect.objectContaining({ field: 'details.transfer', rule: 'reserved' }),
    ]);
    const sr = await contactDetails();
    const edited = await api()
      .patch(`/service-requests/${sr.id}`)
      .auth(cw, { type: 'bearer' })
      .send({ version: sr.version, details: forged });
    expect(edited.status).toBe(400);
  });

  it('[TD-1] a paying parent’s own bank details are refused when the items are entered', async () => {
    const sr = await contactDetails({ clientId: nrpId, role: 'NRP' });
    const res = await items(sr, {
      items: { mobile: '07700 900456', bankDetails: { ...BANK, accountName: 'Tom Reed' } },
      declarationSigned: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'items.bankDetails', requirementId: 'TD-1' }),
    ]);
    expect((await get(sr.id)).version).toBe(sr.version);
    // Contact details alone pass.
    await items(sr, { items: { mobile: '07700 900456' }, declarationSigned: true }).expect(200);
  });

  it('[SD-4] the SR a blocked account raises shows the client as Source: their role and name', async () => {
    const res = await api()
      .post('/security-events')
      .auth(sys, { type: 'bearer' })
      .set('idempotency-key', 'blocked-sd-4')
      .send({ clientId: nrpId, event: 'tam-account-blocked', occurredAt: new Date().toISOString() })
      .expect(200);
    const sr = await get(res.body.serviceRequestId);
    expect(sr).toMatchObject({
      source: 'NRP',
      reportedBy: { firstName: 'Tom', lastName: 'Reed' },
      subject: { clientId: nrpId, role: 'NRP' },
      path: 'phone',
      queue: 'security-details',
    });
    expect(sr.notes[0].text).toMatch(/TAM account blocked after three consecutive failed security checks/);
  });

  it('[SD-15] [X-2] a representative added with the SR is recorded on it through the checked outcome path: versioned and audited', async () => {
    let sr = await raise({
      type: 'SECURITY_DETAILS',
      source: 'PWC',
      subject: { clientId: pwcId, role: 'PWC' },
    });
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    await api()
      .post(`/clients/${pwcId}/representatives`)
      .auth(cw, { type: 'bearer' })
      .send({
        caseId,
        firstName: 'Grace',
        lastName: 'Okafor',
        relationship: 'Friend or family member',
        serviceRequestId: sr.id,
      })
      .expect(201);
    const now2 = await get(sr.id);
    expect(now2.version).toBeGreaterThan(sr.version);
    expect(now2.activityPlan.find((x) => x.key === 'client-representative')?.outcome).toBe(
      'Representative Added',
    );
    const recorded = (await audit(sr.id)).find(
      (a) => a.action === 'activity-outcome' && a.after?.step === 'client-representative',
    );
    expect(recorded).toMatchObject({
      after: { step: 'client-representative', outcome: 'Representative Added' },
    });
  });

  it('[TD-5] [X-2] the Bank Wizard check run when items are entered is an audited activity outcome', async () => {
    let sr = await contactDetails();
    sr = (await move(sr, WAIT).expect(200)).body;
    sr = (await move(sr, IN_PROGRESS).expect(200)).body;
    sr = (await items(sr, { items: { bankDetails: BANK }, declarationSigned: true }).expect(200)).body;
    expect(sr.activityPlan.find((x) => x.key === 'bank-details-checked')?.outcome).toBe('Bank Wizard Passed');
    const recorded = (await audit(sr.id)).find(
      (a) => a.action === 'activity-outcome' && a.after?.step === 'bank-details-checked',
    );
    expect(recorded).toMatchObject({
      after: { step: 'bank-details-checked', outcome: 'Bank Wizard Passed' },
    });
  });
});

describe('procedure fidelity over HTTP: what a Wait expiry leaves for the caseworker', () => {
  let s: TestServiceRequests;
  let cw: string;
  let sys: string;
  let pwcId: string;
  let caseId: string;
  const api = () => request(s.url);
  const get = async (id: string): Promise<Sr> =>
    (await api().get(`/service-requests/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body;
  const move = (sr: Sr, to: object, body: Record<string, unknown> = {}) =>
    api()
      .post(`/service-requests/${sr.id}/transitions`)
      .auth(cw, { type: 'bearer' })
      .send({ version: sr.version, to, ...body });
  const outcome = async (sr: Sr, key: string, value: string, reason?: string): Promise<Sr> =>
    (
      await api()
        .put(`/service-requests/${sr.id}/activity-steps/${key}`)
        .auth(cw, { type: 'bearer' })
        .send({ version: sr.version, outcome: value, reason })
        .expect(200)
    ).body;
  const raise = async (path: string): Promise<Sr> =>
    (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path,
          source: 'PWC',
          subject: { clientId: pwcId, role: 'PWC' },
          caseIds: [caseId],
        })
        .expect(201)
    ).body;
  const expireWaits = async () => {
    await api().post('/internal/clock/advance').auth(sys, { type: 'bearer' }).send({ days: 15 }).expect(200);
    await api().post('/internal/follow-ups/run').auth(sys, { type: 'bearer' }).expect(200);
  };

  beforeAll(async () => {
    s = await startServiceRequests({ WORKERS_ENABLED: 'false' });
    [cw, sys] = await Promise.all([tokenFor(['caseworker'], 'cw-1'), tokenFor(['system'], 'ops')]);
    ({ pwcId, caseId } = await givenParentsOnCase(s.url, cw, {
      pwc: { nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor' },
      nrp: { nino: 'AB123456C', firstName: 'Tom', lastName: 'Reed' },
    }));
  });
  afterAll(() => s.close());

  it('[TD-3] [TD-4] [TD-13] after 14 days: the CMSL0405 SR is In Progress flagged to call the client, the flag in the Notes; the domestic violence SR has both calls on its plan', async () => {
    let contact = await raise('contact-details');
    contact = (await move(contact, IN_PROGRESS).expect(200)).body;
    contact = await outcome(contact, 'confirm-request', 'Confirmed');
    contact = (await move(contact, WAIT).expect(200)).body;

    let dv = await raise('domestic-violence');
    dv = (await move(dv, IN_PROGRESS).expect(200)).body;
    dv = await outcome(dv, 'discuss-options', 'Discussed', 'Central / national sort codes explained');
    dv = await outcome(dv, 'cmsl9660', 'Not Requested');
    dv = (await move(dv, WAIT).expect(200)).body;

    await expireWaits();

    const flagged = await get(contact.id);
    expect(flagged).toMatchObject({
      status: 'In Progress',
      subStatus: null,
      nextActionDue: null,
      flag: expect.stringMatching(/^CMSL0405 not returned within 14 days: call the client/),
    });
    expect(flagged.notes.map((n) => n.text)).toContain(flagged.flag);

    const called = await get(dv.id);
    expect(called).toMatchObject({ status: 'In Progress', nextActionDue: null });
    expect(called.activityPlan).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'call-receiving-parent', outcome: null }),
        expect.objectContaining({ key: 'call-paying-parent-put-aside', outcome: null }),
      ]),
    );

    // The caseworker's next move answers the flag (TD-4: CMSL0405 sent again).
    const again = (await move(flagged, WAIT).expect(200)).body;
    expect(again).toMatchObject({ status: 'Wait', flag: null });
  });
});
