#!/usr/bin/env node
// The replicas test (issue #16): two replicas of service-requests, cis-interface, client-security and
// correspondence (and one cis-simulator) as real processes from the build, on the same databases of a
// PostgreSQL of the test's own, each service behind a tiny round-robin proxy whose URL the peers use.
// One clock for every process (CLOCK_FILE). It drives a day of work through them:
//   - CIS's daily broadcast, made by the simulator from the changes recorded on its persons (bulk
//     inserted with SQL, set-up only) and delivered by its job to cis-interface: --transactions N
//     (default 10,000), two items per client (BR-4), 1 in 50 paying parents' first item a benefit
//     claim (BR-8: an MOPF letter, no SR);
//   - security checks failing three times for --blocks clients (SD-2: the TAM account blocked, an SR
//     raised by service-requests from client-security's job);
//   - --waits security details SRs put in Wait with CMSL9800 (SD-9), whose waits expire after the
//     shared clock is moved: CMSL9801 and Wait again (SD-10), then rejected (SD-12), by the wait
//     sweep running on every service-requests replica;
//   - --transfers data transfers approved by a team leader: CMSL0406 issued (TD-8);
//   - letters dispatched by correspondence's print job.
// Half way through the broadcast one replica of each of the four services is killed with SIGKILL
// (no drain); the proxies stop sending to it (a refused connection is tried on the other replica);
// a replacement starts a few seconds later, as Kubernetes would. Then a rolling update: a new
// replica of each starts and an old one gets SIGTERM, drains and exits 0, with no request cut.
// Then, from the databases: each transaction's SR raised once, each letter issued and dispatched
// once, each wait-expiry effect applied once, each block one SR, no pg-boss job stuck, audit rows
// one per effect. Prints the counts and PASS, or FAIL with each failed check (exit 1).
//
// A SIGKILLed replica's job in hand stays `active` in pg-boss until it expires (expireInSeconds 300
// in JobQueue) and a maintenance run (every 120 s) retries it. To finish in minutes the test lowers
// the queues' expiry (--job-expiry, default 45 s) once the services have declared them, and runs
// pg-boss maintenance itself every 5 s; the property proven (a job re-run after its replica died is
// applied once) is the same. A replica that exits while starting is started again, as Kubernetes
// restarts a pod, named in the summary, and fails the run: two replicas declaring pg-boss queues at
// once on a fresh database used to deadlock (5 of 12 runs); JobQueue now retries that deadlock.
//
// Usage: node scripts/replicas-test.mjs [--transactions 10000] [--blocks 30] [--waits 30]
//        [--transfers 10] [--timeout 360] (seconds, whole run) [--job-expiry 45] [--no-build]
//        [--keep-logs]
// Uses an embedded PostgreSQL (throwaway). Loopback only.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { mainOf, nodePath } from './lib/build.mjs';
import { freePort, startEmbeddedPostgres } from './lib/embedded-pg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const TRANSACTIONS = arg('transactions', 10_000);
const BLOCKS = arg('blocks', 30);
const WAITS = arg('waits', 30);
const TRANSFERS = arg('transfers', 10);
const TIMEOUT_S = arg('timeout', 360);
const JOB_EXPIRY_S = arg('job-expiry', 45);
const BUILD = !process.argv.includes('--no-build');
const KEEP_LOGS = process.argv.includes('--keep-logs');
const CLIENTS = Math.ceil(TRANSACTIONS / 2);
const CASES = Math.ceil(CLIENTS / 2);
if (
  ![TRANSACTIONS, BLOCKS, WAITS, TRANSFERS, TIMEOUT_S, JOB_EXPIRY_S].every(
    (n) => Number.isInteger(n) && n >= 0,
  ) ||
  TRANSACTIONS < 2 ||
  BLOCKS + WAITS + TRANSFERS > CASES
) {
  console.error('bad arguments (whole numbers; --blocks + --waits + --transfers at most --transactions / 4)');
  process.exit(2);
}

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = (m) => console.log(`[${secs().padStart(5)} s] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ── Clean-up: whatever happens, no process left behind ─────────────────────────────────────────
const work = mkdtempSync(path.join(os.tmpdir(), 'cms-replicas-'));
const logDir = path.join(work, 'logs');
const children = new Set();
let embedded;
let finished = false;
const killAll = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
};
process.on('exit', killAll);
async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) console.error(why);
  killAll();
  await Promise.race([embedded?.stop().catch(() => {}), sleep(15_000)]);
  if (code === 0 && !KEEP_LOGS) rmSync(work, { recursive: true, force: true });
  else console.error(`service logs: ${logDir}`);
  process.exit(code);
}
setTimeout(
  () => void finish(1, `FAIL: the replicas test did not finish within --timeout ${TIMEOUT_S} s`),
  TIMEOUT_S * 1000,
).unref();
process.on('SIGINT', () => void finish(130, 'interrupted'));
process.on('uncaughtException', (e) => void finish(1, `FAIL: ${e.stack ?? e}`));
process.on('unhandledRejection', (e) => void finish(1, `FAIL: ${e?.stack ?? e}`));

// ── Build ───────────────────────────────────────────────────────────────────────────────────────
const SERVICES = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];
const buildDir = path.join(os.tmpdir(), `cms-replicas-build-${Buffer.from(root).toString('hex').slice(-16)}`);
if (BUILD) {
  const built = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'scripts/lib/build.mjs'), root, buildDir, ...SERVICES],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve(code === 0 ? JSON.parse(out) : null));
  });
  if (!built) await finish(1, 'FAIL: the build failed');
  log(
    built.reused
      ? 'build: current, reused'
      : `build: ${built.files} files in ${(built.ms / 1000).toFixed(1)} s`,
  );
}

// ── PostgreSQL, databases, migrations (once, as a release's Job) ───────────────────────────────
embedded = await startEmbeddedPostgres({ handleExit: false });
const dbName = { sr: 'r_sr', ci: 'r_ci', cs: 'r_cs', co: 'r_co', sim: 'r_sim' };
const dbUrl = (k) => {
  const u = new URL(embedded.url);
  u.pathname = `/${dbName[k]}`;
  return u.toString();
};
const pools = {};
const q = async (k, sql, params) => {
  pools[k] ??= new pg.Pool({ connectionString: dbUrl(k), max: 3 });
  return (await pools[k].query(sql, params)).rows;
};
const SVC = {
  sr: 'service-requests',
  ci: 'cis-interface',
  cs: 'client-security',
  co: 'correspondence',
  sim: 'cis-simulator',
};
const baseEnv = { ...process.env, NODE_PATH: nodePath(root) };
mkdirSync(logDir, { recursive: true });
await Promise.all(
  Object.keys(dbName).map(
    (k) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [path.join(buildDir, 'services', SVC[k], 'src', 'migrate.js')],
          {
            cwd: root,
            env: { ...baseEnv, DATABASE_URL: dbUrl(k) },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`${SVC[k]} migrate: ${code} ${err}`)),
        );
      }),
  ),
);
log('migrations run once per database (the migrate entry, as the release Job)');

// ── Fixture (SQL, set-up only) ─────────────────────────────────────────────────────────────────
// Clients 2k (PWC) and 2k+1 (NRP) on case k, all in maintenance, each with a CIS interest in
// cis-interface and a person with that interest on CIS (the simulator).
/** The last name the fixture gives client `i` (letters only: a name may hold no digits). */
const lastNameOf = (i) => `Bench${String(i).replace(/\d/g, (d) => 'abcdefghij'[d])}`;
await q(
  'sr',
  `INSERT INTO "client" (reference_kind, reference, reference_status, first_name, last_name, date_of_birth, address, version)
   SELECT 'NINO', 'AB' || lpad(g::text, 6, '0') || 'C', 'Verified', 'Pat', 'Bench' || translate(g::text, '0123456789', 'abcdefghij'),
          date '1980-01-01' + (g % 7000), jsonb_build_object('line1', g || ' Bench Street', 'town', 'Leeds', 'postcode', 'LS1 4AP'), 1
     FROM generate_series(0, $1 - 1) g`,
  [CLIENTS],
);
await q(
  'sr',
  `INSERT INTO "case" (case_number, jurisdiction, stage, live, version)
   SELECT (300000000000 + g)::text, 'GB', 'maintenance', true, 1 FROM generate_series(0, $1 - 1) g`,
  [CASES],
);
await q(
  'sr',
  `INSERT INTO case_participant (case_id, client_id, role)
   SELECT k.id, c.id, CASE WHEN substr(c.reference, 3, 6)::int % 2 = 0 THEN 'PWC' ELSE 'NRP' END
     FROM "client" c JOIN "case" k ON k.case_number = (300000000000 + substr(c.reference, 3, 6)::int / 2)::text`,
);
await q('sr', 'ANALYZE');
await q(
  'ci',
  `INSERT INTO interest_registration (client_id, reference_kind, reference, interest_type, client_role, status, registered_at, registered_by)
   SELECT gen_random_uuid(), 'NINO', 'AB' || lpad(g::text, 6, '0') || 'C',
          CASE WHEN g % 2 = 0 THEN 'PWC_QC_ROC_GENERAL' ELSE 'NRP_GENERAL' END,
          CASE WHEN g % 2 = 0 THEN 'PWC' ELSE 'NRP' END, 'registered', now(), 'replicas-test'
     FROM generate_series(0, $1 - 1) g`,
  [CLIENTS],
);
await q(
  'sim',
  `WITH p AS (
     INSERT INTO person (reference_kind, reference, first_name, last_name, version, created_at, updated_at)
     SELECT 'NINO', 'AB' || lpad(g::text, 6, '0') || 'C', 'Pat', 'Bench' || translate(g::text, '0123456789', 'abcdefghij'), 1, now(), now()
       FROM generate_series(0, $1 - 1) g
     RETURNING id, reference)
   INSERT INTO interest (person_id, interest_type, registered_at, registered_by)
   SELECT id, CASE WHEN substr(reference, 3, 6)::int % 2 = 0 THEN 'PWC_QC_ROC_GENERAL' ELSE 'NRP_GENERAL' END, now(), 'CMG'
     FROM p`,
  [CLIENTS],
);
// The day's changes: recorded three days ago (UK), so that day's broadcast is due (BR-2: 24 hours
// after the day ends). Transaction n concerns client n mod CLIENTS; the first pass one item, the
// second another (BR-4).
const ukDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(
  new Date(Date.now() - 3 * 86_400_000),
);
const isClaim = (i) => i % 2 === 1 && ((i - 1) / 2) % 50 === 7;
await q(
  'sim',
  `INSERT INTO cis_change (person_id, day, change_type, item, origin, payload, recorded_at)
   SELECT p.id, $2::date, x.type, x.item, 'DWP', x.payload || jsonb_build_object('type', x.type), $2::date + time '10:00' + (n || ' milliseconds')::interval
     FROM generate_series(0, $1 - 1) n
     CROSS JOIN LATERAL (SELECT n % $3 AS i, n >= $3 AS second) s
     JOIN person p ON p.reference = 'AB' || lpad(s.i::text, 6, '0') || 'C'
     CROSS JOIN LATERAL (
       SELECT * FROM (VALUES
         (s.i % 2 = 0 AND NOT s.second, 'ADDRESS_CHANGE', 'address',
          jsonb_build_object('address', jsonb_build_object('line1', s.i || ' New Road', 'town', 'Leeds', 'postcode', 'LS6 3AA'), 'addressStartDate', $2::text)),
         (s.i % 2 = 0 AND s.second, 'NAME_1_CHANGE', 'name',
          jsonb_build_object('firstName', 'Patricia', 'lastName', 'Bench' || translate(s.i::text, '0123456789', 'abcdefghij'))),
         (s.i % 2 = 1 AND NOT s.second AND (s.i - 1) / 2 % 50 = 7, 'NRP_BENEFIT_CLAIM', 'benefitClaim',
          jsonb_build_object('benefitType', 'Universal Credit', 'claimDate', $2::text)),
         (s.i % 2 = 1 AND NOT s.second AND (s.i - 1) / 2 % 50 <> 7, 'NRP_BENEFIT_ON_OFF', 'benefit',
          jsonb_build_object('onBenefit', true, 'benefitType', 'Jobseeker’s Allowance')),
         (s.i % 2 = 1 AND s.second, 'NRP_PARTNER_BENEFIT_ON_OFF', 'partnerBenefit',
          jsonb_build_object('onBenefit', s.i % 4 = 1, 'benefitType', 'Universal Credit'))
       ) v(pick, type, item, payload) WHERE v.pick) x`,
  [TRANSACTIONS, ukDay, CLIENTS],
);
let CLAIMS = 0;
for (let n = 0; n < Math.min(TRANSACTIONS, CLIENTS); n++) if (isClaim(n)) CLAIMS++;
const clientIds = new Map(
  (await q('sr', `SELECT id, reference FROM "client"`)).map((r) => [Number(r.reference.slice(2, 8)), r.id]),
);
const caseIds = new Map(
  (await q('sr', `SELECT id, case_number FROM "case"`)).map((r) => [
    Number(r.case_number) - 300000000000,
    r.id,
  ]),
);
log(
  `fixture: ${CLIENTS} clients on ${CASES} cases with CIS interests; ${TRANSACTIONS} CIS changes for ${ukDay} (${CLAIMS} benefit claims)`,
);

// ── Services: two replicas of four, one simulator, behind round-robin proxies ──────────────────
const SECRET = randomBytes(24).toString('hex');
const clockFile = path.join(work, 'clock.json');
const proxyPort = {};
for (const k of Object.keys(SVC)) proxyPort[k] = await freePort();
const url = (k) => `http://127.0.0.1:${proxyPort[k]}`;
const env = {
  ...baseEnv,
  AUTH_JWT_SECRET: SECRET,
  SECURITY_PEPPER: randomBytes(32).toString('hex'),
  BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
  CLOCK_MODE: 'adjustable',
  CLOCK_FILE: clockFile,
  LOG_LEVEL: 'warn',
  MIGRATIONS_RUN: 'false',
  DATABASE_POOL_SIZE: '5',
  HTTP_TIMEOUT_MS: '30000',
  FOLLOW_UP_INTERVAL_MS: '500',
  BROADCAST_WORKERS: '2',
  BROADCAST_CHUNK_SIZE: '250',
  HASH_CONCURRENCY: '1',
  UV_THREADPOOL_SIZE: '2',
  SERVICE_REQUESTS_URL: url('sr'),
  CIS_INTERFACE_URL: url('ci'),
  CLIENT_SECURITY_URL: url('cs'),
  CORRESPONDENCE_URL: url('co'),
  CIS_URL: url('sim'),
};
const envOf = { ci: { JOB_POOL_SIZE: '9' } };

/** Replicas by service key: `{ name, port, child, alive }`; the proxies read this list. */
const replicas = { sr: [], ci: [], cs: [], co: [], sim: [] };
/**
 * Replicas that exited while starting and were started again, as a Deployment restarts a crashed pod
 * (`{ service, replica, reason }`); reported, never hidden.
 */
const startRestarts = [];
async function startReplica(k, name, attempt = 1) {
  try {
    return await startReplicaOnce(k, attempt === 1 ? name : `${name}-restart${attempt - 1}`, name);
  } catch (e) {
    if (!e.exitedEarly || attempt >= 3) throw e;
    const text = readFileSync(e.logFile, 'utf8');
    const reason = /deadlock detected/.test(text)
      ? 'deadlock detected (pg-boss create_queue)'
      : text.trim().split('\n').slice(-3).join(' ').slice(0, 300);
    startRestarts.push({ service: SVC[k], replica: name, reason });
    log(
      `${SVC[k]} ${name} exited while starting (${reason}); started again, as Kubernetes restarts a crashed pod`,
    );
    return startReplica(k, name, attempt + 1);
  }
}
async function startReplicaOnce(k, logName, name) {
  const port = await freePort();
  const logFile = path.join(logDir, `${SVC[k]}-${logName}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [mainOf(buildDir, SVC[k])], {
    cwd: root,
    env: { ...env, ...envOf[k], PORT: String(port), DATABASE_URL: dbUrl(k) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.add(child);
  const r = { name, port, child, alive: true, exit: null };
  child.on('exit', (code, signal) => {
    r.alive = false;
    r.exit = code ?? signal;
  });
  replicas[k].push(r);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!r.alive) {
      replicas[k].splice(replicas[k].indexOf(r), 1);
      await sleep(300); // the log written out
      throw Object.assign(new Error(`${SVC[k]} ${name} exited (${r.exit}) before ready: ${logFile}`), {
        exitedEarly: true,
        logFile,
      });
    }
    if (Date.now() > deadline) throw new Error(`${SVC[k]} ${name} not ready in 120 s`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) return r;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
}

/**
 * Proxy counters: requests, retries on another replica after a refused connection, 502s (cut), and
 * answers of 500 or above from a replica other than 503 (which PeerHttp waits out).
 */
const proxyStats = { requests: 0, retried: 0, failed: 0, upstream5xx: 0 };
function startProxy(k) {
  let next = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      proxyStats.requests++;
      const body = Buffer.concat(chunks);
      const tried = new Set();
      const attempt = () => {
        // Round robin over the replicas that have not refused a connection in the last second. The
        // proxy knows nothing of the processes: it learns that one is gone (or not listening yet)
        // from a refused connection, as a load balancer does, and tries the next one.
        // A replica that is terminating is out of the endpoints already (as Kubernetes removes a
        // terminating pod from its Service while preStop runs): no new request goes to it.
        const untried = replicas[k].filter((r) => !tried.has(r) && !r.terminating);
        const listening = untried.filter((r) => !(r.refusedUntil > Date.now()));
        const candidates = listening.length ? listening : untried;
        if (!candidates.length) {
          proxyStats.failed++;
          res.writeHead(502, { 'content-type': 'text/plain' }).end('no replica answered');
          return;
        }
        const r = candidates[next++ % candidates.length];
        tried.add(r);
        const up = httpRequest(
          {
            host: '127.0.0.1',
            port: r.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
            agent: false,
          },
          (upRes) => {
            if (upRes.statusCode >= 500 && upRes.statusCode !== 503) proxyStats.upstream5xx++;
            res.writeHead(upRes.statusCode, upRes.headers);
            upRes.pipe(res);
          },
        );
        up.on('error', (e) => {
          if (e.code === 'ECONNREFUSED') {
            r.refusedUntil = Date.now() + 1000;
            proxyStats.retried++;
            return attempt();
          }
          // Cut mid-request (the replica was killed while serving): a load balancer answers 502;
          // the caller (PeerHttp, a job) retries with its Idempotency-Key.
          proxyStats.failed++;
          if (!res.headersSent)
            res.writeHead(502, { 'content-type': 'text/plain' }).end(e.code ?? 'upstream error');
          else res.destroy();
        });
        up.end(body);
      };
      attempt();
    });
  });
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve) => server.listen(proxyPort[k], '127.0.0.1', () => resolve(server)));
}
for (const k of Object.keys(SVC)) await startProxy(k);
// service-requests first (every peer asks it), then the others; two replicas each but the simulator.
await Promise.all([startReplica('sr', 'a'), startReplica('sr', 'b')]);
await Promise.all([
  startReplica('co', 'a'),
  startReplica('co', 'b'),
  startReplica('cs', 'a'),
  startReplica('cs', 'b'),
]);
await Promise.all([startReplica('ci', 'a'), startReplica('ci', 'b'), startReplica('sim', 'a')]);
const readyAt = (Date.now() - t0) / 1000;
log('ready: service-requests, cis-interface, client-security, correspondence × 2, cis-simulator × 1');

// The queues exist now (declared by the services at start): a shorter expiry for the jobs a killed
// replica held (see the top), and pg-boss maintenance every 5 s from here.
const bosses = [];
for (const k of Object.keys(SVC)) {
  await q(k, `UPDATE pgboss.queue SET expire_seconds = $1`, [JOB_EXPIRY_S]);
  const boss = new PgBoss({
    connectionString: dbUrl(k),
    schema: 'pgboss',
    max: 2,
    migrate: false,
    supervise: true,
    schedule: false,
    maintenanceIntervalSeconds: 5,
  });
  boss.on('error', () => {});
  await boss.start();
  bosses.push(boss);
}

// ── Callers ─────────────────────────────────────────────────────────────────────────────────────
const token = (sub, roles) =>
  new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('cms-cis-dev')
    .setAudience('cms-cis')
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));
const tokens = {
  cw: await token('cw-1001', ['caseworker']),
  tl: await token('tl-3001', ['team-leader']),
  sys: await token('replicas-test', ['system']),
};
/** One call through the proxy; retries 502/503 and refused connections a few times (as a caller would). */
async function call(k, method, p, body, who = 'cw', expect = [200, 201]) {
  let last;
  for (let i = 0; i < 8; i++) {
    try {
      const res = await fetch(`${url(k)}${p}`, {
        method,
        headers: {
          authorization: `Bearer ${tokens[who] ?? who}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      if (expect.includes(res.status)) return text ? JSON.parse(text) : null;
      last = `${method} ${SVC[k]}${p} answered ${res.status}: ${text.slice(0, 500)}`;
      // Retried only when nothing was done: a 502 from the proxy on a GET, a 503 (never committed).
      if (!(res.status === 503 || (res.status === 502 && method === 'GET'))) break;
    } catch (e) {
      last = `${method} ${SVC[k]}${p}: ${e.message}`;
      if (method !== 'GET') break;
    }
    await sleep(300 * (i + 1));
  }
  throw new Error(last);
}
/** One call through the proxy, no retry: `{ status, body }`; status 0 when the connection failed. */
async function request(k, method, p, body, who = 'cw') {
  try {
    const res = await fetch(`${url(k)}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who] ?? who}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  } catch (e) {
    return { status: 0, body: e.message };
  }
}
/** Answers a caller may retry because nothing (or maybe something) was done: cut, refused, unavailable, stale version. */
const AMBIGUOUS = new Set([0, 502, 503, 409]);
/**
 * Moves SR `id` as a caseworker does with the version last read; after an ambiguous answer (its
 * replica killed mid-request) reads the SR again and stops once `done(sr)` says the move happened.
 */
async function moveSr(
  id,
  status,
  subStatus,
  extra = {},
  who = 'cw',
  done = (sr) => sr.status === status && (sr.subStatus ?? null) === subStatus,
) {
  let last;
  for (let i = 0; i < 8; i++) {
    const sr = await call('sr', 'GET', `/service-requests/${id}`);
    if (i > 0 && done(sr)) return sr;
    const r = await request(
      'sr',
      'POST',
      `/service-requests/${id}/transitions`,
      { version: sr.version, to: { status, subStatus }, ...extra },
      who,
    );
    if (r.status === 200) return r.body;
    last = `move ${id} to ${status}/${subStatus}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
    if (!AMBIGUOUS.has(r.status)) break;
    await sleep(500);
  }
  throw new Error(last);
}
const pool = async (items, n, fn) => {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (queue.length) await fn(queue.shift());
    }),
  );
};
const waitUntil = async (what, fn, ms = 120_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await sleep(500);
  }
};
const clockNow = async () => new Date((await call('sr', 'GET', '/internal/clock')).now);

