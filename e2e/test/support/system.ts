import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@cms/domain';
import {
  ContractLog,
  createTestDatabase,
  freePort,
  LogCapture,
  OpenApiContract,
  testEnv,
  tokenFor,
  type CheckOptions,
  type OpenApiDocument,
  type TestDatabase,
} from '@cms/testing';
import request from 'supertest';
// Test code only: the five real services, loaded from their sources (never mocked).
import { createApp as createCisInterface } from '../../../services/cis-interface/src/app';
import { createApp as createCisSimulator } from '../../../services/cis-simulator/src/app';
import { createApp as createClientSecurity } from '../../../services/client-security/src/app';
import { createApp as createCorrespondence } from '../../../services/correspondence/src/app';
import { createApp as createServiceRequests } from '../../../services/service-requests/src/app';

/** The five services, by the short names the acceptance tests use. */
export const SERVICES = ['sr', 'ci', 'cs', 'co', 'sim'] as const;
export type ServiceKey = (typeof SERVICES)[number];

/** Full names, as in the README and the service folders. */
export const SERVICE_NAMES: Record<ServiceKey, string> = {
  sr: 'service-requests',
  ci: 'cis-interface',
  cs: 'client-security',
  co: 'correspondence',
  sim: 'cis-simulator',
};

/** The kinds of caller the procedures name, and CMS's own systems. */
export type Caller = 'caseworker' | 'sensitiveCaseTeam' | 'teamLeader' | 'system';

const CALLER_ROLES: Record<Caller, { roles: Role[]; subject: string }> = {
  caseworker: { roles: ['caseworker'], subject: 'cw-1001' },
  sensitiveCaseTeam: { roles: ['caseworker', 'sensitive-access'], subject: 'sct-2001' },
  teamLeader: { roles: ['team-leader'], subject: 'tl-3001' },
  system: { roles: ['system'], subject: 'system-e2e' },
};

