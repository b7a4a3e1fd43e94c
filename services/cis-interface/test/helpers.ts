import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort, type RestartableService, startRestartable, tokenFor } from '@cms/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../src/app';

type CreateApp = (
  env: Record<string, string | undefined>,
  opts?: { logDestination?: NodeJS.WritableStream },
) => Promise<NestFastifyApplication>;

/*
 * The peers are started for real (never mocked), each on its own database and port. They are
 * loaded by package name (Jest maps @cms/<service> to its sources): test code only, and without
 * making this package's type-check depend on the other services' builds.
 */
const peer = (name: string): CreateApp => (require(`@cms/${name}`) as { createApp: CreateApp }).createApp;

/** A service started for a test; `stop` and `restart` keep its database and port (a peer that is down, then back). */
export type Running = RestartableService<NestFastifyApplication>;

const start = (
  label: string,
  create: CreateApp,
  env: Record<string, string>,
  port?: number,
): Promise<Running> => startRestartable(label, create, env, port);

/** Bearer tokens for each kind of caller. */
export interface Tokens {
  /** caseworker */
  cw: string;
  /** caseworker with sensitive access (the sensitive case team) */
  sct: string;
  /** team leader */
  tl: string;
  /** a service (service-requests, CIS) */
  sys: string;
}