// ── The day ─────────────────────────────────────────────────────────────────────────────────────
const blockClients = Array.from({ length: BLOCKS }, (_, k) => 2 * k + 1); // paying parents of cases 0..
const waitCases = Array.from({ length: WAITS }, (_, k) => BLOCKS + k); // receiving parents
const transferCases = Array.from({ length: TRANSFERS }, (_, k) => BLOCKS + WAITS + k);
const failures = [];
const check = (ok, what) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

// Security details for the clients who will fail checks and those who ask to change them (SD-22).
await pool([...blockClients, ...waitCases.map((c) => 2 * c)], 4, (i) =>
  call('cs', 'POST', `/clients/${clientIds.get(i)}/security-details`, {
    pin: '1234567',
    password: `Bluebell${i}`,
  }),
);
log(`security details set up for ${BLOCKS + WAITS} clients`);

// SD-9: receiving parents ask to give new security details in writing: CMSL9800, Wait seven days.
const waitSrs = [];
const move = (sr, status, subStatus, extra = {}, who = 'cw') =>
  call(
    'sr',
    'POST',
    `/service-requests/${sr.id}/transitions`,
    { version: sr.version, to: { status, subStatus }, ...extra },
    who,
  );
const outcome = (sr, key, value) =>
  call('sr', 'PUT', `/service-requests/${sr.id}/activity-steps/${key}`, {
    version: sr.version,
    outcome: value,
  });
