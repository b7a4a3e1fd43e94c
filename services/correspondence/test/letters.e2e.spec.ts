import { randomUUID } from 'node:crypto';
import type { Clock, Role } from '@cms/domain';
import { CLOCK, JobQueue } from '@cms/platform';
import { eventually } from '@cms/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BankDetailsCipher } from '../src/crypto/bank-details-cipher';
import { DispatchService } from '../src/gateways/dispatch.service';
import { GatewayRejectedError, type PrintGateway, type SmsGateway } from '../src/gateways/gateways';
import {
  approvedLetterBody,
  approvedTransfer,
  auth,
  downloadPdf,
  GOOD_BANK,
  issue,
  letterBody,
  pdfText,
  startCorrespondence,
  type TestCorrespondence,
} from './helpers';

describe('letters: procedure rules, idempotency, status, issue log, bank details, gateway', () => {
  let s: TestCorrespondence;
  let db: DataSource;
  beforeAll(async () => {
    s = await startCorrespondence();
    db = s.app.get(DataSource);
  });
  afterAll(() => s.close());

  const get = async (path: string, roles: Role[] = ['caseworker']) =>
    request(s.url)
      .get(path)
      .set(await auth(roles));
  const patchStatus = async (id: string, body: object, roles: Role[] = ['caseworker']) =>
    request(s.url)
      .patch(`/letters/${id}/status`)
      .set(await auth(roles))
      .send(body);
  const rowsFor = async (clientId: string) =>
    (
      await db.query(`SELECT count(*)::int AS n FROM correspondence_item WHERE recipient_client_id = $1`, [
        clientId,
      ])
    )[0].n as number;

  describe('[TD-6][TD-8] CMSL0406 needs the team leader approval of its SR', () => {
    it('[TD-6] is refused with 422 without an approval, and nothing is issued', async () => {
      const body = letterBody('CMSL0406');
      delete body.approval;
      const res = await issue(s.url, body);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'TL_APPROVAL_REQUIRED', requirementId: 'TD-6' });
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(await rowsFor((body.recipient as { clientId: string }).clientId)).toBe(0);
    });

    it('[TD-6] is refused when the approval belongs to another SR or is dated in the future', async () => {
      const other = letterBody('CMSL0406', { serviceRequestId: randomUUID() });
      expect((await issue(s.url, other)).body).toMatchObject({
        code: 'TL_APPROVAL_MISMATCH',
        requirementId: 'TD-6',
      });
      const future = letterBody('CMSL0406');
      (future.approval as { approvedAt: string }).approvedAt = new Date(
        Date.now() + 86_400_000,
      ).toISOString();
      expect((await issue(s.url, future)).status).toBe(422);
    });

    it('[TD-8] [TD-6] is never issued clerically, so no caller can assert an approval of its own: 422, nothing issued', async () => {
      for (const [roles, stage] of [
        [['caseworker'], 'maintenance'],
        [['team-leader'], 'new case'],
        [['system'], 'application'],
      ] as const) {
        const body = letterBody('CMSL0406', { mode: 'clerical', stage });
        const res = await issue(s.url, body, { roles: [...roles] });
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'SYSTEM_ISSUE_REQUIRED', requirementId: 'TD-8' });
        expect(await rowsFor((body.recipient as { clientId: string }).clientId)).toBe(0);
      }
      const byPerson = await issue(s.url, letterBody('CMSL0406'), { roles: ['caseworker'] });
      expect(byPerson.status).toBe(403);
      expect(byPerson.body.code).toBe('SYSTEM_ISSUE_NEEDS_SYSTEM_ROLE');
    });

    it('[TD-8] issues by the system after approval, keeping the approval reference with the letter', async () => {
      const body = approvedLetterBody(await approvedTransfer(s.serviceRequestsUrl));
      const res = await issue(s.url, body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        templateCode: 'CMSL0406',
        templateVersion: 1,
        mode: 'system',
        approval: { serviceRequestId: body.serviceRequestId, approvedBy: 'tl-approver' },
        serviceRequestId: body.serviceRequestId,
      });
    });
  });

  describe('[TD-6] [TD-8] the approval is looked up in service-requests, never taken from the caller', () => {
    const refusedNamingTd6 = async (body: Record<string, unknown>, detail: RegExp) => {
      const res = await issue(s.url, body);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'TL_APPROVAL_NOT_CONFIRMED', requirementId: 'TD-6' });
      expect(res.body.detail).toMatch(detail);
      expect(await rowsFor((body.recipient as { clientId: string }).clientId)).toBe(0);
    };

    it('[TD-6] refuses an approval of an SR service-requests does not know', async () => {
      await refusedNamingTd6(letterBody('CMSL0406'), /holds no SR/);
    });

    it('[TD-6] refuses an approval the caller invents for an SR still Open ("approvedBy": "nobody")', async () => {
      const open = await approvedTransfer(s.serviceRequestsUrl, 'open');
      await refusedNamingTd6(
        approvedLetterBody(open, {
          approval: {
            serviceRequestId: open.serviceRequestId,
            approvedBy: 'nobody',
            approvedAt: new Date(Date.now() - 60_000).toISOString(),
          },
        }),
        /Open.*not Approved TL/,
      );
    });

    it('[TD-6] refuses while the SR waits at Pending Approval TL', async () => {
      const pending = await approvedTransfer(s.serviceRequestsUrl, 'pending-approval');
      await refusedNamingTd6(approvedLetterBody(pending), /Pending Approval TL/);
    });

    it('[TD-6] refuses an approval naming someone other than the team leader who approved, e.g. the submitter', async () => {
      const approved = await approvedTransfer(s.serviceRequestsUrl);
      for (const approvedBy of ['cw-submitter', 'tl-2001']) {
        await refusedNamingTd6(
          approvedLetterBody(approved, {
            approval: {
              serviceRequestId: approved.serviceRequestId,
              approvedBy,
              approvedAt: new Date(Date.now() - 60_000).toISOString(),
            },
          }),
          /approved by tl-approver/,
        );
      }
    });

    it('[TD-6] refuses an approved SR of another case than the letter’s', async () => {
      const approved = await approvedTransfer(s.serviceRequestsUrl);
      await refusedNamingTd6(approvedLetterBody(approved, { caseId: randomUUID() }), /not linked to case/);
    });
  });

  describe('[TD-1] safeguarding: another client’s details only through an approved transfer', () => {
    it('[TD-1] refuses a letter whose personalisation carries contact details the template does not pass on', async () => {
      const body = letterBody('CMSL9662');
      const res = await issue(s.url, {
        ...body,
        personalisation: {
          ...(body.personalisation as object),
          payingParentAddress: { line1: '9 Oak Road', town: 'Hull', postcode: 'HU1 1AA' },
        },
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'TRANSFER_NOT_AUTHORISED', requirementId: 'TD-1' });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'personalisation.payingParentAddress', rule: 'not-transferable' }),
      ]);
    });

    it('[TD-1] refuses contact or bank details hidden in a free-text field', async () => {
      const body = letterBody('MOPF_BENEFIT_CLAIM');
      for (const sneaky of [
        'call her on 07700 900123',
        'pay 08-99-99 66374958',
        'write to sarah@example.com',
      ]) {
        const res = await issue(s.url, {
          ...body,
          personalisation: { ...(body.personalisation as object), benefitName: sneaky },
        });
        expect(res.status).toBe(422);
        expect(res.body.errors).toEqual([
          expect.objectContaining({
            field: 'personalisation.benefitName',
            rule: 'contact-details-in-text',
            requirementId: 'TD-1',
          }),
        ]);
      }
    });

    it('[TD-1][TD-12] CMSL9661 passes the receiving parent’s bank details only with the transferReference of the domestic-violence SR', async () => {
      const body = letterBody('CMSL9661');
      delete body.transferReference;
      const refused = await issue(s.url, body);
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({ code: 'TRANSFER_NOT_AUTHORISED', requirementId: 'TD-1' });
      // TD-11/TD-12: no TL approval and no signed declaration on this route.
      const ok = await issue(s.url, { ...body, transferReference: '1-1000042' });
      expect(ok.status).toBe(201);
      expect(ok.body.transferReference).toBe('1-1000042');
    });

    it('[TD-1] bank details for Direct Pay go only to the paying parent', async () => {
      const body = approvedLetterBody(await approvedTransfer(s.serviceRequestsUrl));
      const res = await issue(s.url, { ...body, recipient: { ...(body.recipient as object), role: 'PWC' } });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({
          field: 'recipient.role',
          rule: 'direct-pay-recipient',
          requirementId: 'TD-1',
        }),
      ]);
    });
  });

  describe('[TD-11] issue mode by stage', () => {
    it.each([
      ['CMSL9660', 'application', 'clerical'],
      ['CMSL9661', 'new case', 'clerical'],
      ['CMSL9662', 'application', 'clerical'],
      ['CMSL9660', 'maintenance', 'system'],
      ['CMSL0405', 'application', 'system'],
    ] as const)('[TD-11] %s at %s stage is issued %s', async (code, stage, mode) => {
      const res = await issue(s.url, letterBody(code, { stage }));
      expect(res.status).toBe(201);
      expect(res.body.mode).toBe(mode);
    });

    it('[TD-11] refuses system issue of CMSL9660 at application stage, and asks for the stage when it is missing', async () => {
      const system = await issue(s.url, letterBody('CMSL9660', { stage: 'application', mode: 'system' }));
      expect(system.status).toBe(422);
      expect(system.body).toMatchObject({ code: 'CLERICAL_ISSUE_REQUIRED', requirementId: 'TD-11' });
      const body = letterBody('CMSL9660');
      delete body.stage;
      const noStage = await issue(s.url, body);
      expect(noStage.status).toBe(400);
      expect(noStage.body.errors).toEqual([
        expect.objectContaining({ field: 'stage', requirementId: 'TD-11' }),
      ]);
    });

    it('[TD-11] a caseworker issues clerically, prints it, and marks it sent; only the system issues in system mode', async () => {
      const clerical = await issue(s.url, letterBody('CMSL9660', { stage: 'new case' }), {
        roles: ['caseworker'],
      });
      expect(clerical.status).toBe(201);
      expect(clerical.body).toMatchObject({
        mode: 'clerical',
        status: 'created',
        createdBy: 'service-requests',
      });
      expect((await downloadPdf(s.url, clerical.body.id)).status).toBe(200);
      const sent = await patchStatus(clerical.body.id, { status: 'sent' });
      expect(sent.status).toBe(200);
      expect(sent.body.status).toBe('sent');
      expect(sent.body.sentAt).toBeTruthy();
      const systemByPerson = await issue(s.url, letterBody('CMSL9802'), { roles: ['caseworker'] });
      expect(systemByPerson.status).toBe(403);
      expect(systemByPerson.body.code).toBe('SYSTEM_ISSUE_NEEDS_SYSTEM_ROLE');
    });
  });

  describe('idempotency (Idempotency-Key)', () => {
    it('the same key twice issues one letter and returns the original (200)', async () => {
      const body = letterBody('CMSL0405');
      const key = randomUUID();
      const first = await issue(s.url, body, { key });
      const second = await issue(s.url, body, { key });
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual(first.body);
      expect(await rowsFor((body.recipient as { clientId: string }).clientId)).toBe(1);
    });

    it('concurrent requests with the same key issue one letter', async () => {
      const body = letterBody('CMSL9801');
      const key = randomUUID();
      const results = await Promise.all(Array.from({ length: 6 }, () => issue(s.url, body, { key })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(await rowsFor((body.recipient as { clientId: string }).clientId)).toBe(1);
    });

    it('the same key with a different body is 409; a missing key is 400', async () => {
      const key = randomUUID();
      const body = letterBody('CMSL0405');
      expect((await issue(s.url, body, { key })).status).toBe(201);
      const changed = await issue(
        s.url,
        { ...body, personalisation: { replyByDate: '2026-12-31' } },
        { key },
      );
      expect(changed.status).toBe(409);
      expect(changed.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      const noKey = await request(s.url)
        .post('/letters')
        .set(await auth(['system']))
        .send(letterBody('CMSL0405'));
      expect(noKey.status).toBe(400);
      expect(noKey.body.errors).toEqual([
        expect.objectContaining({ field: 'Idempotency-Key', rule: 'required' }),
      ]);
    });
  });

  describe('status', () => {
    const clericalLetter = async () =>
      (await issue(s.url, letterBody('CMSL9660', { stage: 'application' }), { roles: ['caseworker'] })).body
        .id as string;

    it.each([
      [[], 'delivered', 422],
      [[], 'returned', 422],
      [['sent'], 'created', 422],
      [['sent', 'delivered'], 'returned', 200],
      [['sent', 'returned'], 'delivered', 422],
      [['failed'], 'sent', 422],
      [['sent', 'delivered', 'returned'], 'sent', 422],
    ] as Array<[string[], string, number]>)(
      'after %j, a change to %s answers %i (canChangeLetterStatus)',
      async (path, to, expected) => {
        const id = await clericalLetter();
        for (const step of path) {
          expect((await patchStatus(id, { status: step, reason: 'test' })).status).toBe(200);
        }
        const res = await patchStatus(id, { status: to, reason: 'Returned by Royal Mail: gone away' });
        expect(res.status).toBe(expected);
        if (expected === 422) expect(res.body.code).toBe('ILLEGAL_STATUS_CHANGE');
      },
    );

    it('returned needs a reason, is audited (X-2), and a system letter becomes sent only through the gateway', async () => {
      const id = await clericalLetter();
      await patchStatus(id, { status: 'sent' });
      expect((await patchStatus(id, { status: 'returned' })).status).toBe(400);
      const returned = await patchStatus(id, { status: 'returned', reason: 'Gone away' });
      expect(returned.body).toMatchObject({ status: 'returned', statusReason: 'Gone away' });
      const audit = await db.query(
        `SELECT action, actor_id, before, after FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at`,
        [id],
      );
      expect(audit.map((a: { action: string }) => a.action)).toEqual([
        'issued',
        'status-changed',
        'status-changed',
      ]);
      expect(audit[2]).toMatchObject({
        before: { status: 'sent' },
        after: { status: 'returned', reason: 'Gone away' },
      });

      const system = await issue(s.url, letterBody('MOPF_BENEFIT_CLAIM'));
      const bySystem = await patchStatus(system.body.id, { status: 'sent' }, ['system']);
      // Still created: SENT_BY_GATEWAY; already sent by the gateway: sent → sent is illegal. Either way 422.
      expect(bySystem.status).toBe(422);
    });

    it('404 for an unknown letter', async () => {
      expect((await get(`/letters/${randomUUID()}`)).status).toBe(404);
      expect((await patchStatus(randomUUID(), { status: 'sent' })).status).toBe(404);
      expect((await get(`/letters/${randomUUID()}/pdf`)).status).toBe(404);
    });
  });

  describe('issue log per client and per case', () => {
    it('lists letters and SMS newest first, paginated, by client or by case', async () => {
      const clientId = randomUUID();
      const caseA = randomUUID();
      const caseB = randomUUID();
      const recipient = (role: 'PWC' | 'NRP') => ({
        clientId,
        role,
        name: 'Sarah Okafor',
        address: { line1: '1 High Street', town: 'York', postcode: 'YO1 7HH' },
      });
      const ids: string[] = [];
      const advance = async () =>
        request(s.url)
          .post('/internal/clock/advance')
          .set(await auth(['system']))
          .send({ minutes: 1 });
      for (const [code, caseId] of [
        ['CMSL9800', caseA],
        ['CMSL9801', caseA],
        ['CMSL9802', caseB],
      ] as const) {
        const res = await issue(s.url, letterBody(code, { recipient: recipient('PWC'), caseId }));
        expect(res.status).toBe(201);
        ids.push(res.body.id);
        await advance();
      }
      const sms = await request(s.url)
        .post('/sms')
        .set(await auth(['system']))
        .set('Idempotency-Key', randomUUID())
        .send({
          templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
          recipient: { clientId, mobilePhone: '07700900123' },
          caseId: caseB,
          jurisdiction: 'GB',
        });
      expect(sms.status).toBe(201);
      ids.push(sms.body.id);

      const page1 = await get(`/issue-log?clientId=${clientId}&limit=3`);
      expect(page1.status).toBe(200);
      expect(page1.body.items.map((i: { id: string }) => i.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(page1.body.items[0]).toMatchObject({ channel: 'sms', url: `/sms/${ids[3]}`, pdfUrl: null });
      expect(page1.body.items[1]).toMatchObject({
        channel: 'letter',
        templateCode: 'CMSL9802',
        title: 'Thank you for updating your security details',
        pdfUrl: `/letters/${ids[2]}/pdf`,
      });
      const page2 = await get(`/issue-log?clientId=${clientId}&limit=3&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
      expect(page2.body.nextCursor).toBeNull();

      const byCase = await get(`/issue-log?caseId=${caseA}`);
      expect(byCase.body.items.map((i: { id: string }) => i.id)).toEqual([ids[1], ids[0]]);
      const smsOnly = await get(`/issue-log?caseId=${caseB}&channel=sms`);
      expect(smsOnly.body.items.map((i: { id: string }) => i.id)).toEqual([ids[3]]);

      expect((await get(`/issue-log`)).status).toBe(400);
      expect((await get(`/issue-log?clientId=${clientId}&caseId=${caseA}`)).status).toBe(400);
      expect((await get(`/issue-log?clientId=${clientId}&cursor=bogus`)).status).toBe(400);
    });
  });

  describe('bank details at rest and in responses', () => {
    it('bank details are encrypted at rest (item and PDF), masked in responses, audit and logs, and whole only in the PDF that passes them on', async () => {
      const body = letterBody('CMSL9661');
      const res = await issue(s.url, body);
      expect(res.status).toBe(201);
      expect(res.body.personalisation.paymentDetails).toEqual({
        sortCode: '**-**-99',
        accountNumber: '****4958',
        accountName: 'Sarah Okafor',
      });
      expect(JSON.stringify(res.body)).not.toContain('66374958');
      expect(JSON.stringify((await get(`/letters/${res.body.id}`)).body)).not.toContain('66374958');

      const [row] = await db.query(
        `SELECT i.bank_details_sealed, i.personalisation::text AS p, d.content, d.encrypted
           FROM correspondence_item i JOIN letter_pdf d ON d.item_id = i.id WHERE i.id = $1`,
        [res.body.id],
      );
      const sealed = row.bank_details_sealed as Buffer;
      expect(sealed.length).toBeGreaterThan(28);
      for (const plain of ['66374958', '089999', '08-99-99']) {
        expect(sealed.toString('latin1')).not.toContain(plain);
        expect(row.p).not.toContain(plain);
        expect((row.content as Buffer).toString('latin1')).not.toContain(plain);
      }
      expect(row.encrypted).toBe(true);
      expect((row.content as Buffer).subarray(0, 5).toString('latin1')).not.toBe('%PDF-');

      const audit = await db.query(
        `SELECT before::text AS b, after::text AS a FROM audit_log WHERE entity_id = $1`,
        [res.body.id],
      );
      expect(JSON.stringify(audit)).not.toContain('66374958');
      expect(s.logs.text()).not.toContain('66374958');

      // What the paying parent needs to set up Direct Pay prints whole (TD-12), and reading it is audited.
      const text = await pdfText((await downloadPdf(s.url, res.body.id)).body as Buffer);
      expect(text).toContain('66374958');
      expect(text).toContain('08-99-99');
      const reads = await db.query(
        `SELECT actor_id FROM audit_log WHERE entity_id = $1 AND action = 'pdf-read'`,
        [res.body.id],
      );
      expect(reads).toHaveLength(1);
    });

    it('a letter without bank details keeps its PDF as is', async () => {
      const res = await issue(s.url, letterBody('CMSL0405'));
      const [row] = await db.query(`SELECT encrypted, content FROM letter_pdf WHERE item_id = $1`, [
        res.body.id,
      ]);
      expect(row.encrypted).toBe(false);
      expect((row.content as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const [item] = await db.query(`SELECT bank_details_sealed FROM correspondence_item WHERE id = $1`, [
        res.body.id,
      ]);
      expect(item.bank_details_sealed).toBeNull();
      expect(GOOD_BANK.accountNumber).toBe('66374958');
    });
  });

  describe('delivery to the gateways (durable job)', () => {
    /** A dispatcher of this service's database whose print gateway is `print` (no SMS gateway). */
    const dispatcherPrintingWith = (print: PrintGateway) =>
      new DispatchService(
        db,
        s.app.get<Clock>(CLOCK),
        s.app.get(JobQueue),
        s.app.get(BankDetailsCipher),
        print,
        {} as SmsGateway,
      );

    it('moves a system letter from created to sent through the print gateway, recording what would be posted', async () => {
      const res = await issue(s.url, letterBody('MOPF_BENEFIT_CLAIM'));
      expect(res.body.status).toBe('created');
      const sent = await eventually(async () => {
        const v = await get(`/letters/${res.body.id}`);
        return v.body.status === 'sent' ? v.body : null;
      }, 10_000);
      expect(sent.sentAt).toBeTruthy();
      const outbox = await db.query(`SELECT gateway, payload FROM gateway_outbox WHERE item_id = $1`, [
        res.body.id,
      ]);
      expect(outbox).toEqual([
        {
          gateway: 'print',
          payload: expect.objectContaining({
            templateCode: 'MOPF_BENEFIT_CLAIM',
            recipientName: 'Daniel Price',
            pdfSha256: res.body.pdfSha256,
            pageCount: res.body.pageCount,
          }),
        },
      ]);
      const audit = await db.query(
        `SELECT action, source FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at`,
        [res.body.id],
      );
      expect(audit).toEqual([
        { action: 'issued', source: 'api' },
        { action: 'sent', source: 'print-gateway' },
      ]);
    });

    it('[X-3] holds a letter the caseworker must review (CMSL9800) until reviewed, then sends it', async () => {
      const res = await issue(s.url, letterBody('CMSL9800'));
      expect(res.body).toMatchObject({ reviewRequired: true, reviewedBy: null, status: 'created' });
      await new Promise((r) => setTimeout(r, 700)); // longer than the worker's 0.5 s polling
      expect((await get(`/letters/${res.body.id}`)).body.status).toBe('created');
      expect(await db.query(`SELECT 1 FROM gateway_outbox WHERE item_id = $1`, [res.body.id])).toHaveLength(
        0,
      );
      const bySystem = await request(s.url)
        .post(`/letters/${res.body.id}/review`)
        .set(await auth(['system']));
      expect(bySystem.status).toBe(403);
      const reviewed = await request(s.url)
        .post(`/letters/${res.body.id}/review`)
        .set(await auth(['caseworker'], 'cw-1042'));
      expect(reviewed.status).toBe(200);
      expect(reviewed.body.reviewedBy).toBe('cw-1042');
      await eventually(async () => (await get(`/letters/${res.body.id}`)).body.status === 'sent', 10_000);
      const notNeeded = await request(s.url)
        .post(`/letters/${(await issue(s.url, letterBody('CMSL0405'))).body.id}/review`)
        .set(await auth(['caseworker']));
      expect(notNeeded.status).toBe(422);
    });

    it('settles a letter once: a print gateway refusal moves it created → failed with the reason, audited; a second delivery of the job changes nothing', async () => {
      // CMSL9800 waits for review, so no worker dispatches it; this dispatcher's print gateway refuses.
      const res = await issue(s.url, letterBody('CMSL9800'));
      expect(res.body.status).toBe('created');
      const printed: string[] = [];
      const refusing: PrintGateway = {
        print: (r) => {
          printed.push(`${r.itemId} ${r.pageCount} ${r.sha256} ${r.pdf.subarray(0, 5).toString('latin1')}`);
          return Promise.reject(new GatewayRejectedError('address not deliverable'));
        },
      };
      const dispatcher = dispatcherPrintingWith(refusing);
      const [before] = await db.query(`SELECT version FROM correspondence_item WHERE id = $1`, [res.body.id]);
      await dispatcher.dispatch(res.body.id);
      await dispatcher.dispatch(res.body.id);
      expect(printed).toEqual([`${res.body.id} ${res.body.pageCount} ${res.body.pdfSha256} %PDF-`]);
      const [row] = await db.query(
        `SELECT status, status_reason, sent_at, version, status_changed_at = updated_at AS dated FROM correspondence_item WHERE id = $1`,
        [res.body.id],
      );
      expect(row).toEqual({
        status: 'failed',
        status_reason: 'Refused by the print gateway: address not deliverable',
        sent_at: null,
        version: before.version + 1,
        dated: true,
      });
      const audit = await db.query(
        `SELECT action, source, actor_id, before, after FROM audit_log WHERE entity_id = $1 ORDER BY occurred_at`,
        [res.body.id],
      );
      expect(audit.slice(1)).toEqual([
        {
          action: 'failed',
          source: 'print-gateway',
          actor_id: 'correspondence-dispatch',
          before: { status: 'created' },
          after: {
            status: 'failed',
            reason: 'Refused by the print gateway: address not deliverable',
            gatewayReference: null,
          },
        },
      ]);
    });

    it('dispatches a fetched batch together: each item handed to the gateway once, the sent and the refused settled in ONE statement with their audit rows; a gateway error fails only its own item; repeats and settled items change nothing', async () => {
      // CMSL9800 waits for review, so no worker dispatches these; this dispatcher's gateway decides.
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await issue(s.url, letterBody('CMSL9800'))).body.id);
      const [toSend, toRefuse, toRetry] = ids;
      const handed: string[] = [];
      const gateway: PrintGateway = {
        print: (r) => {
          handed.push(r.itemId);
          if (r.itemId === toRefuse) return Promise.reject(new GatewayRejectedError('no such address'));
          if (r.itemId === toRetry) return Promise.reject(new Error('print supplier timed out'));
          return Promise.resolve({ reference: `ref-${r.itemId}` });
        },
      };
      const dispatcher = dispatcherPrintingWith(gateway);
      const direct = (itemId: string) => ({ itemId, run: <R>(work: () => Promise<R>) => work() });
      const answers = await dispatcher.dispatchMany([toSend, toRefuse, toSend, toRetry].map(direct));
      expect(answers.map((a) => (a === undefined ? 'done' : (a as Error).message))).toEqual([
        'done',
        'done',
        'done',
        'print supplier timed out',
      ]);
      expect(handed).toEqual([toSend, toRefuse, toRetry]);
      const rows = await db.query(
        `SELECT id, status, status_reason, status_changed_at FROM correspondence_item WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      const byId = new Map(rows.map((r: any) => [r.id, r]));
      expect(byId.get(toSend)).toMatchObject({ status: 'sent', status_reason: null });
      expect(byId.get(toRefuse)).toMatchObject({
        status: 'failed',
        status_reason: 'Refused by the print gateway: no such address',
      });
      expect(byId.get(toRetry)).toMatchObject({ status: 'created' });
      expect((byId.get(toSend) as any).status_changed_at).toEqual(
        (byId.get(toRefuse) as any).status_changed_at,
      );
      const audit = await db.query(
        `SELECT entity_id, action, source, after FROM audit_log WHERE entity_id = ANY($1::text[]) AND action <> 'issued' ORDER BY action`,
        [ids],
      );
      expect(audit).toEqual([
        {
          entity_id: toRefuse,
          action: 'failed',
          source: 'print-gateway',
          after: {
            status: 'failed',
            reason: 'Refused by the print gateway: no such address',
            gatewayReference: null,
          },
        },
        {
          entity_id: toSend,
          action: 'sent',
          source: 'print-gateway',
          after: { status: 'sent', reason: null, gatewayReference: `ref-${toSend}` },
        },
      ]);
      // Delivered again (a retried batch): the settled items are not handed or audited again.
      handed.length = 0;
      await dispatcher.dispatchMany([toSend, toRefuse].map(direct));
      expect(handed).toEqual([]);
      const again = await db.query(
        `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = ANY($1::text[]) AND action <> 'issued'`,
        [ids],
      );
      expect(again[0].n).toBe(2);
    });

    it('[SD-16] sends an SMS through the SMS gateway (idempotent), and only the system sends SMS', async () => {
      const body = {
        templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
        recipient: { clientId: randomUUID(), mobilePhone: '07700 900456' },
        caseId: randomUUID(),
        jurisdiction: 'NI',
        personalisation: {},
      };
      const key = randomUUID();
      const send = async (roles: Role[], b: object = body) =>
        request(s.url)
          .post('/sms')
          .set(await auth(roles))
          .set('Idempotency-Key', key)
          .send(b);
      const first = await send(['system']);
      expect(first.status).toBe(201);
      expect((await send(['system'])).status).toBe(200);
      expect((await send(['caseworker'])).status).toBe(403);
      expect((await send(['system'], { ...body, jurisdiction: 'GB' })).status).toBe(409);
      const badNumber = await request(s.url)
        .post('/sms')
        .set(await auth(['system']))
        .set('Idempotency-Key', randomUUID())
        .send({ ...body, recipient: { ...body.recipient, mobilePhone: '01632 960123' } });
      expect(badNumber.status).toBe(400);
      expect(badNumber.body.errors).toEqual([
        expect.objectContaining({ field: 'recipient.mobilePhone', rule: 'phone-not-mobile' }),
      ]);
      await eventually(async () => {
        const v = await get(`/sms/${first.body.id}`);
        return v.body.status === 'sent';
      }, 10_000);
      const outbox = await db.query(`SELECT payload FROM gateway_outbox WHERE item_id = $1`, [first.body.id]);
      expect(outbox[0].payload).toMatchObject({ to: '+447700900456', text: first.body.text });
      expect(first.body.text).toContain('Northern Ireland Child Maintenance Service');
      const delivered = await request(s.url)
        .patch(`/sms/${first.body.id}/status`)
        .set(await auth(['system']))
        .send({ status: 'delivered' });
      expect(delivered.body.status).toBe('delivered');
    });
  });
});
