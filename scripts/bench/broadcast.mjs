#!/usr/bin/env node
// Benchmark (not part of the tests): one day's CIS broadcast through cis-interface, end to end.
//  - 50,000 clients on 25,000 maintenance cases in service-requests, each with a CIS interest in
//    cis-interface (bulk-inserted with SQL: set-up only);
//  - one batch of 100,000 transactions (two items per client, BR-4; a share are paying parents'
//    benefit claims, BR-8) POSTed to cis-interface as CIS would (`POST /broadcasts`);
//  - timed from the POST to the batch being `processed`: every transaction matched and its SR raised
//    in service-requests or its MOPF letter issued by correspondence;
//  - then, on the same database server, the raw multi-row INSERT rate of as many SR rows, and the ratio.
// Each service runs from its build as its own process. Appends the figures to docs/benchmarks.md
// under "CIS broadcast (cis-interface)" (skip with --no-doc).
// Usage: node scripts/bench/broadcast.mjs [--clients 50000] [--transactions 100000] [--claims 0.02]
//        (--claims: share of paying parents whose first change is a benefit claim)
//        [--workers 4] [--chunk 1000] [--no-build] [--no-doc]
//        [--warmup 2000] (a batch of that many transactions, for clients of its own, first through
//        the same path and not counted: the measured batch meets warm services; 0 for cold ones)
//        [--warmup-claims 0.2] (the warm-up's benefit-claim share: at least 0.2 by default, ~200
//        MOPF letters, so that the letter path is warm too)
//        [--batch-size 250000] (more transactions than this go as several batches, one after another;
//        250,000 is the most cis-interface takes in one)
//        [--profile DIR] (each service writes a V8 CPU profile there when it stops: where the time goes)
//        [--statements] (samples the benchmark's PostgreSQL backends every 20 ms while the batch is
//        processed and prints the statements seen most, by database and by what they were doing:
//        where PostgreSQL's time goes, without pg_stat_statements; a share of samples, not CPU time)
//        [--smoke] (tiny sizes: 200 clients, 400 transactions, 2 workers, chunks of 100; never writes
//        the docs; figures printed, no thresholds; fails on any failed or unmatched transaction.
//        Explicit flags win.)
// Peers a service here does not need (service-requests' client-security, cis-interface's CIS) are
// pointed at a closed port, never at a developer's npm start on the default ports.
// Uses DATABASE_URL (a server) or an embedded PostgreSQL. Loopback only; bounded loops.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SignJWT } from 'jose';
import { freePort, startEmbeddedPostgres } from '../lib/embedded-pg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SMOKE = process.argv.includes('--smoke');
const arg = (name, def, smokeDef = def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : SMOKE ? smokeDef : def;
};
const CLIENTS = arg('clients', 50_000, 200);
const TRANSACTIONS = arg('transactions', 100_000, 400);
const CLAIM_SHARE = arg('claims', 0.02);
const WORKERS = arg('workers', 4, 2);
const CHUNK = arg('chunk', 1000, 100);
/**
 * --warmup N: before the measured batch, one batch of N transactions for N clients of their own
 * (not the measured ones, so nothing in the measured batch is a duplicate of it) goes through the
 * same path, so that the measured batch meets services as a long-running system has them when the
 * day's file arrives: JIT-compiled, connections open, prepared statements planned. Its figures are
 * printed, not counted. 0 measures cold processes.
 */
const WARMUP = 2 * Math.ceil(arg('warmup', 2000, 0) / 2);
/**
 * --warmup-claims S: the warm-up batch's share of paying parents whose change is a benefit claim
 * (a MOPF letter, BR-8). At least 0.2 by default, so that the warm-up issues ~200 letters: at the
 * measured share, 2,000 transactions issued 20, which left the letter path (correspondence's PDF
 * rendering, the letter jobs) to be compiled by V8 during the measured batch, as a service running
 * all day never is.
 */