const dueIn7 = new Date((await clockNow()).getTime() + 7 * 86_400_000).toISOString();
await pool(waitCases, 3, async (c) => {
  let sr = await call('sr', 'POST', '/service-requests', {
    type: 'SECURITY_DETAILS',
    source: 'PWC',
    reportedBy: { firstName: 'Pat', lastName: lastNameOf(2 * c) },
    subject: { clientId: clientIds.get(2 * c), role: 'PWC' },
    caseIds: [caseIds.get(c)],
  });
  sr = await move(sr, 'In Progress', null);
  sr = await outcome(sr, 'security-details', 'Security Details');
  sr = await move(sr, 'In Progress', 'Security Details');
  sr = await move(sr, 'Wait', 'Security Details', {
    nextActionDue: dueIn7,
    reason: 'Client asks to provide new security details in writing; CMSL9800 sent.',
  });
  waitSrs.push(sr.id);
});
log(`${WAITS} security details SRs in Wait with CMSL9800 (SD-9)`);

// TD: bank details given verbally with consent, the paying parent told, submitted to a team leader.
const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Pat Bench' };
const transferSrs = [];
await pool(transferCases, 3, async (c) => {
  let sr = await call('sr', 'POST', '/service-requests', {
    type: 'DATA_TRANSFER',
    path: 'verbal-bank-details',
    source: 'PWC',
    reportedBy: { firstName: 'Pat', lastName: lastNameOf(2 * c) },
    subject: { clientId: clientIds.get(2 * c), role: 'PWC' },
    caseIds: [caseIds.get(c)],
  });
  sr = await move(sr, 'In Progress', null);
  sr = await outcome(sr, 'consent', 'Consent Given');
  sr = await call('sr', 'PUT', `/service-requests/${sr.id}/transfer-items`, {
    version: sr.version,
    items: { bankDetails: BANK },
    consentAccepted: true,
  });
  sr = await outcome(sr, 'call-paying-parent', 'Paying Parent Told');
  sr = await move(sr, 'Pending Approval', 'Pending Approval TL');
  transferSrs.push(sr);
});
log(`${TRANSFERS} data transfers pending team leader approval (TD-6)`);

