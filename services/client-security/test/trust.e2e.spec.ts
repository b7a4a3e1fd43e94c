import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { tokenFor } from '@cms/testing';
import {
  type KnownClient,
  serviceRequestsRecords,
  type ServiceRequestsRecords,
  startClientSecurity,
  type TestClientSecurity,
} from './helpers';

/**
 * Issue #12: client-security makes no change on the strength of someone else's say-so. Whether a
 * client exists, whether their only case is CSA Arrears Only, whom a representative acts for and
 * which SR a change is made under are asked of the real service-requests, never taken from the
 * caller.
 */
describe('client-security asks service-requests, never the caller (issue #12)', () => {
  let cs: TestClientSecurity;
  let records: ServiceRequestsRecords;
  let cw: string;
  let portal: string;
  let tl: string;
  const PIN = '2468135';
  const PASSWORD = 'Quiet Harbour 9';

  const api = () => request(cs.url);
  const post = (token: string, path: string, body: object) =>
    api().post(path).auth(token, { type: 'bearer' }).send(body);
  const status = async (path: string) =>
    (await api().get(path).auth(tl, { type: 'bearer' }).expect(200)).body;
  const history = async (path: string) =>
    (await api().get(`${path}/history`).auth(tl, { type: 'bearer' }).expect(200)).body.versions as Array<{
      version: number;
      serviceRequestId: string | null;
    }>;
  const setUpClient = (id: string, extra: object = {}) =>
    post(cw, `/clients/${id}/security-details`, { pin: PIN, password: PASSWORD, ...extra });
  const setUpRep = (id: string, actingForClientId: string) =>
    post(cw, `/representatives/${id}/security-details`, { actingForClientId, pin: PIN, password: PASSWORD });

  beforeAll(async () => {
    cs = await startClientSecurity({ WORKERS_ENABLED: 'false' });
    records = serviceRequestsRecords(cs.serviceRequestsUrl);
    [cw, portal, tl] = await Promise.all([
      tokenFor(['caseworker'], 'cw-1'),
      tokenFor(['system'], 'self-service-portal'),
      tokenFor(['team-leader'], 'tl-1'),
    ]);
  });
  afterAll(async () => {
    await cs?.close();
  });

  describe('[SD-18] set-up only for a client or representative service-requests knows', () => {
    it('[SD-18] refuses a client id service-requests does not know (404), storing nothing', async () => {
      const id = randomUUID();
      const res = await setUpClient(id);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ code: 'CLIENT_NOT_FOUND' });
      expect(await status(`/clients/${id}/security-details`)).toMatchObject({ setUp: false });
    });

    it('[SD-18] refuses a representative id service-requests does not know, and a client id used as one', async () => {
      const client = await records.client();
      await setUpClient(client.clientId).expect(201);
      const other = await records.client();
      for (const id of [randomUUID(), other.clientId]) {
        const res = await setUpRep(id, client.clientId);
        expect({ id, status: res.status }).toEqual({ id, status: 422 });
        expect(res.body.requirementId).toBe('SD-18');
        expect(await status(`/representatives/${id}/security-details`)).toMatchObject({ setUp: false });
      }
      const asClient = await setUpRep(other.clientId, client.clientId);
      expect(asClient.body.code).toBe('SECURITY_SUBJECT_TYPE_MISMATCH');
    });

    it('[SD-18] refuses a representative of client A set up as acting for client B, and one acting for an unknown client', async () => {
      const a = await records.client();
      const b = await records.client();
      const repOfA = await records.representative(a);
      const wrong = await setUpRep(repOfA, b.clientId);
      expect(wrong.status).toBe(422);
      expect(wrong.body).toMatchObject({
        code: 'REPRESENTATIVE_NOT_ACTING_FOR_CLIENT',
        requirementId: 'SD-18',
      });
      const unknownClient = await setUpRep(repOfA, randomUUID());
      expect(unknownClient.status).toBe(404);
      expect(unknownClient.body.code).toBe('CLIENT_NOT_FOUND');
      expect(await status(`/representatives/${repOfA}/security-details`)).toMatchObject({ setUp: false });

      const right = await setUpRep(repOfA, a.clientId);
      expect(right.status).toBe(201);
      expect(right.body).toMatchObject({ subjectType: 'representative', actingForClientId: a.clientId });
    });
  });

  describe('[SD-21] TAM account from the client’s cases in service-requests, not from the caller', () => {
    it('[SD-21] a client whose only case is CSA Arrears Only gets no TAM account, whatever the caller leaves out', async () => {
      const arrears = await records.client({ csaArrearsOnly: true });
      const res = await setUpClient(arrears.clientId);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ csaArrearsOnly: true, tamAccount: { exists: false } });
      const unblock = await post(cw, `/clients/${arrears.clientId}/tam-account/unblock`, {
        verifiedBy: 'PIN/password',
      });
      expect(unblock.status).toBe(422);
      expect(unblock.body).toMatchObject({ code: 'NO_TAM_ACCOUNT', requirementId: 'SD-21' });
    });

    it('[SD-21] the caller can no longer say so: csaArrearsOnly in the body is refused as an unknown field', async () => {
      const ordinary = await records.client();
      const res = await setUpClient(ordinary.clientId, { csaArrearsOnly: true });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'csaArrearsOnly', rule: 'unknown-field' }),
      ]);
      const ok = await setUpClient(ordinary.clientId);
      expect(ok.body).toMatchObject({ csaArrearsOnly: false, tamAccount: { exists: true } });
    });

    it('[SD-21] a client on no case yet gets a TAM account (nothing says CSA Arrears Only)', async () => {
      const caseless = await records.clientOnNoCase();
      expect((await setUpClient(caseless).expect(201)).body.tamAccount.exists).toBe(true);
    });
  });

  describe('[SD-4] every change is made inside an open Change Contact/Security Info SR of that subject', () => {
    let client: KnownClient;
    let other: KnownClient;
    let sr: string;
    beforeAll(async () => {
      client = await records.client();
      other = await records.client();
      await setUpClient(client.clientId).expect(201);
      await setUpClient(other.clientId).expect(201);
      sr = await records.securitySr(client);
    });
    const change = (token: string, body: object) =>
      post(token, `/clients/${client.clientId}/security-details/change`, { pin: '1357913', ...body });

    it.each([
      ['a caseworker', () => cw],
      ['the self-service portal', () => portal],
    ])('[SD-4] [SD-5] %s cannot change the PIN outside an SR', async (_who, token) => {
      const res = await change(token(), {});
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: 'SERVICE_REQUEST_REQUIRED', requirementId: 'SD-4' });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'serviceRequestId', requirementId: 'SD-4' }),
      ]);
      expect((await status(`/clients/${client.clientId}/security-details`)).currentVersion).toBe(1);
    });

    it('[SD-4] refuses an SR service-requests does not know (404), and links nothing', async () => {
      const res = await change(cw, { serviceRequestId: randomUUID() });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('SERVICE_REQUEST_NOT_FOUND');
      expect(await history(`/clients/${client.clientId}/security-details`)).toHaveLength(1);
    });

    it('[SD-4] [SD-6] refuses another client’s SR, an SR of another type, and a cancelled SR', async () => {
      const othersSr = await records.securitySr(other);
      const transferSr = await records.otherSr(client);
      const cancelled = await records.securitySr(client);
      await records.cancel(cancelled);
      for (const [what, serviceRequestId] of [
        ['another client’s SR', othersSr],
        ['a transfer SR', transferSr],
        ['a cancelled SR', cancelled],
      ]) {
        const res = await change(cw, { serviceRequestId });
        expect({ what, status: res.status }).toEqual({ what, status: 422 });
        expect(res.body).toMatchObject({ code: 'SERVICE_REQUEST_NOT_APPLICABLE', requirementId: 'SD-4' });
      }
      expect((await status(`/clients/${client.clientId}/security-details`)).currentVersion).toBe(1);
      expect((await status(`/clients/${other.clientId}/security-details`)).currentVersion).toBe(1);
    });

    it('[SD-4] [SD-20] [X-2] a change under the client’s open SR is made, and the history and audit link that SR', async () => {
      const res = await change(cw, { serviceRequestId: sr });
      expect(res.status).toBe(200);
      expect(res.body.currentVersion).toBe(2);
      expect((await history(`/clients/${client.clientId}/security-details`))[0]).toMatchObject({
        version: 2,
        serviceRequestId: sr,
      });
      const audit = (
        await api().get(`/audit/client/${client.clientId}`).auth(tl, { type: 'bearer' }).expect(200)
      ).body as Array<{ action: string; after: Record<string, unknown> }>;
      expect(audit.find((a) => a.action === 'security-details-changed')?.after).toMatchObject({
        serviceRequestId: sr,
      });
    });

    it('[SD-4] [SD-5] the portal changes only under the Self Service SR raised for the client', async () => {
      const selfService = await records.securitySr(client, `${client.role} (Self Service)`);
      const res = await change(portal, { password: 'Harbour Quiet 9', serviceRequestId: selfService });
      expect(res.status).toBe(200);
      expect(res.body.currentVersion).toBe(3);
    });

    it('[SD-4] [SD-11] an unblock that names an SR is refused when the SR is not the client’s', async () => {
      const othersSr = await records.securitySr(other);
      const res = await post(cw, `/clients/${client.clientId}/tam-account/unblock`, {
        verifiedBy: 'PIN/password',
        serviceRequestId: othersSr,
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('SERVICE_REQUEST_NOT_APPLICABLE');
    });
  });

  describe('[SD-18] [SD-4] a representative’s own change', () => {
    it('[SD-18] [SD-4] is made under an open SR of the client they act for, never outside one or under another client’s', async () => {
      const client = await records.client();
      const other = await records.client();
      const rep = await records.representative(client);
      await setUpClient(client.clientId).expect(201);
      await setUpClient(other.clientId).expect(201); // before any SR of theirs (SD-22)
      await setUpRep(rep, client.clientId).expect(201);
      const path = `/representatives/${rep}/security-details/change`;
      const none = await post(cw, path, { pin: '1357913' });
      expect(none.status).toBe(422);
      expect(none.body.code).toBe('SERVICE_REQUEST_REQUIRED');
      const othersSr = await records.securitySr(other);
      const wrong = await post(cw, path, { pin: '1357913', serviceRequestId: othersSr });
      expect(wrong.status).toBe(422);
      expect(wrong.body.code).toBe('SERVICE_REQUEST_NOT_APPLICABLE');
      const sr = await records.securitySr(client);
      const ok = await post(cw, path, { pin: '1357913', serviceRequestId: sr });
      expect(ok.status).toBe(200);
      expect(ok.body.currentVersion).toBe(2);
    });
  });
});
