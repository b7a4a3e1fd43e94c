import { randomUUID } from 'node:crypto';
import { LETTER_CODES, LETTER_TEMPLATES, SMS_CODES, smsText, type LetterCode } from '@cms/domain';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  auth,
  GOOD_BANK,
  issue,
  LETTER_CASES,
  bodyFor,
  letterBody,
  startCorrespondence,
  type TestCorrespondence,
} from './helpers';

interface FieldView {
  name: string;
  type: string;
  required: boolean;
}

describe('templates (X-3)', () => {
  let s: TestCorrespondence;
  beforeAll(async () => (s = await startCorrespondence({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  it('[X-3] every letter and SMS the procedures name is a versioned template, with the flags of @cms/domain', async () => {
    const res = await request(s.url)
      .get('/templates')
      .set(await auth(['caseworker']));
    expect(res.status).toBe(200);
    const byCode = new Map((res.body as Array<Record<string, unknown>>).map((t) => [t.code as string, t]));
    expect([...byCode.keys()].sort()).toEqual([...LETTER_CODES, ...SMS_CODES].sort());
    for (const code of LETTER_CODES) {
      const t = byCode.get(code)!;
      const d = LETTER_TEMPLATES[code];
      expect(t).toMatchObject({
        version: 1,
        channel: 'letter',
        title: d.title,
        recipient: d.recipient,
        requiresTlApproval: d.requiresTlApproval,
        reviewBeforeSending: d.reviewBeforeSending,
        hasAttachment: d.hasAttachment,
      });
      expect((t.fields as FieldView[]).length).toBeGreaterThan(0);
    }
    expect(byCode.get('CMSL0406')).toMatchObject({ requiresTlApproval: true, hasAttachment: true });
  });

  it('[X-3] one template declares its personalisation fields with types; unknown codes and versions are 404', async () => {
    const headers = await auth(['system']);
    const res = await request(s.url).get('/templates/CMSL9661').set(headers);
    expect(res.status).toBe(200);
    expect(res.body.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'paymentDetails',
          type: 'bankDetails',
          required: true,
          dataSubject: 'other-party',
        }),
        expect.objectContaining({ name: 'amount', type: 'money', required: false }),
        expect.objectContaining({ name: 'firstPaymentDate', type: 'date', required: false }),
      ]),
    );
    expect((await request(s.url).get('/templates/CMSL9661?version=1').set(headers)).body.version).toBe(1);
    const missing = await request(s.url).get('/templates/CMSL9999').set(headers);
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    expect((await request(s.url).get('/templates/CMSL9661?version=2').set(headers)).status).toBe(404);
    expect((await request(s.url).get('/templates?versions=all').set(headers)).body).toHaveLength(10);
  });

  it('needs a token, and a role', async () => {
    expect((await request(s.url).get('/templates')).status).toBe(401);
    expect(
      (
        await request(s.url)
          .get('/templates')
          .set(await auth([]))
      ).status,
    ).toBe(403);
  });

  const requiredFields = LETTER_CODES.flatMap((code) =>
    Object.keys(LETTER_CASES[code].required).map((field) => [code, field] as [LetterCode, string]),
  );

  it.each(requiredFields)(
    '[X-3] %s without %s is refused with 400 naming the field (rule required)',
    async (code, field) => {
      const body = await bodyFor(s.serviceRequestsUrl, code, {}, 'required');
      const personalisation = { ...(body.personalisation as Record<string, unknown>) };
      delete personalisation[field];
      const res = await issue(s.url, { ...body, personalisation });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: `personalisation.${field}`, rule: 'required' }),
        ]),
      );
    },
  );

  it.each([
    ['CMSL0405', { replyByDate: '2026-02-30' }, 'personalisation.replyByDate', 'date-format'],
    ['CMSL0405', { requestDate: 'yesterday' }, 'personalisation.requestDate', 'date-format'],
    [
      'CMSL9661',
      { paymentDetails: { ...GOOD_BANK, sortCode: '12-34' } },
      'personalisation.paymentDetails.sortCode',
      'sort-code-format',
    ],
    [
      'CMSL9661',
      { paymentDetails: { ...GOOD_BANK, accountNumber: '66374959' } },
      'personalisation.paymentDetails',
      'bank-wizard',
    ],
    ['CMSL9661', { amount: 45.5 }, 'personalisation.amount', 'money'],
    ['CMSL9661', { amount: '4550' }, 'personalisation.amount', 'money'],
    ['CMSL9661', { frequency: 'daily' }, 'personalisation.frequency', 'isIn'],
    ['CMSL9800', { reason: 'forgot' }, 'personalisation.reason', 'isIn'],
    ['MOPF_BENEFIT_CLAIM', { benefitName: 'x'.repeat(61) }, 'personalisation.benefitName', 'max-length'],
    ['MOPF_BENEFIT_CLAIM', { colour: 'blue' }, 'personalisation.colour', 'unknown-field'],
    [
      'CMSL0406',
      { transferredDetails: { email: 'not-an-email' } },
      'personalisation.transferredDetails.email',
      'email-format',
    ],
    [
      'CMSL0406',
      { transferredDetails: { landline: '07700 900123' } },
      'personalisation.transferredDetails.landline',
      'phone-not-landline',
    ],
    [
      'CMSL0406',
      { transferredDetails: { notes: 'Happy birthday' } },
      'personalisation.transferredDetails.notes',
      'not-transferable',
    ],
    [
      'CMSL0406',
      { transferRoute: 'verbal-bank-details', transferredDetails: { email: 'sarah@example.com' } },
      'personalisation.transferredDetails.email',
      'not-transferable',
    ],
    ['CMSL0406', { transferRoute: 'by-pigeon' }, 'personalisation.transferRoute', 'isIn'],
  ] as Array<[LetterCode, Record<string, unknown>, string, string]>)(
    '[X-3] %s with a bad value (%j) is refused with 400 naming the field and rule',
    async (code, change, field, rule) => {
      const body = await bodyFor(s.serviceRequestsUrl, code);
      const res = await issue(s.url, {
        ...body,
        personalisation: { ...(body.personalisation as Record<string, unknown>), ...change },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    },
  );

  it('[X-3] the recipient is checked: role for the template, address, case number, printable name', async () => {
    const res = await issue(
      s.url,
      letterBody('CMSL9661', {
        recipient: {
          clientId: randomUUID(),
          role: 'PWC',
          name: 'Łukasz Wróbel',
          address: { line1: '1 High Street', town: 'Leeds', postcode: 'NOT A CODE' },
        },
        caseNumber: '012345678901',
      }),
    );
    expect(res.status).toBe(400);
    const rules = (res.body.errors as Array<{ field: string; rule: string }>).map(
      (e) => `${e.field}:${e.rule}`,
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        'recipient.role:template-recipient',
        'recipient.address.postcode:postcode-format',
        'caseNumber:case-number-format',
        'recipient.name:unprintable-characters',
      ]),
    );
  });

  it('[X-3] an unknown template code or a malformed body is 400 before anything is issued', async () => {
    const res = await issue(s.url, { ...letterBody('CMSL9802'), templateCode: 'CMSL1234' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'templateCode' })]),
    );
  });

  it.each(['GB', 'NI'] as const)(
    '[TD-14][SD-16] the security details SMS names the service for %s and carries no personal data',
    async (jurisdiction) => {
      const res = await request(s.url)
        .post('/sms')
        .set(await auth(['system']))
        .set('Idempotency-Key', randomUUID())
        .send({
          templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
          recipient: { clientId: randomUUID(), mobilePhone: '07700 900123' },
          caseId: randomUUID(),
          jurisdiction,
          personalisation: {},
        });
      expect(res.status).toBe(201);
      expect(res.body.text).toBe(smsText('SMS_SECURITY_DETAILS_UPDATED', jurisdiction));
      expect(res.body.text).toContain(
        jurisdiction === 'NI' ? 'Northern Ireland Child Maintenance Service' : 'Child Maintenance Group',
      );
      expect(res.body.recipient.mobilePhone).toBe('+44*******123');
    },
  );

  // Last: reverting the migrations empties the database under this file's app.
  describe('database schema', () => {
    it('the checked-in migrations build exactly the schema the entities describe (no drift, no synchronize)', async () => {
      const db = s.app.get(DataSource);
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    });

    it('every migration can be reverted and re-applied', async () => {
      const db = s.app.get(DataSource);
      await db.query(`DELETE FROM correspondence_item`);
      for (let i = 0; i < db.migrations.length; i++) await db.undoLastMigration({ transaction: 'each' });
      expect(await db.query(`SELECT to_regclass('public.correspondence_item') AS t`)).toEqual([{ t: null }]);
      await db.runMigrations({ transaction: 'each' });
      expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      expect(await db.query(`SELECT count(*)::int AS n FROM letter_template`)).toEqual([{ n: 10 }]);
    });
  });
});
