#!/usr/bin/env node
// Benchmark (not part of the tests): correspondence letters
//  1. pure render rate: letters of every template (GB and NI in turn) rendered to PDF by the built
//     LetterRenderer (pdfkit), one after another on one core, personalisation checked first;
//  2. end-to-end POST /letters rate through the running service with its database (validation,
//     safeguarding, render, seal bank details, insert letter + PDF + audit + dispatch job in one
//     transaction), CALLERS concurrent callers, workers off in that replica;
//  3. dispatch drain: a second replica with workers on hands the queued letters to the local print
//     gateway and moves them created → sent (letters waiting for a caseworker's review are not queued).
// Usage: node scripts/bench/letters.mjs [--render 2000] [--letters 2000] [--callers 8] [--no-build]
// Uses DATABASE_URL (a server) or an embedded PostgreSQL. Loopback only; bounded loops.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import pg from 'pg';
import { startEmbeddedPostgres } from '../lib/embedded-pg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const RENDER = arg('render', 2000);
const LETTERS = arg('letters', 2000);
const CALLERS = arg('callers', 8);
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const BANK_KEY = randomBytes(32).toString('base64');
const quiet = () => new Writable({ write: (_c, _e, d) => d() });

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npx', ['nx', 'run', '@cms/correspondence:build', '--output-style=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const dist = (p) => require(path.join(root, 'services/correspondence/dist', p));
const { LetterRenderer } = dist('rendering/letter-renderer.js');
const { checkPersonalisation } = dist('templates/personalisation.js');
const { TEMPLATES_V1, LETTERHEADS_V1 } = dist('migrations/1764300000001-templates-v1.js');
const { createApp } = dist('app.js');

const BANK = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };
/** Complete personalisation and recipient role of each letter. */
const FIXTURES = {
  CMSL0405: ['PWC', { replyByDate: '2026-12-06', requestDate: '2026-11-20' }],
  CMSL0406: [
    'NRP',
    {
      transferRoute: 'contact-details',
      transferredDetails: {
        name: { firstName: 'Sarah', lastName: 'Okafor' },
        address: { line1: '1 High Street', town: 'York', postcode: 'YO1 7HH' },
        mobile: '07700 900123',
        email: 'sarah@example.com',
        bankDetails: BANK,
      },
      paymentReference: 'CM 1200 3456',
    },
  ],
  CMSL9660: ['PWC', { replyByDate: '2026-12-06' }],
  CMSL9661: [
    'NRP',
    { paymentDetails: BANK, amount: 4550, frequency: 'every month', firstPaymentDate: '2026-12-15' },
  ],
  CMSL9662: ['PWC', { dateDetailsPassedOn: '2026-11-22', paymentDetails: BANK }],
  CMSL9800: ['NRP', { reason: 'account-blocked', returnByDate: '2026-11-29' }],
  CMSL9801: ['PWC', { originalLetterDate: '2026-11-22', returnByDate: '2026-12-06' }],
  CMSL9802: ['NRP', { dateUpdated: '2026-11-25' }],
  MOPF_BENEFIT_CLAIM: ['NRP', { claimDate: '2026-11-18', benefitName: 'Universal Credit' }],
};
const codes = Object.keys(FIXTURES);
const address = { line1: '14 Mill Lane', line2: 'Flat 3', line3: null, town: 'Leeds', postcode: 'LS6 3AB' };
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))].toFixed(1);

// 1. Pure render rate.
const renderer = new LetterRenderer();
const templates = new Map(TEMPLATES_V1.map((t) => [t.code, t]));
const inputs = codes.flatMap((code) =>
  ['GB', 'NI'].map((jurisdiction) => {
    const t = templates.get(code);
    const [role, personalisation] = FIXTURES[code];
    const check = checkPersonalisation(t.fields, personalisation, { unicode: false });
    if (check.problems.length) throw new Error(`${code}: ${JSON.stringify(check.problems)}`);
    return {
      code,
      version: 1,
      title: t.title,
      body: t.body,
      fields: t.fields,
      letterhead: LETTERHEADS_V1[jurisdiction],
      jurisdiction,
      recipient: { name: 'Daniel Price', role, address },
      caseNumber: '120034567891',
      letterDate: '2026-11-22',
      values: check.values,
    };
  }),
);
for (let i = 0; i < 50; i++) await renderer.render(inputs[i % inputs.length]); // warm up
let bytes = 0;
const renderTimes = [];
const r0 = performance.now();
for (let i = 0; i < RENDER; i++) {
  const t = performance.now();
  const out = await renderer.render(inputs[i % inputs.length]);
  renderTimes.push(performance.now() - t);
  bytes += out.pdf.length;
}
const renderSeconds = (performance.now() - r0) / 1000;
renderTimes.sort((a, b) => a - b);
console.log(
  `pure render: ${RENDER} letters (${codes.length} templates × GB/NI) in ${renderSeconds.toFixed(2)} s = ` +
    `${Math.round(RENDER / renderSeconds)} letters/s on one core; p50 ${pct(renderTimes, 50)} ms, p99 ${pct(renderTimes, 99)} ms; ` +
    `mean PDF ${Math.round((bytes / RENDER / 1024) * 10) / 10} KiB`,
);

