import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LetterCode, Role } from '@cms/domain';
import { createTestDatabase, listen, LogCapture, testEnv, tokenFor, type TestDatabase } from '@cms/testing';
import { PDFParse } from 'pdf-parse';
import request from 'supertest';
// Test-only: the real service-requests beside correspondence (never a mock).
import { startServiceRequests } from '../../service-requests/test/helpers';
import { createApp } from '../src/app';

/** A BANK_DETAILS_KEY for one test run. */
export const TEST_BANK_KEY = randomBytes(32).toString('base64');

/** correspondence on a fresh database and a random port, with its logs captured. */
export interface TestCorrespondence {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  /** The service-requests this correspondence asks about sensitivity. */
  serviceRequestsUrl: string;
  close(): Promise<void>;
}

/**
 * Starts correspondence for one test file; `close()` stops it and drops its database.
 * correspondence asks service-requests whether a case is nationally sensitive; unless a test
 * wires its own (`SERVICE_REQUESTS_URL`), a real service-requests on an empty database stands beside
 * it (every case unknown there, so not sensitive). `serviceRequestsUrl` is that peer's URL.
 */
export async function startCorrespondence(
  extraEnv: Record<string, string> = {},
): Promise<TestCorrespondence> {
  const peer = extraEnv.SERVICE_REQUESTS_URL
    ? null
    : await startServiceRequests({ WORKERS_ENABLED: 'false' });
  const db = await createTestDatabase('corr');
  const logs = new LogCapture();
  const app = await createApp(
    testEnv(db.url, {
      BANK_DETAILS_KEY: TEST_BANK_KEY,
      ...(peer ? { SERVICE_REQUESTS_URL: peer.url } : {}),
      ...extraEnv,
    }),
    { logDestination: logs },
  );
  const running = await listen(app);
  return {
    app,
    url: running.url,
    db,
    logs,
    serviceRequestsUrl: peer?.url ?? extraEnv.SERVICE_REQUESTS_URL,
    async close() {
      await running.close();
      await db.drop();
      await peer?.close();
    },
  };
}