// SD-10 while both sweeps run: the shared clock moved a week on; every wait expires at once.
await call('sim', 'POST', '/internal/clock/advance', { days: 7, hours: 1 }, 'sys');
log('clock moved 7 days 1 hour: SD-10 waits expire (the sweep runs on both service-requests replicas)');

// CIS's daily broadcast (BR-2): the simulator builds the batch and its job delivers it.
const runs = (await call('sim', 'POST', '/admin/broadcasts/run', {}, 'sys')).runs;
const run = runs.find((r) => r.day === ukDay);
if (!run?.batchId) throw new Error(`no broadcast for ${ukDay}: ${JSON.stringify(runs)}`);
check(
  run.transactionCount === TRANSACTIONS,
  `the simulator broadcast ${run.transactionCount} transactions for ${ukDay} (expected ${TRANSACTIONS})`,
);
log(`broadcast ${run.batchId}: ${run.transactionCount} transactions, delivered by the simulator's job`);

const batchCounts = async () => {
  try {
    return await call('ci', 'GET', `/broadcasts/${run.batchId}`, undefined, 'sys');
  } catch {
    return null; // not delivered yet (404)
  }
};
const doneOf = (b) =>
  Object.values(b?.counts ?? {}).reduce((a, n) => a + n, 0) -
  (b?.counts?.pending ?? 0) -
  (b?.counts?.received ?? 0);

