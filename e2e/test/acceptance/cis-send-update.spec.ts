import {
  cisRecord,
  expectStatus,
  givenCisRecord,
  givenFamily,
  outcomeOf,
  SrDesk,
  step,
  STORY_TIMEOUT_MS,
  waitFor,
  type Family,
  type Sr,
} from '../support/story';
import { startSystem, type AcceptanceSystem } from '../support/system';

/** Procedure: CIS - Send Update (../shared/procedures/000_ff1b27a109c8b93d.txt). */
describe('Acceptance: CIS - Send Update', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(() => system?.close());

  const SARAH = {
    nino: 'JK102030A',
    firstName: 'Sarah',
    lastName: 'Okafor',
    dateOfBirth: '1988-04-17',
    sex: 'F' as const,
    address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
    addressStartDate: '2020-01-01',
    mobilePhone: '07700 900123',
  };
  const DANIEL = {
    nino: 'JK102031B',
    firstName: 'Daniel',
    lastName: 'Price',
    dateOfBirth: '1985-09-02',
    address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
  };
  const TOM = {
    nino: 'JK102032C',
    firstName: 'Tom',
    lastName: 'Reed',
    dateOfBirth: '1979-02-11',
    address: { line1: '8 Quarry Road', town: 'Hull', postcode: 'HU1 2AB' },
  };
  const AMY = { nino: 'JK102033D', firstName: 'Amy', lastName: 'Reed' };
  const NEW_ADDRESS = { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' };

  it(
    '[RI-1] [RI-2] [SU-1] [SU-3] [SU-4] [SU-5] [SU-6] [SU-7] a receiving parent’s new address goes to CIS from the application once CMG has an interest, her new name from the CoC SR once it is at CoC Accept, nothing after deregistration; a record CIS holds as nationally sensitive passes to the sensitive case team',
    async () => {
      const cw = system.as('caseworker');
      const sct = system.as('sensitiveCaseTeam');
      const desk = new SrDesk(system);
      let okafor: Family;
      let reed: Family;
      const updateCis = (body: Record<string, unknown>, who = cw) => who.ci.post('/cis-updates', body);

      await step('the Okafors apply: CMS holds both parents, CIS holds Sarah’s record', async () => {
        okafor = await givenFamily(system, {
          stage: 'application',
          receivingParent: SARAH,
          payingParent: DANIEL,
        });
        await givenCisRecord(system, SARAH);
      });
      const sarah = () => okafor.receivingParent;
      const addressUpdate = {
        updateType: 'ADDRESS_CHANGE',
        payload: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
      };

      await step('[SU-1] "Update CIS" is refused while CMG has no interest in her record', async () => {
        const refused = await expectStatus(updateCis({ clientId: sarah().id, ...addressUpdate }), 422);
        expect(refused.headers['content-type']).toMatch(/problem\+json/);
        expect(refused.body).toMatchObject({ code: 'NO_INTEREST_REGISTERED', requirementId: 'SU-1' });
        expect((await cisRecord(system, SARAH.nino)).address).toMatchObject(SARAH.address);
      });

      await step('[RI-1] the caseworker registers the receiving parent general interest on CIS', async () => {
        const res = await expectStatus(
          cw.ci.post(`/clients/${sarah().id}/interests`, { interestType: 'PWC_QC_ROC_GENERAL' }),
          201,
        );
        expect(res.body).toMatchObject({ interestType: 'PWC_QC_ROC_GENERAL', status: 'registered' });
        const onCis = (await cisRecord(system, SARAH.nino)).interests as {
          interestType: string;
          status: string;
        }[];
        expect(onCis).toEqual([
          expect.objectContaining({ interestType: 'PWC_QC_ROC_GENERAL', status: 'registered' }),
        ]);
      });

      await step(
        '[SU-3] [SU-5] [SU-7] at application stage "Update CIS" applies the new address in real time and shows CIS’s response code',
        async () => {
          const sent = await expectStatus(updateCis({ clientId: sarah().id, ...addressUpdate }), 201);
          expect(sent.body).toMatchObject({
            clientId: sarah().id,
            updateType: 'ADDRESS_CHANGE',
            stage: 'application',
            status: 'answered',
            responseCode: '0',
            applied: true,
            requirementId: 'SU-7',
            requestedBy: system.subjects.caseworker,
          });
          // Real time: CIS holds the new address as soon as the call returns.
          expect((await cisRecord(system, SARAH.nino)).address).toMatchObject(NEW_ADDRESS);
          const shown = await expectStatus(cw.ci.get(`/cis-updates/${sent.body.id}`), 200);
          expect(shown.body).toMatchObject({ responseCode: '0', applied: true });
          const list = await expectStatus(cw.ci.get(`/clients/${sarah().id}/cis-updates`), 200);
          expect(list.body.updates.map((u: { id: string }) => u.id)).toEqual([sent.body.id]);
        },
      );

      await step('the case moves on to maintenance', async () => {
        const kase = await expectStatus(cw.sr.get(`/cases/${okafor.caseId}`), 200);
        await expectStatus(
          cw.sr.patch(`/cases/${okafor.caseId}`, { version: kase.body.version, stage: 'maintenance' }),
          200,
        );
      });

      const nameUpdate = (serviceRequestId?: string) => ({
        clientId: sarah().id,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName: 'Bennett' },
        ...(serviceRequestId ? { serviceRequestId } : {}),
      });
      let coc: Sr;
      await step('[SU-4] in maintenance "Update CIS" needs the CoC SR: refused without it', async () => {
        const refused = await expectStatus(updateCis(nameUpdate()), 422);
        expect(refused.body).toMatchObject({ code: 'CIS_UPDATE_NOT_ENABLED', requirementId: 'SU-4' });
      });

      await step('[SU-4] refused while the CoC SR is being validated', async () => {
        coc = await desk.raise({
          type: 'PERSONAL_DETAILS_CHANGE',
          path: 'name',
          source: 'PWC',
          subject: { clientId: sarah().id, role: 'PWC' },
          caseIds: [okafor.caseId],
          note: 'Receiving parent reports her new name after marriage.',
        });
        coc = await desk.move(coc, 'In Progress', null);
        coc = await desk.outcome(coc, 'record-change', 'Recorded');
        expect(coc.cisUpdateEnabled).toBe(false);
        const early = await expectStatus(updateCis(nameUpdate(coc.id)), 422);
        expect(early.body.requirementId).toBe('SU-4');
        coc = await desk.outcome(coc, 'validate-change', 'Validated', 'Marriage certificate seen');
        expect(coc.cisUpdateEnabled).toBe(false);
        const stillEarly = await expectStatus(updateCis(nameUpdate(coc.id)), 422);
        expect(stillEarly.body.requirementId).toBe('SU-4');
      });

      await step(
        '[SU-4] [SU-5] [SU-7] at CoC Accept with the validations complete, "Update CIS" sends the new name and the SR closes',
        async () => {
          coc = await desk.move(coc, 'In Progress', 'CoC Accept');
          expect(coc.cisUpdateEnabled).toBe(true);
          const sent = await expectStatus(updateCis(nameUpdate(coc.id)), 201);
          expect(sent.body).toMatchObject({
            responseCode: '0',
            applied: true,
            stage: 'maintenance',
            serviceRequestId: coc.id,
          });
          expect(await cisRecord(system, SARAH.nino)).toMatchObject({
            firstName: 'Sarah',
            lastName: 'Bennett',
          });
          coc = await desk.outcome(
            coc,
            'update-cis',
            'CIS Updated',
            `CIS response code ${sent.body.responseCode}`,
          );
          coc = await desk.move(coc, 'Closed', 'Complete', { resolutionCode: 'CofC Accepted' });
          expect(coc).toMatchObject({ status: 'Closed', resolutionCode: 'CofC Accepted' });
        },
      );

      await step('[RI-2] [SU-1] after CMG deregisters its interest no update is accepted', async () => {
        const res = await expectStatus(
          cw.ci.delete(`/clients/${sarah().id}/interests/PWC_QC_ROC_GENERAL`),
          200,
        );
        expect(res.body.status).toBe('deregistered');
        const onCis = (await cisRecord(system, SARAH.nino)).interests as { status: string }[];
        expect(onCis.map((i) => i.status)).toEqual(['deregistered']);

        // A verified date of birth reaches CoC Accept, but cannot go to CIS any more.
        let dob = await desk.raise({
          type: 'PERSONAL_DETAILS_CHANGE',
          path: 'date-of-birth',
          source: 'PWC',
          subject: { clientId: sarah().id, role: 'PWC' },
          caseIds: [okafor.caseId],
        });
        dob = await desk.move(dob, 'In Progress', null);
        dob = await desk.outcome(dob, 'record-change', 'Recorded');
        dob = await desk.outcome(dob, 'validate-change', 'Verified', 'Birth certificate seen');
        dob = await desk.move(dob, 'In Progress', 'CoC Accept');
        expect(dob.cisUpdateEnabled).toBe(true);
        const refused = await expectStatus(
          updateCis({
            clientId: sarah().id,
            updateType: 'DOB_VERIFIED',
            payload: { dateOfBirth: SARAH.dateOfBirth },
            serviceRequestId: dob.id,
          }),
          422,
        );
        expect(refused.body).toMatchObject({ code: 'NO_INTEREST_REGISTERED', requirementId: 'SU-1' });
        expect((await cisRecord(system, SARAH.nino)).dateOfBirthVerified).toBe(false);
        dob = await desk.outcome(dob, 'update-cis', 'No Interest Registered');
        dob = await desk.move(dob, 'Closed', 'Complete', { resolutionCode: 'CofC Accepted' });
        expect(outcomeOf(dob, 'update-cis')).toBe('No Interest Registered');
      });

      await step('the Reeds apply; CIS holds Tom Reed’s record as nationally sensitive', async () => {
        reed = await givenFamily(system, { stage: 'application', receivingParent: AMY, payingParent: TOM });
        await givenCisRecord(system, TOM, { nationallySensitive: true });
        await expectStatus(
          cw.ci.post(`/clients/${reed.payingParent.id}/interests`, { interestType: 'NRP_GENERAL' }),
          201,
        );
      });

      let updateId: string;
      await step(
        '[SU-6] error code 1: the caseworker without sensitive access is told "Insufficient Access" and the case becomes nationally sensitive',
        async () => {
          const res = await expectStatus(
            updateCis({
              clientId: reed.payingParent.id,
              updateType: 'DOB_VERIFIED',
              payload: { dateOfBirth: TOM.dateOfBirth },
            }),
            403,
          );
          expect(res.headers['content-type']).toMatch(/problem\+json/);
          expect(res.body).toMatchObject({ title: 'Insufficient Access', requirementId: 'SU-6' });
          updateId = res.body.updateId;
          const flagged = await waitFor(
            'the case flagged nationally sensitive in service-requests',
            async () => {
              const kase = await sct.sr.get(`/cases/${reed.caseId}`);
              return kase.status === 200 && kase.body.nationallySensitive === true ? kase.body : null;
            },
          );
          expect(flagged.id).toBe(reed.caseId);
          const hidden = await expectStatus(cw.sr.get(`/cases/${reed.caseId}`), 403);
          expect(hidden.body.title).toBe('Insufficient Access');
          await expectStatus(cw.sr.get(`/clients/${reed.payingParent.id}`), 403);
          await expectStatus(cw.ci.get(`/cis-updates/${updateId}`), 403);
          // The Okafors' case is not touched.
          await expectStatus(cw.sr.get(`/cases/${okafor.caseId}`), 200);
        },
      );

      await step(
        '[SU-6] [SU-7] the sensitive case team deals with the case and sees CIS’s response code',
        async () => {
          const shown = await expectStatus(sct.ci.get(`/cis-updates/${updateId}`), 200);
          expect(shown.body).toMatchObject({ responseCode: '1', applied: false });
          const again = await expectStatus(
            updateCis(
              {
                clientId: reed.payingParent.id,
                updateType: 'DOB_VERIFIED',
                payload: { dateOfBirth: TOM.dateOfBirth },
              },
              sct,
            ),
            201,
          );
          expect(again.body).toMatchObject({
            responseCode: '1',
            responseName: 'NATIONALLY_SENSITIVE',
            applied: false,
            requirementId: 'SU-6',
          });
          const client = await expectStatus(sct.sr.get(`/clients/${reed.payingParent.id}`), 200);
          expect(client.body.nationallySensitive).toBe(true);
        },
      );
    },
    STORY_TIMEOUT_MS,
  );
});