/** Bearer headers for a role set. */
export async function auth(roles: Role[], subject?: string): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await tokenFor(roles, subject)}` };
}

/** Valid bank details (they pass the modulus check, TD-5). */
export const GOOD_BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };

export const RECIPIENT_ADDRESS = {
  line1: '14 Mill Lane',
  line2: 'Flat 3',
  town: 'Leeds',
  postcode: 'ls6 3ab',
};

/** For each letter: who it goes to, a complete personalisation, and only its required fields. */
export const LETTER_CASES: Record<
  LetterCode,
  { role: 'PWC' | 'NRP'; full: Record<string, unknown>; required: Record<string, unknown>; expect: string[] }
> = {
  CMSL0405: {
    role: 'PWC',
    full: { replyByDate: '2026-12-06', requestDate: '2026-11-20' },
    required: { replyByDate: '2026-12-06' },
    expect: ['6 December 2026', '20 November 2026', 'paying parent', 'signed', 'Declaration'],
  },
  CMSL0406: {
    role: 'NRP',
    full: {
      transferRoute: 'contact-details',
      transferredDetails: {
        name: { firstName: 'Sarah', lastName: 'Okafor' },
        newName: { firstName: 'Sarah', lastName: 'Bennett' },
        address: { line1: '1 High Street', town: 'York', postcode: 'YO1 7HH' },
        postcode: 'YO1 7HH',
        landline: '01632 960123',
        mobile: '07700 900123',
        email: 'sarah@example.com',
        bankDetails: GOOD_BANK,
      },
      paymentReference: 'CM 1200 3456',
    },
    required: {
      transferRoute: 'verbal-bank-details',
      transferredDetails: { bankDetails: GOOD_BANK },
    },
    expect: [
      'Sarah Okafor',
      'Sarah Bennett',
      '1 High Street',
      'YO1 7HH',
      '01632 960123',
      '07700 900123',
      'sarah@example.com',
      '08-99-99',
      '66374958',
      'CM 1200 3456',
      'receiving parent',
    ],
  },
  CMSL9660: {
    role: 'PWC',
    full: { replyByDate: '2026-12-06' },
    required: { replyByDate: '2026-12-06' },
    expect: ['6 December 2026', 'central', 'national', 'paying parent', '999'],
  },
  CMSL9661: {
    role: 'NRP',
    full: {
      paymentDetails: GOOD_BANK,
      paymentReference: 'CM 1200 3456',
      amount: 4550,
      frequency: 'every month',
      firstPaymentDate: '2026-12-15',
    },
    required: { paymentDetails: GOOD_BANK },
    expect: [
      'Sarah Okafor',
      '08-99-99',
      '66374958',
      '£45.50',
      'every month',
      '15 December 2026',
      'receiving parent',
    ],
  },
  CMSL9662: {
    role: 'PWC',
    full: { dateDetailsPassedOn: '2026-11-22', paymentDetails: GOOD_BANK },
    required: { dateDetailsPassedOn: '2026-11-22' },
    expect: ['22 November 2026', '**-**-99', '****4958', 'paying parent'],
  },
  CMSL9800: {
    role: 'NRP',
    full: { reason: 'account-blocked', returnByDate: '2026-11-29' },
    required: { reason: 'client-request', returnByDate: '2026-11-29' },
    expect: ['29 November 2026', 'locked', '7-digit PIN', 'special password'],
  },
  CMSL9801: {
    role: 'PWC',
    full: { originalLetterDate: '2026-11-22', returnByDate: '2026-12-06' },
    required: { originalLetterDate: '2026-11-22', returnByDate: '2026-12-06' },
    expect: ['22 November 2026', '6 December 2026', 'Reminder'],
  },
  CMSL9802: {
    role: 'NRP',
    full: { dateUpdated: '2026-11-25' },
    required: { dateUpdated: '2026-11-25' },
    expect: ['25 November 2026', 'special password'],
  },
  MOPF_BENEFIT_CLAIM: {
    role: 'NRP',
    full: { claimDate: '2026-11-18', benefitName: 'Universal Credit', currentPaymentMethod: 'Direct Pay' },
    required: { claimDate: '2026-11-18' },
    expect: ['18 November 2026', 'Universal Credit', 'Direct Pay', 'deduction from benefit'],
  },
};

/** A valid POST /letters body for `code` (approval for CMSL0406, transferReference for CMSL9661). */
export function letterBody(
  code: LetterCode,
  overrides: Record<string, unknown> = {},
  personalisation: 'full' | 'required' = 'full',
): Record<string, unknown> {
  const c = LETTER_CASES[code];
  const srId = randomUUID();
  return {
    templateCode: code,
    recipient: { clientId: randomUUID(), role: c.role, name: 'Daniel Price', address: RECIPIENT_ADDRESS },
    caseId: randomUUID(),
    caseNumber: '120034567891',
    jurisdiction: 'GB',
    stage: 'maintenance',
    serviceRequestId: srId,
    personalisation: c[personalisation],
    ...(code === 'CMSL0406'
      ? {
          approval: {
            serviceRequestId: srId,
            approvedBy: 'tl-2001',
            approvedAt: new Date(Date.now() - 3_600_000).toISOString(),
          },
        }
      : {}),
    ...(code === 'CMSL9661' ? { transferReference: '1-1000042' } : {}),
    ...overrides,
  };
}

/** POST /letters as the system with a fresh Idempotency-Key. */
export async function issue(
  url: string,
  body: Record<string, unknown>,
  opts: { roles?: Role[]; key?: string } = {},
): Promise<request.Response> {
  return request(url)
    .post('/letters')
    .set(await auth(opts.roles ?? ['system'], 'service-requests'))
    .set('Idempotency-Key', opts.key ?? randomUUID())
    .send(body);
}

/** Downloads a letter's PDF (as a Buffer). */
export async function downloadPdf(url: string, id: string): Promise<request.Response> {
  return request(url)
    .get(`/letters/${id}/pdf`)
    .set(await auth(['caseworker']))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

/**
 * pdf-parse (pdf.js) sets up its "fake worker" in Node with a dynamic import(), which Jest's
 * CommonJS sandbox refuses; loading the worker module first registers it on globalThis.pdfjsWorker.
 */
function parserFor(pdf: Buffer): PDFParse {
  if (!(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker) {
    require(path.join(path.dirname(require.resolve('pdf-parse')), 'pdf.worker.mjs'));
  }
  return new PDFParse({ data: new Uint8Array(pdf) });
}

/** The text of a PDF (pdf-parse v2), whitespace collapsed so wrapped lines read as one. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const parser = parserFor(pdf);
  try {
    const result = await parser.getText();
    return result.text.replace(/-- \d+ of \d+ --/g, ' ').replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

/** The text of each page of a PDF, whitespace collapsed. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const parser = parserFor(pdf);
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text.replace(/\s+/g, ' '));
  } finally {
    await parser.destroy();
  }
}

/** A Transfer Data Between Clients SR walked to team leader approval in the real service-requests. */
export interface ApprovedTransfer {
  serviceRequestId: string;
  caseId: string;
  /** The receiving parent, whose bank details pass on (the SR's subject). */
  pwcId: string;
  /** The paying parent, to whom CMSL0406 goes. */
  nrpId: string;
  /** The team leader who approved (`tl-approver`), not the caseworker who submitted (`cw-submitter`). */
  approvedBy: string;
}

/**
 * A receiving and a paying parent on a case, and a verbal bank details transfer SR (consent, Bank
 * Wizard, the paying parent told) submitted by a caseworker and, unless `stopAt` says otherwise,
 * approved by a team leader: Status In Progress, Sub Status Approved TL (TD-6, TD-9, TD-10).
 */
export async function approvedTransfer(
  serviceRequestsUrl: string,
  stopAt: 'open' | 'pending-approval' | 'approved' = 'approved',
): Promise<ApprovedTransfer> {
  const [cw, tl] = await Promise.all([
    tokenFor(['caseworker'], 'cw-submitter'),
    tokenFor(['team-leader'], 'tl-approver'),
  ]);
  const sr = () => request(serviceRequestsUrl);
  const created = async (path: string, body: object) =>
    (await sr().post(path).auth(cw, { type: 'bearer' }).send(body).expect(201)).body;
  const pwcId = (
    await created('/clients', { firstName: 'Sarah', lastName: 'Okafor', address: RECIPIENT_ADDRESS })
  ).id as string;
  const nrpId = (
    await created('/clients', { firstName: 'Daniel', lastName: 'Price', address: RECIPIENT_ADDRESS })
  ).id as string;
  const caseId = (
    await created('/cases', {
      jurisdiction: 'GB',
      stage: 'maintenance',
      participants: [
        { clientId: pwcId, role: 'PWC' },
        { clientId: nrpId, role: 'NRP' },
      ],
    })
  ).id as string;
  let s = await created('/service-requests', {
    type: 'DATA_TRANSFER',
    path: 'verbal-bank-details',
    source: 'PWC',
    subject: { clientId: pwcId, role: 'PWC' },
    caseIds: [caseId],
  });
  const approved = { serviceRequestId: s.id as string, caseId, pwcId, nrpId, approvedBy: 'tl-approver' };
  if (stopAt === 'open') return approved;
  const move = async (to: object, token = cw) =>
    (
      await sr()
        .post(`/service-requests/${s.id}/transitions`)
        .auth(token, { type: 'bearer' })
        .send({ version: s.version, to })
        .expect(200)
    ).body;
  const outcome = async (key: string, value: string) =>
    (
      await sr()
        .put(`/service-requests/${s.id}/activity-steps/${key}`)
        .auth(cw, { type: 'bearer' })
        .send({ version: s.version, outcome: value })
        .expect(200)
    ).body;
  s = await move({ status: 'In Progress', subStatus: null });
  s = await outcome('consent', 'Consent Given');
  s = (
    await sr()
      .put(`/service-requests/${s.id}/transfer-items`)
      .auth(cw, { type: 'bearer' })
      .send({ version: s.version, items: { bankDetails: GOOD_BANK }, consentAccepted: true })
      .expect(200)
  ).body;
  s = await outcome('call-paying-parent', 'Paying Parent Told');
  s = await move({ status: 'Pending Approval', subStatus: 'Pending Approval TL' });
  if (stopAt === 'pending-approval') return approved;
  s = await move({ status: 'In Progress', subStatus: 'Approved TL' }, tl);
  return approved;
}

/** A CMSL0406 body for the paying parent of `t`, with the approval service-requests holds. */
export function approvedLetterBody(
  t: ApprovedTransfer,
  overrides: Record<string, unknown> = {},
  personalisation: 'full' | 'required' = 'full',
): Record<string, unknown> {
  const body = letterBody('CMSL0406', {}, personalisation);
  return {
    ...body,
    recipient: { ...(body.recipient as object), clientId: t.nrpId },
    caseId: t.caseId,
    serviceRequestId: t.serviceRequestId,
    approval: {
      serviceRequestId: t.serviceRequestId,
      approvedBy: t.approvedBy,
      approvedAt: new Date(Date.now() - 60_000).toISOString(),
    },
    ...overrides,
  };
}

const sharedApprovals = new Map<string, Promise<ApprovedTransfer>>();

/**
 * A valid POST /letters body for `code`, as {@link letterBody}; CMSL0406 carries the approval of a
 * transfer SR approved in the real service-requests at `serviceRequestsUrl` (one per service-requests,
 * shared by the tests that are not about the approval itself: TD-6, TD-8).
 */
export async function bodyFor(
  serviceRequestsUrl: string,
  code: LetterCode,
  overrides: Record<string, unknown> = {},
  personalisation: 'full' | 'required' = 'full',
): Promise<Record<string, unknown>> {
  if (code !== 'CMSL0406') return letterBody(code, overrides, personalisation);
  if (!sharedApprovals.has(serviceRequestsUrl)) {
    sharedApprovals.set(serviceRequestsUrl, approvedTransfer(serviceRequestsUrl));
  }
  return approvedLetterBody(await sharedApprovals.get(serviceRequestsUrl)!, overrides, personalisation);
}