// 2. End-to-end POST /letters with the database.
let embedded;
let server = process.env.DATABASE_URL;
if (!server) {
  embedded = await startEmbeddedPostgres();
  server = embedded.url;
}
const dbName = `bench_letters_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
await admin.end();
const url = new URL(server);
url.pathname = `/${dbName}`;
const env = {
  DATABASE_URL: url.toString(),
  AUTH_JWT_SECRET: SECRET,
  BANK_DETAILS_KEY: BANK_KEY,
  LOG_LEVEL: 'silent',
  DATABASE_POOL_SIZE: '10',
};
const app = await createApp({ ...env, WORKERS_ENABLED: 'false' }, { logDestination: quiet() });
await app.listen(0, '127.0.0.1');
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = await new SignJWT({ roles: ['system'] })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject('bench')
  .setIssuer('cms-cis-dev')
  .setAudience('cms-cis')
  .setExpirationTime('2h')
  .sign(new TextEncoder().encode(SECRET));
const approvedAt = new Date(Date.now() - 3_600_000).toISOString();
const body = (i) => {
  const code = codes[i % codes.length];
  const [role, personalisation] = FIXTURES[code];
  const sr = randomUUID();
  return {
    templateCode: code,
    recipient: { clientId: randomUUID(), role, name: 'Daniel Price', address },
    caseId: randomUUID(),
    caseNumber: '120034567891',
    jurisdiction: i % 2 ? 'NI' : 'GB',
    stage: 'maintenance',
    serviceRequestId: sr,
    personalisation,
    ...(code === 'CMSL0406' ? { approval: { serviceRequestId: sr, approvedBy: 'tl-1', approvedAt } } : {}),
    ...(code === 'CMSL9661' ? { transferReference: '1-1000042' } : {}),
  };
};
const post = async (i) => {
  const res = await fetch(`${base}/letters`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
    },
    body: JSON.stringify(body(i)),
  });
  if (res.status !== 201) throw new Error(`POST /letters ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
};
for (let i = 0; i < 50; i++) await post(i); // warm up
let next = 0;
const postTimes = [];
const p0 = performance.now();
await Promise.all(
  Array.from({ length: CALLERS }, async () => {
    while (next < LETTERS) {
      const i = next++;
      const t = performance.now();
      await post(i);
      postTimes.push(performance.now() - t);
    }
  }),
);
const postSeconds = (performance.now() - p0) / 1000;
postTimes.sort((a, b) => a - b);
console.log(
  `POST /letters end to end: ${LETTERS} letters in ${postSeconds.toFixed(2)} s = ${Math.round(LETTERS / postSeconds)} letters/s ` +
    `(${CALLERS} callers); p50 ${pct(postTimes, 50)} ms, p99 ${pct(postTimes, 99)} ms`,
);
await app.close();

// 3. Dispatch drain: a replica with workers takes the queued jobs to the local print gateway.
const db = new pg.Client({ connectionString: url.toString() });
await db.connect();
// CMSL9800/9801/9802 wait for a caseworker's review and are not dispatched until then.
const total = (await db.query(`SELECT count(*)::int AS n FROM correspondence_item WHERE NOT review_required`))
  .rows[0].n;
const d0 = performance.now();
const worker = await createApp({ ...env, WORKERS_ENABLED: 'true' }, { logDestination: quiet() });
let sentCount = 0;
for (let i = 0; i < 3000 && sentCount < total; i++) {
  await new Promise((r) => setTimeout(r, 100));
  sentCount = (await db.query(`SELECT count(*)::int AS n FROM correspondence_item WHERE status = 'sent'`))
    .rows[0].n;
}
const drainSeconds = (performance.now() - d0) / 1000;
console.log(
  `dispatch drain (one replica, 2 workers, batch 20, poll 0.5 s): ${sentCount}/${total} letters sent in ${drainSeconds.toFixed(1)} s = ` +
    `${Math.round(sentCount / drainSeconds)} letters/s (includes the replica's start)`,
);
await worker.close();
await db.end();
const drop = new pg.Client({ connectionString: server });
await drop.connect();
await drop.query(`DROP DATABASE ${dbName} WITH (FORCE)`);
await drop.end();
if (embedded) await embedded.stop();
