#!/usr/bin/env node
// Benchmark (not part of the tests): service-requests
//  1. SRs created per second through POST /service-requests/batch (500 per call, 4 callers);
//  2. work-queue page latency (GET /work-queues/{queue}?limit=50, keyset cursors) with 1,000,000
//     SRs in the database (the extra rows are bulk-inserted with SQL to save set-up time).
// Usage: node scripts/bench/service-requests.mjs [--srs 100000] [--total 1000000] [--cases 200]
//          [--pages 500] [--no-build] [--smoke]
// --smoke: tiny sizes (1,000 SRs, 5,000 in all, 20 cases, 50 pages) to show the benchmark still
// runs; figures printed, no thresholds. Explicit flags win.
// The service runs in the benchmark's process with a system token; its peers (cis-interface,
// client-security, correspondence) are pointed at a closed port: nothing here calls them (workers off).
// Uses DATABASE_URL (a server) or an embedded PostgreSQL. Loopback only; bounded loops.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import pg from 'pg';
import { SignJWT } from 'jose';
import { startEmbeddedPostgres } from '../lib/embedded-pg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SMOKE = process.argv.includes('--smoke');
const arg = (name, def, smokeDef = def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : SMOKE ? smokeDef : def;
};
const SRS = arg('srs', 100_000, 1000);
const TOTAL = arg('total', 1_000_000, 5000);
const CASES = arg('cases', 200, 20);
const PAGES = arg('pages', 500, 50);
if (![SRS, TOTAL, CASES, PAGES].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('bad arguments');
  process.exit(2);
}
/** Where a peer this benchmark does not start is "found": nothing listens there (never a developer's npm start). */
const NOWHERE = 'http://127.0.0.1:9';
const BATCH = 500;
const CALLERS = 4;
const SECRET = 'bench-secret-0123456789abcdef0123456789';

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npx', ['nx', 'run', '@cms/service-requests:build', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
let embedded;
let server = process.env.DATABASE_URL;
if (!server) {
  embedded = await startEmbeddedPostgres();
  server = embedded.url;
}
const dbName = `bench_sr_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();

// A failure part-way leaves nothing behind: services stopped, the benchmark's databases dropped
// (from DATABASE_URL's server) or the embedded PostgreSQL stopped with its throwaway data
// directory; then exit 1.
process.once('uncaughtException', (e) => {
  console.error(e);
  const cleanup = async () => {
    if (embedded) return embedded.stop();
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
  };
  const limit = new Promise((r) => setTimeout(r, 15_000).unref());
  void Promise.race([cleanup().catch(() => {}), limit]).finally(() => process.exit(1));
});
const url = new URL(server);
url.pathname = `/${dbName}`;

const { createApp } = createRequire(import.meta.url)(
  path.join(root, 'services/service-requests/dist/app.js'),
);
const app = await createApp(
  {
    DATABASE_URL: url.toString(),
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    WORKERS_ENABLED: 'false',
    DATABASE_POOL_SIZE: '10',
    BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
    CIS_INTERFACE_URL: NOWHERE,
    CLIENT_SECURITY_URL: NOWHERE,
    CORRESPONDENCE_URL: NOWHERE,
  },
  { logDestination: new Writable({ write: (_c, _e, d) => d() }) },
);
await app.listen(0, '127.0.0.1');
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = await new SignJWT({ roles: ['system'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench')
  .setIssuer('cms-cis-dev')
  .setAudience('cms-cis')
  .setExpirationTime('2h')
  .sign(new TextEncoder().encode(SECRET));
const call = async (method, p, body) => {
  const res = await fetch(base + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p} ${res.status} ${await res.text()}`);
  return res.json();
};

// Fixture: CASES cases, each with a receiving and a paying parent.
const cases = [];
for (let i = 0; i < CASES; i++) {
  const nino = (n) => `AB${String(100000 + i * 2 + n).padStart(6, '0')}C`;
  const pwc = await call('POST', '/clients', {
    nino: nino(0),
    firstName: 'Pat',
    lastName: `Bench ${String.fromCharCode(65 + (i % 26))}`,
  });
  const nrp = await call('POST', '/clients', {
    nino: nino(1),
    firstName: 'Sam',
    lastName: `Bench ${String.fromCharCode(65 + (i % 26))}`,
  });
  const c = await call('POST', '/cases', {
    jurisdiction: 'GB',
    stage: 'maintenance',
    participants: [
      { clientId: pwc.id, role: 'PWC' },
      { clientId: nrp.id, role: 'NRP' },
    ],
  });
  cases.push({ caseId: c.id, nrp: nrp.id });
}

// 1. Batch creation rate.
let sent = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CALLERS }, async () => {
    while (sent < SRS) {
      const n = Math.min(BATCH, SRS - sent);
      sent += n;
      const items = Array.from({ length: n }, () => {
        const c = cases[Math.floor(Math.random() * cases.length)];
        return {
          idempotencyKey: randomUUID(),
          type: 'CIS_CHANGE',
          source: 'CIS',
          subject: { clientId: c.nrp, role: 'NRP' },
          caseIds: [c.caseId],
          changeType: 'NRP_BENEFIT_ON_OFF',
          change: { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'JSA' },
        };
      });
      await call('POST', '/service-requests/batch', { items });
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
console.log(
  `SR batch creation: ${SRS} SRs in ${seconds.toFixed(1)} s = ${Math.round(SRS / seconds)} SRs/s (${BATCH} per call, ${CALLERS} callers)`,
);

// 2. Fill to TOTAL rows with SQL, then page the queue.
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
const fill = TOTAL - SRS;
if (fill > 0) {
  const t0 = performance.now();
  await db.query(
    `INSERT INTO service_request (sr_number, type, path, process, area, sub_area, status, source, queue, sla_due_at, created_by, version, details)
     SELECT 'B-' || g, 'CIS_CHANGE', 'broadcast', 'CofC', 'CIS Broadcast Update', 'CIS Change Of Circumstances',
            CASE WHEN g % 3 = 0 THEN 'Closed' ELSE 'Open' END, 'CIS',
            (ARRAY['cis-changes','security-details','correspondence','change-of-circumstances'])[1 + g % 4],
            now() + (g % 10000) * interval '1 minute', 'bench', 1, '{}'
       FROM generate_series(1, $1) g`,
    [fill],
  );
  await db.query('ANALYZE service_request');
  console.log(
    `filled ${fill} more SR rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${TOTAL} in all`,
  );
}
const lat = [];
let cursor = null;
for (let i = 0; i < PAGES; i++) {
  const q = `/work-queues/cis-changes?limit=50${cursor && i % 10 !== 0 ? `&after=${cursor}` : ''}`;
  const t = performance.now();
  const page = await call('GET', q);
  lat.push(performance.now() - t);
  if (!page.items?.length) throw new Error(`GET ${q}: an empty page (${JSON.stringify(page)})`);
  cursor = page.nextCursor;
}
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(1);
console.log(
  `work-queue page (50 items, cis-changes, ${TOTAL} SRs): p50 ${pct(50)} ms, p99 ${pct(99)} ms over ${lat.length} pages`,
);

await db.end();
await app.close();
const drop = new pg.Client({ connectionString: server });
await drop.connect();
await drop.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
await drop.end();
if (embedded) await embedded.stop();