// SD-2 from here on, in parallel with the broadcast: three failed checks per client, spread over both
// client-security replicas by the proxy.
/** Security checks answered 502 or 503 (cut by the kill): the caller tries again. */
let checksRetried = 0;
// Each client is checked by an agent of their own (client-security limits checks per caller).
const agentTokens = new Map(
  await Promise.all(blockClients.map(async (i) => [i, await token(`agent-${i}`, ['caseworker'])])),
);
const blocking = pool(blockClients, 2, async (i) => {
  for (let n = 0; n < 10; n++) {
    const r = await request(
      'cs',
      'POST',
      `/clients/${clientIds.get(i)}/security-check`,
      { channel: 'phone', pin: '9999999' },
      agentTokens.get(i),
    );
    if (r.status === 429) {
      await sleep(Math.min(20, Number(r.body?.retryAfterSeconds ?? 1)) * 1000);
      continue;
    }
    if (r.status === 422 && r.body?.code === 'ACCOUNT_BLOCKED') return;
    if (r.status === 200 && r.body.result === 'fail' && r.body.consecutiveFailures >= 3) return;
    if (r.status === 200) continue;
    if (!AMBIGUOUS.has(r.status)) throw new Error(`security check: ${r.status} ${JSON.stringify(r.body)}`);
    checksRetried++;
    await sleep(300);
  }
  throw new Error(`client ${i}: not blocked after 10 checks`);
});
// TD-8: the team leader approves, half before and half after the kill.
const approve = (list) =>
  pool(list, 2, async (sr) => {
    await moveSr(
      sr.id,
      'In Progress',
      'Approved TL',
      {},
      'tl',
      (now) => Boolean(now.approvedBy) || now.status === 'Closed',
    );
  });
const approvals1 = approve(transferSrs.slice(0, Math.ceil(TRANSFERS / 2)));

