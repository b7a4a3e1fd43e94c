import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createTestDatabase,
  listen,
  LogCapture,
  type RestartableService,
  startRestartable,
  testEnv,
  tokenFor,
  TestDatabase,
} from '@cms/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
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

type CreateApp = (
  env: Record<string, string | undefined>,
  opts?: { logDestination?: NodeJS.WritableStream },
) => Promise<NestFastifyApplication>;

/*
 * Peers are started for real (never mocked), each on its own database and port. They are loaded by
 * package name (Jest maps @cms/<service> to its sources): test code only, and without making this
 * package's type-check depend on the other services' builds.
 */
const peer = (name: string): CreateApp => (require(`@cms/${name}`) as { createApp: CreateApp }).createApp;

/** The real cis-interface, receiving the simulator's broadcasts; `stop` / `restart` keep its database and port. */
export interface TestCisInterface extends RestartableService<NestFastifyApplication> {
  /** GET `path` as a caseworker with sensitive access (sees nationally sensitive transactions too). */
  get(path: string): request.Test;
  /** POST `path` with a system token (CIS's identity) and the given headers. */
  post(path: string, body: object, headers?: Record<string, string>): request.Test;
  /** SQL on cis-interface's own database. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/**
 * Starts the real cis-interface on a fresh database and a random port, with its workers off: it
 * stores and acknowledges broadcast batches (`POST /broadcasts` runs in the request) and leaves
 * their transactions `pending`, so it needs neither service-requests nor correspondence (their URLs
 * point nowhere) nor CIS.
 */
export async function startCisInterface(extraEnv: Record<string, string> = {}): Promise<TestCisInterface> {
  const ci = await startRestartable('cis_sim_ci', peer('cis-interface'), {
    WORKERS_ENABLED: 'false',
    SERVICE_REQUESTS_URL: 'http://127.0.0.1:9',
    CORRESPONDENCE_URL: 'http://127.0.0.1:9',
    CIS_URL: 'http://127.0.0.1:9',
    ...extraEnv,
  });
  const [reader, cis] = await Promise.all([
    tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
    tokenFor(['system'], 'cis-simulator'),
  ]);
  return Object.assign(ci, {
    get: (path: string) => request(ci.url).get(path).auth(reader, { type: 'bearer' }),
    post: (path: string, body: object, headers: Record<string, string> = {}) =>
      request(ci.url).post(path).auth(cis, { type: 'bearer' }).set(headers).send(body),
    query: <T = Record<string, unknown>>(sql: string, params?: unknown[]) =>
      ci.app.get(DataSource).query(sql, params) as Promise<T[]>,
  });
}

/** One HTTP request this process sent with `fetch`, as it went out (method, path, headers). */
export interface SentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** undici gives a request's headers as a flat [name, value, …] array, or (older versions) as raw header lines. */
function headersOf(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  } else if (typeof raw === 'string') {
    for (const line of raw.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  return out;
}

/**
 * Records every request this test process sends with `fetch` to `origin` (the simulator runs in it, so
 * its real deliveries to cis-interface are among them), from undici's `undici:request:create`
 * diagnostics channel: it only observes; the requests go to the real service unchanged. Shows what
 * cis-interface's API does not keep, e.g. the Idempotency-Key header.
 */
export function recordRequestsTo(origin: string): { sent: SentRequest[]; stop(): void } {
  const wanted = new URL(origin).origin;
  const sent: SentRequest[] = [];
  const onCreate = (message: unknown) => {
    const { request: r } = message as {
      request: { origin: unknown; method: string; path: string; headers: unknown };
    };
    if (new URL(String(r.origin)).origin !== wanted) return;
    sent.push({ method: r.method, path: r.path, headers: headersOf(r.headers) });
  };
  subscribe('undici:request:create', onCreate);
  return { sent, stop: () => unsubscribe('undici:request:create', onCreate) };
}
