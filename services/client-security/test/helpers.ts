import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  createTestDatabase,
  freePort,
  listen,
  LogCapture,
  testEnv,
  TestDatabase,
  tokenFor,
} from '@cms/testing';
import { createApp } from '../src/app';
// Test-only: the real service-requests beside client-security (never a mock).
import { startServiceRequests } from '../../service-requests/test/helpers';

/** Pepper every test app uses (at least 32 characters, SECURITY_PEPPER). */
export const TEST_PEPPER = 'test-only-pepper-0123456789abcdef-not-for-production';

/** client-security on a fresh database and a random port, with its logs captured. */
export interface TestClientSecurity {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  /** The service-requests this client-security asks about clients, representatives and SRs. */
  serviceRequestsUrl: string;
  close(): Promise<void>;
}

/** Starts client-security for one test file; `close()` stops it and drops its database. */
export async function startClientSecurity(
  extraEnv: Record<string, string> = {},
): Promise<TestClientSecurity> {
  // client-security asks service-requests whether a client is nationally sensitive; unless a
  // test wires its own, a real service-requests on an empty database stands beside it (every
  // client unknown there: not on any case, so not sensitive). It asks this client-security in turn
  // whether a subject has security details before raising a Change Contact/Security Info SR (SD-22).
  const port = extraEnv.PORT ?? String(await freePort());
  const peer = extraEnv.SERVICE_REQUESTS_URL
    ? null
    : await startServiceRequests({
        WORKERS_ENABLED: 'false',
        CLIENT_SECURITY_URL: `http://127.0.0.1:${port}`,
      });
  const db = await createTestDatabase('cs');
  const logs = new LogCapture();
  let running: Awaited<ReturnType<typeof listen>>;
  let app: NestFastifyApplication;
  try {
    app = await createApp(
      testEnv(db.url, {
        SECURITY_PEPPER: TEST_PEPPER,
        ...(peer ? { SERVICE_REQUESTS_URL: peer.url } : {}),
        ...extraEnv,
        PORT: port,
      }),
      { logDestination: logs },
    );
    running = await listen(app);
  } catch (e) {
    // A service that refuses to start must not leave its peer running (jest would never exit).
    await db.drop();
    await peer?.close();
    throw e;
  }
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

/** A client as service-requests holds it, on one case of their own. */
export interface KnownClient {
  clientId: string;
  caseId: string;
  role: 'PWC' | 'NRP';
}

/**
 * Records in the real service-requests that client-security now asks about (SD-4, SD-18, SD-21):
 * clients on a case, representatives of a client, and Change Contact/Security Info SRs. Created as
 * a caseworker (a system token for what only our own services may do).
 */
export function serviceRequestsRecords(serviceRequestsUrl: string) {
  const as = async (roles: Parameters<typeof tokenFor>[0] = ['caseworker', 'sensitive-access']) =>
    tokenFor(roles, 'cs-test-fixtures');
  const post = async (path: string, body: object) =>
    (
      await request(serviceRequestsUrl)
        .post(path)
        .auth(await as(), { type: 'bearer' })
        .send(body)
        .expect(201)
    ).body as { id: string; version: number };
  return {
    /** A client on a new case of their own (CSA Arrears Only when asked: SD-21). */
    async client(opts: { csaArrearsOnly?: boolean; role?: 'PWC' | 'NRP' } = {}): Promise<KnownClient> {
      const role = opts.role ?? 'PWC';
      const clientId = (await post('/clients', { firstName: 'Jo', lastName: 'Secure' })).id;
      const caseId = (
        await post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          csaArrearsOnly: opts.csaArrearsOnly ?? false,
          participants: [{ clientId, role }],
        })
      ).id;
      return { clientId, caseId, role };
    },
    /** A client service-requests holds on no case. */
    async clientOnNoCase(): Promise<string> {
      return (await post('/clients', { firstName: 'Jo', lastName: 'Caseless' })).id;
    },
    /** A current representative of `client` on the client's case (SD-15). */
    async representative(client: KnownClient): Promise<string> {
      return (
        await post(`/clients/${client.clientId}/representatives`, {
          caseId: client.caseId,
          firstName: 'Grace',
          lastName: 'Okafor',
          relationship: 'Friend or family member',
        })
      ).id;
    },
    /** An open Change Contact/Security Info SR about `client` (SD-4, SD-6). */
    async securitySr(client: KnownClient, source?: string): Promise<string> {
      return (
        await post('/service-requests', {
          type: 'SECURITY_DETAILS',
          source: source ?? client.role,
          reportedBy: { firstName: 'Jo', lastName: 'Secure' },
          subject: { clientId: client.clientId, role: client.role },
          caseIds: [client.caseId],
        })
      ).id;
    },
    /** An SR of another type about `client` (Transfer Data Between Clients). */
    async otherSr(client: KnownClient): Promise<string> {
      return (
        await post('/service-requests', {
          type: 'DATA_TRANSFER',
          path: 'contact-details',
          source: client.role,
          reportedBy: { firstName: 'Jo', lastName: 'Secure' },
          subject: { clientId: client.clientId, role: client.role },
          caseIds: [client.caseId],
        })
      ).id;
    },
    /** Cancels an SR (withdrawn): no longer open. */
    async cancel(srId: string): Promise<void> {
      const token = await as();
      const sr = (
        await request(serviceRequestsUrl).get(`/service-requests/${srId}`).auth(token, { type: 'bearer' })
      ).body as { version: number };
      await request(serviceRequestsUrl)
        .post(`/service-requests/${srId}/transitions`)
        .auth(token, { type: 'bearer' })
        .send({
          version: sr.version,
          to: { status: 'Cancelled', subStatus: null },
          resolutionCode: 'Withdrawn',
          reason: 'Withdrawn by the client.',
        })
        .expect(200);
    },
  };
}

export type ServiceRequestsRecords = ReturnType<typeof serviceRequestsRecords>;
