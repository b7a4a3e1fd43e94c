#!/usr/bin/env node
// Benchmark (not part of the tests): correspondence letters
//  1. pure render rate: letters of every template (GB and NI in turn) rendered to PDF by the built
//     LetterRenderer (pdfkit), one after another on one core, personalisation checked first;
//  2. end-to-end POST /letters rate through the running service with its database (validation,
//     safeguarding, render, seal bank details, insert letter + PDF + audit + dispatch job in one
//     transaction), CALLERS concurrent callers, workers off in that replica;
//  3. dispatch drain: a second replica with workers on hands the queued letters to the local print
//     gateway and moves them created → sent (letters waiting for a caseworker's review are not queued).
// CMSL0406 needs a team leader's approval that correspondence confirms with service-requests (an SR
// of type DATA_TRANSFER at In Progress / Approved TL, approved by the approver named, not by its
// submitter, linked to the letter's case): service-requests runs from its build as a child process
// on a database of its own, one transfer SR is walked there to Approved TL (as a caseworker, then a
// team leader), and every CMSL0406 letter of the run is issued under that approval.
// Usage: node scripts/bench/letters.mjs [--render 2000] [--letters 2000] [--callers 8] [--no-build]
//          [--smoke]
// --smoke: tiny sizes (90 renders, 45 letters, 4 callers) to show the benchmark still runs; figures
// printed, no thresholds. Explicit flags win.
// Uses DATABASE_URL (a server) or an embedded PostgreSQL. Loopback only; bounded loops.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../lib/embedded-pg.mjs';
import { benchEnvironment, benchToken } from './lib/bench-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const SMOKE = process.argv.includes('--smoke');
const arg = (name, def, smokeDef = def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : SMOKE ? smokeDef : def;
};
const RENDER = arg('render', 2000, 90);
const LETTERS = arg('letters', 2000, 45);
const CALLERS = arg('callers', 8, 4);
const WARM_UP = SMOKE ? 9 : 50;
if (![RENDER, LETTERS, CALLERS].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('bad arguments');
  process.exit(2);
}
/** Where a peer this benchmark does not start is "found": nothing listens there (never a developer's npm start). */
const NOWHERE = 'http://127.0.0.1:9';
const SECRET = 'bench-secret-0123456789abcdef0123456789';
const BANK_KEY = randomBytes(32).toString('base64');
const quiet = () => new Writable({ write: (_c, _e, d) => d() });

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
      '@cms/correspondence',
      '@cms/service-requests',
    ],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
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
for (let i = 0; i < WARM_UP; i++) await renderer.render(inputs[i % inputs.length]); // warm up
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
// Each service on its own database, as in production; a failure part-way leaves nothing behind.
/** Services started here as processes of their own. */
const { server, embedded, dbNames, dbUrlOf, children } = await benchEnvironment({
  co: `bench_letters_${process.pid}`,
  sr: `bench_letters_sr_${process.pid}`,
});
const url = new URL(dbUrlOf(dbNames.co));
const sign = (sub, roles) => benchToken(SECRET, sub, roles);

