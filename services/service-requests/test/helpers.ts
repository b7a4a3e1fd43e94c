import type { NestFastifyApplication } from '@nestjs/platform-fastify';
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
