import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, listen, LogCapture, testEnv, tokenFor, TestDatabase } from '@cms/testing';
import request from 'supertest';
import { createApp } from '../src/app';

/** The CIS simulator on a fresh database and a random port, with its logs captured and a system token. */
export interface TestCisSimulator {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
  /** Bearer token with role system (cis-interface's identity). */
  token: string;
  /** POST `path` with the system token. */
  post(path: string, body?: object): request.Test;
  /** GET `path` with the system token. */
  get(path: string): request.Test;
  close(): Promise<void>;
}

/** Starts the simulator; the broadcast scheduler is off unless `extraEnv` turns it on. */
export async function startCisSimulator(extraEnv: Record<string, string> = {}): Promise<TestCisSimulator> {
  const db = await createTestDatabase('cis_sim');
  const logs = new LogCapture();
  const app = await createApp(
    testEnv(db.url, { BROADCAST_SCHEDULE_INTERVAL_MS: '0', BROADCAST_RETRY_DELAY_SECONDS: '1', ...extraEnv }),
    { logDestination: logs },
  );
  const running = await listen(app);
  const token = await tokenFor(['system'], 'cis-interface');
  return {
    app,
    url: running.url,
    db,
    logs,
    token,
    post: (path, body = {}) => request(running.url).post(path).auth(token, { type: 'bearer' }).send(body),
    get: (path) => request(running.url).get(path).auth(token, { type: 'bearer' }),
    async close() {
      await running.close();
      await db.drop();
    },
  };
}

/** Moves the simulator's clock to the next UK `hh:00` at least an hour ahead (so tests know which day it is). */
export async function moveClockToNext(s: TestCisSimulator, hour: number): Promise<Date> {
  const now = new Date((await s.get('/internal/clock')).body.now);
  const target = new Date(now.getTime() + 3_600_000);
  // Find the next instant whose UK wall-clock time is hour:00 (checking each hour copes with summer time).
  target.setUTCMinutes(0, 0, 0);
  const ukHour = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  while (Number(ukHour.format(target)) !== hour) target.setTime(target.getTime() + 3_600_000);
  const res = await s.post('/internal/clock/advance', { to: target.toISOString() }).expect(200);
  return new Date(res.body.now);
}