// Half way: SIGKILL replica b of each of the four services.
const half = Math.floor(TRANSACTIONS * 0.4);
let b;
for (;;) {
  b = await batchCounts();
  if (b && (doneOf(b) >= half || b.status === 'processed')) break;
  await sleep(200);
}
const killedAt = doneOf(b);
const victims = ['sr', 'ci', 'cs', 'co'].map((k) => replicas[k].find((r) => r.name === 'b'));
for (const r of victims) r.child.kill('SIGKILL');
await waitUntil('the killed replicas gone', async () => victims.every((r) => !r.alive), 10_000);
check(
  b.status !== 'processed' && victims.every((r) => r.exit === 'SIGKILL'),
  `one replica of each of the four services ended by SIGKILL while the broadcast was being processed (${killedAt} of ${TRANSACTIONS} done)`,
);
log(
  `SIGKILL: replica b of service-requests, cis-interface, client-security, correspondence (broadcast ${killedAt}/${TRANSACTIONS} done, status ${b.status})`,
);
await approvals1;
const approvals2 = approve(transferSrs.slice(Math.ceil(TRANSFERS / 2)));
await blocking;
await approvals2;
log(`SD-2: ${BLOCKS} accounts failed three checks; TD-8: ${TRANSFERS} transfers approved`);

// Replacements start (as Kubernetes would), then the second expiry: SD-12 on both replicas again.
await Promise.all(['sr', 'ci', 'cs', 'co'].map((k) => startReplica(k, 'c')));
log('replacement replicas c started and ready');

// A rolling update while the work goes on (maxUnavailable 0): replica d of each service starts, then
// replica a leaves the proxy's endpoints, and after a short preStop gets SIGTERM and drains (readiness
// 503, jobs in hand finished or handed back, requests in flight answered, then exit 0). Nothing may be
// cut or answered 5xx other than 503 meanwhile. (The first version sent SIGTERM with the replica still
// in the endpoints: a connection the proxy had just opened to it was closed by the drain as idle, one
// 502 in one run of five; a balancer that follows readiness, as Kubernetes' endpoints do, never does.)
await Promise.all(['sr', 'ci', 'cs', 'co'].map((k) => startReplica(k, 'd')));
const beforeRoll = { ...proxyStats };
const rolled = ['sr', 'ci', 'cs', 'co'].map((k) => replicas[k].find((r) => r.name === 'a'));
const rollStatus = (await batchCounts())?.status;
// Callers keep reading from every service through the proxies while the old replicas drain.
const ROLL_READS = { sr: '/cases?limit=5', ci: '/cis/status', cs: '/internal/clock', co: '/templates' };
const rollReads = { answered: 0, refused: [] };
let rolling = true;
const readers = Object.entries(ROLL_READS).flatMap(([k, p]) =>
  [0, 1].map(async () => {
    while (rolling) {
      try {
        await call(k, 'GET', p);
        rollReads.answered++;
      } catch (e) {
        rollReads.refused.push(e.message);
      }
    }
  }),
);
await sleep(500);
// As Kubernetes does: the pod leaves the Service's endpoints, preStop waits (here 1 s instead of
// 10 s), then SIGTERM. Requests already sent to it must still be answered (the drain).
for (const r of rolled) r.terminating = true;
await sleep(1000);
for (const r of rolled) r.child.kill('SIGTERM');
await waitUntil(
  'the replicas given SIGTERM drained and exited',
  async () => rolled.every((r) => !r.alive),
  90_000,
);
await sleep(500);
rolling = false;
await Promise.all(readers);
check(
  rollReads.answered > 0 && rollReads.refused.length === 0,
  `rolling update: every read made meanwhile answered (${rollReads.answered} answered, ${rollReads.refused.length} not${rollReads.refused.length ? `: ${rollReads.refused[0]}` : ''})`,
);
check(
  rolled.every((r) => r.exit === 0),
  `rolling update: replica a of each of the four services drained on SIGTERM and exited 0 (exits ${rolled.map((r) => r.exit).join(', ')}; broadcast ${rollStatus} when it began)`,
);
check(
  proxyStats.failed === beforeRoll.failed && proxyStats.upstream5xx === beforeRoll.upstream5xx,
  `rolling update: no request cut (${proxyStats.failed - beforeRoll.failed}) and no 5xx other than 503 (${proxyStats.upstream5xx - beforeRoll.upstream5xx}) of ${proxyStats.requests - beforeRoll.requests} requests meanwhile`,
);
log('rolling update: replicas d started, replicas a drained on SIGTERM');

// CMSL9800/9801 need a caseworker's review before they are sent (X-3): wait for every CMSL9801, then review all.
await waitUntil(
  'every CMSL9801 issued (SD-10)',
  async () =>
    Number(
      (await q('co', `SELECT count(*) AS n FROM correspondence_item WHERE template_code = 'CMSL9801'`))[0].n,
    ) >= WAITS,
);
await call('sim', 'POST', '/internal/clock/advance', { days: 7, hours: 1 }, 'sys');
log('CMSL9801 issued for every wait; clock moved another 7 days 1 hour: SD-12 rejections');
await waitUntil(
  'every waiting SR rejected (SD-12)',
  async () =>
    Number(
      (
        await q(
          'sr',
          `SELECT count(*) AS n FROM service_request WHERE id = ANY($1::uuid[]) AND status = 'Closed'`,
          [waitSrs],
        )
      )[0].n,
    ) >= WAITS,
);
await waitUntil(
  'the broadcast processed',
  async () => (await batchCounts())?.status === 'processed',
  180_000,
);
const processedAt = (Date.now() - t0) / 1000;
log('broadcast processed');

