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

/** Procedure: Change - Security Details (../shared/procedures/003_f62ff1eea701803a.txt). */
describe('Acceptance: Change - Security Details', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  it(
    '[SD-1] [SD-2] [SD-3] [SD-4] [SD-6] [SD-7] [SD-8] [SD-9] [SD-10] [SD-11] [SD-12] [SD-13] [SD-14] [SD-16] [X-3] three failed checks block a paying parent’s TAM account and raise the SR; worked by phone he is sent CMSL9800, returns it, is unblocked, gets a new PIN and an SMS, and the SR closes CofC Accepted; a receiving parent who never returns CMSL9800 gets CMSL9801 a week later and her change is rejected a week after that',
    async () => {
      const cw = system.as('caseworker');
      const desk = new SrDesk(system);
      let family: Family;
      const daniel = () => family.payingParent;
      const sarah = () => family.receivingParent;
      const phoneCheck = (clientId: string, pin: string) =>
        cw.cs.post(`/clients/${clientId}/security-check`, { channel: 'phone', pin });
      const securityStatus = async (clientId: string) =>
        (await expectStatus(cw.cs.get(`/clients/${clientId}/security-details`), 200)).body;

      await step(
        '[SD-1] [SD-22] a case in maintenance; both parents set up a seven-digit PIN and a special password — no Change Contact/Security Info SR before that',
        async () => {
          family = await givenFamily(system, {
            stage: 'maintenance',
            receivingParent: {
              nino: 'JK401001A',
              firstName: 'Sarah',
              lastName: 'Okafor',
              address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
              mobilePhone: '07700 900123',
            },
            payingParent: {
              nino: 'JK401002B',
              firstName: 'Daniel',
              lastName: 'Price',
              address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
              mobilePhone: '07700 900456',
            },
          });
          // SD-22: before set-up the SR is refused and the caseworker is sent to security set-up.
          const early = await expectStatus(
            cw.sr.post('/service-requests', {
              type: 'SECURITY_DETAILS',
              source: 'NRP',
              subject: { clientId: daniel().id, role: 'NRP' },
              caseIds: [family.caseId],
            }),
            422,
          );
          expect(early.body).toMatchObject({ code: 'SECURITY_DETAILS_NOT_SET_UP', requirementId: 'SD-22' });
          expect(await desk.ofClient(daniel().id)).toEqual([]);
          const zeroes = await expectStatus(
            cw.cs.post(`/clients/${daniel().id}/security-details`, {
              pin: '0000000',
              password: 'Bluebell42',
            }),
            400,
          );
          expect(JSON.stringify(zeroes.body)).toContain('SD-1');
          await expectStatus(
            cw.cs.post(`/clients/${daniel().id}/security-details`, {
              pin: '1234567',
              password: 'Bluebell42',
            }),
            201,
          );
          await expectStatus(
            cw.cs.post(`/clients/${sarah().id}/security-details`, { pin: '7654321', password: 'Primrose77' }),
            201,
          );
        },
      );

      await step('[SD-2] three consecutive failed security checks block Daniel’s TAM account', async () => {
        for (const expected of [1, 2, 3]) {
          const res = await expectStatus(phoneCheck(daniel().id, '9999999'), 200);
          expect(res.body).toMatchObject({ result: 'fail', consecutiveFailures: expected });
        }
        expect(await securityStatus(daniel().id)).toMatchObject({
          blocked: true,
          tamAccount: { blocked: true },
        });
        const refused = await expectStatus(phoneCheck(daniel().id, '1234567'), 422);
        expect(refused.body).toMatchObject({ code: 'ACCOUNT_BLOCKED', requirementId: 'SD-2' });
      });

      let sr: Sr;
      await step(
        '[SD-3] [SD-4] [SD-6] service-requests raises the CofC SR to call him back, on his case, in the security details queue',
        async () => {
          sr = await waitFor('the SR raised from the blocked account', async () =>
            (await desk.ofClient(daniel().id)).find((s) => s.type === 'SECURITY_DETAILS'),
          );
          expect(sr).toMatchObject({
            process: 'CofC',
            area: 'Change Personal Info',
            subArea: 'Change Contact/Security Info',
            path: 'phone',
            // SD-4: the Source is the person the change is about, by their role on the case (issue #13).
            source: 'NRP',
            reportedBy: { firstName: 'Daniel', lastName: 'Price' },
            status: 'Open',
            subject: { clientId: daniel().id, role: 'NRP' },
            caseIds: [family.caseId],
            queue: 'security-details',
          });
          expect(sr.notes[0].text).toMatch(/Call the client back on the number held \(SD-3\)/);
          expect(await desk.queue('security-details')).toContain(sr.id);
        },
      );

      await step(
        '[SD-7] [SD-8] In Progress generates the activity plan; first outcome and Sub Status Security Details',
        async () => {
          sr = await desk.move(sr, 'In Progress', null);
          expect(sr.activityPlan.map((s) => s.key)).toEqual(
            expect.arrayContaining([
              'security-details',
              'cmsl9800',
              'cmsl9801',
              'information-received',
              'tam-account-check',
              'update-security-details',
              'confirm-update',
            ]),
          );
          sr = await desk.outcome(sr, 'security-details', 'Security Details');
          sr = await desk.move(sr, 'In Progress', 'Security Details');
        },
      );

      await step(
        '[SD-9] [X-3] notes say the account was blocked; CMSL9800 goes to him (reviewed before sending); Wait seven days',
        async () => {
          const due = await desk.inDays(7);
          sr = await desk.move(sr, 'Wait', 'Security Details', {
            nextActionDue: due,
            reason:
              'TAM account blocked after three failed security checks; CMSL9800 sent for new security details.',
          });
          expect(sr).toMatchObject({ status: 'Wait', subStatus: 'Security Details', nextActionDue: due });
          expect(outcomeOf(sr, 'cmsl9800')).toBe('Issued');
          expect(sr.notes.map((n) => n.text)).toContain(
            'TAM account blocked after three failed security checks; CMSL9800 sent for new security details.',
          );
          const [letter] = await waitForIssued(system, daniel().id, 'CMSL9800');
          expect(letter).toMatchObject({ channel: 'letter', serviceRequestId: sr.id, status: 'created' });
          const shown = await expectStatus(cw.co.get(`/letters/${letter.id}`), 200);
          expect(shown.body).toMatchObject({ reviewRequired: true, reviewedBy: null });
          expect(shown.body.personalisation).toMatchObject({ reason: 'account-blocked' });
          const reviewed = await expectStatus(cw.co.post(`/letters/${letter.id}/review`), 200);
          expect(reviewed.body.reviewedBy).toBe(system.subjects.caseworker);
          await waitFor('CMSL9800 sent through the print gateway', async () => {
            const item = (await issueLog(system, daniel().id)).find((i) => i.id === letter.id);
            return item?.status === 'sent';
          });
        },
      );

      await step('[SD-13] he returns the form: Sub Status Assess Outcome Of Change', async () => {
        sr = await desk.outcome(sr, 'information-received', 'Information Provided');
        sr = await desk.move(sr, 'In Progress', 'Assess Outcome Of Change');
      });

      await step(
        '[SD-11] the TAM account was blocked: Unblock User before the change can be accepted',
        async () => {
          const early = await expectStatus(desk.tryMove(sr, 'In Progress', 'CofC Accept'), 422);
          expect(early.body.requirementId).toBe('SD-11');
          const res = await expectStatus(
            cw.sr.post(`/service-requests/${sr.id}/security-details/tam-account-check`, {
              version: sr.version,
              verifiedBy: 'CMSL9800 returned',
            }),
            200,
          );
          sr = res.body;
          expect(outcomeOf(sr, 'tam-account-check')).toBe('Unblocked');
          expect(await securityStatus(daniel().id)).toMatchObject({ blocked: false });
        },
      );

      await step('[SD-14] [SD-1] the new PIN (never all zeroes) is set in client-security', async () => {
        const zeroes = await expectStatus(
          cw.sr.post(`/service-requests/${sr.id}/security-details/update`, {
            version: sr.version,
            pin: '0000000',
          }),
          400,
        );
        expect(JSON.stringify(zeroes.body)).toContain('SD-1');
        sr = (
          await expectStatus(
            cw.sr.post(`/service-requests/${sr.id}/security-details/update`, {
              version: sr.version,
              pin: '4820193',
            }),
            200,
          )
        ).body;
        expect(outcomeOf(sr, 'update-security-details')).toBe('Updated');
        expect((await expectStatus(phoneCheck(daniel().id, '4820193'), 200)).body.result).toBe('pass');
        expect((await expectStatus(phoneCheck(daniel().id, '1234567'), 200)).body.result).toBe('fail');
      });

      await step(
        '[SD-16] CofC Accept: an SMS confirms the update (he returned CMSL9800); closed CofC Accepted, Complete',
        async () => {
          sr = await desk.move(sr, 'In Progress', 'CofC Accept');
          expect(outcomeOf(sr, 'confirm-update')).toBe('SMS Sent');
          const [sms] = await waitForIssued(system, daniel().id, 'SMS_SECURITY_DETAILS_UPDATED');
          expect(sms.channel).toBe('sms');
          sr = await desk.move(sr, 'Closed', 'Complete', { resolutionCode: 'CofC Accepted' });
          expect(sr).toMatchObject({
            status: 'Closed',
            subStatus: 'Complete',
            resolutionCode: 'CofC Accepted',
          });
          // No secret reaches service-requests' or correspondence's records.
          const audit = await expectStatus(cw.sr.get(`/audit/service-request/${sr.id}`), 200);
          expect(JSON.stringify(audit.body)).not.toContain('4820193');
        },
      );

      let wait: Sr;
      await step(
        '[SD-4] [SD-9] Sarah asks to give new security details in writing: CMSL9800 and Wait seven days',
        async () => {
          wait = await desk.raise({
            type: 'SECURITY_DETAILS',
            source: 'PWC',
            reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
            subject: { clientId: sarah().id, role: 'PWC' },
            caseIds: [family.caseId],
          });
          expect(wait).toMatchObject({ path: 'phone', source: 'PWC', queue: 'security-details' });
          wait = await desk.move(wait, 'In Progress', null);
          wait = await desk.outcome(wait, 'security-details', 'Security Details');
          wait = await desk.move(wait, 'In Progress', 'Security Details');
          wait = await desk.move(wait, 'Wait', 'Security Details', {
            nextActionDue: await desk.inDays(7),
            reason: 'Client asks to provide new security details in writing; CMSL9800 sent.',
          });
          const [letter] = await waitForIssued(system, sarah().id, 'CMSL9800');
          const shown = await expectStatus(cw.co.get(`/letters/${letter.id}`), 200);
          expect(shown.body.personalisation).toMatchObject({ reason: 'client-request' });
        },
      );

      const sweep = async () =>
        (await expectStatus(system.as('system').sr.post('/internal/follow-ups/run'), 200)).body
          .handled as number;

      await step(
        '[SD-10] no form after seven days: CMSL9801 reminder and Wait a further seven days',
        async () => {
          expect(await sweep()).toBe(0);
          await system.advanceClocks({ days: 7, hours: 1 });
          expect(await sweep()).toBe(1);
          const firstDue = wait.nextActionDue!;
          wait = await desk.get(wait.id);
          expect(wait).toMatchObject({ status: 'Wait', subStatus: 'Security Details' });
          expect(outcomeOf(wait, 'cmsl9801')).toBe('Issued');
          expect(
            new Date(wait.nextActionDue!).getTime() - new Date(firstDue).getTime(),
          ).toBeGreaterThanOrEqual(7 * 86_400_000);
          await waitForIssued(system, sarah().id, 'CMSL9801');
        },
      );

      await step('[SD-12] still nothing after CMSL9800 and CMSL9801: the change is rejected', async () => {
        await system.advanceClocks({ days: 7, hours: 1 });
        expect(await sweep()).toBe(1);
        wait = await desk.get(wait.id);
        expect(wait).toMatchObject({
          status: 'Closed',
          subStatus: 'Complete',
          resolutionCode: 'CoC Rejected',
        });
        expect(outcomeOf(wait, 'information-received')).toBe('No Response');
        expect((await issueLog(system, sarah().id)).map((i) => i.templateCode).sort()).toEqual([
          'CMSL9800',
          'CMSL9801',
        ]);
      });
    },
    STORY_TIMEOUT_MS,
  );
});
