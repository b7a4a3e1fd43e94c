#!/usr/bin/env node
// `npm start`: the whole system on one machine, ready in well under a minute.
// 1. builds the services (scripts/lib/build.mjs: the TypeScript compiler without type checking, ~6 s;
//    reused when no source changed) while an embedded PostgreSQL starts with its data in
//    .data/postgres (or uses the server in DATABASE_URL), one database per service;
// 2. starts every service on its fixed port (migrations run at start); each one's full JSON log goes
//    to .data/logs/<service>.log (`npm run logs -- <service>`), the console shows warnings only;
// 3. loads demo data (scripts/demo-data.mjs) with a progress bar: the part every printed example
//    needs before "Ready", the rest in the background after it; resumed where it stopped, reused
//    once complete;
// 4. prints each Swagger UI URL and a development token per role. Ctrl-C stops everything,
//    PostgreSQL included. A second start on the same data directory reuses it.
// CMS_DATA_DIR names another data directory (default .data; the startup benchmark uses a fresh one).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { isCurrent, mainOf, nodePath } from './lib/build.mjs';
import { startPostgresProcess } from './lib/pg-server.mjs';
import { createProgress } from './lib/progress.mjs';
import { captureServiceOutput } from './lib/service-logs.mjs';

const started = Date.now();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.resolve(process.env.CMS_DATA_DIR ?? path.join(root, '.data'));
mkdirSync(dataDir, { recursive: true, mode: 0o755 });
const shown = (p) => (p.startsWith(`${root}${path.sep}`) ? path.relative(root, p) : p);

export const SERVICES = [
  { name: 'service-requests', port: 3001 },
  { name: 'cis-interface', port: 3002 },
  { name: 'client-security', port: 3003 },
  { name: 'correspondence', port: 3004 },
  { name: 'cis-simulator', port: 3005 },
];
const present = SERVICES.filter((s) => existsSync(path.join(root, 'services', s.name, 'src/main.ts')));
const url = (s) => `http://127.0.0.1:${s.port}`;
const progress = createProgress();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const step = (msg) => progress.log(`▸ ${msg}`);

// Development secrets, made once and kept in <data dir>/secrets.json (never for production).
const secretsFile = path.join(dataDir, 'secrets.json');
const secrets = existsSync(secretsFile)
  ? JSON.parse(readFileSync(secretsFile, 'utf8'))
  : {
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      SECURITY_PEPPER: randomBytes(32).toString('hex'),
      BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
    };
writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });

const children = [];
let pg;
let stopping = null;
/** Aborted on stop: the demo data load starts no new call; `loading` settles once those in flight end. */
const loader = new AbortController();
let loading = Promise.resolve();
/**
 * Stops the demo data load (its progress saved), every service, then PostgreSQL, then exits; a
 * second call waits for the first.
 */