// ── Settle: every effect delivered, letters reviewed (X-3) and dispatched, queues empty ────────
const n = async (k, sql, params) => Number((await q(k, sql, params))[0].n);
await waitUntil(
  `${BLOCKS} SRs raised from blocked accounts (SD-2)`,
  async () =>
    (await n(
      'sr',
      `SELECT count(DISTINCT subject_client_id) AS n FROM service_request WHERE type = 'SECURITY_DETAILS' AND subject_client_id = ANY($1::uuid[])`,
      [blockClients.map((i) => clientIds.get(i))],
    )) >= BLOCKS,
);
await waitUntil(
  `${TRANSFERS} transfers closed after CMSL0406 (TD-8)`,
  async () =>
    (await n(
      'sr',
      `SELECT count(*) AS n FROM service_request WHERE id = ANY($1::uuid[]) AND status = 'Closed'`,
      [transferSrs.map((t) => t.id)],
    )) >= TRANSFERS,
);
const expectedLetters = CLAIMS + 2 * WAITS + TRANSFERS;
await waitUntil(
  `${expectedLetters} letters issued`,
  async () =>
    (await n('co', `SELECT count(*) AS n FROM correspondence_item WHERE channel = 'letter'`)) >=
    expectedLetters,
);
const toReview = await q(
  'co',
  `SELECT id FROM correspondence_item WHERE review_required AND reviewed_by IS NULL`,
);
await pool(toReview, 2, async ({ id }) => {
  for (let i = 0; i < 5; i++) {
    const r = await request('co', 'POST', `/letters/${id}/review`);
    if (r.status === 200) return;
    if (!AMBIGUOUS.has(r.status)) throw new Error(`review ${id}: ${r.status} ${JSON.stringify(r.body)}`);
    await sleep(300);
  }
});
log(`${toReview.length} letters reviewed by a caseworker before sending (CMSL9800/CMSL9801, X-3)`);
const openJobs = async () => {
  let total = 0;
  for (const k of Object.keys(SVC))
    total += await n(k, `SELECT count(*) AS n FROM pgboss.job WHERE state < 'completed'`);
  return total;
};
await waitUntil(
  'every letter sent and every job done',
  async () =>
    (await n('co', `SELECT count(*) AS n FROM correspondence_item WHERE status <> 'sent'`)) === 0 &&
    (await openJobs()) === 0,
  150_000,
).catch((e) => log(`settle: ${e.message} (the checks below say what is left)`));
log('settled');

