import { givenClient, nino, startSystem, type TestSystem } from './helpers';

describe('cis-interface: interests on CIS records (RI-1, RI-2), with the real service-requests and CIS simulator', () => {
  let s: TestSystem;
  beforeAll(async () => {
    s = await startSystem();
  });
  afterAll(() => s?.close());

  const cisInterests = async (reference: string) =>
    (await s.simPost('/cis/interests/list', { referenceKind: 'NINO', reference }).expect(200)).body
      .interests as {
      interestType: string;
      status: string;
    }[];

  it('[RI-1] registers a paying parent general interest on the CIS record, stores it and audits it', async () => {
    const c = await givenClient(s, { nino: nino(101), role: 'NRP' });
    const res = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(201);
    expect(res.body).toMatchObject({
      clientId: c.clientId,
      interestType: 'NRP_GENERAL',
      label: 'Paying parent general interest',
      clientRole: 'NRP',
      status: 'registered',
      registeredBy: 'cw-1',
      // Shown whole to a caseworker (masked only to roles that see NINOs masked, e.g. a team leader).
      reference: c.nino,
    });
    expect(await cisInterests(c.nino)).toEqual([
      expect.objectContaining({ interestType: 'NRP_GENERAL', status: 'registered' }),
    ]);
    const list = await s
      .api()
      .get(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(list.body.interests).toHaveLength(1);
    const audit = await s.ciQuery(
      `SELECT actor_id, action, after FROM audit_log WHERE entity_type = 'interest' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toEqual([
      expect.objectContaining({
        actor_id: 'cw-1',
        action: 'registered',
        after: expect.objectContaining({ interestType: 'NRP_GENERAL' }),
      }),
    ]);
  });

  it('[RI-1] the interest type must suit the client’s role: a receiving parent cannot have a paying parent MC interest', async () => {
    const c = await givenClient(s, { nino: nino(102), role: 'PWC' });
    const res = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_MC' })
      .expect(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'INTEREST_TYPE_NOT_FOR_ROLE', requirementId: 'RI-1' });
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'PWC_QC_ROC_GENERAL' })
      .expect(201);
    // Registered already: nothing changes, and the answer says so (as CIS's does, RI-1).
    const again = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'PWC_QC_ROC_GENERAL' })
      .expect(200);
    expect(again.body).toMatchObject({ status: 'registered', alreadyRegistered: true });
  });

  it('[RI-1] registering an interest already registered answers 200 alreadyRegistered, as CIS does; audited once', async () => {
    const c = await givenClient(s, { nino: nino(107), role: 'NRP' });
    const first = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(201);
    expect(first.body.alreadyRegistered).toBe(false);
    // A retrying caller (or a second caseworker) sees the outcome that holds, not an error.
    const again = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(200);
    expect(again.body).toMatchObject({
      id: first.body.id,
      status: 'registered',
      interestType: 'NRP_GENERAL',
      alreadyRegistered: true,
    });
    const list = await s
      .api()
      .get(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(list.body.interests).toHaveLength(1);
    const audit = await s.ciQuery(
      `SELECT action FROM audit_log WHERE entity_type = 'interest' AND entity_id = $1`,
      [first.body.id],
    );
    expect(audit).toEqual([{ action: 'registered' }]);
    expect(await cisInterests(c.nino)).toEqual([
      expect.objectContaining({ interestType: 'NRP_GENERAL', status: 'registered' }),
    ]);
  });

  it('[RI-1] an interest CIS already holds (registered by an earlier call that did not finish here) is recorded once, audited once', async () => {
    const c = await givenClient(s, { nino: nino(108), role: 'NRP', cisInterests: ['NRP_GENERAL'] });
    const res = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'registered', alreadyRegistered: false });
    const audit = await s.ciQuery(
      `SELECT action FROM audit_log WHERE entity_type = 'interest' AND entity_id = $1`,
      [res.body.id],
    );
    expect(audit).toEqual([{ action: 'registered' }]);
  });

  it('[RI-2] deregistering an interest already deregistered answers 200 alreadyDeregistered, as CIS does; audited once; one never registered is 404', async () => {
    const c = await givenClient(s, { nino: nino(109), role: 'NRP' });
    const reg = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(201);
    const first = await s
      .api()
      .delete(`/clients/${c.clientId}/interests/NRP_GENERAL`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(first.body).toMatchObject({ status: 'deregistered', alreadyDeregistered: false });
    const again = await s
      .api()
      .delete(`/clients/${c.clientId}/interests/NRP_GENERAL`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(again.body).toMatchObject({
      id: reg.body.id,
      status: 'deregistered',
      deregisteredAt: first.body.deregisteredAt,
      alreadyDeregistered: true,
    });
    const audit = await s.ciQuery(
      `SELECT action FROM audit_log WHERE entity_type = 'interest' AND entity_id = $1 ORDER BY occurred_at`,
      [reg.body.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['registered', 'deregistered']);
    const never = await s
      .api()
      .delete(`/clients/${c.clientId}/interests/NRP_MC`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(404);
    expect(never.body).toMatchObject({ code: 'INTEREST_NOT_REGISTERED', requirementId: 'RI-2' });
  });

  it('[RI-1] an unknown interest type is a 400 problem; a person CIS does not hold is CIS’s 404', async () => {
    const c = await givenClient(s, { nino: nino(103), role: 'NRP', cis: false });
    const bad = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'EVERYTHING' })
      .expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'interestType' });
    const missing = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(404);
    expect(missing.body.code).toBe('CIS_REFERENCE_NOT_FOUND');
  });

  it('[RI-2] deregisters: CIS marks it deregistered, the history stays, and the same type can be registered again', async () => {
    const c = await givenClient(s, { nino: nino(104), role: 'NRP' });
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_MC' })
      .expect(201);
    const res = await s
      .api()
      .delete(`/clients/${c.clientId}/interests/NRP_MC`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'deregistered', deregisteredBy: 'cw-1' });
    expect(await cisInterests(c.nino)).toEqual([
      expect.objectContaining({ interestType: 'NRP_MC', status: 'deregistered' }),
    ]);
    // Deregistered already: nothing changes, and the answer says so (as CIS's does, RI-2).
    const again = await s
      .api()
      .delete(`/clients/${c.clientId}/interests/NRP_MC`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(again.body).toMatchObject({ status: 'deregistered', alreadyDeregistered: true });
    const list = await s
      .api()
      .get(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .expect(200);
    expect(list.body.interests).toEqual([expect.objectContaining({ status: 'deregistered' })]);
  });

  it('[X-1] a nationally sensitive client: caseworkers without sensitive access get 403 Insufficient Access', async () => {
    const c = await givenClient(s, { nino: nino(105), role: 'NRP', nationallySensitiveCase: true });
    const res = await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.cw, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(403);
    expect(res.body).toMatchObject({ title: 'Insufficient Access', code: 'INSUFFICIENT_ACCESS' });
    await s.api().get(`/clients/${c.clientId}/interests`).auth(s.tokens.cw, { type: 'bearer' }).expect(403);
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.sct, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(201);
  });

  it('[X-1] roles: a team leader may list but not register; no token is 401', async () => {
    const c = await givenClient(s, { nino: nino(106), role: 'NRP' });
    await s
      .api()
      .post(`/clients/${c.clientId}/interests`)
      .auth(s.tokens.tl, { type: 'bearer' })
      .send({ interestType: 'NRP_GENERAL' })
      .expect(403);
    await s.api().get(`/clients/${c.clientId}/interests`).auth(s.tokens.tl, { type: 'bearer' }).expect(200);
    await s.api().get(`/clients/${c.clientId}/interests`).expect(401);
  });
});
