import request from 'supertest';
import { tokenFor } from '@cms/testing';
import { startCisSimulator, TestCisSimulator } from './helpers';

const sarah = {
  referenceKind: 'NINO',
  reference: 'jk 12 34 56 c',
  firstName: 'Sarah',
  lastName: 'Okafor',
  dateOfBirth: '1988-04-17',
  dateOfBirthVerified: true,
  sex: 'F',
  address: { line1: '12 Acacia Avenue', line2: 'Flat 2', town: 'Leeds', postcode: 'ls6 3aa' },
  addressStartDate: '2021-06-01',
  homePhone: '01632 960001',
  businessPhone: '01632 960002',
  mobilePhone: '07700 900123',
  homeEmail: 'sarah.okafor@Example.COM',
};
const SARAH = { referenceKind: 'NINO', reference: 'JK123456C' };

describe('cis-simulator: the CIS web service (interests, retrieval, updates) over HTTP on real PostgreSQL', () => {
  let s: TestCisSimulator;

  beforeAll(async () => {
    s = await startCisSimulator();
    await s.post('/admin/persons', sarah).expect(201);
  });
  afterAll(() => s.close());
  afterEach(() => s.post('/admin/faults/reset').expect(200));

  const newPerson = async (reference: string, extra: object = {}) =>
    (
      await s
        .post('/admin/persons', {
          referenceKind: 'NINO',
          reference,
          firstName: 'Tom',
          lastName: 'Reed',
          ...extra,
        })
        .expect(201)
    ).body;
  const update = (reference: string, body: object, key?: string) => {
    const req = s.post('/cis/updates', { referenceKind: 'NINO', reference, update: body });
    return key ? req.set('Idempotency-Key', key) : req;
  };
  const retrieve = (reference: string, extra: object = {}) =>
    s.post('/cis/personal-data/retrieve', { referenceKind: 'NINO', reference, ...extra });

  describe('access', () => {
    it('401 problem+json without a token', async () => {
      const res = await request(s.url).post('/cis/personal-data/retrieve').send(SARAH);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    });

    it('403 for a caller without role system, on CIS and admin endpoints alike', async () => {
      const cw = await tokenFor(['caseworker', 'sensitive-access'], 'cw-1');
      for (const path of [
        '/cis/personal-data/retrieve',
        '/cis/updates',
        '/cis/interests',
        '/admin/persons',
      ]) {
        const res = await request(s.url).post(path).auth(cw, { type: 'bearer' }).send(SARAH);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('ROLE_REQUIRED');
      }
    });

    it('400 naming the field for a malformed NINO', async () => {
      const res = await retrieve('QQ123456E');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'reference', rule: 'nino-format' })]);
    });
  });

  describe('retrieve personal data (RD)', () => {
    it('[RD-3] returns everything CIS holds, normalised, with the verification statuses (CMS applies the filtering)', async () => {
      const res = await retrieve('JK123456C').expect(200);
      expect(res.body).toEqual({
        outcome: 'found',
        person: {
          referenceKind: 'NINO',
          reference: 'JK123456C',
          firstName: 'Sarah',
          lastName: 'Okafor',
          dateOfBirth: '1988-04-17',
          dateOfBirthVerified: true,
          dateOfDeath: null,
          dateOfDeathVerified: false,
          sex: 'F',
          address: {
            line1: '12 Acacia Avenue',
            line2: 'Flat 2',
            line3: null,
            town: 'Leeds',
            postcode: 'LS6 3AA',
          },
          addressStartDate: '2021-06-01',
          homePhone: '+441632960001',
          businessPhone: '+441632960002',
          mobilePhone: '+447700900123',
          homeEmail: 'sarah.okafor@example.com',
        },
        rejection: null,
        message: null,
        supersededByNino: null,
        requirementId: null,
      });
    });

    it('[RD-3] returns a verified date of death and an unverified date of birth as such', async () => {
      await newPerson('AB123456C', {
        dateOfBirth: '1950-02-01',
        dateOfBirthVerified: false,
        dateOfDeath: '2026-01-05',
        dateOfDeathVerified: true,
      });
      const res = await retrieve('AB123456C').expect(200);
      expect(res.body.person).toMatchObject({
        dateOfBirth: '1950-02-01',
        dateOfBirthVerified: false,
        dateOfDeath: '2026-01-05',
        dateOfDeathVerified: true,
      });
    });

    it('[RD-5] rejects an unknown NINO with "NINO not found"', async () => {
      const res = await retrieve('CE123456A').expect(200);
      expect(res.body).toEqual({
        outcome: 'rejected',
        person: null,
        rejection: 'NINO_NOT_FOUND',
        message: 'NINO not found',
        supersededByNino: null,
        requirementId: 'RD-5',
      });
    });

    it('[RD-5] rejects a deleted NINO with "NINO deleted"', async () => {
      await newPerson('HJ123456A');
      await s
        .post('/admin/persons/flags', { referenceKind: 'NINO', reference: 'HJ123456A', deleted: true })
        .expect(200);
      const res = await retrieve('HJ123456A').expect(200);
      expect(res.body).toMatchObject({
        outcome: 'rejected',
        rejection: 'NINO_DELETED',
        message: 'NINO deleted',
      });
    });

    it('[RD-5] rejects a superseded NINO with "NINO superseded" and the NINO that replaced it', async () => {
      await newPerson('KL123456B', { dateOfBirth: '1979-12-01' });
      const sup = await s
        .post('/admin/persons/supersede', {
          referenceKind: 'NINO',
          reference: 'KL123456B',
          newNino: 'kl 65 43 21 d',
        })
        .expect(200);
      expect(sup.body.supersededByNino).toBe('KL654321D');
      const res = await retrieve('KL123456B').expect(200);
      expect(res.body).toMatchObject({
        outcome: 'rejected',
        rejection: 'NINO_SUPERSEDED',
        message: 'NINO superseded',
        supersededByNino: 'KL654321D',
        requirementId: 'RD-5',
      });
      const successor = await retrieve('KL654321D').expect(200);
      expect(successor.body.person).toMatchObject({
        reference: 'KL654321D',
        firstName: 'Tom',
        dateOfBirth: '1979-12-01',
      });
    });

    it('[RD-4] answers "Insufficient access level" for a nationally sensitive record at standard access', async () => {
      await newPerson('MN123456C', { nationallySensitive: true });
      const res = await retrieve('MN123456C').expect(200);
      expect(res.body).toMatchObject({
        outcome: 'rejected',
        person: null,
        rejection: 'INSUFFICIENT_ACCESS_LEVEL',
        message: 'Insufficient access level',
        requirementId: 'RD-4',
      });
      const sensitive = await retrieve('MN123456C', { accessLevel: 'sensitive' }).expect(200);
      expect(sensitive.body).toMatchObject({ outcome: 'found', person: { reference: 'MN123456C' } });
    });

    it('[RD-5] a technical error is HTTP 503 problem+json TECHNICAL_ERROR, so callers retry', async () => {
      await s.post('/admin/faults', { technicalErrorShare: 1 }).expect(200);
      const res = await retrieve('JK123456C');
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({
        code: 'TECHNICAL_ERROR',
        detail: 'Technical error',
        rejection: 'TECHNICAL_ERROR',
        requirementId: 'RD-5',
      });
      expect((await s.get('/admin/faults').expect(200)).body.counts.technicalErrors).toBe(1);
    });
  });

  describe('interests (RI)', () => {
    it('[RI-1] registers each interest type on a record; registering again changes nothing', async () => {
      await newPerson('PR123456A');
      const ref = { referenceKind: 'NINO', reference: 'PR123456A' };
      for (const interestType of ['PWC_QC_ROC_GENERAL', 'NRP_GENERAL', 'NRP_MC']) {
        const res = await s.post('/cis/interests', { ...ref, interestType }).expect(201);
        expect(res.body).toMatchObject({
          alreadyRegistered: false,
          interest: { reference: 'PR123456A', interestType, status: 'registered', deregisteredAt: null },
        });
      }
      const again = await s.post('/cis/interests', { ...ref, interestType: 'NRP_MC' }).expect(200);
      expect(again.body.alreadyRegistered).toBe(true);
      const list = await s.post('/cis/interests/list', ref).expect(200);
      expect(list.body.interests.map((i: { interestType: string }) => i.interestType).sort()).toEqual([
        'NRP_GENERAL',
        'NRP_MC',
        'PWC_QC_ROC_GENERAL',
      ]);
      expect(list.body.interests[0].label).toEqual(expect.stringContaining('interest'));
    });

    it('[RI-1] refuses an interest on a record CIS does not hold, or holds deleted or superseded', async () => {
      const unknown = await s.post('/cis/interests', {
        referenceKind: 'NINO',
        reference: 'CE123456A',
        interestType: 'NRP_GENERAL',
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('CIS_REFERENCE_NOT_FOUND');
      const deleted = await s.post('/cis/interests', {
        referenceKind: 'NINO',
        reference: 'HJ123456A',
        interestType: 'NRP_GENERAL',
      });
      expect(deleted.status).toBe(422);
      expect(deleted.body.code).toBe('CIS_REFERENCE_DELETED');
      const superseded = await s.post('/cis/interests', {
        referenceKind: 'NINO',
        reference: 'KL123456B',
        interestType: 'NRP_GENERAL',
      });
      expect(superseded.status).toBe(422);
      expect(superseded.body).toMatchObject({
        code: 'CIS_REFERENCE_SUPERSEDED',
        supersededByNino: 'KL654321D',
      });
    });

    it('[RI-2] deregisters an interest; after that no update is accepted (code 2)', async () => {
      await newPerson('RS123456B');
      const ref = { referenceKind: 'NINO', reference: 'RS123456B' };
      await s.post('/cis/interests', { ...ref, interestType: 'NRP_GENERAL' }).expect(201);
      expect(
        (await update('RS123456B', { type: 'DOB_VERIFIED', dateOfBirth: '1980-01-01' })).body.responseCode,
      ).toBe('0');
      const dereg = await s
        .post('/cis/interests/deregister', { ...ref, interestType: 'NRP_GENERAL' })
        .expect(200);
      expect(dereg.body).toMatchObject({ alreadyDeregistered: false, interest: { status: 'deregistered' } });
      expect(dereg.body.interest.deregisteredAt).toEqual(expect.any(String));
      const refused = await update('RS123456B', { type: 'DOB_VERIFIED', dateOfBirth: '1981-01-01' }).expect(
        200,
      );
      expect(refused.body).toMatchObject({ responseCode: '2', applied: false, requirementId: 'SU-1' });
      const again = await s
        .post('/cis/interests/deregister', { ...ref, interestType: 'NRP_GENERAL' })
        .expect(200);
      expect(again.body.alreadyDeregistered).toBe(true);
      const never = await s.post('/cis/interests/deregister', { ...ref, interestType: 'NRP_MC' });
      expect(never.status).toBe(404);
      expect(never.body).toMatchObject({ code: 'INTEREST_NOT_REGISTERED', requirementId: 'RI-2' });
      const list = await s.post('/cis/interests/list', ref).expect(200);
      expect(list.body.interests).toEqual([expect.objectContaining({ status: 'deregistered' })]);
    });
  });

  describe('updates (SU)', () => {
    beforeAll(async () => {
      await s.post('/cis/interests', { ...SARAH, interestType: 'PWC_QC_ROC_GENERAL' }).expect(201);
    });

    it('[SU-1] refuses an update with response code 2 when CMG has no interest, and changes nothing', async () => {
      await newPerson('ST123456C');
      const res = await update('ST123456C', {
        type: 'NAME_CHANGE',
        firstName: 'Thomas',
        lastName: 'Reed',
      }).expect(200);
      expect(res.body).toMatchObject({
        responseCode: '2',
        responseName: 'NO_INTEREST_REGISTERED',
        message: 'CMG has no interest registered on this CIS record',
        applied: false,
        appliedAt: null,
        requirementId: 'SU-1',
      });
      expect((await retrieve('ST123456C')).body.person.firstName).toBe('Tom');
    });

    it.each([
      [
        { type: 'NAME_CHANGE', firstName: ' Sarah ', lastName: 'Reed' },
        { firstName: 'Sarah', lastName: 'Reed' },
      ],
      [
        {
          type: 'ADDRESS_CHANGE',
          address: { line1: '3 Mill Lane', town: 'York', postcode: 'yo1 7hh' },
          addressStartDate: '2026-01-02',
        },
        {
          address: { line1: '3 Mill Lane', line2: null, line3: null, town: 'York', postcode: 'YO1 7HH' },
          addressStartDate: '2026-01-02',
        },
      ],
      [
        { type: 'DOB_NOT_VERIFIED', dateOfBirth: '1988-04-18' },
        { dateOfBirth: '1988-04-18', dateOfBirthVerified: false },
      ],
      [
        { type: 'DOB_VERIFIED', dateOfBirth: '1988-04-17' },
        { dateOfBirth: '1988-04-17', dateOfBirthVerified: true },
      ],
      [
        { type: 'DOD_NOT_VERIFIED', dateOfDeath: '2026-01-03' },
        { dateOfDeath: '2026-01-03', dateOfDeathVerified: false },
      ],
      [
        { type: 'DOD_VERIFIED', dateOfDeath: '2026-01-04' },
        { dateOfDeath: '2026-01-04', dateOfDeathVerified: true },
      ],
    ])(
      '[SU-2] [SU-5] [SU-7] %j is applied to the record in real time and answered with code 0',
      async (body, expected) => {
        const res = await update('JK123456C', body).expect(200);
        expect(res.body).toMatchObject({
          updateType: body.type,
          responseCode: '0',
          responseName: 'ACCEPTED',
          message: 'Update accepted and applied to the CIS record',
          applied: true,
          requirementId: 'SU-7',
          replayed: false,
        });
        expect(new Date(res.body.appliedAt).getTime()).not.toBeNaN();
        const now = await retrieve('JK123456C', { accessLevel: 'sensitive' }).expect(200);
        expect(now.body.person).toMatchObject(expected);
      },
    );

    it('[SU-5] an applied update is recorded on the person as a change made by CMG', async () => {
      const res = await s.post('/admin/persons/lookup', SARAH).expect(200);
      const cmg = res.body.changes.filter((c: { origin: string }) => c.origin === 'CMG');
      expect(cmg.map((c: { changeType: string }) => c.changeType).sort()).toEqual([
        'ADDRESS_CHANGE',
        'DOB_UNVERIFIED_CORRECTION',
        'DOB_VERIFICATION',
        'DOD_NOTIFICATION',
        'DOD_VERIFICATION',
        'NAME_CORRECTION',
      ]);
    });

    it('[SU-2] refuses an invalid update with 400 naming each field, and applies nothing', async () => {
      const cases: [object, string, string][] = [
        [{ type: 'GENDER_CHANGE', sex: 'M' }, 'update.type', 'change-type'],
        [
          {
            type: 'ADDRESS_CHANGE',
            address: { line1: '1 A St', town: 'Leeds', postcode: 'ZZ' },
            addressStartDate: '2026-01-01',
          },
          'update.address.postcode',
          'postcode-format',
        ],
        [{ type: 'DOB_VERIFIED', dateOfBirth: '2999-01-01' }, 'update.dateOfBirth', 'date-in-future'],
        [{ type: 'DOD_VERIFIED', dateOfDeath: '1900-01-01' }, 'update.dateOfDeath', 'death-before-birth'],
        [
          { type: 'NAME_CHANGE', firstName: 'Sarah', lastName: 'Reed', sex: 'F' },
          'update.sex',
          'unknown-field',
        ],
        [{ type: 'NAME_CHANGE', firstName: '', lastName: 'Reed' }, 'update.firstName', 'required'],
      ];
      for (const [body, field, rule] of cases) {
        const res = await update('JK123456C', body);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
      }
      expect((await retrieve('JK123456C')).body.person.lastName).toBe('Reed');
    });

    it('[SU-6] answers error code 1 for a nationally sensitive record and applies nothing', async () => {
      const ref = { referenceKind: 'NINO', reference: 'MN123456C' };
      await s.post('/cis/interests', { ...ref, interestType: 'NRP_GENERAL' }).expect(201);
      const res = await update('MN123456C', {
        type: 'NAME_CHANGE',
        firstName: 'Jo',
        lastName: 'Reed',
      }).expect(200);
      expect(res.body).toMatchObject({
        responseCode: '1',
        responseName: 'NATIONALLY_SENSITIVE',
        applied: false,
        appliedAt: null,
        requirementId: 'SU-6',
      });
      const data = await retrieve('MN123456C', { accessLevel: 'sensitive' });
      expect(data.body.person.firstName).toBe('Tom');
    });

    it('[SU-7] answers code 3 when the NINO/CRN is not identified: not held, deleted or superseded', async () => {
      for (const reference of ['CE123456A', 'HJ123456A', 'KL123456B']) {
        const res = await update(reference, { type: 'DOB_VERIFIED', dateOfBirth: '1980-01-01' }).expect(200);
        expect(res.body).toMatchObject({
          responseCode: '3',
          message: 'NINO/CRN not identified',
          applied: false,
        });
      }
    });

    it('[SU-5] a retry with the same Idempotency-Key gets the stored answer and is not applied twice', async () => {
      const body = { type: 'NAME_CHANGE', firstName: 'Sarah', lastName: 'Okafor' };
      const first = await update('JK123456C', body, 'key-1').expect(200);
      const second = await update('JK123456C', body, 'key-1').expect(200);
      expect(second.body).toEqual({ ...first.body, replayed: true });
      const changes = (await s.post('/admin/persons/lookup', SARAH)).body.changes.filter(
        (c: { payload: { lastName?: string } }) => c.payload.lastName === 'Okafor',
      );
      expect(changes).toHaveLength(1);
      const reused = await update('JK123456C', { ...body, lastName: 'Other' }, 'key-1');
      expect(reused.status).toBe(409);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('admin: persons, seed data and changes made elsewhere in DWP', () => {
    it('creates a child keyed by CRN, and refuses invalid details (400) and a NINO already held (409)', async () => {
      const child = await s
        .post('/admin/persons', {
          referenceKind: 'CRN',
          reference: 'TC123456A',
          firstName: 'Ada',
          lastName: 'Okafor',
          dateOfBirth: '2016-05-01',
          interestTypes: ['PWC_QC_ROC_GENERAL'],
        })
        .expect(201);
      expect(child.body).toMatchObject({
        referenceKind: 'CRN',
        reference: 'TC123456A',
        interests: [expect.objectContaining({ interestType: 'PWC_QC_ROC_GENERAL' })],
      });
      const bad = await s.post('/admin/persons', {
        ...sarah,
        reference: 'WX123456A',
        mobilePhone: '01632 960001',
        address: { line1: '1 A St', town: 'Leeds', postcode: 'LS' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'mobilePhone', rule: 'phone-not-mobile' }),
          expect.objectContaining({ field: 'address.postcode', rule: 'postcode-format' }),
        ]),
      );
      const dup = await s.post('/admin/persons', sarah);
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('PERSON_EXISTS');
    });

    it('seeds realistic persons that CIS then serves, with interests on a share of them', async () => {
      const res = await s.post('/admin/seed', { count: 40, seed: 42, interestShare: 0.5 }).expect(201);
      expect(res.body.created).toBe(40);
      const withInterest = res.body.persons.filter(
        (p: { interestTypes: string[] }) => p.interestTypes.length,
      );
      expect(withInterest.length).toBeGreaterThan(5);
      expect(withInterest.length).toBeLessThan(35);
      for (const p of res.body.persons.slice(0, 10)) {
        const data = await s
          .post('/cis/personal-data/retrieve', {
            referenceKind: p.referenceKind,
            reference: p.reference,
            accessLevel: 'sensitive',
          })
          .expect(200);
        expect(data.body).toMatchObject({
          outcome: 'found',
          person: {
            reference: p.reference,
            address: { postcode: expect.stringMatching(/^[A-Z0-9]{2,4} [0-9][A-Z]{2}$/) },
          },
        });
      }
      const page = await s.get('/admin/persons?withInterest=true&limit=500').expect(200);
      expect(page.body.items.every((p: { interests: unknown[] }) => p.interests.length > 0)).toBe(true);
    });

    it('[BR-6] records a change made elsewhere in DWP and applies it to the record at once', async () => {
      await newPerson('WX654321A');
      const ref = { referenceKind: 'NINO', reference: 'WX654321A' };
      const res = await s
        .post('/admin/changes', {
          ...ref,
          change: { type: 'NAME_CORRECTION', firstName: 'Tom', lastName: 'Reid' },
        })
        .expect(201);
      expect(res.body).toMatchObject({
        transactionId: expect.any(String),
        changeType: 'NAME_CORRECTION',
        item: 'name',
        origin: 'DWP',
        payload: { type: 'NAME_CORRECTION', firstName: 'Tom', lastName: 'Reid' },
        broadcastOutcome: null,
      });
      expect(
        new Date(res.body.broadcastDueAt).getTime() - new Date(res.body.recordedAt).getTime(),
      ).toBeGreaterThanOrEqual(24 * 3_600_000);
      expect((await retrieve('WX654321A')).body.person.lastName).toBe('Reid');
      await s
        .post('/admin/changes', {
          ...ref,
          change: { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true },
        })
        .expect(201);
      expect((await retrieve('WX654321A')).body.rejection).toBe('INSUFFICIENT_ACCESS_LEVEL');
    });

    it('[BR-6] refuses an invalid change (400), an unknown NINO (404) and a deleted one (422)', async () => {
      const bad = await s.post('/admin/changes', {
        ...SARAH,
        change: { type: 'DOB_VERIFICATION', dateOfBirth: '1988-04-17', verified: false },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([
        expect.objectContaining({ field: 'change.verified', rule: 'verified-mismatch' }),
      ]);
      const unknown = await s.post('/admin/changes', {
        referenceKind: 'NINO',
        reference: 'CE123456A',
        change: { type: 'DOD_REMOVAL' },
      });
      expect(unknown.status).toBe(404);
      const deleted = await s.post('/admin/changes', {
        referenceKind: 'NINO',
        reference: 'HJ123456A',
        change: { type: 'DOD_REMOVAL' },
      });
      expect(deleted.status).toBe(422);
    });
  });

  describe('fault injection', () => {
    it('adds a delay to every CIS call', async () => {
      await s.post('/admin/faults', { delayMs: 300 }).expect(200);
      const started = Date.now();
      await retrieve('JK123456C').expect(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('answers a share of CIS calls with technical errors, repeatably with a seed', async () => {
      const statuses = async () => {
        await s.post('/admin/faults', { technicalErrorShare: 0.5, seed: 99 }).expect(200);
        const out: number[] = [];
        for (let i = 0; i < 12; i++) out.push((await s.post('/cis/interests/list', SARAH)).status);
        return out;
      };
      const first = await statuses();
      expect(first).toContain(503);
      expect(first).toContain(200);
      expect(await statuses()).toEqual(first);
      const update503 = await s
        .post('/admin/faults', { technicalErrorShare: 1 })
        .then(() => update('JK123456C', { type: 'DOB_VERIFIED', dateOfBirth: '1988-04-17' }));
      expect(update503.status).toBe(503);
      expect(update503.body).toMatchObject({ code: 'TECHNICAL_ERROR', requirementId: 'SU-5' });
    });

    it('does not answer a share of CIS calls: the caller times out', async () => {
      await s.post('/admin/faults', { noAnswerShare: 1, noAnswerHoldMs: 1500 }).expect(200);
      const started = Date.now();
      await expect(retrieve('JK123456C').timeout(300)).rejects.toThrow(/Timeout/);
      expect(Date.now() - started).toBeLessThan(1000);
      expect((await s.get('/admin/faults')).body.counts.noAnswers).toBe(1);
      await s.post('/admin/faults/reset').expect(200);
      await retrieve('JK123456C').expect(200);
    });

    it('leaves admin endpoints alone', async () => {
      await s.post('/admin/faults', { technicalErrorShare: 1 }).expect(200);
      await s.post('/admin/persons/lookup', SARAH).expect(200);
    });
  });
});
