import request from 'supertest';
import { eventually, freePort, tokenFor } from '@cms/testing';
// Test-only: the real correspondence service beside service-requests (never a mock).
import { startCorrespondence, TestCorrespondence } from '../../correspondence/test/helpers';
import {
  givenSecuritySetUp,
  startServiceRequestsWithSecurity,
  TestServiceRequestsWithSecurity,
} from './helpers';

const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };
const ADDRESS = { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' };

describe('letters from SR transitions, delivered to the real correspondence service', () => {
  let sr: TestServiceRequestsWithSecurity;
  let co: TestCorrespondence;
  let cw: string;
  let tl: string;
  let pwcId: string;
  let nrpId: string;
  let caseId: string;
  const api = () => request(sr.url);
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
  const issueLog = async (clientId: string) =>
    (await request(co.url).get('/issue-log').query({ clientId }).auth(cw, { type: 'bearer' }).expect(200))
      .body.items as Array<{ templateCode: string; id: string; status: string }>;

  beforeAll(async () => {
    const coPort = await freePort();
    let srPort = await freePort();
    while (srPort === coPort) srPort = await freePort();
    [sr, co] = await Promise.all([
      startServiceRequestsWithSecurity({
        PORT: String(srPort),
        CORRESPONDENCE_URL: `http://127.0.0.1:${coPort}`,
      }),
      // correspondence asks this service-requests whether a case is nationally sensitive.
      startCorrespondence({ PORT: String(coPort), SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` }),
    ]);
    [cw, tl] = await Promise.all([tokenFor(['caseworker'], 'cw-1'), tokenFor(['team-leader'], 'tl-1')]);
    pwcId = (
      await api().post('/clients').auth(cw, { type: 'bearer' }).send({
        nino: 'JK123456C',
        firstName: 'Sarah',
        lastName: 'Okafor',
        address: ADDRESS,
        mobilePhone: '07700 900123',
      })
    ).body.id;
    nrpId = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({
          nino: 'AB123456C',
          firstName: 'Tom',
          lastName: 'Reed',
          address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
        })
    ).body.id;
    caseId = (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [
            { clientId: pwcId, role: 'PWC' },
            { clientId: nrpId, role: 'NRP' },
          ],
        })
    ).body.id;
  });
  afterAll(async () => {
    await sr?.close();
    await co?.close();
  });

  it('[TD-3] [TD-6] [TD-7] [TD-8] [X-3] CMSL0405 to the client; after TL approval CMSL0406 with the SR’s data to the other parent, and the system closes the SR', async () => {
    let s = (
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
    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'confirm-request', 'Confirmed');
    s = (
      await move(s.id, s.version, {
        to: { status: 'Wait', subStatus: null },
        nextActionDue: new Date(Date.now() + 14 * 86_400_000).toISOString(),
      }).expect(200)
    ).body;
    await eventually(async () => (await issueLog(pwcId)).find((l) => l.templateCode === 'CMSL0405'));

    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'form-checked', 'Complete And Signed');
    s = (
      await api()
        .put(`/service-requests/${s.id}/transfer-items`)
        .auth(cw, { type: 'bearer' })
        .send({
          version: s.version,
          items: { mobile: '07700 900123', email: 'sarah@example.com', bankDetails: BANK },
          declarationSigned: true,
        })
        .expect(200)
    ).body;
    s = (
      await move(s.id, s.version, {
        to: { status: 'Pending Approval', subStatus: 'Pending Approval TL' },
      }).expect(200)
    ).body;
    expect(await issueLog(nrpId)).toEqual([]);
    s = (
      await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'Approved TL' } }, tl).expect(200)
    ).body;

    const letter = await eventually(async () =>
      (await issueLog(nrpId)).find((l) => l.templateCode === 'CMSL0406'),
    );
    const pdf = await request(co.url)
      .get(`/letters/${letter.id}/pdf`)
      .auth(cw, { type: 'bearer' })
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const closed = await eventually(async () => {
      const now = (await api().get(`/service-requests/${s.id}`).auth(cw, { type: 'bearer' })).body;
      return now.status === 'Closed' ? now : null;
    });
    expect(closed).toMatchObject({ subStatus: 'Complete', resolutionCode: 'Letter Issued', readOnly: true });
    expect(closed.notes.map((n: { text: string }) => n.text)).toEqual(
      expect.arrayContaining(['CMSL0405 issued by the system.', 'CMSL0406 issued by the system.']),
    );
  });

  const view = async (id: string) =>
    (await api().get(`/service-requests/${id}`).auth(cw, { type: 'bearer' }).expect(200)).body;
  const transferItems = (id: string, version: number, items: Record<string, unknown>) =>
    api()
      .put(`/service-requests/${id}/transfer-items`)
      .auth(cw, { type: 'bearer' })
      .send({ version, items, declarationSigned: true });
  /**
   * A contact-details transfer SR for `subject` on `onCase`, walked to TL approval (CMSL0405, the
   * signed form back with `items`, submitted, approved): the system then issues CMSL0406.
   */
  const approvedContactTransfer = async (
    subject: { clientId: string; role: 'PWC' | 'NRP' },
    onCase: string,
    items: Record<string, unknown>,
  ) => {
    let s = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: subject.role,
          subject,
          caseIds: [onCase],
        })
        .expect(201)
    ).body;
    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'confirm-request', 'Confirmed');
    s = (
      await move(s.id, s.version, {
        to: { status: 'Wait', subStatus: null },
        nextActionDue: new Date(Date.now() + 14 * 86_400_000).toISOString(),
      }).expect(200)
    ).body;
    await eventually(async () =>
      (await issueLog(subject.clientId)).find((l) => l.templateCode === 'CMSL0405'),
    );
    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'form-checked', 'Complete And Signed');
    s = (await transferItems(s.id, s.version, items).expect(200)).body;
    s = (
      await move(s.id, s.version, {
        to: { status: 'Pending Approval', subStatus: 'Pending Approval TL' },
      }).expect(200)
    ).body;
    s = (
      await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'Approved TL' } }, tl).expect(200)
    ).body;
    expect(s).toMatchObject({ readOnly: true, approvedBy: 'tl-1' });
    return s;
  };

  it('[TD-8] CMSL0406 that cannot be issued after approval returns the SR to Letter Not Issued, editable and flagged; corrected, resubmitted and approved again it issues', async () => {
    // Issue #13 (TD-1): a paying parent's own bank details, which correspondence refused at CMSL0406,
    // are now refused when entered; here the paying parent has no address held for the letter.
    const movedAway = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'CE123456B', firstName: 'Dan', lastName: 'Moved' })
        .expect(201)
    ).body;
    const otherCase = (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [
            { clientId: pwcId, role: 'PWC' },
            { clientId: movedAway.id, role: 'NRP' },
          ],
        })
        .expect(201)
    ).body.id as string;
    let s = await approvedContactTransfer({ clientId: pwcId, role: 'PWC' }, otherCase, {
      mobile: '07700 900456',
    });

    const refused = await eventually(async () => {
      const now = await view(s.id);
      return now.subStatus === 'Letter Not Issued' ? now : null;
    });
    expect(refused).toMatchObject({
      status: 'In Progress',
      readOnly: false,
      editable: true,
      submittedForApprovalBy: null,
      approvedBy: null,
      queue: 'correspondence',
      flag: expect.stringMatching(/^CMSL0406 could not be issued: .*no address/),
    });
    expect(refused.notes.map((n: { text: string }) => n.text)).toContain(refused.flag);
    expect(refused.allowedTransitions.map((t: { transition: string }) => t.transition)).toEqual(
      expect.arrayContaining(['submit-for-approval', 'cancel']),
    );
    expect((await issueLog(movedAway.id)).filter((l) => l.templateCode === 'CMSL0406')).toEqual([]);
    const audit = (await api().get(`/audit/service-request/${s.id}`).auth(cw, { type: 'bearer' }))
      .body as Array<{
      action: string;
      source: string;
      after: { subStatus?: string; requirementIds?: string[] };
    }>;
    expect(audit.find((a) => a.action === 'transition:letter-refused')).toMatchObject({
      source: 'correspondence',
      after: { subStatus: 'Letter Not Issued', requirementIds: ['TD-8'] },
    });

    // The paying parent's address traced and recorded; the items corrected, resubmitted and approved
    // again: CMSL0406 issues and the SR closes.
    await api()
      .patch(`/clients/${movedAway.id}`)
      .auth(cw, { type: 'bearer' })
      .send({
        version: movedAway.version,
        address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
      })
      .expect(200);
    s = (await transferItems(s.id, refused.version, { mobile: '07700 900457' }).expect(200)).body;
    expect(s.activityPlan.find((x: { key: string }) => x.key === 'bank-details-checked')).toMatchObject({
      outcome: 'No Bank Details',
    });
    s = (
      await move(s.id, s.version, {
        to: { status: 'Pending Approval', subStatus: 'Pending Approval TL' },
      }).expect(200)
    ).body;
    expect(s).toMatchObject({ submittedForApprovalBy: 'cw-1', flag: null, queue: 'team-leader-approvals' });
    await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'Approved TL' } }, tl).expect(200);
    await eventually(async () => (await issueLog(movedAway.id)).find((l) => l.templateCode === 'CMSL0406'));
    const closed = await eventually(async () => {
      const now = await view(s.id);
      return now.status === 'Closed' ? now : null;
    });
    expect(closed).toMatchObject({
      subStatus: 'Complete',
      resolutionCode: 'Letter Issued',
      readOnly: true,
      approvedBy: 'tl-1',
    });
  });

  it('[TD-8] CMSL0406 with no other party on the case to receive it: Letter Not Issued and flagged, not retried for ever', async () => {
    const alone = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'CE123456A', firstName: 'Ann', lastName: 'Lone', address: ADDRESS })
        .expect(201)
    ).body.id as string;
    const soleCase = (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({ jurisdiction: 'GB', stage: 'maintenance', participants: [{ clientId: alone, role: 'PWC' }] })
        .expect(201)
    ).body.id as string;
    const s = await approvedContactTransfer({ clientId: alone, role: 'PWC' }, soleCase, {
      mobile: '07700 900789',
    });
    const refused = await eventually(async () => {
      const now = await view(s.id);
      return now.subStatus === 'Letter Not Issued' ? now : null;
    });
    expect(refused).toMatchObject({
      readOnly: false,
      approvedBy: null,
      flag: expect.stringMatching(/^CMSL0406 could not be issued: No other party on case/),
    });
  });

  it('[SD-9] CMSL9800 goes to the client when the SR waits for the form', async () => {
    // Step 1: he has set up security, so the Change - Security Details SR can be raised (SD-22).
    await givenSecuritySetUp(sr.security.url, cw, nrpId);
    let s = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: 'NRP',
          subject: { clientId: nrpId, role: 'NRP' },
          caseIds: [caseId],
        })
        .expect(201)
    ).body;
    s = (await move(s.id, s.version, { to: { status: 'In Progress', subStatus: null } }).expect(200)).body;
    s = await outcome(s.id, s.version, 'security-details', 'Security Details');
    s = (
      await move(s.id, s.version, { to: { status: 'In Progress', subStatus: 'Security Details' } }).expect(
        200,
      )
    ).body;
    await move(s.id, s.version, {
      to: { status: 'Wait', subStatus: 'Security Details' },
      reason: 'Client asks to give new details in writing',
      nextActionDue: new Date(Date.now() + 7 * 86_400_000).toISOString(),
    }).expect(200);
    await eventually(async () => (await issueLog(nrpId)).find((l) => l.templateCode === 'CMSL9800'));
  });
});