/** supertest calls on one service with one caller's bearer token. */
export interface Http {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

/** One caller's view of the system: {@link Http} on each service. */
export type Session = Record<ServiceKey, Http>;

/** A running service: its app, base URL, own database and captured logs. */
export interface RunningService {
  name: string;
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  logs: LogCapture;
}

/** The whole system started in this process for one test file. */
export interface AcceptanceSystem {
  services: Record<ServiceKey, RunningService>;
  /** Base URLs by short name. */
  urls: Record<ServiceKey, string>;
  /** Bearer tokens of each kind of caller (signed with the test secret every service trusts). */
  tokens: Record<Caller, string>;
  /** The subject (user id) each caller's token carries, as services record it (e.g. `decidedBy`). */
  subjects: Record<Caller, string>;
  /** Calls as `caller`: `system.as('caseworker').sr.get('/cases')`. */
  as(caller: Caller): Session;
  /**
   * Moves the system's one clock forward (#12): every service shares it through
   * {@link clockFile}, so it is moved once, on the first of `services` (default: service-requests).
   */
  advanceClocks(by: { days?: number; hours?: number }, services?: readonly ServiceKey[]): Promise<void>;
  /** The CLOCK_FILE every service of this system shares (a temporary file, removed by close). */
  clockFile: string;
  /** Closes `service` and starts it again on the same database, port and CLOCK_FILE. */
  restart(service: ServiceKey): Promise<void>;
  /** A service's clock (CLOCK_MODE=adjustable), read over its API. */
  now(service: ServiceKey): Promise<Date>;
  /**
   * Every exchange made through {@link as} (and those a test hands to {@link checked}) checked
   * against the serving service's OpenAPI document (issue #14); {@link close} fails on a violation.
   */
  contract: ContractLog;
  /** Has `test`'s request and response checked against `service`'s document as well. */
  checked(service: ServiceKey, test: request.Test, options?: CheckOptions): request.Test;
  /**
   * Closes every app, then drops every database; then prints how many exchanges were validated
   * against the documents and throws, listing them, if any broke its document.
   */
  close(): Promise<void>;
}

/** Options: extra environment per service (e.g. `{ sr: { FOLLOW_UP_INTERVAL_MS: '100' } }`). */
export interface SystemOptions {
  env?: Partial<Record<ServiceKey, Record<string, string>>>;
}

type CreateApp = (
  env: Record<string, string | undefined>,
  opts?: { logDestination?: NodeJS.WritableStream },
) => Promise<NestFastifyApplication>;

/**
 * Checks `test`'s exchange against `service`'s document in `log` when the answer arrives (the
 * request as finally sent: method, URL, body and media type).
 */
function checkExchange(
  log: ContractLog,
  service: ServiceKey,
  test: request.Test,
  options: CheckOptions = {},
): request.Test {
  test.on('response', (res: request.Response) => {
    const sent = test as unknown as { method: string; url: string; _data?: unknown; get(h: string): string };
    const url = new URL(sent.url);
    log.record(
      service,
      {
        method: sent.method,
        url: url.pathname + url.search,
        request:
          sent._data === undefined
            ? undefined
            : typeof sent._data === 'string'
              ? { contentType: sent.get('content-type'), text: sent._data }
              : { contentType: sent.get('content-type') ?? 'application/json', body: sent._data },
        status: res.status,
        response: { contentType: res.headers['content-type'], body: res.body, text: res.text },
      },
      options,
    );
  });
  return test;
}

function http(base: string, token: string, check: (t: request.Test) => request.Test): Http {
  const withAuth = (t: request.Test) => check(t).auth(token, { type: 'bearer' });
  return {
    get: (path) => withAuth(request(base).get(path)),
    post: (path, body) => withAuth(request(base).post(path)).send(body ?? {}),
    put: (path, body) => withAuth(request(base).put(path)).send(body ?? {}),
    patch: (path, body) => withAuth(request(base).patch(path)).send(body ?? {}),
    delete: (path) => withAuth(request(base).delete(path)),
  };
}

/** Closes an app without waiting for peers' idle keep-alive connections (Fastify keeps them for 72 s). */
async function shut(app: NestFastifyApplication): Promise<void> {
  const server = app.getHttpServer() as Server;
  const closing = app.close();
  server.closeAllConnections();
  await closing;
}

/**
 * Starts all five services in this process, each on a fresh database (createTestDatabase) and a
 * port from freePort(), wired to each other by URL, with one adjustable clock shared through a
 * temporary CLOCK_FILE (testEnv), the CIS
 * simulator's broadcast scheduler off (tests run broadcasts on demand) and service-requests'
 * wait-expiry sweep left to the tests (`POST /internal/follow-ups/run`). Needs TEST_DATABASE_URL.
 */
export async function startSystem(opts: SystemOptions = {}): Promise<AcceptanceSystem> {
  // A port found free can be taken by another process before a service listens on it: start again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EADDRINUSE' || attempt === 3) throw e;
    }
  }
}

/** Five distinct free ports. */
async function freePorts(): Promise<Record<ServiceKey, number>> {
  const found = new Set<number>();
  while (found.size < SERVICES.length) found.add(await freePort());
  const list = [...found];
  return Object.fromEntries(SERVICES.map((k, i) => [k, list[i]])) as Record<ServiceKey, number>;
}