function stopAll(code = 0) {
  stopping ??= stopEverything(code);
  return stopping;
}
async function stopEverything(code) {
  loader.abort();
  await Promise.race([loading.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  progress.stop();
  step('stopping services');
  await Promise.all(
    children.map(
      (c) =>
        new Promise((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', resolve);
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  if (pg) {
    step('stopping PostgreSQL');
    await pg.then((p) => p.stop()).catch(() => {});
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// ── 1. Build, and PostgreSQL beside it ──────────────────────────────────────────────────────────
let server = process.env.DATABASE_URL;
if (server) step('using PostgreSQL from DATABASE_URL');
else {
  // In a process group of its own (scripts/lib/pg-server.mjs): Ctrl-C stops the services first,
  // then PostgreSQL, so no service loses its database while it is still shutting down.
  pg = startPostgresProcess({
    dataDir: path.join(dataDir, 'postgres'),
    port: Number(process.env.PGPORT ?? 54329),
  });
  pg.catch(() => {}); // awaited below
}
const buildDir = path.join(dataDir, 'build');
const buildSpec = { root, outDir: buildDir, services: present.map((s) => s.name) };
const current = isCurrent(buildSpec);
if (!current)
  step(`building the services into ${shown(buildDir)} (no type check: \`npm run typecheck\` does that)`);
// In a process of its own: the compiler's memory goes back when it ends.
const built = current
  ? { reused: true }
  : await new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(root, 'scripts/lib/build.mjs'), root, buildDir, ...present.map((s) => s.name)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve(code === 0 ? JSON.parse(out) : null));
    });
if (!built) {
  if (!stopping) console.error('The build failed (above).');
  await stopAll(1);
}
step(
  built.reused
    ? 'build: no source changed since the last start; reused'
    : `build: ${built.files} files in ${(built.ms / 1000).toFixed(1)} s`,
);
if (pg) {
  try {
    server = (await pg).url;
    step(`embedded PostgreSQL ready (${shown(path.join(dataDir, 'postgres'))})`);
  } catch (e) {
    console.error(e.message);
    pg = null;
    await stopAll(1);
  }
}
const dbUrl = (service) => {
  const u = new URL(server);
  u.pathname = `/cms_${service.replace(/-/g, '_')}`;
  return u.toString();
};

// ── 2. The services ─────────────────────────────────────────────────────────────────────────────
const env = {
  ...process.env,
  ...secrets,
  NODE_PATH: nodePath(root),
  CLOCK_MODE: 'adjustable',
  // One clock for every service and the simulator, kept across restarts (`npm run clock -- +7d`).
  CLOCK_FILE: process.env.CLOCK_FILE ?? path.join(dataDir, 'clock.json'),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  SERVICE_REQUESTS_URL: 'http://127.0.0.1:3001',
  CIS_INTERFACE_URL: 'http://127.0.0.1:3002',
  CLIENT_SECURITY_URL: 'http://127.0.0.1:3003',
  CORRESPONDENCE_URL: 'http://127.0.0.1:3004',
  CIS_URL: 'http://127.0.0.1:3005',
};
for (const s of present) {
  const child = spawn(process.execPath, [mainOf(buildDir, s.name)], {
    cwd: root,
    env: { ...env, PORT: String(s.port), DATABASE_URL: dbUrl(s.name) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // While stopping, a service may complain of a peer already gone: the log file has it.
  captureServiceOutput(child, { dataDir, service: s.name, warn: (line) => stopping || progress.log(line) });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      progress.log(
        `${s.name} exited (${code ?? signal}); stopping everything. Its log: ${shown(path.join(dataDir, 'logs', `${s.name}.log`))}`,
      );
      void stopAll(1);
    }
  });
  children.push(child);
}
step(
  `starting ${present.map((s) => `${s.name} (${s.port})`).join(', ')}; logs in ${shown(path.join(dataDir, 'logs'))}`,
);

async function waitReady(s, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url(s)}/health/ready`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${s.name} did not become ready in ${timeoutMs / 1000} s`);
}
await Promise.all(present.map((s) => waitReady(s))).catch(async (e) => {
  console.error(e.message);
  await stopAll(1);
});
if (stopping) await stopping;
step(`every service answers /health/ready (${seconds()})`);

const token = (roles) =>
  new SignJWT({ roles, name: `dev-${roles.join('-')}` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`dev-${roles.join('-')}`)
    .setIssuer('cms-cis-dev')
    .setAudience('cms-cis')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));

// ── 3. Demo data: what "Ready" needs now, the rest after it ─────────────────────────────────────
let demo = null;
if (existsSync(path.join(root, 'scripts/demo-data.mjs'))) {
  const { loadDemoData } = await import('./demo-data.mjs');
  try {
    loading = loadDemoData({
      urls: Object.fromEntries(present.map((s) => [s.name, url(s)])),
      systemToken: await token(['system']),
      stateFile: path.join(dataDir, 'demo-data.json'),
      // Progress kept for one server is not trusted for another (the embedded one keeps its port-free identity).
      server: process.env.DATABASE_URL
        ? createHash('sha256').update(new URL(server).host).digest('hex').slice(0, 16)
        : 'embedded',
      progress,
      log: step,
      signal: loader.signal,
    });
    demo = await loading;
    if (stopping) await stopping;
    if (demo.summary) step(demo.summary);
  } catch (e) {
    // Never leave the services and PostgreSQL running without the launcher that stops them (after
    // Ctrl-C during the load, the stop already under way finishes the job).
    if (!stopping) console.error(`demo data could not be loaded: ${e.message}`);
    await stopAll(1);
  }
}

// ── 4. Ready ────────────────────────────────────────────────────────────────────────────────────
const lines = [`\nReady in ${seconds()}. Swagger UI:`];
for (const s of present) lines.push(`  ${s.name.padEnd(17)} ${url(s)}/docs`);
lines.push('\nDevelopment tokens (12 hours; Authorize in Swagger UI, or `Authorization: Bearer …`):');
for (const roles of [['caseworker'], ['team-leader'], ['caseworker', 'sensitive-access'], ['system']]) {
  lines.push(`  ${roles.join('+').padEnd(28)} ${await token(roles)}`);
}
lines.push(
  `\nLogs: ${shown(path.join(dataDir, 'logs'))}/<service>.log (JSON); \`npm run logs -- <service>\` follows one, readable.`,
);
lines.push(
  demo?.background
    ? 'The rest of the demo data loads in the background (below); everything above works meanwhile.'
    : '',
);
lines.push('Ctrl-C stops everything.\n');
progress.log(lines.join('\n'));

if (demo?.background) {
  try {
    loading = demo.background();
    const summary = await loading;
    if (summary) step(summary);
  } catch (e) {
    if (!stopping) {
      step(
        `the background demo data load stopped: ${e.message}. The system keeps running; the next start resumes the load.`,
      );
    }
  }
}
