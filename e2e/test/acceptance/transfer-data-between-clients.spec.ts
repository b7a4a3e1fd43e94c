import {
  expectStatus,
  givenFamily,
  issueLog,
  outcomeOf,
  SrDesk,
  step,
  STORY_TIMEOUT_MS,
  waitFor,
  waitForIssued,
  type Family,
  type Sr,
} from '../support/story';
import { startSystem, type AcceptanceSystem } from '../support/system';

/** Procedure: Transfer Data Between Clients (../shared/procedures/004_59940bfb985ffa6a.txt). */
describe('Acceptance: Transfer Data Between Clients', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  /** Passes the modulus check a Bank Wizard check makes (TD-5). */
  const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };
  /** Fails it. */
  const BAD_BANK = { sortCode: '93-80-63', accountNumber: '15764273', accountName: 'Sarah Okafor' };

  it(
    '[TD-1] [TD-2] [TD-3] [TD-4] [TD-5] [TD-6] [TD-7] [TD-8] [TD-9] [TD-11] [TD-12] a receiving parent’s contact details reach the paying parent in CMSL0406 (with its attachment) only after team leader approval, corrected after a rejection; her bank details given verbally with consent go the same way; after she reports domestic violence her bank details are passed on with CMSL9661 and confirmed with CMSL9662',
    async () => {
      const cw = system.as('caseworker');
      const desk = new SrDesk(system);
      let family: Family;
      const sarah = () => family.receivingParent;
      const daniel = () => family.payingParent;
      const items = (sr: Sr, body: Record<string, unknown>) =>
        cw.sr.put(`/service-requests/${sr.id}/transfer-items`, { version: sr.version, ...body });
      const transferSr = (path: string) =>
        desk.raise({
          type: 'DATA_TRANSFER',
          path,
          source: 'PWC',
          reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
          subject: { clientId: sarah().id, role: 'PWC' },
          caseIds: [family.caseId],
        });
      const closedBySystem = (sr: Sr) =>
        waitFor('the system to close the SR once CMSL0406 is issued', async () => {
          const now = await desk.get(sr.id);
          return now.status === 'Closed' ? now : null;
        });

      await step(
        'a case in maintenance: Sarah Okafor (receiving parent) and Daniel Price (paying parent)',
        async () => {
          family = await givenFamily(system, {
            stage: 'maintenance',
            receivingParent: {
              nino: 'JK501001A',
              firstName: 'Sarah',
              lastName: 'Okafor',
              address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
              mobilePhone: '07700 900123',
            },
            payingParent: {
              nino: 'JK501002B',
              firstName: 'Daniel',
              lastName: 'Price',
              address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
            },
          });
        },
      );

      // Sending contact details.
      let sr: Sr;
      await step(
        '[TD-2] the SR: Outbound Contact / Send Generic Correspondence, In Progress with the case linked',
        async () => {
          sr = await transferSr('contact-details');
          expect(sr).toMatchObject({
            process: 'Outbound Contact',
            area: 'Send Generic Correspondence',
            subArea: 'Send Generic Correspondence',
            status: 'Open',
            caseIds: [family.caseId],
          });
          sr = await desk.move(sr, 'In Progress', null);
          expect(sr.queue).toBe('correspondence');
        },
      );

      await step(
        '[TD-3] CMSL0405 asks Sarah for the details and a signed declaration; Wait 14 days',
        async () => {
          sr = await desk.outcome(
            sr,
            'confirm-request',
            'Confirmed',
            'Advised that everything given will be passed on',
          );
          sr = await desk.move(sr, 'Wait', null, { nextActionDue: await desk.inDays(14) });
          expect(outcomeOf(sr, 'cmsl0405')).toBe('Issued');
          const [letter] = await waitForIssued(system, sarah().id, 'CMSL0405');
          expect(letter).toMatchObject({ channel: 'letter', recipientRole: 'PWC', serviceRequestId: sr.id });
        },
      );

      await step(
        '[TD-4] [TD-1] [TD-5] the form comes back signed; only transferable items, bank details checked before they are entered',
        async () => {
          sr = await desk.move(sr, 'In Progress', null);
          sr = await desk.outcome(sr, 'form-checked', 'Complete And Signed');
          // The declaration on the form is what counts, not only the caseworker's outcome (issue #13).
          sr = (
            await expectStatus(
              items(sr, { items: { mobile: '07700 900123', email: 'sarah.okafor@example.com' } }),
              200,
            )
          ).body;
          const unsigned = await expectStatus(
            desk.tryMove(sr, 'Pending Approval', 'Pending Approval TL'),
            422,
          );
          expect(unsigned.body).toMatchObject({ code: 'DECLARATION_NOT_SIGNED', requirementId: 'TD-4' });
          const notTransferable = await expectStatus(
            items(sr, {
              items: { mobile: '07700 900123', notes: 'Tell him I said hello' },
              declarationSigned: true,
            }),
            400,
          );
          expect(notTransferable.body.errors).toEqual([
            expect.objectContaining({ field: 'items.notes', requirementId: 'TD-1' }),
          ]);
          const badBank = await expectStatus(
            items(sr, { items: { mobile: '07700 900123', bankDetails: BAD_BANK }, declarationSigned: true }),
            400,
          );
          expect(badBank.body.errors).toEqual([
            expect.objectContaining({ rule: 'bank-wizard', requirementId: 'TD-5' }),
          ]);
          sr = (
            await expectStatus(
              items(sr, {
                items: { mobile: '07700 900999', email: 'sarah.okafor@example.com', bankDetails: BANK },
                declarationSigned: true,
              }),
              200,
            )
          ).body;
          expect(outcomeOf(sr, 'bank-details-checked')).toBe('Bank Wizard Passed');
          expect(sr.details.transfer.bankDetails).toEqual({
            sortCode: '**-**-99',
            accountNumber: '****4958',
            accountName: 'Sarah Okafor',
          });
          expect(JSON.stringify(sr)).not.toContain('66374958');
        },
      );

      await step('[TD-6] submitted to a team leader: CMSL0406 cannot issue before approval', async () => {
        sr = await desk.move(sr, 'Pending Approval', 'Pending Approval TL');
        expect(sr.queue).toBe('team-leader-approvals');
        expect(await desk.queue('team-leader-approvals', 'teamLeader')).toContain(sr.id);
        const ownApproval = await expectStatus(desk.tryMove(sr, 'In Progress', 'Approved TL'), 403);
        expect(ownApproval.body.code).toBe('ROLE_NOT_ALLOWED');
        expect((await issueLog(system, daniel().id)).filter((i) => i.templateCode === 'CMSL0406')).toEqual(
          [],
        );
      });

      await step(
        '[TD-8] the team leader rejects it: the fields stay editable, are corrected and resubmitted',
        async () => {
          const noReason = await expectStatus(
            desk.tryMove(sr, 'In Progress', 'Rejected TL', {}, 'teamLeader'),
            400,
          );
          expect(noReason.body.code).toBe('REASON_REQUIRED');
          sr = await desk.move(
            sr,
            'In Progress',
            'Rejected TL',
            { reason: 'The mobile number on the form is the old one: check it with the client.' },
            'teamLeader',
          );
          expect(sr).toMatchObject({ readOnly: false, editable: true });
          sr = (
            await expectStatus(
              items(sr, {
                items: { mobile: '07700 900123', email: 'sarah.okafor@example.com', bankDetails: BANK },
                declarationSigned: true,
              }),
              200,
            )
          ).body;
          sr = await desk.move(sr, 'Pending Approval', 'Pending Approval TL');
          expect((await issueLog(system, daniel().id)).filter((i) => i.templateCode === 'CMSL0406')).toEqual(
            [],
          );
        },
      );

      await step('[TD-8] the team leader approves: the SR becomes read-only', async () => {
        sr = await desk.move(sr, 'In Progress', 'Approved TL', {}, 'teamLeader');
        expect(sr).toMatchObject({ readOnly: true, editable: false, approvedBy: system.subjects.teamLeader });
        const locked = await expectStatus(items(sr, { items: { mobile: '07700 900456' } }), 422);
        expect(locked.body).toMatchObject({ code: 'SR_READ_ONLY', requirementId: 'TD-8' });
      });

      await step(
        '[TD-7] [TD-8] the system issues CMSL0406 to Daniel with the attachment filled from the SR; the PDF downloads; the SR closes',
        async () => {
          const [entry] = await waitForIssued(system, daniel().id, 'CMSL0406');
          const letter = (await expectStatus(cw.co.get(`/letters/${entry.id}`), 200)).body;
          expect(letter).toMatchObject({
            templateCode: 'CMSL0406',
            mode: 'system',
            recipient: expect.objectContaining({ clientId: daniel().id, role: 'NRP' }),
            serviceRequestId: sr.id,
            approval: expect.objectContaining({
              serviceRequestId: sr.id,
              approvedBy: system.subjects.teamLeader,
            }),
            pageCount: 2,
          });
          expect(letter.personalisation).toMatchObject({
            transferRoute: 'contact-details',
            transferredDetails: expect.objectContaining({
              // The corrected number, printed in E.164.
              mobile: '+447700900123',
              email: 'sarah.okafor@example.com',
              bankDetails: expect.objectContaining({ accountNumber: '****4958' }),
            }),
          });
          const template = await expectStatus(cw.co.get('/templates/CMSL0406'), 200);
          expect(template.body.hasAttachment).toBe(true);
          const pdf = await expectStatus(
            cw.co
              .get(`/letters/${entry.id}/pdf`)
              .buffer(true)
              .parse((res, done) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('end', () => done(null, Buffer.concat(chunks)));
              }),
            200,
          );
          expect(pdf.headers['content-type']).toContain('application/pdf');
          expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
          const closed = await closedBySystem(sr);
          expect(closed).toMatchObject({
            subStatus: 'Complete',
            resolutionCode: 'Letter Issued',
            readOnly: true,
          });
        },
      );

      // Verbally collecting and transferring bank details.
      let verbal: Sr;
      await step(
        '[TD-9] Sarah gives her bank details by phone for Direct Pay: consent read and accepted, recorded in the notes',
        async () => {
          verbal = await transferSr('verbal-bank-details');
          verbal = await desk.move(verbal, 'In Progress', null);
          verbal = await desk.outcome(verbal, 'consent', 'Consent Given');
          // Consent given writes the request and the accepted verbatim statement to the Notes (issue #13).
          expect(verbal.notes.map((n) => n.text)).toEqual([
            expect.stringMatching(
              /request is to share their bank details.*verbatim consent statement.*accepted/,
            ),
          ]);
          verbal = await desk.note(
            verbal,
            'Client asks to share her bank details for Direct Pay; the verbatim consent statement was read and accepted.',
          );
          const noConsent = await expectStatus(items(verbal, { items: { bankDetails: BANK } }), 400);
          expect(noConsent.body.errors).toEqual([
            expect.objectContaining({ field: 'consentAccepted', requirementId: 'TD-9' }),
          ]);
          const notOnlyBank = await expectStatus(
            items(verbal, {
              items: { bankDetails: BANK, email: 'sarah.okafor@example.com' },
              consentAccepted: true,
            }),
            400,
          );
          expect(notOnlyBank.body.errors).toEqual([
            expect.objectContaining({ field: 'items.email', requirementId: 'TD-9' }),
          ]);
          verbal = (
            await expectStatus(items(verbal, { items: { bankDetails: BANK }, consentAccepted: true }), 200)
          ).body;
          expect(outcomeOf(verbal, 'bank-details-checked')).toBe('Bank Wizard Passed');
        },
      );

      await step(
        '[TD-9] [TD-6] [TD-8] Daniel is told, a team leader approves, CMSL0406 goes to him',
        async () => {
          verbal = await desk.outcome(verbal, 'call-paying-parent', 'Paying Parent Told');
          verbal = await desk.move(verbal, 'Pending Approval', 'Pending Approval TL');
          verbal = await desk.move(verbal, 'In Progress', 'Approved TL', {}, 'teamLeader');
          const letters = await waitForIssued(system, daniel().id, 'CMSL0406', 2);
          const second = letters.find((l) => l.serviceRequestId === verbal.id)!;
          const letter = (await expectStatus(cw.co.get(`/letters/${second.id}`), 200)).body;
          expect(letter.personalisation).toMatchObject({
            transferRoute: 'verbal-bank-details',
            transferredDetails: { bankDetails: expect.objectContaining({ accountNumber: '****4958' }) },
          });
          expect(await closedBySystem(verbal)).toMatchObject({ resolutionCode: 'Letter Issued' });
        },
      );

      // Passing information when the receiving parent has notified domestic violence.
      let dv: Sr;
      await step(
        '[TD-11] after Sarah reports domestic violence: options discussed, no CMSL9660 wanted, 14 days to call in with the details',
        async () => {
          dv = await transferSr('domestic-violence');
          dv = await desk.move(dv, 'In Progress', null);
          dv = await desk.outcome(
            dv,
            'discuss-options',
            'Discussed',
            'Central / national sort code accounts explained',
          );
          dv = await desk.outcome(dv, 'cmsl9660', 'Not Requested');
          dv = await desk.move(dv, 'Wait', null, { nextActionDue: await desk.inDays(14) });
          expect(dv.status).toBe('Wait');
        },
      );

      await step(
        '[TD-11] [TD-12] she calls with her bank details (no declaration needed): recorded, CMSL9661 to Daniel, CMSL9662 to her',
        async () => {
          dv = await desk.move(dv, 'In Progress', null);
          dv = (await expectStatus(items(dv, { items: { bankDetails: BANK } }), 200)).body;
          dv = await desk.outcome(dv, 'record-bank-details', 'Details Received');
          dv = await desk.note(
            dv,
            'Receiving parent called with her bank details for Direct Pay (contact notes).',
          );
          dv = await desk.move(dv, 'Closed', 'Complete', { resolutionCode: 'Details Passed On' });
          expect(outcomeOf(dv, 'cmsl9661')).toBe('Issued');
          expect(outcomeOf(dv, 'cmsl9662')).toBe('Issued');
          const [toDaniel] = await waitForIssued(system, daniel().id, 'CMSL9661');
          expect(toDaniel).toMatchObject({ recipientRole: 'NRP', serviceRequestId: dv.id, mode: 'system' });
          const [toSarah] = await waitForIssued(system, sarah().id, 'CMSL9662');
          expect(toSarah).toMatchObject({ recipientRole: 'PWC', serviceRequestId: dv.id });
          const letter = (await expectStatus(cw.co.get(`/letters/${toDaniel.id}`), 200)).body;
          expect(letter.transferReference).toBeTruthy();
          expect(JSON.stringify(letter)).not.toContain('66374958');
        },
      );
    },
    STORY_TIMEOUT_MS,
  );
});
