import request from 'supertest';
import { eventually } from '@cms/testing';
import { givenClient, nino, SARAH, startSystem, type TestSystem } from './helpers';

const NEW_ADDRESS = { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' };

describe('cis-interface: CIS - Send Update (SU-1..SU-7), with the real service-requests and CIS simulator', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem();
  });
  afterAll(() => s?.close());

  const send = (body: Record<string, unknown>, token = s.tokens.cw) =>
    s.api().post('/cis-updates').auth(token, { type: 'bearer' }).send(body);
  const register = (clientId: string, interestType = 'PWC_QC_ROC_GENERAL', token = s.tokens.cw) =>
    s
      .api()
      .post(`/clients/${clientId}/interests`)
      .auth(token, { type: 'bearer' })
      .send({ interestType })
      .expect(201);
  const cisPerson = async (ref: string) =>
    (await s.simPost('/admin/persons/lookup', { referenceKind: 'NINO', reference: ref }).expect(200)).body;
  const sr = (token = s.tokens.cw) => ({
    post: (path: string, body: object) =>
      request(s.sr.url).post(path).auth(token, { type: 'bearer' }).send(body),
    put: (path: string, body: object) =>
      request(s.sr.url).put(path).auth(token, { type: 'bearer' }).send(body),
  });

  /** A PERSONAL_DETAILS_CHANGE SR on the client's case, moved as far as `until`. */
  async function cocSr(
    clientId: string,
    caseId: string,
    until: 'open' | 'validated' | 'coc-accept',
  ): Promise<string> {
    let res = await sr()
      .post('/service-requests', {
        type: 'PERSONAL_DETAILS_CHANGE',
        path: 'address',
        source: 'PWC',
        subject: { clientId, role: 'PWC' },
        caseIds: [caseId],
      })
      .expect(201);
    const id = res.body.id as string;
    if (until === 'open') return id;
    res = await sr()
      .post(`/service-requests/${id}/transitions`, {
        version: res.body.version,
        to: { status: 'In Progress', subStatus: null },
      })
      .expect(200);
    res = await sr()
      .put(`/service-requests/${id}/activity-steps/record-change`, {
        version: res.body.version,
        outcome: 'Recorded',
      })
      .expect(200);
    res = await sr()
      .put(`/service-requests/${id}/activity-steps/validate-change`, {
        version: res.body.version,
        outcome: 'Validated',
      })
      .expect(200);
    if (until === 'validated') return id;
    res = await sr()
      .post(`/service-requests/${id}/transitions`, {
        version: res.body.version,
        to: { status: 'In Progress', subStatus: 'CoC Accept' },
      })
      .expect(200);
    expect(res.body.cisUpdateEnabled).toBe(true);
    return id;
  }

  it('[SU-1] no update until an interest is registered; then [SU-3] [SU-5] [SU-7] at application stage it applies in real time and CIS’s response code is recorded and shown', async () => {
    const c = await givenClient(s, { nino: nino(301) });
    const body = {
      clientId: c.clientId,
      updateType: 'ADDRESS_CHANGE',
      payload: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
    };
    const refused = await send(body).expect(422);
    expect(refused.body).toMatchObject({ code: 'NO_INTEREST_REGISTERED', requirementId: 'SU-1' });
    expect((await cisPerson(c.nino)).address).toMatchObject(SARAH.address);

    await register(c.clientId);
    const res = await send(body).expect(201);
    expect(res.body).toMatchObject({
      clientId: c.clientId,
      updateType: 'ADDRESS_CHANGE',
      updateLabel: 'Change of address',
      stage: 'application',
      status: 'answered',
      responseCode: '0',
      responseName: 'ACCEPTED',
      applied: true,
      requirementId: 'SU-7',
      requestedBy: 'cw-1',
    });
    expect((await cisPerson(c.nino)).address).toMatchObject(NEW_ADDRESS);
    const shown = await s
      .api()
      .get(`/cis-updates/${res.body.id}`)
      .auth(s.tokens.tl, { type: 'bearer' })
      .expect(200);
    expect(shown.body).toMatchObject({ id: res.body.id, responseCode: '0' });
    const list = await s
      .api()
      .get(`/clients/${c.clientId}/cis-updates`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(list.body.updates.map((u: any) => u.id)).toEqual([res.body.id]);
    const audit = await s.ciQuery<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_type = 'cis-update' AND entity_id = $1 ORDER BY occurred_at`,
      [res.body.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['requested', 'answered']);
  });

  describe('[SU-2] the six updatable items', () => {
    let clientId: string;
    let ref: string;
    beforeAll(async () => {
      const c = await givenClient(s, { nino: nino(302) });
      clientId = c.clientId;
      ref = c.nino;
      await register(clientId);
    });

    it.each([
      ['NAME_CHANGE', { firstName: 'Sara', lastName: 'Reed' }, { firstName: 'Sara', lastName: 'Reed' }],
      [
        'ADDRESS_CHANGE',
        { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
        { address: expect.objectContaining(NEW_ADDRESS), addressStartDate: '2026-10-01' },
      ],
      [
        'DOB_VERIFIED',
        { dateOfBirth: '1988-04-19' },
        { dateOfBirth: '1988-04-19', dateOfBirthVerified: true },
      ],
      [
        'DOB_NOT_VERIFIED',
        { dateOfBirth: '1988-04-20' },
        { dateOfBirth: '1988-04-20', dateOfBirthVerified: false },
      ],
      [
        'DOD_NOT_VERIFIED',
        { dateOfDeath: '2026-11-01' },
        { dateOfDeath: '2026-11-01', dateOfDeathVerified: false },
      ],
      [
        'DOD_VERIFIED',
        { dateOfDeath: '2026-11-02' },
        { dateOfDeath: '2026-11-02', dateOfDeathVerified: true },
      ],
    ])('[SU-2] %s is sent and applied', async (updateType, payload, expected) => {
      const res = await send({ clientId, updateType, payload }).expect(201);
      expect(res.body).toMatchObject({ updateType, responseCode: '0', applied: true });
      expect(await cisPerson(ref)).toMatchObject(expected);
    });

    it.each([
      ['an unknown update type', { updateType: 'SEX_CHANGE', payload: { sex: 'M' } }, 'updateType'],
      ['a missing name', { updateType: 'NAME_CHANGE', payload: { firstName: 'Sara' } }, 'payload.lastName'],
      [
        'a bad postcode',
        {
          updateType: 'ADDRESS_CHANGE',
          payload: { address: { ...NEW_ADDRESS, postcode: 'XX' }, addressStartDate: '2026-10-01' },
        },
        'payload.address.postcode',
      ],
      [
        'a date of birth in the future',
        { updateType: 'DOB_VERIFIED', payload: { dateOfBirth: '2999-01-01' } },
        'payload.dateOfBirth',
      ],
      [
        'an item of another type',
        { updateType: 'DOD_VERIFIED', payload: { dateOfDeath: '2026-11-01', dateOfBirth: '1980-01-01' } },
        'payload.dateOfBirth',
      ],
    ])('[SU-2] refuses %s with 400 naming the field; nothing is sent', async (_t, body, field) => {
      const res = await send({ clientId, ...body }).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    });
  });

  describe('[SU-4] during maintenance', () => {
    let clientId: string;
    let caseId: string;
    const body = () => ({
      clientId,
      updateType: 'NAME_CHANGE',
      payload: { firstName: 'Sarah', lastName: 'Reed' },
    });
    beforeAll(async () => {
      const c = await givenClient(s, { nino: nino(303), stage: 'maintenance' });
      clientId = c.clientId;
      caseId = c.caseId;
      await register(clientId);
    });

    it('[SU-4] is refused without the CoC SR', async () => {
      const res = await send(body()).expect(422);
      expect(res.body).toMatchObject({ code: 'CIS_UPDATE_NOT_ENABLED', requirementId: 'SU-4' });
    });

    it.each(['open', 'validated'] as const)(
      '[SU-4] is refused while the CoC SR is %s (not CoC Accept with validations complete)',
      async (until) => {
        const srId = await cocSr(clientId, caseId, until);
        const res = await send({ ...body(), serviceRequestId: srId }).expect(422);
        expect(res.body).toMatchObject({ code: 'CIS_UPDATE_NOT_ENABLED', requirementId: 'SU-4' });
      },
    );

    it('[SU-4] is sent from the CoC SR once its Sub Status is CoC Accept (cisUpdateEnabled)', async () => {
      // The SR validated a change of address: that is the update it enables (see cis-updates-integrity).
      const srId = await cocSr(clientId, caseId, 'coc-accept');
      const res = await send({
        clientId,
        updateType: 'ADDRESS_CHANGE',
        payload: { address: NEW_ADDRESS, addressStartDate: '2026-10-01' },
        serviceRequestId: srId,
      }).expect(201);
      expect(res.body).toMatchObject({ responseCode: '0', serviceRequestId: srId, stage: 'maintenance' });
    });

    it('[SU-4] an SR about another client does not enable it', async () => {
      const other = await givenClient(s, { nino: nino(304), stage: 'maintenance' });
      const srId = await cocSr(other.clientId, other.caseId, 'coc-accept');
      const res = await send({ ...body(), serviceRequestId: srId }).expect(422);
      expect(res.body.requirementId).toBe('SU-4');
    });
  });

  describe('[SU-6] error code 1 (nationally sensitive)', () => {
    let clientId: string;
    beforeAll(async () => {
      const c = await givenClient(s, {
        nino: nino(305),
        role: 'NRP',
        cis: { ...SARAH, nationallySensitive: true },
      });
      clientId = c.clientId;
      await register(clientId, 'NRP_GENERAL');
    });

    it('[SU-6] sets the nationally sensitive flag on the client’s cases and answers a caseworker without sensitive access "Insufficient Access"', async () => {
      const res = await send({
        clientId,
        updateType: 'DOB_VERIFIED',
        payload: { dateOfBirth: '1988-04-17' },
      }).expect(403);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toMatchObject({ title: 'Insufficient Access', requirementId: 'SU-6' });
      expect(res.body.responseCode).toBeUndefined();
      await eventually(
        async () => (await s.srGet(`/clients/${clientId}`).expect(200)).body.nationallySensitive === true,
      );
      const stored = await s.ciQuery<{ response_code: string }>(
        `SELECT response_code FROM cis_update WHERE id = $1`,
        [res.body.updateId],
      );
      expect(stored).toEqual([{ response_code: '1' }]);
      // From now on the client is the sensitive case team's.
      await s.api().get(`/clients/${clientId}/cis-updates`).auth(s.tokens.cw, { type: 'bearer' }).expect(403);
      await s
        .api()
        .get(`/cis-updates/${res.body.updateId}`)
        .auth(s.tokens.cw, { type: 'bearer' })
        .expect(403);
    });

    it('[SU-6] [SU-7] a caseworker with sensitive access sees the response code', async () => {
      const res = await send(
        { clientId, updateType: 'DOB_VERIFIED', payload: { dateOfBirth: '1988-04-17' } },
        s.tokens.sct,
      ).expect(201);
      expect(res.body).toMatchObject({
        responseCode: '1',
        responseName: 'NATIONALLY_SENSITIVE',
        applied: false,
        requirementId: 'SU-6',
      });
    });
  });

  it('[SU-5] a CIS technical error is retried, then recorded as failed and answered 503; [RI-2] after deregistration no update is accepted', async () => {
    const c = await givenClient(s, { nino: nino(306) });
    await register(c.clientId);
    const body = {
      clientId: c.clientId,
      updateType: 'NAME_CHANGE',
      payload: { firstName: 'Sarah', lastName: 'Reed' },
    };
    await s
      .simPost('/admin/faults', { technicalErrorShare: 1 })
      .expect((r) => expect(r.status).toBeLessThan(300));
    try {
      const res = await send(body).expect(503);
      expect(res.body.code).toBe('CIS_TECHNICAL_ERROR');
    } finally {
      await s.simPost('/admin/faults/reset').expect((r) => expect(r.status).toBeLessThan(300));
    }
    const list = await s
      .api()
      .get(`/clients/${c.clientId}/cis-updates`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(list.body.updates[0]).toMatchObject({ status: 'failed', responseCode: null });
    expect(list.body.updates[0].failureReason).toMatch(/3 attempts/);

    await s
      .api()
      .delete(`/clients/${c.clientId}/interests/PWC_QC_ROC_GENERAL`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    const refused = await send(body).expect(422);
    expect(refused.body.requirementId).toBe('SU-1');
  });

  it('[X-1] roles: only caseworkers (and the sensitive case team) send updates', async () => {
    const c = await givenClient(s, { nino: nino(307) });
    const body = {
      clientId: c.clientId,
      updateType: 'NAME_CHANGE',
      payload: { firstName: 'Sarah', lastName: 'Reed' },
    };
    await send(body, s.tokens.tl).expect(403);
    await send(body, s.tokens.sys).expect(403);
  });
});
