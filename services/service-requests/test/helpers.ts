import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestDatabase, freePort, listen, LogCapture, testEnv, TestDatabase } from '@cms/testing';
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app';
// Test-only: the real client-security beside service-requests (never a mock).
import { startClientSecurity, type TestClientSecurity } from '../../client-security/test/helpers';

/** service-requests on a fresh database and a random port, with its logs captured. */
export interface TestServiceRequests {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

export async function startServiceRequests(
  extraEnv: Record<string, string> = {},
): Promise<TestServiceRequests> {
  const db = await createTestDatabase('sr');
  const logs = new LogCapture();
  const app = await createApp(
    testEnv(db.url, { BANK_DETAILS_KEY: randomBytes(32).toString('base64'), ...extraEnv }),
    {
      logDestination: logs,
    },
  );
  const running = await listen(app);
  return {
    app,
    url: running.url,
    db,
    logs,
    async close() {
      await running.close();
      await db.drop();
    },
  };
}

/** service-requests with the real client-security beside it, each wired to call the other. */
export interface TestServiceRequestsWithSecurity extends TestServiceRequests {
  /** The client-security this service-requests asks about security set-up (SD-22) and changes. */
  security: TestClientSecurity;
}

/**
 * Starts service-requests and a real client-security that know each other's URL: service-requests
 * asks client-security whether a subject has security details before raising a Change
 * Contact/Security Info SR (SD-22). `close()` stops both and drops both databases.
 */
export async function startServiceRequestsWithSecurity(
  extraEnv: Record<string, string> = {},
): Promise<TestServiceRequestsWithSecurity> {
  const srPort = extraEnv.PORT ?? String(await freePort());
  let csPort = String(await freePort());
  while (csPort === srPort) csPort = String(await freePort());
  const [sr, security] = await Promise.all([
    startServiceRequests({ ...extraEnv, PORT: srPort, CLIENT_SECURITY_URL: `http://127.0.0.1:${csPort}` }),
    startClientSecurity({ PORT: csPort, SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` }),
  ]);
  return {
    ...sr,
    security,
    async close() {
      await security.close();
      await sr.close();
    },
  };
}

/**
 * Security set-up for `clientId` in client-security (the procedure's step 1 before a Change
 * Contact/Security Info SR, SD-22), as `token`; PIN and password as given, or test defaults.
 */
export async function givenSecuritySetUp(
  clientSecurityUrl: string,
  token: string,
  clientId: string,
  secrets: { pin: string; password: string } = { pin: '3141592', password: 'Set Up First 1' },
): Promise<void> {
  const res = await request(clientSecurityUrl)
    .post(`/clients/${clientId}/security-details`)
    .auth(token, { type: 'bearer' })
    .send(secrets);
  if (res.status !== 201)
    throw new Error(`Security set-up for ${clientId} answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** Two parents (as given) on one maintenance case in GB, created through the API as `token`. */
export async function givenParentsOnCase(
  url: string,
  token: string,
  parents: { pwc: Record<string, unknown>; nrp: Record<string, unknown> },
): Promise<{ pwcId: string; nrpId: string; caseId: string }> {
  const post = async (path: string, body: object): Promise<string> => {
    const res = await request(url).post(path).auth(token, { type: 'bearer' }).send(body);
    if (res.status !== 201)
      throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };
  const pwcId = await post('/clients', parents.pwc);
  const nrpId = await post('/clients', parents.nrp);
  const caseId = await post('/cases', {
    jurisdiction: 'GB',
    stage: 'maintenance',
    participants: [
      { clientId: pwcId, role: 'PWC' },
      { clientId: nrpId, role: 'NRP' },
    ],
  });
  return { pwcId, nrpId, caseId };
}
