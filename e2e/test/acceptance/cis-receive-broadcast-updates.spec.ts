import {
  changeElsewhereInDwp,
  expectStatus,
  givenCisRecord,
  givenFamily,
  moveCisClockToNext,
  runCisBroadcast,
  SrDesk,
  step,
  STORY_TIMEOUT_MS,
  waitFor,
  waitForIssued,
  type Client,
  type Family,
  type Sr,
} from '../support/story';
import { startSystem, type AcceptanceSystem } from '../support/system';

/** Procedure: CIS - Receive Broadcast Updates (../shared/procedures/001_400cd8ead1c0ad9c.txt). */
describe('Acceptance: CIS - Receive Broadcast Updates', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  const address = (line1: string) => ({
    type: 'ADDRESS_CHANGE',
    address: { line1, town: 'Leeds', postcode: 'LS6 3AA' },
    addressStartDate: '2026-01-01',
  });

  it(
    '[RI-1] [BR-1] [BR-2] [BR-3] [BR-4] [BR-5] [BR-6] [BR-7] [BR-8] [BR-9] a day of changes recorded elsewhere in DWP arrives a day later: one SR per item changed (the latest change only) in the right work queue, a MOPF letter instead of an SR for a benefit claim, a change CMS already holds closed with a note, a nationally sensitive status to the sensitive case team; a batch delivered twice raises nothing new',
    async () => {
      const cw = system.as('caseworker');
      const sct = system.as('sensitiveCaseTeam');
      const desk = new SrDesk(system);
      let okafor: Family; // Sarah (address twice, then her name) and Daniel (benefit claim)
      let hart: Family; // Emma (nationally sensitive) and Tom, in whom CMG has no interest
      let lee: Family; // Grace: CIS verifies the date of birth CMS already holds as verified
      const sarah = () => okafor.receivingParent;
      const daniel = () => okafor.payingParent;
      const emma = () => hart.receivingParent;
      const tom = () => hart.payingParent;
      const grace = () => lee.receivingParent;

      await step(
        '[RI-1] three families on CMS; CMG registers its interests on four CIS records',
        async () => {
          okafor = await givenFamily(system, {
            stage: 'maintenance',
            receivingParent: {
              nino: 'JK201001A',
              firstName: 'Sarah',
              lastName: 'Okafor',
              address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
            },
            payingParent: {
              nino: 'JK201002B',
              firstName: 'Daniel',
              lastName: 'Price',
              address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
            },
          });
          hart = await givenFamily(system, {
            stage: 'maintenance',
            receivingParent: { nino: 'JK201003C', firstName: 'Emma', lastName: 'Hart' },
            payingParent: { nino: 'JK201004D', firstName: 'Tom', lastName: 'Reed' },
          });
          lee = await givenFamily(system, {
            stage: 'application',
            receivingParent: {
              nino: 'JK201005A',
              firstName: 'Grace',
              lastName: 'Lee',
              dateOfBirth: '1990-06-30',
              dateOfBirthVerified: true,
            },
            payingParent: { nino: 'JK201006B', firstName: 'Paul', lastName: 'Lee' },
          });
          for (const person of [sarah(), daniel(), emma(), tom(), grace()])
            await givenCisRecord(system, person);
          const interests: [Client, string][] = [
            [sarah(), 'PWC_QC_ROC_GENERAL'],
            [daniel(), 'NRP_GENERAL'],
            [emma(), 'PWC_QC_ROC_GENERAL'],
            [grace(), 'PWC_QC_ROC_GENERAL'],
          ];
          for (const [client, interestType] of interests) {
            await expectStatus(cw.ci.post(`/clients/${client.id}/interests`, { interestType }), 201);
          }
        },
      );

      let day: string;
      await step('one UK day: changes recorded on CIS elsewhere in DWP', async () => {
        day = await moveCisClockToNext(system, 10);
        await changeElsewhereInDwp(system, sarah().nino, address('1 First Street'));
        await changeElsewhereInDwp(system, sarah().nino, {
          type: 'NAME_1_CHANGE',
          firstName: 'Sarah',
          lastName: 'Bennett',
        });
        await changeElsewhereInDwp(system, sarah().nino, address('2 Second Street'));
        await changeElsewhereInDwp(system, daniel().nino, {
          type: 'NRP_BENEFIT_CLAIM',
          benefitType: 'Universal Credit',
          claimDate: day,
        });
        await changeElsewhereInDwp(system, emma().nino, {
          type: 'NATIONALLY_SENSITIVE_STATUS',
          nationallySensitive: true,
        });
        await changeElsewhereInDwp(system, tom().nino, address('9 Ninth Street'));
        await changeElsewhereInDwp(system, grace().nino, {
          type: 'DOB_VERIFICATION',
          dateOfBirth: '1990-06-30',
          verified: true,
        });
      });

      let batchId: string;
      let run: { batchId: string | null; excluded: Record<string, number>; transactionCount: number };
      await step(
        '[BR-2] CIS sends the day’s changes only once 24 hours have passed since the day ended',
        async () => {
          const sameDay = await runCisBroadcast(system);
          expect(sameDay.filter((r) => r.day === day)).toEqual([]);
          await system.advanceClocks({ hours: 24 }, ['sim']);
          const nextDay = await runCisBroadcast(system);
          expect(nextDay.filter((r) => r.day === day)).toEqual([]);
          await system.advanceClocks({ hours: 24 }, ['sim']);
          const due = (await runCisBroadcast(system)).filter((r) => r.day === day);
          expect(due).toHaveLength(1);
          run = due[0];
          expect(run.batchId).toBeTruthy();
          batchId = run.batchId!;
        },
      );

      let transactions: Record<string, any>[];
      const txOf = (c: Client) => transactions.filter((t) => t.reference === c.nino);
      await step('cis-interface stores the batch, matches and raises it in the background', async () => {
        const batch = await waitFor(
          'the batch processed by cis-interface',
          async () => {
            const res = await cw.ci.get(`/broadcasts/${batchId}`);
            return res.status === 200 && res.body.status === 'processed' ? res.body : null;
          },
          30_000,
        );
        expect(batch).toMatchObject({ timesReceived: 1, transactionCount: 5 });
        transactions = (await expectStatus(sct.ci.get(`/broadcasts/${batchId}/transactions?limit=500`), 200))
          .body.items;
        for (const t of transactions) {
          expect(
            new Date(batch.generatedAt).getTime() - new Date(t.recordedAt).getTime(),
          ).toBeGreaterThanOrEqual(24 * 3_600_000);
        }
      });

      await step('[BR-1] only changes to records with a CMG interest arrive', async () => {
        expect(new Set(transactions.map((t) => t.reference))).toEqual(
          new Set([sarah().nino, daniel().nino, emma().nino, grace().nino]),
        );
        expect(txOf(tom())).toEqual([]);
        expect(run.excluded.noInterest).toBe(1);
        expect(await desk.ofClient(tom().id, 'sensitiveCaseTeam')).toEqual([]);
      });

      let sarahsSrs: Sr[];
      await step(
        '[BR-3] [BR-4] the address changed twice that day arrives once (the latest); the name is a separate transaction',
        async () => {
          expect(run.excluded.replacedSameDay).toBe(1);
          expect(
            txOf(sarah())
              .map((t) => t.changeType)
              .sort(),
          ).toEqual(['ADDRESS_CHANGE', 'NAME_1_CHANGE']);
          const [moved] = txOf(sarah()).filter((t) => t.changeType === 'ADDRESS_CHANGE');
          expect(moved.payload.address.line1).toBe('2 Second Street');
          sarahsSrs = await desk.ofClient(sarah().id);
          expect(sarahsSrs.map((sr) => sr.changeType).sort()).toEqual(['ADDRESS_CHANGE', 'NAME_1_CHANGE']);
          const addressSr = sarahsSrs.find((sr) => sr.changeType === 'ADDRESS_CHANGE')!;
          expect(addressSr.details.change.address.line1).toBe('2 Second Street');
        },
      );

      await step(
        '[BR-5] [BR-6] [BR-7] each transaction is matched with the live case and raises a CIS change SR in the caseworkers’ queue',
        async () => {
          for (const t of txOf(sarah())) {
            expect(t).toMatchObject({
              outcome: 'sr-raised',
              clientId: sarah().id,
              clientRole: 'PWC',
              caseIds: [okafor.caseId],
            });
          }
          for (const sr of sarahsSrs) {
            expect(sr).toMatchObject({
              type: 'CIS_CHANGE',
              source: 'CIS',
              process: 'CofC',
              area: 'CIS Broadcast Update',
              subArea: 'CIS Change Of Circumstances',
              status: 'Open',
              subject: { clientId: sarah().id, role: 'PWC' },
              caseIds: [okafor.caseId],
              queue: 'cis-changes',
            });
          }
          const queue = await desk.queue('cis-changes');
          for (const sr of sarahsSrs) expect(queue).toContain(sr.id);
        },
      );

      await step(
        '[BR-7] the nationally sensitive status update goes straight to the sensitive case team, out of other caseworkers’ sight',
        async () => {
          const [ns] = txOf(emma());
          expect(ns).toMatchObject({ outcome: 'sr-raised', changeType: 'NATIONALLY_SENSITIVE_STATUS' });
          expect(ns.serviceRequest.queue).toBe('sensitive-case-team');
          let sr = await desk.get(ns.serviceRequest.id, 'sensitiveCaseTeam');
          expect(sr).toMatchObject({ type: 'NATIONALLY_SENSITIVE_UPDATE', nationallySensitive: true });
          expect(await desk.queue('sensitive-case-team', 'sensitiveCaseTeam')).toContain(sr.id);
          const refused = await expectStatus(cw.sr.get('/work-queues/sensitive-case-team'), 403);
          expect(refused.body.title).toBe('Insufficient Access');
          await expectStatus(cw.sr.get(`/service-requests/${sr.id}`), 403);
          await expectStatus(cw.sr.get(`/cases/${hart.caseId}`), 403);
          const cwView = await expectStatus(cw.ci.get(`/broadcasts/${batchId}/transactions?limit=500`), 200);
          expect(cwView.body.items.map((t: { reference: string }) => t.reference)).not.toContain(emma().nino);
          // The sensitive case team picks it up.
          sr = await desk.move(sr, 'In Progress', null, {}, 'sensitiveCaseTeam');
          expect(sr.status).toBe('In Progress');
        },
      );

      await step(
        '[BR-8] the paying parent’s benefit claim raises no SR: the automated MOPF letter is in his issue log',
        async () => {
          const [claim] = txOf(daniel());
          expect(claim).toMatchObject({
            changeType: 'NRP_BENEFIT_CLAIM',
            outcome: 'letter-issued',
            serviceRequest: null,
          });
          expect(await desk.ofClient(daniel().id)).toEqual([]);
          const [letter] = await waitForIssued(system, daniel().id, 'MOPF_BENEFIT_CLAIM');
          expect(letter).toMatchObject({ channel: 'letter', recipientRole: 'NRP', caseId: okafor.caseId });
          expect(letter.id).toBe(claim.letterId);
        },
      );

      await step(
        '[BR-9] a change that matches what CMS holds is closed with a note giving the reason',
        async () => {
          const [dob] = txOf(grace());
          expect(dob.outcome).toBe('sr-raised');
          const sr = await desk.get(dob.serviceRequest.id);
          expect(['Closed', 'Cancelled']).toContain(sr.status);
          expect(sr.resolutionCode).toBe('No Change Required');
          expect(sr.notes.map((n) => n.text).join('\n')).toMatch(/matches what CMS already holds/);
          expect(await desk.queue('cis-changes')).not.toContain(sr.id);
        },
      );

      await step('[BR-6] the next batch is delivered twice by CIS: each SR is raised once', async () => {
        await expectStatus(system.as('system').sim.post('/admin/faults', { duplicateNextBatch: true }), 200);
        const nextDay = await moveCisClockToNext(system, 10);
        await changeElsewhereInDwp(system, sarah().nino, {
          type: 'NAME_CORRECTION',
          firstName: 'Sarah',
          lastName: 'Okafor-Bennett',
        });
        await system.advanceClocks({ hours: 48 }, ['sim']);
        const [again] = (await runCisBroadcast(system)).filter((r) => r.day === nextDay);
        expect(again.batchId).toBeTruthy();
        await waitFor('both copies acknowledged by cis-interface', async () => {
          const res = await expectStatus(
            system.as('system').sim.get(`/admin/broadcasts/batches/${again.batchId}`),
            200,
          );
          return res.body.acknowledgedCopies === 2;
        });
        const batch = await waitFor('the duplicated batch processed', async () => {
          const res = await cw.ci.get(`/broadcasts/${again.batchId}`);
          return res.status === 200 && res.body.status === 'processed' ? res.body : null;
        });
        expect(batch).toMatchObject({ timesReceived: 2, transactionCount: 1, counts: { 'sr-raised': 1 } });
        const now = await desk.ofClient(sarah().id);
        expect(now.map((sr) => sr.changeType).sort()).toEqual([
          'ADDRESS_CHANGE',
          'NAME_1_CHANGE',
          'NAME_CORRECTION',
        ]);
      });
    },
    STORY_TIMEOUT_MS,
  );
});
