#!/usr/bin/env node
// Startup benchmark: `npm start` on an empty data directory (a fresh clone after `npm install`: no
// build, no database, no demo data), then a second start on the same directory. Prints when each
// stage finished, seconds from launch: build, PostgreSQL, every service ready, demo data before
// "Ready", "Ready", and the background demo data complete; checks right after each "Ready" that the
// README's example answers (GET /cases?limit=5 as a caseworker: 200 with cases).
//
//   node scripts/bench/startup.mjs            the full demo data (2,000 cases); waits for the
//                                             background part before the second start
//   node scripts/bench/startup.mjs --demo     also runs `npm run demo` right after the first Ready,
//                                             beside the background load, and times it
//   node scripts/bench/startup.mjs --smoke    tiny demo data (DEMO_CASES=40), a quick check that
//                                             both starts work
//   --keep                                    leave the data directory (printed) in place
//
// Uses a fresh CMS_DATA_DIR under the system's temporary directory and a free port for its
// PostgreSQL; the services need their fixed ports 3001-3005 free (stop `npm start` first).
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { freePort } from '../lib/embedded-pg.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const withDemo = args.includes('--demo');
const keep = args.includes('--keep');
const PORTS = [3001, 3002, 3003, 3004, 3005];

const inUse = (port) =>
  new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
const busy = (await Promise.all(PORTS.map(inUse))).map((b, i) => b && PORTS[i]).filter(Boolean);
if (busy.length) {
  console.error(`ports ${busy.join(', ')} are in use: stop the running system (npm start) first`);
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'cms-startup-bench-'));
// Searchable by others, like a clone's .data usually is (mkdtemp makes it 0700; as root, PostgreSQL's
// data would then live in /var/tmp: see scripts/lib/embedded-pg.mjs).
chmodSync(dataDir, 0o755);
const env = {
  ...process.env,
  CMS_DATA_DIR: dataDir,
  PGPORT: String(await freePort()),
  ...(smoke ? { DEMO_CASES: '40', DEMO_READY_CASES: '20' } : {}),
};
const load = () => loadavg()[0].toFixed(1);
const sec = (ms) => (ms / 1000).toFixed(1);

/**
 * CPU seconds so far of `rootPid` and its descendants, by what they are: the launcher itself, the
 * build (a child of the launcher that has ended: its time is in the launcher's children's time),
 * each service, PostgreSQL (postmaster and backends). From /proc (Linux); {} elsewhere.
 */
function cpuTree(rootPid) {
  const tick = 100; // USER_HZ
  const procs = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return {};
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      procs.set(Number(pid), {
        ppid: Number(f[1]),
        own: (Number(f[11]) + Number(f[12])) / tick,
        children: (Number(f[13]) + Number(f[14])) / tick,
        cmd,
      });
    } catch {
      /* gone */
    }
  }
  const out = {};
  const add = (k, v) => (out[k] = (out[k] ?? 0) + v);
  const walk = (pid, inPostgres) => {
    const p = procs.get(pid);
    if (!p) return;
    const service = p.cmd.match(/services\/([a-z-]+)\/src\/main\.js/)?.[1];
    const postgres = inPostgres || /\/bin\/postgres /.test(p.cmd);
    if (pid === rootPid) {
      add('launcher', p.own);
      add('build', p.children);
    } else if (service) add(service, p.own);
    else if (postgres) add('PostgreSQL', p.own);
    else if (/pg-server\.mjs/.test(p.cmd)) add('launcher', p.own);
    else add('other', p.own);
    for (const [child, c] of procs) if (c.ppid === pid) walk(child, postgres);
  };
  walk(rootPid, false);
  return out;
}
const cpuDiff = (a, b) => Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));
const cpuLine = (d) =>
  Object.entries(d)
    .filter(([, v]) => v >= 0.05)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');

/** The stages `npm start` prints, by the start of their line. */
const STAGES = [
  ['build', /^▸ build: /],
  ['PostgreSQL', /^▸ embedded PostgreSQL ready/],
  ['services ready', /^▸ every service answers/],
  ['demo data before Ready', /^▸ demo data (ready|already loaded)/],
  ['Ready', /^Ready in /],
  ['background demo data complete', /^▸ demo data complete/],
];

/**
 * Runs `npm start` (as `node scripts/start.mjs`) until `until` has been seen, runs `afterReady` once
 * "Ready" is printed, then stops it with SIGINT (Ctrl-C). Resolves to the stage times.
 */
function start(label, { until, afterReady }) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const times = {};
    const cpu = {};
    const loadBefore = load();
    let after = Promise.resolve({});
    const child = spawn(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let rest = '';
    let log = '';
    let background = false;
    const onLine = (line) => {
      log += `${line}\n`;
      if (/loads in the background/.test(line)) background = true;
      // A failed load never reaches its last stage: stop, and report it (with npm start's output).
      if (/demo data load stopped|could not be loaded/.test(line)) child.kill('SIGINT');
      // Nothing left for the background (small demo data): "Ready" is the end.
      if (/^Ctrl-C stops everything/.test(line) && !background && times[until] === undefined) {
        times[until] = times.Ready;
        void after.then(() => child.kill('SIGINT'));
      }
      for (const [name, re] of STAGES) {
        if (times[name] === undefined && re.test(line)) {
          times[name] = Date.now() - t0;
          cpu[name] = cpuTree(child.pid);
          process.stdout.write(`  [${label}] ${sec(times[name]).padStart(6)} s  ${name}\n`);
          if (name === 'Ready') after = afterReady().catch((e) => ({ error: e.message }));
          if (name === until) void after.then(() => child.kill('SIGINT'));
        }
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d) => (log += d));
    child.on('exit', async (code) => {
      if (times[until] === undefined) {
        reject(new Error(`${label}: npm start ended (${code}) before "${until}":\n${log.slice(-4000)}`));
        return;
      }
      resolve({ times, cpu, checks: await after, loadBefore, loadAfter: load() });
    });
  });
}

