import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { createApp as createServiceRequests } from '@cms/service-requests';
import { createTestDatabase, listen, LogCapture, testEnv, TestDatabase } from '@cms/testing';
import { createApp } from '../src/app';

/** Pepper every test app uses (at least 32 characters, SECURITY_PEPPER). */
export const TEST_PEPPER = 'test-only-pepper-0123456789abcdef-not-for-production';

/** client-security on a fresh database and a random port, with its logs captured. */
export interface TestClientSecurity {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  close(): Promise<void>;
}

/** Starts client-security for one test file; `close()` stops it and drops its database. */
export async function startClientSecurity(
  extraEnv: Record<string, string> = {},
): Promise<TestClientSecurity> {
  // client-security asks service-requests whether a client is nationally sensitive; unless a
  // test wires its own, a real service-requests on an empty database stands beside it (every
  // client unknown there: not on any case, so not sensitive).
  let peer: { close(): Promise<void>; url: string } | null = null;
  if (!extraEnv.SERVICE_REQUESTS_URL) {
    const srDb = await createTestDatabase('cs_sr');
    const srApp = await createServiceRequests(
      testEnv(srDb.url, { WORKERS_ENABLED: 'false', BANK_DETAILS_KEY: randomBytes(32).toString('base64') }),
      { logDestination: new LogCapture() },
    );
    const srRunning = await listen(srApp);
    peer = {
      url: srRunning.url,
      async close() {
        await srRunning.close();
        await srDb.drop();
      },
    };
  }
  const db = await createTestDatabase('cs');
  const logs = new LogCapture();
  const app = await createApp(
    testEnv(db.url, {
      SECURITY_PEPPER: TEST_PEPPER,
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
    async close() {
      await running.close();
      await db.drop();
      await peer?.close();
    },
  };
}