// service-requests, from its build, as a process of its own: correspondence confirms CMSL0406's
// approval with it. Its own peers are nowhere (workers off: it sends nothing).
const srPort = await freePort();
const srBase = `http://127.0.0.1:${srPort}`;
const srChild = spawn(process.execPath, [path.join(root, 'services/service-requests/dist/main.js')], {
  cwd: root,
  env: {
    PATH: process.env.PATH,
    PORT: String(srPort),
    HOST: '127.0.0.1',
    DATABASE_URL: dbUrlOf(dbNames.sr),
    DATABASE_POOL_SIZE: '10',
    AUTH_JWT_SECRET: SECRET,
    BANK_DETAILS_KEY: BANK_KEY,
    LOG_LEVEL: 'warn',
    WORKERS_ENABLED: 'false',
    CIS_INTERFACE_URL: NOWHERE,
    CLIENT_SECURITY_URL: NOWHERE,
    CORRESPONDENCE_URL: NOWHERE,
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(srChild);
process.on('exit', () => {
  if (srChild.exitCode === null) srChild.kill('SIGKILL');
});
for (let deadline = Date.now() + 60_000; ;) {
  if (srChild.exitCode !== null) throw new Error(`service-requests exited (${srChild.exitCode})`);
  try {
    if ((await fetch(`${srBase}/health/ready`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (Date.now() > deadline) throw new Error('service-requests did not become ready');
  await new Promise((r) => setTimeout(r, 200));
}

// One Transfer Data Between Clients SR walked to In Progress / Approved TL: created and submitted by
// a caseworker, approved by a team leader (services/correspondence/test/helpers.ts, approvedTransfer).
const transfer = await (async () => {
  const [cw, tl] = await Promise.all([sign('bench-cw', ['caseworker']), sign('bench-tl', ['team-leader'])]);
  const call = async (method, p, body, token = cw) => {
    const res = await fetch(srBase + p, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`service-requests ${method} ${p} ${res.status} ${await res.text()}`);
    return res.json();
  };
  const pwc = await call('POST', '/clients', { firstName: 'Sarah', lastName: 'Okafor', address });
  const nrp = await call('POST', '/clients', { firstName: 'Daniel', lastName: 'Price', address });
  const kase = await call('POST', '/cases', {
    jurisdiction: 'GB',
    stage: 'maintenance',
    participants: [
      { clientId: pwc.id, role: 'PWC' },
      { clientId: nrp.id, role: 'NRP' },
    ],
  });
  let sr = await call('POST', '/service-requests', {
    type: 'DATA_TRANSFER',
    path: 'verbal-bank-details',
    source: 'PWC',
    subject: { clientId: pwc.id, role: 'PWC' },
    caseIds: [kase.id],
  });
  const move = async (to, token) =>
    (sr = await call('POST', `/service-requests/${sr.id}/transitions`, { version: sr.version, to }, token));
  const outcome = async (key, value) =>
    (sr = await call('PUT', `/service-requests/${sr.id}/activity-steps/${key}`, {
      version: sr.version,
      outcome: value,
    }));
  await move({ status: 'In Progress', subStatus: null });
  await outcome('consent', 'Consent Given');
  sr = await call('PUT', `/service-requests/${sr.id}/transfer-items`, {
    version: sr.version,
    items: { bankDetails: BANK },
    consentAccepted: true,
  });
  await outcome('call-paying-parent', 'Paying Parent Told');
  await move({ status: 'Pending Approval', subStatus: 'Pending Approval TL' });
  await move({ status: 'In Progress', subStatus: 'Approved TL' }, tl);
  return { serviceRequestId: sr.id, caseId: kase.id, nrpId: nrp.id, approvedBy: 'bench-tl' };
})();

const env = {
  DATABASE_URL: url.toString(),
  AUTH_JWT_SECRET: SECRET,
  BANK_DETAILS_KEY: BANK_KEY,
  LOG_LEVEL: 'silent',
  DATABASE_POOL_SIZE: '10',
  SERVICE_REQUESTS_URL: srBase,
};
const app = await createApp({ ...env, WORKERS_ENABLED: 'false' }, { logDestination: quiet() });
await app.listen(0, '127.0.0.1');
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
const token = await sign('bench', ['system']);
const approvedAt = new Date(Date.now() - 3_600_000).toISOString();
const body = (i) => {
  const code = codes[i % codes.length];
  const [role, personalisation] = FIXTURES[code];
  const approved = code === 'CMSL0406';
  const sr = approved ? transfer.serviceRequestId : randomUUID();
  return {
    templateCode: code,
    recipient: { clientId: approved ? transfer.nrpId : randomUUID(), role, name: 'Daniel Price', address },
    caseId: approved ? transfer.caseId : randomUUID(),
    caseNumber: '120034567891',
    jurisdiction: i % 2 ? 'NI' : 'GB',
    stage: 'maintenance',
    serviceRequestId: sr,
    personalisation,
    ...(approved ? { approval: { serviceRequestId: sr, approvedBy: transfer.approvedBy, approvedAt } } : {}),
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
for (let i = 0; i < WARM_UP; i++) await post(i); // warm up
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
if (sentCount < total) {
  console.error(`dispatch drain: only ${sentCount} of ${total} letters sent`);
  process.exitCode = 1;
}
const drop = new pg.Client({ connectionString: server });
await drop.connect();
await new Promise((resolve) => {
  srChild.once('exit', resolve);
  srChild.kill('SIGTERM');
  setTimeout(() => srChild.kill('SIGKILL'), 10_000).unref();
});
for (const n of Object.values(dbNames)) await drop.query(`DROP DATABASE ${n} WITH (FORCE)`);
await drop.end();
if (embedded) await embedded.stop();