async function startOnce(opts: SystemOptions): Promise<AcceptanceSystem> {
  const ports = await freePorts();
  const urls = Object.fromEntries(SERVICES.map((k) => [k, `http://127.0.0.1:${ports[k]}`])) as Record<
    ServiceKey,
    string
  >;
  const envs: Record<ServiceKey, Record<string, string>> = {
    sr: {
      CIS_INTERFACE_URL: urls.ci,
      CLIENT_SECURITY_URL: urls.cs,
      CORRESPONDENCE_URL: urls.co,
      BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
      // Waits expire only when a test moves the clock and runs the sweep itself.
      FOLLOW_UP_INTERVAL_MS: '3600000',
    },
    ci: {
      SERVICE_REQUESTS_URL: urls.sr,
      CIS_URL: urls.sim,
      CORRESPONDENCE_URL: urls.co,
      CIS_RETRY_INITIAL_DELAY_MS: '20',
      CIS_RETRY_MAX_DELAY_MS: '100',
      JOB_RETRY_DELAY_SECONDS: '1',
    },
    cs: {
      SERVICE_REQUESTS_URL: urls.sr,
      SECURITY_PEPPER: `e2e-pepper-${randomBytes(24).toString('hex')}`,
    },
    co: { SERVICE_REQUESTS_URL: urls.sr, BANK_DETAILS_KEY: randomBytes(32).toString('base64') },
    sim: {
      CIS_INTERFACE_URL: urls.ci,
      BROADCAST_SCHEDULE_INTERVAL_MS: '0',
      BROADCAST_RETRY_DELAY_SECONDS: '1',
    },
  };
  const creators: Record<ServiceKey, CreateApp> = {
    sr: createServiceRequests as CreateApp,
    ci: createCisInterface as CreateApp,
    cs: createClientSecurity as CreateApp,
    co: createCorrespondence as CreateApp,
    sim: createCisSimulator as CreateApp,
  };

  const started: Partial<Record<ServiceKey, RunningService>> = {};
  const databases: TestDatabase[] = [];
  // One clock for the whole system (#12): every service reads and moves the same file.
  const clockDir = mkdtempSync(path.join(tmpdir(), 'cms-e2e-clock-'));
  const clockFile = path.join(clockDir, 'clock.json');
  const boot = async (k: ServiceKey, existing?: TestDatabase) => {
    const db = existing ?? (await createTestDatabase(`e2e_${k}`));
    if (!existing) databases.push(db);
    const logs = new LogCapture();
    const env = { CLOCK_FILE: clockFile, ...envs[k], ...opts.env?.[k], PORT: String(ports[k]) };
    const app = await creators[k](testEnv(db.url, env), {
      logDestination: logs,
    });
    try {
      await app.listen(ports[k], '127.0.0.1');
    } catch (e) {
      await app.close();
      throw e;
    }
    started[k] = { name: SERVICE_NAMES[k], app, url: urls[k], db, logs };
  };

  const closeAll = async () => {
    // Apps first (their workers and pools end), then the databases.
    await Promise.allSettled(Object.values(started).map((s) => shut(s!.app)));
    await Promise.allSettled(databases.map((d) => d.drop()));
    rmSync(clockDir, { recursive: true, force: true });
  };

  const results = await Promise.allSettled(SERVICES.map((k) => boot(k)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await closeAll();
    throw failed.reason;
  }

  const tokens = Object.fromEntries(
    await Promise.all(
      (Object.keys(CALLER_ROLES) as Caller[]).map(
        async (c) => [c, await tokenFor(CALLER_ROLES[c].roles, CALLER_ROLES[c].subject)] as const,
      ),
    ),
  ) as Record<Caller, string>;
  const subjects = Object.fromEntries(
    (Object.keys(CALLER_ROLES) as Caller[]).map((c) => [c, CALLER_ROLES[c].subject]),
  ) as Record<Caller, string>;
  // Each service's contract is the document it serves (docs/api is the same, by openapi.mjs --check).
  const contract = new ContractLog(
    Object.fromEntries(
      await Promise.all(
        SERVICES.map(async (k) => {
          const doc = (await request(urls[k]).get('/docs-json').expect(200)).body as OpenApiDocument;
          return [k, new OpenApiContract(doc, SERVICE_NAMES[k])] as const;
        }),
      ),
    ),
  );
  const as = (caller: Caller): Session =>
    Object.fromEntries(
      SERVICES.map((k) => [k, http(urls[k], tokens[caller], (t) => checkExchange(contract, k, t))]),
    ) as Session;
  const sys = as('system');

  return {
    services: started as Record<ServiceKey, RunningService>,
    urls,
    tokens,
    subjects,
    as,
    async advanceClocks(by, services = SERVICES) {
      await sys[services[0] ?? 'sr'].post('/internal/clock/advance', by).expect(200);
    },
    clockFile,
    async restart(service) {
      const running = started[service]!;
      await shut(running.app);
      await boot(service, running.db);
    },
    async now(service) {
      return new Date((await sys[service].get('/internal/clock').expect(200)).body.now);
    },
    contract,
    checked: (service, test, options) => checkExchange(contract, service, test, options),
    async close() {
      await closeAll();
      console.log(contract.summary());
      contract.assertClean();
    },
  };
}
