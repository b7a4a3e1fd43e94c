#!/usr/bin/env node
// Runs every benchmark in scripts/bench/ with --smoke (tiny sizes, a few seconds each, figures
// printed, no thresholds), one after another, so that a benchmark that no longer runs fails CI
// (.ci/run) instead of rotting unnoticed. Not startup.mjs: it runs `npm start` on the fixed ports
// and has a smoke run of its own.
//  - Builds the services the benchmarks start (one `nx run-many -t build`) unless every one of them
//    and the @cms libraries are already built from the current sources; each benchmark then runs
//    with --no-build.
//  - Each benchmark uses DATABASE_URL when it is set (a database of its own on that server), else
//    its own embedded PostgreSQL.
//  - Prints the figures of each benchmark and a one-line result; on a failure, the end of its
//    output. Exits 1 when any benchmark fails (non-zero exit, or no answer within --timeout).
// Usage: node scripts/bench/smoke.mjs [--timeout 180] [--only name,name] [--no-build]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const TIMEOUT_S = Number(opt('timeout') ?? 180);
/** Benchmarks that are not run here: this file, and startup.mjs (its own smoke run). */
const NOT_HERE = new Set(['smoke.mjs', 'startup.mjs']);
/** What the benchmarks start from their builds. */
const SERVICES = ['service-requests', 'client-security', 'correspondence', 'cis-interface'];

const only = opt('only')
  ?.split(',')
  .map((n) => (n.endsWith('.mjs') ? n : `${n}.mjs`));
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !NOT_HERE.has(f))
  .filter((f) => !only || only.includes(f))
  .sort();
if (!Number.isFinite(TIMEOUT_S) || TIMEOUT_S <= 0 || !benches.length) {
  console.error('bad arguments, or no benchmark to run');
  process.exit(2);
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const started = performance.now();

// ── Build once, when a build is missing or older than its sources ───────────────────────────────
/** Newest modification time (ms) of the .ts sources under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}
/** Packages whose build is missing or older than their sources (services and every @cms library). */
function staleBuilds() {
  const packages = [
    ...SERVICES.map((s) => ({ dir: path.join(root, 'services', s), out: 'dist/main.js' })),
    ...readdirSync(path.join(root, 'libs'))
      .map((l) => path.join(root, 'libs', l))
      .filter((dir) => existsSync(path.join(dir, 'src/index.ts')))
      .map((dir) => ({ dir, out: 'dist/index.js' })),
  ];
  return packages
    .filter(({ dir, out }) => {
      const built = path.join(dir, out);
      return !existsSync(built) || statSync(built).mtimeMs < newestSource(path.join(dir, 'src'));
    })
    .map(({ dir }) => path.relative(root, dir));
}
if (!argv.includes('--no-build')) {
  const stale = staleBuilds();
  if (stale.length) {
    console.log(`== build (sources newer than the build of ${stale.join(', ')})`);
    const t = performance.now();
    const build = spawnSync(
      'npx',
      ['nx', 'run-many', '-t', 'build', '--output-style=static', '-p', ...SERVICES.map((s) => `@cms/${s}`)],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (build.status !== 0) {
      console.error(`✗ build failed (${build.status ?? build.signal}): no benchmark run`);
      process.exit(1);
    }
    console.log(`   built in ${secs(performance.now() - t)}`);
  } else console.log('== build: every service and library already built from the current sources');
}

// ── The benchmarks, one after another ───────────────────────────────────────────────────────────
let current = null;
const stopCurrent = (signal) => {
  // Each benchmark runs in a process group of its own: its services and PostgreSQL go with it.
  if (current?.exitCode === null) {
    try {
      process.kill(-current.pid, signal);
    } catch {
      /* already gone */
    }
  }
};
for (const s of ['SIGINT', 'SIGTERM'])
  process.once(s, () => {
    stopCurrent('SIGTERM');
    setTimeout(() => process.exit(130), 2000).unref();
  });

/** Runs one benchmark; resolves to { ok, ms, why, stdout, stderr }. */
function runBench(file) {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [path.join(here, file), '--smoke', '--no-build'], {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      for (const line of String(d).split('\n')) if (line.trim()) console.log(`   │ ${line}`);
    });
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopCurrent('SIGTERM');
      setTimeout(() => stopCurrent('SIGKILL'), 10_000).unref();
    }, TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = null;
      const ms = performance.now() - t;
      if (timedOut) resolve({ ok: false, ms, why: `no result within ${TIMEOUT_S} s`, stdout, stderr });
      else if (code === 0) resolve({ ok: true, ms, stdout, stderr });
      else resolve({ ok: false, ms, why: `exit ${code ?? signal}`, stdout, stderr });
    });
  });
}

console.log(
  `== ${benches.length} benchmarks in smoke mode against ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'an embedded PostgreSQL each'} ` +
    `(load average ${loadavg()[0].toFixed(1)})`,
);
const results = [];
for (const file of benches) {
  console.log(`── ${file}`);
  const r = await runBench(file);
  results.push({ file, ...r });
  if (r.ok) console.log(`✓ ${file} passed in ${secs(r.ms)}`);
  else {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-30).join('\n');
    console.log(`✗ ${file} FAILED in ${secs(r.ms)} (${r.why}); the end of its output:\n${tail}`);
  }
}

const failed = results.filter((r) => !r.ok);
console.log(
  `== smoke: ${results.length - failed.length} of ${results.length} benchmarks passed in ${secs(performance.now() - started)} ` +
    `(${results.map((r) => `${r.file.replace(/\.mjs$/, '')} ${secs(r.ms)}`).join(', ')}; load average ${loadavg()[0].toFixed(1)})`,
);
process.exit(failed.length ? 1 : 0);
