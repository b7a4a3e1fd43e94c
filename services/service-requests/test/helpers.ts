import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestDatabase, listen, LogCapture, testEnv, TestDatabase } from '@cms/testing';
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/app';

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