// ── The proof, from the databases ──────────────────────────────────────────────────────────────
console.log('\nChecks:');
const sentIds = (
  await q('sim', `SELECT id::text AS id FROM cis_change WHERE broadcast_batch_id = $1`, [run.batchId])
).map((r) => r.id);
const tx = await q(
  'ci',
  `SELECT transaction_id, outcome, sr_id, letter_id FROM broadcast_transaction WHERE batch_id = $1 AND duplicate_of IS NULL`,
  [run.batchId],
);
const outcomes = {};
for (const t of tx) outcomes[t.outcome] = (outcomes[t.outcome] ?? 0) + 1;
console.log(`  broadcast outcomes in cis-interface: ${JSON.stringify(outcomes)}`);
check(
  tx.length === TRANSACTIONS &&
    sentIds.length === TRANSACTIONS &&
    sentIds.every((id) => tx.some((t) => t.transaction_id === id) || false),
  `every transaction the simulator sent stored once in cis-interface (${tx.length} of ${sentIds.length})`,
);
check(
  (outcomes['sr-raised'] ?? 0) === TRANSACTIONS - CLAIMS && (outcomes['letter-issued'] ?? 0) === CLAIMS,
  `outcomes: ${outcomes['sr-raised'] ?? 0} SRs raised (expected ${TRANSACTIONS - CLAIMS}), ${outcomes['letter-issued'] ?? 0} MOPF letters (expected ${CLAIMS})`,
);
const cisSrs = await q(
  'sr',
  `SELECT id::text AS id, idempotency_key FROM service_request WHERE source = 'CIS'`,
);
const srIdSet = new Set(tx.filter((t) => t.sr_id).map((t) => t.sr_id));
check(
  cisSrs.length === TRANSACTIONS - CLAIMS &&
    new Set(cisSrs.map((r) => r.idempotency_key)).size === cisSrs.length &&
    cisSrs.every((r) => srIdSet.has(r.id)) &&
    srIdSet.size === cisSrs.length,
  `BR-6: ${cisSrs.length} CIS SRs in service-requests, one per transaction (${srIdSet.size} distinct SRs named by cis-interface, ${new Set(cisSrs.map((r) => r.idempotency_key)).size} distinct keys)`,
);
const letters = await q(
  'co',
  `SELECT i.id::text AS id, i.template_code, i.service_request_id::text AS sr, i.status, i.recipient_client_id::text AS client,
  (SELECT count(*) FROM gateway_outbox o WHERE o.item_id = i.id)::int AS dispatched FROM correspondence_item i WHERE i.channel = 'letter'`,
);
const byCode = {};
for (const l of letters) byCode[l.template_code] = (byCode[l.template_code] ?? 0) + 1;
console.log(`  letters by template: ${JSON.stringify(byCode)}`);
const letterIds = new Set(tx.filter((t) => t.letter_id).map((t) => t.letter_id));
const mopf = letters.filter((l) => l.template_code === 'MOPF_BENEFIT_CLAIM');
check(
  mopf.length === CLAIMS &&
    letterIds.size === CLAIMS &&
    mopf.every((l) => letterIds.has(l.id)) &&
    new Set(mopf.map((l) => l.client)).size === CLAIMS,
  `BR-8: ${mopf.length} MOPF letters, one per benefit claim, each the one cis-interface recorded`,
);
const perSr = (code) => {
  const m = new Map();
  for (const l of letters) if (l.template_code === code) m.set(l.sr, (m.get(l.sr) ?? 0) + 1);
  return m;
};
const once = (m, ids) => ids.every((id) => m.get(id) === 1) && m.size === ids.length;
check(
  once(perSr('CMSL9800'), waitSrs),
  `SD-9: one CMSL9800 per waiting SR (${perSr('CMSL9800').size} SRs, ${byCode.CMSL9800 ?? 0} letters)`,
);
check(
  once(perSr('CMSL9801'), waitSrs),
  `SD-10: one CMSL9801 per waiting SR after the first expiry (${byCode.CMSL9801 ?? 0} letters)`,
);
check(
  once(
    perSr('CMSL0406'),
    transferSrs.map((t) => t.id),
  ),
  `TD-8: one CMSL0406 per approved transfer (${byCode.CMSL0406 ?? 0} letters)`,
);
const undispatched = letters.filter((l) => l.status !== 'sent' || l.dispatched !== 1);
check(
  undispatched.length === 0,
  `every letter (${letters.length}) sent, each dispatched exactly once to the print gateway (${undispatched.length} not: ${JSON.stringify(undispatched.slice(0, 3))})`,
);
const waits = await q(
  'sr',
  `SELECT id::text AS id, status, sub_status, resolution_code FROM service_request WHERE id = ANY($1::uuid[])`,
  [waitSrs],
);
check(
  waits.length === WAITS && waits.every((w) => w.status === 'Closed' && w.resolution_code === 'CoC Rejected'),
  `SD-12: every waiting SR rejected after CMSL9800 and CMSL9801 (${waits.filter((w) => w.resolution_code === 'CoC Rejected').length} of ${WAITS})`,
);
const blockSrs = await q(
  'sr',
  `SELECT subject_client_id::text AS client, count(*)::int AS n FROM service_request WHERE type = 'SECURITY_DETAILS' AND subject_client_id = ANY($1::uuid[]) GROUP BY 1`,
  [blockClients.map((i) => clientIds.get(i))],
);
check(
  blockSrs.length === BLOCKS && blockSrs.every((r) => r.n === 1),
  `SD-2: every blocked account raised exactly one SR (${blockSrs.length} accounts, ${blockSrs.reduce((a, r) => a + r.n, 0)} SRs)`,
);
const transfers = await q(
  'sr',
  `SELECT status, resolution_code FROM service_request WHERE id = ANY($1::uuid[])`,
  [transferSrs.map((t) => t.id)],
);
check(
  transfers.length === TRANSFERS &&
    transfers.every((t) => t.status === 'Closed' && t.resolution_code === 'Letter Issued'),
  `TD-8: every approved transfer closed Letter Issued by the system`,
);
for (const k of Object.keys(SVC)) {
  const jobs = await q(
    k,
    `SELECT name, state, count(*)::int AS n,
      count(*) FILTER (WHERE (state IN ('created', 'retry') AND start_after < now() - interval '30 seconds') OR (state = 'active' AND started_on + expire_in < now()))::int AS stuck
    FROM pgboss.job GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const notDone = jobs.filter((j) => j.state !== 'completed');
  const total = jobs.reduce((a, j) => a + j.n, 0);
  check(
    notDone.length === 0,
    `${SVC[k]}: ${total} pg-boss jobs, all completed${notDone.length ? ` — left: ${notDone.map((j) => `${j.name} ${j.state} ${j.n} (stuck ${j.stuck})`).join(', ')}` : ''}`,
  );
}
// Audit: one row per effect, for each entity that had the effect, and none twice.
const auditOnce = async (k, action, actor, ids, what) => {
  const rows = await q(
    k,
    `SELECT entity_id, count(*)::int AS n FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR actor_id = $2) GROUP BY 1`,
    [action, actor],
  );
  const want = new Set(ids);
  const twice = rows.filter((r) => r.n !== 1).length;
  const missing = [...want].filter((id) => !rows.some((r) => r.entity_id === id)).length;
  const extra = rows.filter((r) => !want.has(r.entity_id)).length;
  check(
    twice === 0 && missing === 0 && extra === 0,
    `audit ${SVC[k]} "${action}"${actor ? ` by ${actor}` : ''}: ${rows.length} rows for ${want.size} ${what} (twice ${twice}, missing ${missing}, unexpected ${extra})`,
  );
};
const blockSrIds = (
  await q(
    'sr',
    `SELECT id::text AS id FROM service_request WHERE type = 'SECURITY_DETAILS' AND subject_client_id = ANY($1::uuid[])`,
    [blockClients.map((i) => clientIds.get(i))],
  )
).map((r) => r.id);
const transferIds = transferSrs.map((t) => t.id);
await auditOnce(
  'sr',
  'raised',
  'cis-interface',
  cisSrs.map((r) => r.id),
  'SRs raised from the broadcast',
);
await auditOnce('sr', 'raised', 'client-security', blockSrIds, 'SRs raised from blocked accounts');
await auditOnce('sr', 'transition:remind', 'sr-rules:wait-expiry', waitSrs, 'first expiries (SD-10)');
await auditOnce(
  'sr',
  'transition:reject-no-response',
  'sr-rules:wait-expiry',
  waitSrs,
  'second expiries (SD-12)',
);
await auditOnce('sr', 'transition:approve', null, transferIds, 'approvals (TD-8)');
await auditOnce('sr', 'transition:close', 'system', transferIds, 'transfers closed after CMSL0406');
await auditOnce(
  'cs',
  'account-blocked',
  null,
  blockClients.map((i) => clientIds.get(i)),
  'blocked accounts (SD-2)',
);
await auditOnce(
  'co',
  'issued',
  null,
  letters.map((l) => l.id),
  'letters issued',
);
await auditOnce(
  'co',
  'sent',
  null,
  letters.map((l) => l.id),
  'letters sent',
);

check(
  startRestarts.length === 0,
  `every replica started at the first attempt (${startRestarts.length} exited while starting and were started again)`,
);

const total = (Date.now() - t0) / 1000;
console.log(
  `\nreplicas: 2 each of service-requests, cis-interface, client-security, correspondence (+ replacement c after the kill and d in the rolling update, each), 1 cis-simulator; PostgreSQL ${embedded.url.replace(/:[^:@]*@/, ':***@')}`,
);
console.log(
  `SIGKILL at ${killedAt}/${TRANSACTIONS} transactions done; proxies: ${proxyStats.requests} requests, ${proxyStats.retried} refused connections retried on the other replica, ${proxyStats.failed} cut (502), ${proxyStats.upstream5xx} 5xx other than 503 from a replica; security checks retried by the caller: ${checksRetried}`,
);
if (startRestarts.length)
  console.log(
    `replicas that exited while starting and were started again: ${startRestarts.map((r) => `${r.service} ${r.replica} (${r.reason})`).join('; ')}`,
  );
console.log(
  `timings: ready ${readyAt.toFixed(1)} s, broadcast processed ${processedAt.toFixed(1)} s, total ${total.toFixed(1)} s`,
);
if (failures.length) {
  console.log(`\nFAIL: ${failures.length} check(s) failed:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  await finish(1);
}
console.log(
  `\nPASS: replicas test, ${TRANSACTIONS} transactions, ${BLOCKS} blocks, ${WAITS} waits, ${TRANSFERS} approvals, ${letters.length} letters, in ${total.toFixed(1)} s`,
);
await finish(0);