const WARMUP_CLAIM_SHARE = arg('warmup-claims', Math.max(CLAIM_SHARE, 0.2));
const WRITE_DOC = !SMOKE && !process.argv.includes('--no-doc');
const NOWHERE = 'http://127.0.0.1:9';
if (
  ![CLIENTS, TRANSACTIONS, WORKERS, CHUNK].every((n) => Number.isInteger(n) && n > 0) ||
  !(Number.isInteger(WARMUP) && WARMUP >= 0) ||
  !(CLAIM_SHARE >= 0 && CLAIM_SHARE <= 1) ||
  !(WARMUP_CLAIM_SHARE >= 0 && WARMUP_CLAIM_SHARE <= 1)
) {
  console.error('bad arguments');
  process.exit(2);
}
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const log = (m) => console.log(`▸ ${m}`);
const profileAt = process.argv.indexOf('--profile');
const PROFILE_DIR = profileAt > 0 ? path.resolve(process.argv[profileAt + 1]) : null;
const SAMPLE_STATEMENTS = process.argv.includes('--statements');

if (!process.argv.includes('--no-build')) {
  const build = spawnSync(
    'npx',
    [
      'nx',
      'run-many',
      '-t',
      'build',
      '--output-style=static',
      '-p',
      '@cms/service-requests',
      '@cms/cis-interface',
      '@cms/correspondence',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let embedded;
let server = process.env.DATABASE_URL;
if (!server) {
  embedded = await startEmbeddedPostgres();
  server = embedded.url;
}
const dbUrl = (name) => {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
};
const names = {
  sr: `bench_bc_sr_${process.pid}`,
  ci: `bench_bc_ci_${process.pid}`,
  co: `bench_bc_co_${process.pid}`,
};
const query = async (url, sql, params) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
};
for (const n of Object.values(names)) await query(server, `CREATE DATABASE ${n}`);

// Services started here, each a process of its own.
const children = [];
// A failure part-way leaves nothing behind: services stopped, the benchmark's databases dropped
// (from DATABASE_URL's server) or the embedded PostgreSQL stopped with its throwaway data
// directory; then exit 1.
process.once('uncaughtException', (e) => {
  console.error(e);
  const cleanup = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    if (embedded) return embedded.stop();
    for (const n of Object.values(names)) await query(server, `DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
  };
  const limit = new Promise((r) => setTimeout(r, 15_000).unref());
  void Promise.race([cleanup().catch(() => {}), limit]).finally(() => process.exit(1));
});

// ---------------------------------------------------------------------------------------------
// Services, each a process of its own.
const ports = { sr: await freePort(), co: await freePort(), ci: await freePort() };
const base = (k) => `http://127.0.0.1:${ports[k]}`;
const common = {
  ...process.env,
  AUTH_JWT_SECRET: SECRET,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  CLOCK_MODE: 'system',
  DATABASE_POOL_SIZE: '10',
};
function startService(key, service, env) {
  const profile = PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${service}.cpuprofile`]
    : [];
  // BENCH_NODE_ARGS: extra Node/V8 flags for the services (e.g. --perf-basic-prof for `perf`).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(
    process.execPath,
    [...profile, ...nodeArgs, path.join(root, 'services', service, 'dist/main.js')],
    {
      cwd: root,
      env: { ...common, PORT: String(ports[key]), DATABASE_URL: dbUrl(names[key]), ...env },
      stdio: ['ignore', process.env.BENCH_LOGS === key ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  children.push(child);
  pids[service] = child.pid;
}
/** Process id of each service started, by service name. */
const pids = {};

/**
 * CPU seconds (user + system) process `pid` has used so far, from /proc (Linux); null elsewhere.
 * On a shared machine wall time says little, CPU time per process is what each part costs.
 */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks (USER_HZ 100)
  } catch {
    return null;
  }
}
/**
 * Every PostgreSQL backend of the benchmark's databases seen so far: pid → { datname, last CPU
 * seconds read }. A backend that disconnects before the end (a pool closing an idle connection,
 * such as the intake's) keeps its last reading, so that its CPU time still counts.
 */
const backendsSeen = new Map();
/** Reads the CPU seconds of the benchmark's PostgreSQL backends now (into backendsSeen); returns them. */
async function trackBackends() {
  const backends = (
    await query(server, `SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY($1::text[])`, [
      Object.values(names),
    ])
  ).rows;
  for (const b of backends) {
    const cpu = cpuSeconds(b.pid);
    if (cpu !== null) backendsSeen.set(b.pid, { datname: b.datname, last: cpu });
  }
  return backends;
}
/** CPU seconds so far of each service, of this benchmark, and of the PostgreSQL backends serving the benchmark's databases. */
async function cpuNow() {
  const backends = await trackBackends();
  const usage = process.cpuUsage();
  const alive = new Set(backends.map((b) => b.pid));
  // Backends seen earlier and gone since: their last reading.
  const gone = [...backendsSeen].filter(([pid]) => !alive.has(pid));
  return {
    services: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])),
    bench: (usage.user + usage.system) / 1e6,
    backends: new Map([
      ...backends.map((b) => [b.pid, cpuSeconds(b.pid)]),
      ...gone.map(([pid, b]) => [pid, b.last]),
    ]),
    databases: new Map([
      ...backends.map((b) => [b.pid, b.datname]),
      ...gone.map(([pid, b]) => [pid, b.datname]),
    ]),
  };
}
/** CPU seconds spent between two `cpuNow()` readings, by part; null figures when /proc is not there. */
function cpuSpent(before, after) {
  const services = Object.fromEntries(
    Object.entries(after.services).map(([k, v]) => [
      k,
      v === null || before.services[k] === null ? null : v - before.services[k],
    ]),
  );
  let postgres = 0;
  const byDatabase = {};
  for (const [pid, v] of after.backends) {
    if (v === null) continue;
    const spent = v - (before.backends.get(pid) ?? 0);
    postgres += spent;
    const key = Object.keys(names).find((k) => names[k] === after.databases.get(pid));
    byDatabase[key] = (byDatabase[key] ?? 0) + spent;
  }
  const parts = {
    ...services,
    PostgreSQL: after.backends.size ? postgres : null,
    benchmark: after.bench - before.bench,
  };
  const known = Object.values(parts).filter((v) => v !== null);
  return { parts, total: known.reduce((a, b) => a + b, 0), byDatabase };
}
const cpuLine = (spent) =>
  Object.entries(spent.parts)
    .map(([k, v]) => `${k} ${v === null ? '?' : v.toFixed(1)}`)
    .join(', ') +
  ` (PostgreSQL by database: ${Object.entries(spent.byDatabase)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ')})` +
  `; total ${spent.total.toFixed(1)}`;
/**
 * Samples the active backends of the benchmark's databases every 20 ms until `stop()`, which
 * resolves to a report: the statements seen most (first 100 characters, whitespace folded), by
 * database and wait event ('CPU' when waiting on nothing), as shares of the samples.
 */
function sampleStatements() {
  const seen = new Map();
  let samples = 0;
  let running = true;
  const client = new pg.Client({ connectionString: server });
  const done = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query(
        `SELECT datname, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS doing,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS q
           FROM pg_stat_activity
          WHERE datname = ANY($1::text[]) AND state = 'active' AND pid <> pg_backend_pid()`,
        [Object.values(names)],
      );
      samples++;
      for (const r of rows) {
        const db = Object.keys(names).find((k) => names[k] === r.datname);
        const key = `${db} ${r.doing.padEnd(22)} ${r.q.trim()}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await client.end();
  })();
  return {
    async stop() {
      running = false;
      await done;
      const top = [...seen.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
      return [
        `statements seen active (${samples} samples every 20 ms; share of samples, by database and wait):`,
        ...top.map(([k, n]) => `  ${((100 * n) / samples).toFixed(0).padStart(4)}%  ${k}`),
      ].join('\n');
    },
  };
}
async function ready(key, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base(key)}/health/ready`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${key} did not become ready`);
}
async function stopAll() {
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', resolve);
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
// A benchmark that fails part-way (a service not ready, a query error) leaves no service behind.
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const { randomBytes } = await import('node:crypto');
startService('sr', 'service-requests', {
  BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
  CIS_INTERFACE_URL: base('ci'),
  CORRESPONDENCE_URL: base('co'),
  CLIENT_SECURITY_URL: NOWHERE,
});
startService('co', 'correspondence', { SERVICE_REQUESTS_URL: base('sr') });
await Promise.all([ready('sr'), ready('co')]);
startService('ci', 'cis-interface', {
  SERVICE_REQUESTS_URL: base('sr'),
  CORRESPONDENCE_URL: base('co'),
  CIS_URL: NOWHERE,
  BROADCAST_WORKERS: String(WORKERS),
  JOB_POOL_SIZE: String(2 * WORKERS + 5),
  BROADCAST_CHUNK_SIZE: String(CHUNK),
  HTTP_TIMEOUT_MS: '30000',
});
await ready('ci');

// ---------------------------------------------------------------------------------------------
// Fixture (SQL, set-up only): CLIENTS clients on CLIENTS/2 maintenance cases, interests in CIS.
const ninoOf = (i) => `AB${String(i).padStart(6, '0')}C`;
let t0 = performance.now();
// The warm-up's clients come after the measured ones (indices CLIENTS …), on cases of their own.
const FIXTURE_CLIENTS = CLIENTS + (CLIENTS % 2) + WARMUP;
const caseCount = Math.ceil(FIXTURE_CLIENTS / 2);
await query(
  dbUrl(names.sr),
  `WITH c AS (
     INSERT INTO "client" (reference_kind, reference, reference_status, first_name, last_name, date_of_birth, address, version)
     SELECT 'NINO', 'AB' || lpad(g::text, 6, '0') || 'C', 'Verified', 'Pat', 'Bench',
            date '1980-01-01' + (g % 7000), jsonb_build_object('line1', g || ' Bench Street', 'town', 'Leeds', 'postcode', 'LS1 4AP'), 1
       FROM generate_series(0, $1 - 1) g
     RETURNING id, reference)
   SELECT count(*) FROM c`,
  [FIXTURE_CLIENTS],
);
await query(
  dbUrl(names.sr),
  `INSERT INTO "case" (case_number, jurisdiction, stage, live, version)
   SELECT (200000000000 + g)::text, 'GB', 'maintenance', true, 1 FROM generate_series(0, $1 - 1) g`,
  [caseCount],
);
await query(
  dbUrl(names.sr),
  `INSERT INTO case_participant (case_id, client_id, role)
   SELECT k.id, c.id, CASE WHEN substr(c.reference, 3, 6)::int % 2 = 0 THEN 'PWC' ELSE 'NRP' END
     FROM "client" c
     JOIN "case" k ON k.case_number = (200000000000 + substr(c.reference, 3, 6)::int / 2)::text`,
);
await query(dbUrl(names.sr), 'ANALYZE');
await query(
  dbUrl(names.ci),
  `INSERT INTO interest_registration (client_id, reference_kind, reference, interest_type, client_role, status, registered_at, registered_by)
   SELECT gen_random_uuid(), 'NINO', 'AB' || lpad(g::text, 6, '0') || 'C',
          CASE WHEN g % 2 = 0 THEN 'PWC_QC_ROC_GENERAL' ELSE 'NRP_GENERAL' END,
          CASE WHEN g % 2 = 0 THEN 'PWC' ELSE 'NRP' END, 'registered', now(), 'bench'
     FROM generate_series(0, $1 - 1) g`,
  [FIXTURE_CLIENTS],
);
log(
  `fixture: ${FIXTURE_CLIENTS} clients (${WARMUP} for the warm-up) on ${caseCount} cases with interests in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// ---------------------------------------------------------------------------------------------
// The day's batch: transactions for the clients in turn, two different items each (BR-4).
const day = new Date(Date.now() - 36 * 3_600_000);
const recordedAt = (i) => new Date(day.getTime() + (i % 36_000) * 1000).toISOString();
const claimDate = day.toISOString().slice(0, 10);
function changeFor(i, role, second, claimShare) {
  if (role === 'NRP') {
    if (second)
      return { type: 'NRP_PARTNER_BENEFIT_ON_OFF', onBenefit: i % 2 === 0, benefitType: 'Universal Credit' };
    if ((i * 7919) % 1000 < claimShare * 1000)
      return { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate };
    return { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'Jobseeker’s Allowance' };
  }
  if (second) return { type: 'NAME_1_CHANGE', firstName: 'Patricia', lastName: 'Bench' };
  return {
    type: 'ADDRESS_CHANGE',
    address: { line1: `${i} New Road`, town: 'Leeds', postcode: 'LS6 3AA' },
    addressStartDate: claimDate,
  };
}
/** The transaction for client `i` (its first item, or its `second`), the `n`th of its batch. */
function transactionFor(n, i, second, claimShare = CLAIM_SHARE) {
  const role = i % 2 === 0 ? 'PWC' : 'NRP';
  const payload = changeFor(i, role, second, claimShare);
  return {
    transactionId: randomUUID(),
    referenceKind: 'NINO',
    reference: ninoOf(i),
    changeType: payload.type,
    payload,
    recordedAt: recordedAt(n),
    interestTypes: [role === 'PWC' ? 'PWC_QC_ROC_GENERAL' : 'NRP_GENERAL'],
  };
}
const transactions = Array.from({ length: TRANSACTIONS }, (_, n) =>
  transactionFor(n, n % CLIENTS, n >= CLIENTS),
);
const letters = transactions.filter((t) => t.changeType === 'NRP_BENEFIT_CLAIM').length;
// A day's batch holds at most 250,000 transactions (cis-interface's limit): more are sent as
// several batches, one after another, as CIS would send more than one delivery.
const MAX_BATCH = arg('batch-size', 250_000);
const batches = [];
for (let from = 0; from < TRANSACTIONS; from += MAX_BATCH) {
  const batchId = randomUUID();
  batches.push({
    batchId,
    body: JSON.stringify({
      batchId,
      generatedAt: new Date().toISOString(),
      transactions: transactions.slice(from, from + MAX_BATCH),
    }),
  });
}
transactions.length = 0;
const bodyBytes = batches.reduce((n, b) => n + b.body.length, 0);
const token = await new SignJWT({ roles: ['system'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('cis')
  .setIssuer('cms-cis-dev')
  .setAudience('cms-cis')
  .setExpirationTime('2h')
  .sign(new TextEncoder().encode(SECRET));
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------
// 0. Warm-up (--warmup): one batch for the warm-up's own clients, through the same path, waited for.
let warmupSrs = 0;
if (WARMUP) {
  const batchId = randomUUID();
  const warm = Array.from({ length: WARMUP }, (_, n) =>
    transactionFor(n, CLIENTS + (CLIENTS % 2) + n, false, WARMUP_CLAIM_SHARE),
  );
  const started = performance.now();
  const res = await fetch(`${base('ci')}/broadcasts`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': batchId },
    body: JSON.stringify({ batchId, generatedAt: new Date().toISOString(), transactions: warm }),
  });
  if (res.status !== 202) throw new Error(`warm-up intake answered ${res.status}: ${await res.text()}`);
  const until = Date.now() + 5 * 60_000;
  let view;
  do {
    await new Promise((r) => setTimeout(r, 100));
    view = await (await fetch(`${base('ci')}/broadcasts/${batchId}`, { headers })).json();
  } while (view.status !== 'processed' && Date.now() < until);
  const c = view.counts ?? {};
  if (view.status !== 'processed' || c.failed || c.unmatched)
    throw new Error(`warm-up batch not processed cleanly: ${JSON.stringify(view)}`);
  warmupSrs = c['sr-raised'];
  const seconds = (performance.now() - started) / 1000;
  log(
    `warm-up: ${WARMUP} transactions in ${seconds.toFixed(1)} s = ${Math.round(WARMUP / seconds)}/s (not counted): ${JSON.stringify(c)}`,
  );
}

/**
 * Both measurements start from a CHECKPOINT, so that neither pays for the other's (or the fixture's)
 * dirty pages and WAL, and count the checkpoints the server made while they ran (a checkpoint in
 * the middle of a run makes every page's next change write the whole page to the WAL again).
 * @returns the server's checkpoint count after it
 */
const checkpoint = async () => {
  await query(dbUrl(names.sr), 'CHECKPOINT');
  return checkpointsSoFar();
};
/** The server's checkpoints so far: pg_stat_checkpointer from PostgreSQL 17 (the embedded 18), pg_stat_bgwriter before. */
const checkpointsSql = (
  await query(dbUrl(names.sr), `SELECT to_regclass('pg_catalog.pg_stat_checkpointer') IS NOT NULL AS v17`)
).rows[0].v17
  ? 'SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer'
  : 'SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter';
const checkpointsSoFar = async () => Number((await query(dbUrl(names.sr), checkpointsSql)).rows[0].n);

// ---------------------------------------------------------------------------------------------
// 1. End to end: intake → every SR raised or letter issued.
const e2eCheckpoints = await checkpoint();
const loadBefore = os.loadavg()[0];
log(
  `POST /broadcasts: ${TRANSACTIONS} transactions (${(bodyBytes / 1e6).toFixed(1)} MB${batches.length > 1 ? ` in ${batches.length} batches` : ''}), ${letters} benefit claims`,
);
const cpuBefore = await cpuNow();
const statements = SAMPLE_STATEMENTS ? sampleStatements() : null;
t0 = performance.now();
const postedAt = Date.now();
for (const { batchId, body } of batches) {
  const res = await fetch(`${base('ci')}/broadcasts`, {
    method: 'POST',
    headers: { ...headers, 'idempotency-key': batchId },
    body,
  });
  if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
}
const intakeSeconds = (performance.now() - t0) / 1000;
log(`acknowledged (stored) after ${intakeSeconds.toFixed(1)} s`);
/** The batches' counts by outcome, summed, and whether every batch is processed. */
const batch = { counts: {}, status: 'accepted', processedAt: null };
let srSeconds = null;
let polls = 0;
const deadline = Date.now() + (SMOKE ? 2 : 120) * 60_000;
for (;;) {
  const views = await Promise.all(
    batches.map(async (b) => (await fetch(`${base('ci')}/broadcasts/${b.batchId}`, { headers })).json()),
  );
  batch.counts = {};
  for (const v of views)
    for (const [k, n] of Object.entries(v.counts ?? {})) batch.counts[k] = (batch.counts[k] ?? 0) + n;
  batch.status = views.every((v) => v.status === 'processed') ? 'processed' : 'accepted';
  batch.processedAt =
    batch.status === 'processed' ? Math.max(...views.map((v) => Date.parse(v.processedAt))) : null;
  const c = batch.counts;
  if (
    srSeconds === null &&
    c['sr-raised'] + c.unmatched + c.failed + c['duplicate-ignored'] >= TRANSACTIONS - letters
  ) {
    srSeconds = (performance.now() - t0) / 1000;
  }
  if (batch.status === 'processed' || Date.now() > deadline) break;
  if (polls++ % 3 === 0) await trackBackends();
  await new Promise((r) => setTimeout(r, 100));
}
const observedSeconds = (performance.now() - t0) / 1000;
/**
 * End to end: from the POST to the moment cis-interface recorded the (last) batch as processed, by
 * the batch's own `processedAt` (the same machine's clock): polling every 250 ms had added up to a
 * quarter of a second (14% of a 10,000-transaction run). The moment the polling saw it is printed too.
 */
const e2eSeconds =
  batch.processedAt !== null && Number.isFinite(batch.processedAt)
    ? Math.min(observedSeconds, Math.max(0.001, (batch.processedAt - postedAt) / 1000))
    : observedSeconds;
// Seen by polling: never later than the recorded end.
if (srSeconds !== null) srSeconds = Math.min(srSeconds, e2eSeconds);
const loadAfter = os.loadavg()[0];
const cpu = cpuSpent(cpuBefore, await cpuNow());
if (statements) console.log(await statements.stop());
/** Peak resident set size (VmHWM, MiB) of each service since it started, from /proc (Linux). */
const peakRss = Object.fromEntries(
  Object.entries(pids).map(([name, pid]) => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return [name, kb ? Number(kb) / 1024 : null];
    } catch {
      return [name, null];
    }
  }),
);
if (batch.status !== 'processed') throw new Error(`not processed in time: ${JSON.stringify(batch.counts)}`);
const txRate = TRANSACTIONS / e2eSeconds;
const srCount =
  Number(
    (await query(dbUrl(names.sr), `SELECT count(*) AS n FROM service_request WHERE source = 'CIS'`)).rows[0]
      .n,
  ) - warmupSrs;
log(`processed: ${JSON.stringify(batch.counts)}; ${srCount} SRs in service-requests`);
const checkpointsInRun = (await checkpointsSoFar()) - e2eCheckpoints;
console.log(
  `end to end: ${TRANSACTIONS} transactions in ${e2eSeconds.toFixed(1)} s = ${Math.round(txRate)} transactions/s (intake ${intakeSeconds.toFixed(1)} s; every SR raised after ${srSeconds.toFixed(1)} s, the last of ${letters} letters after ${e2eSeconds.toFixed(1)} s, as recorded by cis-interface; seen by polling after ${observedSeconds.toFixed(1)} s; ${checkpointsInRun} checkpoints meanwhile)`,
);

console.log(
  `peak RSS: ${Object.entries(peakRss)
    .map(([k, v]) => `${k} ${v === null ? '?' : `${Math.round(v)} MiB`}`)
    .join(', ')}`,
);
console.log(
  `CPU seconds, POST to processed (${os.cpus().length} cores × ${e2eSeconds.toFixed(1)} s = ${(os.cpus().length * e2eSeconds).toFixed(1)} available; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}): ${cpuLine(cpu)} = ${((cpu.total * 1000) / TRANSACTIONS).toFixed(2)} ms a transaction`,
);

// ---------------------------------------------------------------------------------------------
// 2. The floor: raw multi-row INSERT of as many SR rows, on the same database server.
const floorCheckpoints = await checkpoint();
const raw = new pg.Client({ connectionString: dbUrl(names.sr) });
await raw.connect();
const rawBackend = (await raw.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
const rawCpuBefore = [cpuSeconds(rawBackend), process.cpuUsage()];
const ROWS_PER_INSERT = 1000;
const cols = [
  'sr_number',
  'type',
  'path',
  'process',
  'area',
  'sub_area',
  'status',
  'source',
  'queue',
  'created_by',
  'version',
  'details',
];
t0 = performance.now();
for (let done = 0; done < TRANSACTIONS; done += ROWS_PER_INSERT) {
  const n = Math.min(ROWS_PER_INSERT, TRANSACTIONS - done);
  const values = [];
  const params = [];
  for (let j = 0; j < n; j++) {
    const b = params.length;
    values.push(`(${cols.map((_, k) => `$${b + k + 1}`).join(', ')})`);
    params.push(
      `RAW-${done + j}`,
      'CIS_CHANGE',
      'broadcast',
      'CofC',
      'CIS Broadcast Update',
      'CIS Change Of Circumstances',
      'Open',
      'CIS',
      'cis-changes',
      'bench',
      1,
      '{}',
    );
  }
  await raw.query(`INSERT INTO service_request (${cols.join(', ')}) VALUES ${values.join(', ')}`, params);
}
const rawSeconds = (performance.now() - t0) / 1000;
const rawRate = TRANSACTIONS / rawSeconds;
const rawBackendCpu = cpuSeconds(rawBackend);
const rawBenchCpu = process.cpuUsage(rawCpuBefore[1]);
/** CPU seconds of the raw INSERTs: its PostgreSQL backend and this process building the statements. */
const rawCpu =
  rawBackendCpu === null
    ? null
    : rawBackendCpu - rawCpuBefore[0] + (rawBenchCpu.user + rawBenchCpu.system) / 1e6;
await raw.end();
console.log(
  `raw multi-row INSERT (${ROWS_PER_INSERT} rows a statement): ${TRANSACTIONS} SR rows in ${rawSeconds.toFixed(1)} s = ${Math.round(rawRate)} rows/s (${(await checkpointsSoFar()) - floorCheckpoints} checkpoints meanwhile)`,
);
console.log(
  `ratio end to end / raw INSERT: ${(txRate / rawRate).toFixed(3)} (${(rawRate / txRate).toFixed(1)}× slower)`,
);
if (rawCpu !== null)
  console.log(
    `CPU ratio (load-independent): raw INSERT ${rawCpu.toFixed(1)} CPU s / end to end ${cpu.total.toFixed(1)} CPU s = ${(rawCpu / cpu.total).toFixed(3)}`,
  );

await stopAll();
for (const n of Object.values(names)) await query(server, `DROP DATABASE ${n} WITH (FORCE)`);
if (embedded) await embedded.stop();

// ---------------------------------------------------------------------------------------------
// Every transaction here has a live case: a failed or unmatched one is a broken service or benchmark.
const broken = (batch.counts.failed ?? 0) + (batch.counts.unmatched ?? 0);
if (broken || srCount !== batch.counts['sr-raised']) {
  console.error(
    `broken: ${JSON.stringify(batch.counts)}; ${srCount} SRs in service-requests (docs not written)`,
  );
  process.exit(1);
}
if (WRITE_DOC) {
  const file = path.join(root, 'docs/benchmarks.md');
  const heading = '## CIS broadcast (cis-interface)';
  const section = `${heading}

Command: \`node scripts/bench/broadcast.mjs --clients ${CLIENTS} --transactions ${TRANSACTIONS} --claims ${CLAIM_SHARE} --workers ${WORKERS} --chunk ${CHUNK} --warmup ${WARMUP} --warmup-claims ${WARMUP_CLAIM_SHARE}\`
(${server === process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}; service-requests,
correspondence and cis-interface each from its build as a process of its own; ${os.cpus().length} cores, Node.js ${process.versions.node};
load generator and PostgreSQL on the same cores; ${loadBefore > 2.5 ? 'the machine was shared with other work' : 'nothing else running'}: 1-minute load
average ${loadBefore.toFixed(1)} at the POST and ${loadAfter.toFixed(1)} at the end).

${CLIENTS.toLocaleString('en-GB')} clients on ${caseCount.toLocaleString('en-GB')} maintenance cases, each with a CIS interest (bulk-inserted with SQL:
set-up only). One day's batch of ${TRANSACTIONS.toLocaleString('en-GB')} transactions, two different items per client (BR-4),
${letters.toLocaleString('en-GB')} of them paying parents' benefit claims (BR-8), POSTed to \`/broadcasts\` as CIS does. Timed from
the POST until the batch is \`processed\`: stored before the 202 with its chunk jobs, each chunk matched
with live cases and its SRs raised in one call and one transaction of service-requests
(\`POST /cis-matches/raise\`, ${CHUNK} transactions a call, ${WORKERS} chunk workers; every SR with its case link and
audit row), MOPF letters issued through correspondence (PDF rendered, print outbox), every outcome recorded.

| measure | result |
| --- | --- |
| intake: batch stored with every transaction and acknowledged (202) | ${intakeSeconds.toFixed(1)} s |
| end to end, POST to every SR raised or letter issued | ${Math.round(txRate).toLocaleString('en-GB')} transactions/s (${TRANSACTIONS.toLocaleString('en-GB')} in ${e2eSeconds.toFixed(1)} s) |
| of which: every SR raised (${(TRANSACTIONS - letters).toLocaleString('en-GB')} transactions) | after ${srSeconds.toFixed(1)} s = ${Math.round((TRANSACTIONS - letters) / srSeconds).toLocaleString('en-GB')} transactions/s |
| of which: the last MOPF letter issued (${letters.toLocaleString('en-GB')} letters, PDF rendered by correspondence) | after ${e2eSeconds.toFixed(1)} s |
| raw multi-row INSERT of as many SR rows, same server (${ROWS_PER_INSERT} rows a statement, one connection) | ${Math.round(rawRate).toLocaleString('en-GB')} rows/s (${rawSeconds.toFixed(1)} s) |
| ratio end to end / raw INSERT | ${(txRate / rawRate).toFixed(3)} (${(rawRate / txRate).toFixed(1)}× the floor) |
| CPU seconds, POST to processed, by process | ${cpuLine(cpu)} (${((cpu.total * 1000) / TRANSACTIONS).toFixed(2)} ms a transaction) |
| CPU ratio, raw INSERT / end to end (load-independent) | ${rawCpu === null ? '–' : (rawCpu / cpu.total).toFixed(3)} |
| peak RSS | ${Object.entries(peakRss)
    .map(([k, v]) => `${k} ${v === null ? '?' : `${Math.round(v)} MiB`}`)
    .join(', ')} |

Where the time goes: the next section (chunk and intake timings are logged at debug,
\`BENCH_LOGS=ci BENCH_LOG_LEVEL=debug\`; \`--profile DIR\` writes each service's CPU profile).

Outcomes: ${Object.entries(batch.counts)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`)
    .join(', ')}. Measured ${new Date().toISOString().slice(0, 10)}.
`;
  const current = readFileSync(file, 'utf8');
  const at = current.indexOf(heading);
  if (at < 0) appendFileSync(file, `\n${section}`);
  else {
    const next = current.indexOf('\n## ', at + heading.length);
    writeFileSync(file, current.slice(0, at) + section + (next < 0 ? '' : current.slice(next)));
  }
  log('docs/benchmarks.md updated');
}