const token = async (roles) => {
  const { AUTH_JWT_SECRET } = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
  return new SignJWT({ roles, name: 'bench' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench')
    .setIssuer('cms-cis-dev')
    .setAudience('cms-cis')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(AUTH_JWT_SECRET));
};
/** The README's example, as curl runs it. */
async function readmeExample() {
  const res = await fetch('http://127.0.0.1:3001/cases?limit=5', {
    headers: { authorization: `Bearer ${await token(['caseworker'])}` },
  });
  const body = await res.json();
  if (res.status !== 200 || !body.items?.length) {
    throw new Error(`GET /cases?limit=5 answered ${res.status} with ${body.items?.length ?? 0} cases`);
  }
  return `GET /cases?limit=5 → 200, ${body.items.length} cases of ${body.total}`;
}
function runDemo() {
  return new Promise((resolve) => {
    const t = Date.now();
    const { AUTH_JWT_SECRET } = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
    const demo = spawn(process.execPath, [path.join(root, 'scripts/demo.mjs')], {
      cwd: root,
      env: { ...process.env, AUTH_JWT_SECRET },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    demo.stderr.on('data', (d) => (err += d));
    demo.on('exit', (code) =>
      resolve(
        code === 0
          ? `npm run demo right after Ready: passed in ${sec(Date.now() - t)} s`
          : `npm run demo right after Ready: FAILED (${code}) ${err.slice(-1000)}`,
      ),
    );
  });
}

console.log(
  `Startup benchmark${smoke ? ' (--smoke)' : ''}: data directory ${dataDir}, PostgreSQL port ${env.PGPORT}, ` +
    `${env.DEMO_CASES ?? 2000} demo cases`,
);
let failed = false;
try {
  const first = await start('first start', {
    until: 'background demo data complete',
    afterReady: async () => {
      const checks = { readme: await readmeExample() };
      if (withDemo) checks.demo = await runDemo();
      return checks;
    },
  });
  const second = await start('second start', {
    until: 'Ready',
    afterReady: async () => ({ readme: await readmeExample() }),
  });

  console.log('\nResults (seconds from launch):');
  console.log(
    '| start | build | PostgreSQL | services ready | demo data before Ready | Ready | background complete | load avg (1 min) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of [
    ['first (empty data directory)', first],
    ['second (same directory)', second],
  ]) {
    const t = (k) => (r.times[k] === undefined ? '–' : sec(r.times[k]));
    console.log(
      `| ${name} | ${t('build')} | ${t('PostgreSQL')} | ${t('services ready')} | ${t('demo data before Ready')} | ${t('Ready')} | ${t('background demo data complete')} | ${r.loadBefore} → ${r.loadAfter} |`,
    );
  }
  const c = first.cpu;
  console.log(
    '\nFirst start, CPU seconds by process (where the time goes; 2 cores give 2 CPU seconds a second):',
  );
  const phases = [
    ['launch → services ready (build, PostgreSQL, service start-up)', {}, c['services ready']],
    ['services ready → Ready (demo data before Ready)', c['services ready'], c.Ready],
    ['Ready → background complete', c.Ready, c['background demo data complete']],
  ];
  for (const [what, a, b] of phases) if (b) console.log(`  ${what}: ${cpuLine(cpuDiff(a ?? {}, b))}`);
  for (const [name, r] of [
    ['first', first],
    ['second', second],
  ]) {
    for (const line of Object.values(r.checks)) {
      console.log(`${name} start: ${line}`);
      if (/FAILED|answered/.test(line)) failed = true;
    }
    if (r.checks.error) {
      console.log(`${name} start: check failed: ${r.checks.error}`);
      failed = true;
    }
  }
  const aims = [
    ['first start Ready', first.times.Ready, 60_000],
    ['second start Ready', second.times.Ready, 15_000],
  ];
  for (const [what, ms, aim] of aims) {
    console.log(`${what}: ${sec(ms)} s (aim ≤ ${aim / 1000} s) ${ms <= aim ? 'ok' : 'OVER'}`);
    if (!smoke && ms > aim) failed = true;
  }
} catch (e) {
  console.error(e.message);
  failed = true;
} finally {
  if (keep) console.log(`data directory kept: ${dataDir}`);
  else {
    const pgData = path.join(dataDir, 'postgres');
    if (lstatSync(pgData, { throwIfNoEntry: false })?.isSymbolicLink()) {
      rmSync(path.dirname(realpathSync(pgData)), { recursive: true, force: true });
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);
