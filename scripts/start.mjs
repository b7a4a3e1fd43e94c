#!/usr/bin/env node
// `npm start`: the whole system on one machine.
// 1. builds every package; 2. starts an embedded PostgreSQL with its data in .data/postgres (or uses
// the server in DATABASE_URL), one database per service; 3. starts every service on its fixed port
// (migrations run at start); 4. loads demo data once (scripts/demo-data.mjs; skipped when present);
// 5. prints each Swagger UI URL and a development token per role. Ctrl-C stops everything,
// PostgreSQL included. A second start on the same data directory reuses it.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { startPostgresProcess } from './lib/pg-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, '.data');
mkdirSync(dataDir, { recursive: true, mode: 0o755 });

export const SERVICES = [
  { name: 'service-requests', port: 3001 },
  { name: 'cis-interface', port: 3002 },
  { name: 'client-security', port: 3003 },
  { name: 'correspondence', port: 3004 },
  { name: 'cis-simulator', port: 3005 },
];
const present = SERVICES.filter((s) => existsSync(path.join(root, 'services', s.name, 'src/main.ts')));
const url = (s) => `http://127.0.0.1:${s.port}`;
const step = (msg) => console.log(`▸ ${msg}`);

// Development secrets, made once and kept in .data/secrets.json (never for production).
const secretsFile = path.join(dataDir, 'secrets.json');
const secrets = existsSync(secretsFile)
  ? JSON.parse(readFileSync(secretsFile, 'utf8'))
  : {
      AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
      SECURITY_PEPPER: randomBytes(32).toString('hex'),
      BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
    };
writeFileSync(secretsFile, JSON.stringify(secrets, null, 2), { mode: 0o600 });

step('building every package');
const build = spawnSync(
  'npx',
  ['nx', 'run-many', '-t', 'build', '--output-style=static', '-p', ...present.map((s) => `@cms/${s.name}`)],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

let pg;
let server = process.env.DATABASE_URL;
if (server) step(`using PostgreSQL from DATABASE_URL`);
else {
  step('starting embedded PostgreSQL (.data/postgres)');
  // In a process group of its own (scripts/lib/pg-server.mjs): Ctrl-C stops the services first,
  // then PostgreSQL, so no service loses its database while it is still shutting down.
  pg = await startPostgresProcess({
    dataDir: path.join(dataDir, 'postgres'),
    port: Number(process.env.PGPORT ?? 54329),
  });
  server = pg.url;
}
const dbUrl = (service) => {
  const u = new URL(server);
  u.pathname = `/cms_${service.replace(/-/g, '_')}`;
  return u.toString();
};

const children = [];
let stopping = null;
/** Stops every service, then PostgreSQL, then exits; a second call waits for the first. */
function stopAll(code = 0) {
  stopping ??= stopEverything(code);
  return stopping;
}
async function stopEverything(code) {
  step('stopping services');
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
  if (pg) {
    step('stopping PostgreSQL');
    await pg.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const env = {
  ...process.env,
  ...secrets,
  CLOCK_MODE: 'adjustable',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  SERVICE_REQUESTS_URL: 'http://127.0.0.1:3001',
  CIS_INTERFACE_URL: 'http://127.0.0.1:3002',
  CLIENT_SECURITY_URL: 'http://127.0.0.1:3003',
  CORRESPONDENCE_URL: 'http://127.0.0.1:3004',
  CIS_URL: 'http://127.0.0.1:3005',
};
for (const s of present) {
  step(`starting ${s.name} on ${url(s)}`);
  const child = spawn(process.execPath, [path.join(root, 'services', s.name, 'dist/main.js')], {
    cwd: root,
    env: { ...env, PORT: String(s.port), DATABASE_URL: dbUrl(s.name) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`${s.name} exited (${code}); stopping everything`);
      void stopAll(1);
    }
  });
  children.push(child);
}

async function waitReady(s, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url(s)}/health/ready`);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${s.name} did not become ready`);
}
await Promise.all(present.map((s) => waitReady(s))).catch(async (e) => {
  console.error(e.message);
  await stopAll(1);
});

const token = (roles) =>
  new SignJWT({ roles, name: `dev-${roles.join('-')}` })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`dev-${roles.join('-')}`)
    .setIssuer('cms-cis-dev')
    .setAudience('cms-cis')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secrets.AUTH_JWT_SECRET));

if (existsSync(path.join(root, 'scripts/demo-data.mjs'))) {
  step('loading demo data (once per data directory)');
  const { loadDemoData } = await import('./demo-data.mjs');
  try {
    await loadDemoData({
      urls: Object.fromEntries(present.map((s) => [s.name, url(s)])),
      systemToken: await token(['system']),
      log: step,
    });
  } catch (e) {
    // Never leave the services and PostgreSQL running without the launcher that stops them (after
    // Ctrl-C during the load, the stop already under way finishes the job).
    if (!stopping) console.error(`demo data could not be loaded: ${e.message}`);
    await stopAll(1);
  }
}

console.log('\nReady. Swagger UI:');
for (const s of present) console.log(`  ${s.name.padEnd(17)} ${url(s)}/docs`);
console.log('\nDevelopment tokens (12 hours; Authorize in Swagger UI, or `Authorization: Bearer …`):');
for (const roles of [['caseworker'], ['team-leader'], ['caseworker', 'sensitive-access'], ['system']]) {
  console.log(`  ${roles.join('+').padEnd(28)} ${await token(roles)}`);
}
console.log('\nCtrl-C stops everything.');