/** cis-interface with the real service-requests, CIS simulator and (optionally) correspondence. */
export interface TestSystem {
  ci: Running;
  sr: Running;
  sim: Running;
  co: Running | null;
  tokens: Tokens;
  /** supertest against cis-interface. */
  api(): ReturnType<typeof request>;
  /** Calls on service-requests with the system token. */
  srPost(path: string, body: object, token?: string): request.Test;
  srGet(path: string, token?: string): request.Test;
  /** Calls on the CIS simulator (its admin and CIS APIs) with the system token. */
  simPost(path: string, body?: object): request.Test;
  simGet(path: string): request.Test;
  /** SQL on cis-interface's own database. */
  ciQuery<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface SystemOptions {
  ciEnv?: Record<string, string>;
  simEnv?: Record<string, string>;
  srEnv?: Record<string, string>;
  /** Start the real correspondence too (BR-8). */
  correspondence?: boolean;
  /**
   * Let service-requests reach cis-interface (its RD-1 trigger when a NINO/CRN becomes Verified).
   * Off by default, so that tests calling `POST /retrievals` themselves see only their own retrievals.
   */
  wireRd1?: boolean;
}

/**
 * Starts service-requests, the CIS simulator (broadcast scheduler off: tests run broadcasts with
 * `POST /admin/broadcasts/run`), correspondence when asked, and cis-interface, each on a fresh
 * database and its own port, wired to each other by URL.
 */
export async function startSystem(opts: SystemOptions = {}): Promise<TestSystem> {
  const ciPort = await freePort();
  const ciUrl = `http://127.0.0.1:${ciPort}`;
  let srPort = await freePort();
  while (srPort === ciPort) srPort = await freePort();
  const [sr, sim, co] = await Promise.all([
    start(
      'ci_sr',
      peer('service-requests'),
      {
        CIS_INTERFACE_URL: opts.wireRd1 ? ciUrl : 'http://127.0.0.1:9',
        CORRESPONDENCE_URL: 'http://127.0.0.1:9',
        FOLLOW_UP_INTERVAL_MS: '60000',
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
        ...opts.srEnv,
      },
      srPort,
    ),
    start('ci_sim', peer('cis-simulator'), {
      CIS_INTERFACE_URL: ciUrl,
      BROADCAST_SCHEDULE_INTERVAL_MS: '0',
      BROADCAST_RETRY_DELAY_SECONDS: '1',
      ...opts.simEnv,
    }),
    opts.correspondence
      ? // correspondence asks service-requests whether a case is nationally sensitive.
        start('ci_co', peer('correspondence'), { SERVICE_REQUESTS_URL: `http://127.0.0.1:${srPort}` })
      : Promise.resolve(null),
  ]);
  const ci = await start(
    'ci',
    createApp as unknown as CreateApp,
    {
      SERVICE_REQUESTS_URL: sr.url,
      CIS_URL: sim.url,
      CORRESPONDENCE_URL: co?.url ?? 'http://127.0.0.1:9',
      CIS_TIMEOUT_MS: '1000',
      CIS_RETRY_ATTEMPTS: '2',
      CIS_RETRY_INITIAL_DELAY_MS: '20',
      CIS_RETRY_MAX_DELAY_MS: '100',
      JOB_RETRY_DELAY_SECONDS: '1',
      ...opts.ciEnv,
    },
    ciPort,
  );
  const [cw, sct, tl, sys] = await Promise.all([
    tokenFor(['caseworker'], 'cw-1'),
    tokenFor(['caseworker', 'sensitive-access'], 'sct-1'),
    tokenFor(['team-leader'], 'tl-1'),
    tokenFor(['system'], 'service-requests'),
  ]);
  return {
    ci,
    sr,
    sim,
    co,
    tokens: { cw, sct, tl, sys },
    api: () => request(ci.url),
    srPost: (path, body, token = sys) =>
      request(sr.url).post(path).auth(token, { type: 'bearer' }).send(body),
    srGet: (path, token = sys) => request(sr.url).get(path).auth(token, { type: 'bearer' }),
    simPost: (path, body = {}) => request(sim.url).post(path).auth(sys, { type: 'bearer' }).send(body),
    simGet: (path) => request(sim.url).get(path).auth(sys, { type: 'bearer' }),
    ciQuery: (sql, params) => ci.app.get(DataSource).query(sql, params),
    async close() {
      await ci.close();
      await Promise.all([sr.close(), sim.close(), co?.close()]);
    },
  };
}

/** A NINO made from a number, unique per test run: `JK` + 6 digits + `C`. */
export function nino(n: number, prefix = 'JK'): string {
  return `${prefix}${String(n).padStart(6, '0')}C`;
}

/** Personal details a test client starts with, in CMS and (by default the same) in CIS. */
export const SARAH = {
  firstName: 'Sarah',
  lastName: 'Okafor',
  dateOfBirth: '1988-04-17',
  dateOfBirthVerified: false,
  sex: 'F',
  address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
  addressStartDate: '2020-01-01',
  homePhone: '01632 960001',
  mobilePhone: '07700 900123',
  homeEmail: 'sarah.okafor@example.com',
};

/** What a scenario needs: a client in service-requests on a case, and (optionally) the same person in CIS. */
export interface ClientFixture {
  clientId: string;
  caseId: string;
  nino: string;
}

/**
 * Creates a client in service-requests (`details`, NINO), a case at `stage` with them in `role`
 * (and a second parent), and, unless `cis` is false, the person in the CIS simulator with `cis`
 * details (default: the same as CMS's) and the given interests.
 */
export async function givenClient(
  s: TestSystem,
  opts: {
    nino: string;
    role?: 'PWC' | 'NRP';
    stage?: string;
    details?: Record<string, unknown>;
    cis?: Record<string, unknown> | false;
    cisInterests?: string[];
    verified?: boolean;
    nationallySensitiveCase?: boolean;
  },
): Promise<ClientFixture> {
  const details = opts.details ?? SARAH;
  const client = await s.srPost('/clients', { nino: opts.nino, ...details }).expect(201);
  const other = await s.srPost('/clients', { firstName: 'Other', lastName: 'Parent' }).expect(201);
  const role = opts.role ?? 'PWC';
  const kase = await s
    .srPost('/cases', {
      jurisdiction: 'GB',
      stage: opts.stage ?? 'application',
      nationallySensitive: opts.nationallySensitiveCase ?? false,
      participants: [
        { clientId: client.body.id, role },
        { clientId: other.body.id, role: role === 'PWC' ? 'NRP' : 'PWC' },
      ],
    })
    .expect(201);
  if (opts.verified) {
    await request(s.sr.url)
      .put(`/clients/${client.body.id}/reference-status`)
      .auth(s.tokens.sys, { type: 'bearer' })
      .send({ status: 'Verified', version: client.body.version })
      .expect(200);
  }
  if (opts.cis !== false) {
    const cis = opts.cis ?? details;
    const { dateOfBirthVerified, ...rest } = cis as Record<string, unknown>;
    await s
      .simPost('/admin/persons', {
        referenceKind: 'NINO',
        reference: opts.nino,
        ...rest,
        dateOfBirthVerified: dateOfBirthVerified ?? false,
        interestTypes: opts.cisInterests ?? [],
      })
      .expect(201);
  }
  return { clientId: client.body.id, caseId: kase.body.id, nino: opts.nino };
}

/** Moves the simulator's clock to the next UK `hh:00` at least an hour ahead; returns the UK day then. */
export async function moveSimClockToNext(s: TestSystem, hour: number): Promise<string> {
  const now = new Date((await s.simGet('/internal/clock').expect(200)).body.now);
  const target = new Date(now.getTime() + 3_600_000);
  target.setUTCMinutes(0, 0, 0);
  const ukHour = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  while (Number(ukHour.format(target)) !== hour) target.setTime(target.getTime() + 3_600_000);
  await s.simPost('/internal/clock/advance', { to: target.toISOString() }).expect(200);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(target);
}

/**
 * Records `change` on the person's CIS record (a change made elsewhere in DWP), as the simulator's
 * admin API does.
 */
export async function cisChange(
  s: TestSystem,
  reference: string,
  change: Record<string, unknown>,
): Promise<void> {
  await s.simPost('/admin/changes', { referenceKind: 'NINO', reference, change }).expect(201);
}

/**
 * Moves the simulator 48 hours on (the day's broadcast is then due, BR-2), runs the broadcast and
 * returns the batch id (null when nothing was to be sent).
 */
export async function runBroadcast(s: TestSystem): Promise<string | null> {
  await s.simPost('/internal/clock/advance', { hours: 48 }).expect(200);
  const run = await s.simPost('/admin/broadcasts/run', {}).expect(200);
  const withBatch = (run.body.runs as { batchId: string | null }[]).filter((r) => r.batchId);
  return withBatch.length ? withBatch[withBatch.length - 1].batchId : null;
}
