import request from 'supertest';
import { DataSource } from 'typeorm';
import { eventually } from '@cms/testing';
import { givenClient, nino, SARAH, startSystem, type TestSystem } from './helpers';

const NEW_ADDRESS = { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' };

/**
 * CIS - Send Update across services: the CoC SR enables exactly the item it validated, once (SU-4),
 * and an answer that never arrived is an unknown outcome, reconciled by replaying the same
 * Idempotency-Key until CIS gives it (SU-5, SU-7; SU-6 when CIS then answers error code 1).
 */
describe('cis-interface: CIS - Send Update integrity (SU-4 items, SU-5/SU-7 unknown outcomes), with the real service-requests and CIS simulator', () => {
  let s: TestSystem;
  beforeAll(async () => {
    // A short breaker pause: the time-outs below count towards opening it.
    s = await startSystem({ ciEnv: { CIS_BREAKER_HALF_OPEN_AFTER_MS: '300' } });
  });
  afterAll(() => s?.close());
  afterEach(() => faults({}, true));

  const send = (body: Record<string, unknown>, token = s.tokens.cw) =>
    s.api().post('/cis-updates').auth(token, { type: 'bearer' }).send(body);
  const get = (id: string, token = s.tokens.cw) =>
    s.api().get(`/cis-updates/${id}`).auth(token, { type: 'bearer' });
  const register = (clientId: string, interestType = 'PWC_QC_ROC_GENERAL') =>
    s
      .api()
      .post(`/clients/${clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType })
      .expect(201);
  const cisPerson = async (ref: string) =>
    (await s.simPost('/admin/persons/lookup', { referenceKind: 'NINO', reference: ref }).expect(200)).body;
  /** What CIS itself stored for an Idempotency-Key (the simulator's own table). */
  const cisRecords = (key: string) =>
    s.sim.app
      .get(DataSource)
      .query<{ response_code: string; applied_at: Date | null }[]>(
        `SELECT response_code, applied_at FROM cis_update WHERE idempotency_key = $1`,
        [key],
      );
  async function faults(body: object, reset = false) {
    await s
      .simPost(reset ? '/admin/faults/reset' : '/admin/faults', body)
      .expect((r) => expect(r.status).toBeLessThan(300));
  }
  const srCall = () => ({
    post: (path: string, body: object) =>
      request(s.sr.url).post(path).auth(s.tokens.cw, { type: 'bearer' }).send(body),
    put: (path: string, body: object) =>
      request(s.sr.url).put(path).auth(s.tokens.cw, { type: 'bearer' }).send(body),
  });

  /** A PERSONAL_DETAILS_CHANGE SR on `path`, validated with `validated`, at CoC Accept ("Update CIS" enabled). */
  async function cocAccept(
    c: { clientId: string; caseId: string },
    path: 'name' | 'address' | 'date-of-birth' | 'date-of-death',
    opts: { validated?: string; details?: Record<string, unknown> } = {},
  ): Promise<string> {
    let res = await srCall()
      .post('/service-requests', {
        type: 'PERSONAL_DETAILS_CHANGE',
        path,
        source: 'PWC',
        subject: { clientId: c.clientId, role: 'PWC' },
        caseIds: [c.caseId],
        ...(opts.details ? { details: opts.details } : {}),
      })
      .expect(201);
    const id = res.body.id as string;
    res = await srCall()
      .post(`/service-requests/${id}/transitions`, {
        version: res.body.version,
        to: { status: 'In Progress', subStatus: null },
      })
      .expect(200);
    res = await srCall()
      .put(`/service-requests/${id}/activity-steps/record-change`, {
        version: res.body.version,
        outcome: 'Recorded',
      })
      .expect(200);
    res = await srCall()
      .put(`/service-requests/${id}/activity-steps/validate-change`, {
        version: res.body.version,
        outcome: opts.validated ?? 'Validated',
      })
      .expect(200);
    res = await srCall()
      .post(`/service-requests/${id}/transitions`, {
        version: res.body.version,
        to: { status: 'In Progress', subStatus: 'CoC Accept' },
      })
      .expect(200);
    expect(res.body.cisUpdateEnabled).toBe(true);
    return id;
  }

  describe('[SU-4] the CoC SR enables the CIS update of exactly the item it validated, once', () => {
    let n = 400;
    const maintenanceClient = async () => {
      const c = await givenClient(s, { nino: nino(++n), stage: 'maintenance' });
      await register(c.clientId);
      return c;
    };

    it('[SU-4] an SR that validated an address change does not send a name change (CIS keeps its name)', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'address');
      const res = await send({
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Mallory', lastName: 'Intruder' },
        serviceRequestId: srId,
      }).expect(422);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CIS_UPDATE_NOT_VALIDATED', requirementId: 'SU-4' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('updateType');
      expect(await cisPerson(c.nino)).toMatchObject({ firstName: SARAH.firstName, lastName: SARAH.lastName });
      expect(await s.ciQuery(`SELECT id FROM cis_update WHERE client_id = $1`, [c.clientId])).toEqual([]);
    });

    it('[SU-4] the SR’s item is sent once: a second update from the same SR is refused while the first stands', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'address');
      const body = {
        clientId: c.clientId,
        updateType: 'ADDRESS_CHANGE',
        payload: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
        serviceRequestId: srId,
      };
      const first = await send(body).expect(201);
      expect(first.body).toMatchObject({ responseCode: '0', serviceRequestId: srId });
      const again = await send({
        ...body,
        payload: { address: { ...NEW_ADDRESS, line1: '9 Other Road' }, addressStartDate: '2026-10-02' },
      }).expect(422);
      expect(again.body).toMatchObject({ code: 'CIS_UPDATE_ALREADY_SENT', requirementId: 'SU-4' });
      expect((await cisPerson(c.nino)).address).toMatchObject(NEW_ADDRESS);
      await send(body).expect(422);
      const rows = await s.ciQuery(`SELECT id FROM cis_update WHERE service_request_id = $1`, [srId]);
      expect(rows).toHaveLength(1);
    });

    it('[SU-4] two sends from the same SR at once: one reaches CIS, the other is refused', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'name');
      const body = (lastName: string) => ({
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName },
        serviceRequestId: srId,
      });
      const results = await Promise.all([send(body('Reed')), send(body('Bennett')), send(body('Reed'))]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
      const rows = await s.ciQuery(`SELECT id FROM cis_update WHERE service_request_id = $1`, [srId]);
      expect(rows).toHaveLength(1);
    });

    it('[SU-4] where the SR holds the validated values (details.change) only those values are sent', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'address', {
        details: { change: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' } },
      });
      const other = await send({
        clientId: c.clientId,
        updateType: 'ADDRESS_CHANGE',
        payload: { address: { ...NEW_ADDRESS, postcode: 'LS1 1AA' }, addressStartDate: '2026-10-01' },
        serviceRequestId: srId,
      }).expect(422);
      expect(other.body).toMatchObject({ code: 'CIS_UPDATE_NOT_VALIDATED', requirementId: 'SU-4' });
      expect(other.body.errors.map((e: { field: string }) => e.field)).toContain('payload');
      expect((await cisPerson(c.nino)).address).toMatchObject(SARAH.address);
      // The same values, written differently (postcode case and spacing), are the validated ones.
      const sent = await send({
        clientId: c.clientId,
        updateType: 'ADDRESS_CHANGE',
        payload: { address: { ...NEW_ADDRESS, postcode: 'ls63aa' }, addressStartDate: '2026-10-01' },
        serviceRequestId: srId,
      }).expect(201);
      expect(sent.body.responseCode).toBe('0');
      expect((await cisPerson(c.nino)).address).toMatchObject(NEW_ADDRESS);
    });

    it('[SU-4] a date of birth validated "Not Verified" is sent as not verified only', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'date-of-birth', { validated: 'Not Verified' });
      const verified = await send({
        clientId: c.clientId,
        updateType: 'DOB_VERIFIED',
        payload: { dateOfBirth: '1988-04-17' },
        serviceRequestId: srId,
      }).expect(422);
      expect(verified.body).toMatchObject({ code: 'CIS_UPDATE_NOT_VALIDATED', requirementId: 'SU-4' });
      expect((await cisPerson(c.nino)).dateOfBirthVerified).toBe(false);
      await send({
        clientId: c.clientId,
        updateType: 'DOB_NOT_VERIFIED',
        payload: { dateOfBirth: '1988-04-17' },
        serviceRequestId: srId,
      }).expect(201);
    });

    it('[SU-4] [SU-5] an update CIS refused with a technical error does not use up the SR’s item', async () => {
      const c = await maintenanceClient();
      const srId = await cocAccept(c, 'name');
      const body = {
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName: 'Reed' },
        serviceRequestId: srId,
      };
      await faults({ technicalErrorShare: 1 });
      const failed = await send(body).expect(503);
      expect(failed.body.code).toBe('CIS_TECHNICAL_ERROR');
      await faults({}, true);
      await new Promise((r) => setTimeout(r, 400)); // the breaker's pause
      const sent = await send(body).expect(201);
      expect(sent.body).toMatchObject({ responseCode: '0', serviceRequestId: srId });
    });
  });

  describe('[SU-5] [SU-7] an answer that did not arrive is an unknown outcome, reconciled with the same Idempotency-Key', () => {
    let n = 450;
    const client = async (cis?: Record<string, unknown>) => {
      const c = await givenClient(s, { nino: nino(++n), ...(cis ? { cis } : {}) });
      await register(c.clientId);
      return c;
    };

    it('[SU-5] [SU-7] CIS answering after the time-out: 202 unknown with the id and a Location; the job learns CIS applied it, and the caseworker sees unknown → answered', async () => {
      const c = await client();
      await faults({ delayMs: 1500 }); // CIS_TIMEOUT_MS is 1000: CIS applies it, the answer is lost
      const res = await send({
        clientId: c.clientId,
        updateType: 'ADDRESS_CHANGE',
        payload: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
      }).expect(202);
      expect(res.body).toMatchObject({ status: 'unknown', responseCode: null, applied: false });
      expect(res.body.id).toEqual(expect.any(String));
      expect(res.headers.location).toBe(`/cis-updates/${res.body.id}`);
      // CIS did apply it (the answer was lost on the way back).
      await eventually(async () => (await cisRecords(res.body.id)).length === 1, 5000);
      expect((await get(res.body.id).expect(200)).body).toMatchObject({ status: 'unknown' });
      await faults({}, true);

      const answered = await eventually(async () => {
        const v = (await get(res.body.id).expect(200)).body;
        return v.status === 'answered' ? v : null;
      }, 20_000);
      expect(answered).toMatchObject({
        status: 'answered',
        responseCode: '0',
        applied: true,
        requirementId: 'SU-7',
      });
      expect((await cisPerson(c.nino)).address).toMatchObject(NEW_ADDRESS);
      // Applied once, whatever the number of replays.
      expect(await cisRecords(res.body.id)).toEqual([
        expect.objectContaining({ response_code: '0', applied_at: expect.any(Date) }),
      ]);
      const audit = await s.ciQuery<{ action: string }>(
        `SELECT action FROM audit_log WHERE entity_type = 'cis-update' AND entity_id = $1 ORDER BY occurred_at`,
        [res.body.id],
      );
      expect(audit.map((a) => a.action)).toEqual(['requested', 'outcome-unknown', 'answered']);
    });

    it('[SU-5] [SU-7] no answer at all (connection dropped): unknown, then the replay is applied once when CIS is back', async () => {
      const c = await client();
      await faults({ noAnswerShare: 1, noAnswerHoldMs: 50 });
      const res = await send({
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName: 'Reed' },
      }).expect(202);
      expect(res.body.status).toBe('unknown');
      expect(res.headers.location).toBe(`/cis-updates/${res.body.id}`);
      expect(await cisRecords(res.body.id)).toEqual([]);
      await faults({}, true);
      await eventually(async () => (await get(res.body.id).expect(200)).body.status === 'answered', 20_000);
      expect((await get(res.body.id).expect(200)).body).toMatchObject({ responseCode: '0', applied: true });
      expect(await cisPerson(c.nino)).toMatchObject({ firstName: 'Sarah', lastName: 'Reed' });
      expect(await cisRecords(res.body.id)).toHaveLength(1);
    });

    it('[SU-6] [SU-7] an unknown outcome that CIS reveals as error code 1 flags the client as a direct answer does', async () => {
      const c = await client({ ...SARAH, nationallySensitive: true });
      await faults({ delayMs: 1500 });
      const res = await send({
        clientId: c.clientId,
        updateType: 'DOB_VERIFIED',
        payload: { dateOfBirth: '1988-04-17' },
      }).expect(202);
      expect(res.body.status).toBe('unknown');
      await faults({}, true);
      const answered = await eventually(async () => {
        const v = (await get(res.body.id, s.tokens.sct).expect(200)).body;
        return v.status === 'answered' ? v : null;
      }, 20_000);
      expect(answered).toMatchObject({
        responseCode: '1',
        responseName: 'NATIONALLY_SENSITIVE',
        applied: false,
      });
      await eventually(
        async () => (await s.srGet(`/clients/${c.clientId}`).expect(200)).body.nationallySensitive === true,
      );
      expect(
        await s.ciQuery(`SELECT requirement_id FROM cis_sensitive_client WHERE client_id = $1`, [c.clientId]),
      ).toEqual([{ requirement_id: 'SU-6' }]);
      // From now on the client is the sensitive case team's.
      const refused = await get(res.body.id).expect(403);
      expect(refused.body).toMatchObject({ title: 'Insufficient Access' });
    });

    it('[SU-5] a definite technical error from CIS stays failed (503 with the record’s id) and is not replayed', async () => {
      const c = await client();
      await faults({ technicalErrorShare: 1 });
      const res = await send({
        clientId: c.clientId,
        updateType: 'NAME_CHANGE',
        payload: { firstName: 'Sarah', lastName: 'Reed' },
      }).expect(503);
      expect(res.body.code).toBe('CIS_TECHNICAL_ERROR');
      expect(res.body.updateId).toEqual(expect.any(String));
      await faults({}, true);
      await new Promise((r) => setTimeout(r, 2000));
      expect((await get(res.body.updateId).expect(200)).body).toMatchObject({
        status: 'failed',
        responseCode: null,
      });
      expect(await cisPerson(c.nino)).toMatchObject({ lastName: SARAH.lastName });
    });
  });
});
