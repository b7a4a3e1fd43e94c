import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, listen, LogCapture, testEnv, TestDatabase } from '@cms/testing';
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
  close(): Promise<void>;
}

/** Starts client-security for one test file; `close()` stops it and drops its database. */
export async function startClientSecurity(
  extraEnv: Record<string, string> = {},
): Promise<TestClientSecurity> {
  // client-security asks service-requests whether a client is nationally sensitive; unless a
  // test wires its own, a real service-requests on an empty database stands beside it (every
  // client unknown there: not on any case, so not sensitive).
  const peer = extraEnv.SERVICE_REQUESTS_URL
    ? null
    : await startServiceRequests({ WORKERS_ENABLED: 'false' });
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
