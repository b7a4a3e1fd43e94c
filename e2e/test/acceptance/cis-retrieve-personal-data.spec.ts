import {
  cisRecord,
  expectStatus,
  givenCisRecord,
  givenFamily,
  SrDesk,
  step,
  STORY_TIMEOUT_MS,
  waitFor,
  type Client,
  type Family,
  type Sr,
} from '../support/story';
import { startSystem, type AcceptanceSystem } from '../support/system';

/** Procedure: CIS - Retrieve Personal Data From (../shared/procedures/002_21c2f038c9829192.txt). */
describe('Acceptance: CIS - Retrieve Personal Data From', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  const SARAH = {
    nino: 'JK301001A',
    firstName: 'Sarah',
    lastName: 'Okafor',
    dateOfBirth: '1988-04-17',
    dateOfBirthVerified: false,
    sex: 'F' as const,
    address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
    addressStartDate: '2020-01-01',
    homePhone: '01632 960001',
    mobilePhone: '07700 900123',
    homeEmail: 'sarah.okafor@example.com',
  };
  /** What CIS holds for Sarah: a verified, different date of birth, a new address and another home phone. */
  const SARAH_ON_CIS = {
    dateOfBirth: '1988-04-18',
    dateOfBirthVerified: true,
    address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
    addressStartDate: '2026-10-01',
    homePhone: '01632 960099',
  };

  it(
    '[RD-1] [RD-2] [RD-3] [RD-4] [RD-5] [RD-6] [RD-7] [RD-8] [SU-1] verifying a NINO fetches the client’s CIS data, kept apart from CMS’s with the differences listed for the caseworker to decide; an unknown NINO is recorded and shown; "Insufficient access level" sets Sensitive Check and the sensitive case team calls back',
    async () => {
      const cw = system.as('caseworker');
      const sct = system.as('sensitiveCaseTeam');
      const desk = new SrDesk(system);
      let okafor: Family;
      let hart: Family;
      const sarah = () => okafor.receivingParent;
      const daniel = () => okafor.payingParent;
      const emma = () => hart.receivingParent;

      const cmsRecord = async (c: Client) => (await expectStatus(cw.sr.get(`/clients/${c.id}`), 200)).body;
      const verifyNino = async (c: Client) => {
        const client = await cmsRecord(c);
        expect(client.referenceStatus).toBe('Unverified');
        const res = await expectStatus(
          cw.sr.put(`/clients/${c.id}/reference-status`, { status: 'Verified', version: client.version }),
          200,
        );
        expect(res.body.referenceStatus).toBe('Verified');
      };
      const retrievalOf = (c: Client, caller = cw) =>
        waitFor(`the CIS retrieval of ${c.firstName} ${c.lastName} to finish`, async () => {
          const res = await expectStatus(caller.ci.get(`/clients/${c.id}/retrievals`), 200);
          const [latest] = res.body.retrievals as Record<string, any>[];
          return latest && latest.outcome !== 'in-progress' ? latest : null;
        });

      await step(
        'the Okafors and the Harts apply; CIS holds Sarah’s and Emma’s records, not Daniel’s',
        async () => {
          okafor = await givenFamily(system, {
            stage: 'application',
            receivingParent: SARAH,
            payingParent: { nino: 'JK301002B', firstName: 'Daniel', lastName: 'Price' },
          });
          hart = await givenFamily(system, {
            stage: 'application',
            receivingParent: {
              nino: 'JK301003C',
              firstName: 'Emma',
              lastName: 'Hart',
              dateOfBirth: '1992-03-08',
            },
            payingParent: { nino: 'JK301004D', firstName: 'Tom', lastName: 'Reed' },
          });
          await givenCisRecord(system, SARAH, { differences: SARAH_ON_CIS });
          await givenCisRecord(system, emma(), { nationallySensitive: true });
          // Nothing is retrieved until a NINO is verified.
          const none = await expectStatus(cw.ci.get(`/clients/${sarah().id}/retrievals`), 200);
          expect(none.body.retrievals).toEqual([]);
        },
      );

      let retrieval: Record<string, any>;
      await step(
        '[RD-1] [RD-2] [RD-8] the caseworker sets Sarah’s NINO to Verified: her personal, address and contact data come from CIS automatically',
        async () => {
          await verifyNino(sarah());
          retrieval = await retrievalOf(sarah());
          expect(retrieval).toMatchObject({
            clientId: sarah().id,
            outcome: 'completed',
            rejection: null,
            requestedBy: 'service-requests',
          });
          // She is the applicant: the retrieval follows verification of her reference (RD-1).
          expect(['applicant-verified', 'reference-verified']).toContain(retrieval.trigger);
          const all = await expectStatus(cw.ci.get(`/clients/${sarah().id}/retrievals`), 200);
          expect(all.body.retrievals).toHaveLength(1);
        },
      );

      await step(
        '[RD-3] CIS returns the verified, different date of birth, sex, the new address with its start date and the different home phone only',
        async () => {
          const items = Object.fromEntries(
            (retrieval.itemsStored as { item: string }[]).map((i) => [i.item, i]),
          ) as Record<string, Record<string, unknown>>;
          expect(Object.keys(items).sort()).toEqual(
            ['address', 'addressStartDate', 'dateOfBirth', 'homePhone', 'sex'].sort(),
          );
          expect(items.dateOfBirth).toMatchObject({
            cisValue: '1988-04-18',
            cmsValue: '1988-04-17',
            differs: true,
          });
          expect(items.sex).toMatchObject({ cisValue: 'F', differs: false });
          expect(items.address.cisValue).toMatchObject({
            address: expect.objectContaining(SARAH_ON_CIS.address),
            addressStartDate: '2026-10-01',
          });
          expect(items.homePhone).toMatchObject({ differs: true });
        },
      );

      let discrepancies: Record<string, any>[];
      await step(
        '[RD-6] what CIS returned is stored against her, sourced from CIS, apart from CMS’s record, with each difference listed',
        async () => {
          const data = await expectStatus(cw.ci.get(`/clients/${sarah().id}/cis-data`), 200);
          expect(data.body.latest).toMatchObject({
            retrievalId: retrieval.id,
            source: 'CIS',
            data: expect.objectContaining({ dateOfBirth: '1988-04-18', firstName: 'Sarah' }),
          });
          const cms = await cmsRecord(sarah());
          expect(cms).toMatchObject({
            dateOfBirth: SARAH.dateOfBirth,
            dateOfBirthVerified: false,
            address: expect.objectContaining(SARAH.address),
          });
          const res = await expectStatus(cw.ci.get(`/clients/${sarah().id}/discrepancies`), 200);
          discrepancies = res.body.discrepancies;
          expect(discrepancies.map((d) => d.item).sort()).toEqual(['address', 'dateOfBirth', 'homePhone']);
          expect(discrepancies.every((d) => d.status === 'open' && d.retrievalId === retrieval.id)).toBe(
            true,
          );
        },
      );
      const discrepancy = (item: string) => discrepancies.find((d) => d.item === item)!;

      await step(
        '[RD-7] the caseworker decides CIS is more up to date for the date of birth: CMS’s record is updated',
        async () => {
          const before = await cmsRecord(sarah());
          const res = await expectStatus(
            cw.ci.post(`/discrepancies/${discrepancy('dateOfBirth').id}/resolution`, {
              decision: 'accept-cis',
              reason: 'Birth certificate seen',
            }),
            200,
          );
          expect(res.body.discrepancy).toMatchObject({
            status: 'accepted-cis',
            decidedBy: system.subjects.caseworker,
          });
          expect(res.body.cisUpdate).toBeNull();
          const after = await cmsRecord(sarah());
          expect(after).toMatchObject({ dateOfBirth: '1988-04-18', dateOfBirthVerified: true });
          expect(after.version).toBeGreaterThan(before.version);
        },
      );

      await step(
        '[RD-7] [SU-1] CMS is more up to date for the address (the client has not moved): CIS is updated, once CMG has an interest',
        async () => {
          const refused = await expectStatus(
            cw.ci.post(`/discrepancies/${discrepancy('address').id}/resolution`, {
              decision: 'keep-cms',
              reason: 'Client confirmed by phone that she has not moved',
            }),
            422,
          );
          expect(refused.body).toMatchObject({ code: 'NO_INTEREST_REGISTERED', requirementId: 'SU-1' });
          await expectStatus(
            cw.ci.post(`/clients/${sarah().id}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }),
            201,
          );
          const res = await expectStatus(
            cw.ci.post(`/discrepancies/${discrepancy('address').id}/resolution`, {
              decision: 'keep-cms',
              reason: 'Client confirmed by phone that she has not moved',
            }),
            200,
          );
          expect(res.body.discrepancy.status).toBe('kept-cms');
          expect(res.body.cisUpdate).toMatchObject({
            updateType: 'ADDRESS_CHANGE',
            responseCode: '0',
            applied: true,
          });
          expect((await cisRecord(system, SARAH.nino)).address).toMatchObject(SARAH.address);
          expect((await cmsRecord(sarah())).address).toMatchObject(SARAH.address);
          const open = await expectStatus(cw.ci.get(`/clients/${sarah().id}/discrepancies?status=open`), 200);
          expect(open.body.discrepancies.map((d: { item: string }) => d.item)).toEqual(['homePhone']);
        },
      );

      await step(
        '[RD-5] Daniel’s NINO is verified but CIS does not know it: the rejection is recorded and shown',
        async () => {
          await verifyNino(daniel());
          const rejected = await retrievalOf(daniel());
          expect(rejected).toMatchObject({
            outcome: 'rejected',
            rejection: 'NINO_NOT_FOUND',
            rejectionMessage: 'NINO not found',
            requirementId: 'RD-5',
            itemsStored: [],
          });
          const shown = await expectStatus(cw.ci.get(`/retrievals/${rejected.id}`), 200);
          expect(shown.body).toMatchObject({ outcome: 'rejected', rejection: 'NINO_NOT_FOUND' });
          const none = await expectStatus(cw.ci.get(`/clients/${daniel().id}/discrepancies`), 200);
          expect(none.body.discrepancies).toEqual([]);
        },
      );

      let callBack: Sr;
      await step(
        '[RD-4] Emma’s record answers "Insufficient access level": Sensitive Check is set and a call back goes to the sensitive case team',
        async () => {
          await verifyNino(emma());
          // From CIS's answer on, Emma's records are the sensitive case team's (X-1, RD-4).
          const answered = await retrievalOf(emma(), sct);
          expect(answered).toMatchObject({
            outcome: 'insufficient-access',
            rejection: 'INSUFFICIENT_ACCESS_LEVEL',
            rejectionMessage: 'Insufficient access level',
            requirementId: 'RD-4',
            itemsStored: [],
          });
          const srId = await waitFor('the call back SR recorded on the retrieval', async () => {
            const res = await expectStatus(sct.ci.get(`/retrievals/${answered.id}`), 200);
            return res.body.sensitiveCheckServiceRequestId as string | null;
          });
          expect((await expectStatus(sct.sr.get(`/clients/${emma().id}`), 200)).body.sensitiveCheck).toBe(
            true,
          );
          await expectStatus(cw.ci.get(`/retrievals/${answered.id}`), 403);
          await expectStatus(cw.sr.get(`/clients/${emma().id}`), 403);
          callBack = await desk.get(srId, 'sensitiveCaseTeam');
          expect(callBack).toMatchObject({
            type: 'SENSITIVE_CALL_BACK',
            status: 'Open',
            queue: 'sensitive-case-team',
            subject: { clientId: emma().id },
          });
          expect(await desk.queue('sensitive-case-team', 'sensitiveCaseTeam')).toContain(srId);
          await expectStatus(cw.sr.get('/work-queues/sensitive-case-team'), 403);
        },
      );

      await step(
        '[RD-4] [RD-2] the sensitive case team calls Emma back and retrieves her data with sensitive access',
        async () => {
          const refused = await desk.tryMove(callBack, 'In Progress', null);
          expect(refused.status).toBe(403);
          callBack = await desk.move(callBack, 'In Progress', null, {}, 'sensitiveCaseTeam');
          callBack = await desk.outcome(
            callBack,
            'call-back',
            'Call Completed',
            undefined,
            'sensitiveCaseTeam',
          );
          const res = await expectStatus(
            sct.ci.post('/retrievals', { clientId: emma().id, trigger: 'manual' }),
            201,
          );
          expect(res.body).toMatchObject({
            outcome: 'completed',
            requestedBy: system.subjects.sensitiveCaseTeam,
          });
          // What CIS gave the sensitive case team stays theirs (RD-4, X-1).
          await expectStatus(cw.ci.get(`/clients/${emma().id}/cis-data`), 403);
          callBack = await desk.outcome(
            callBack,
            'retrieve-personal-data',
            'Retrieved',
            undefined,
            'sensitiveCaseTeam',
          );
          callBack = await desk.move(
            callBack,
            'Closed',
            'Complete',
            { resolutionCode: 'Call Back Completed' },
            'sensitiveCaseTeam',
          );
          expect(callBack).toMatchObject({ status: 'Closed', resolutionCode: 'Call Back Completed' });
        },
      );
    },
    STORY_TIMEOUT_MS,
  );
});
