#!/usr/bin/env node
// The embedded PostgreSQL of `npm start`, in a process (and process group) of its own, so that the
// launcher stops it last, after every service has shut down: a terminal's Ctrl-C reaches the
// launcher and the services, not this process or its postgres server. Started by
// `startPostgresProcess` below with an IPC channel; it sends `{ url, port }` when ready, stops
// PostgreSQL on SIGTERM, and also when the channel closes (the launcher is gone), so it is never
// left behind.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts this script as a detached child. Resolves to `{ url, port, stop }` once PostgreSQL is up;
 * `stop()` resolves when it has shut down. Rejects when it exits before it is ready.
 * @param {{ dataDir: string, port: number }} opts
 */
export function startPostgresProcess(opts) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), JSON.stringify(opts)], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const early = (code) => reject(new Error(`embedded PostgreSQL exited before it was ready (${code})`));
    child.once('exit', early);
    child.once('message', ({ url, port }) => {
      child.off('exit', early);
      resolve({
        url,
        port,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  // Loaded here only, and told to leave this process's signals alone: the handlers below stop it.
  const { startEmbeddedPostgres } = await import('./embedded-pg.mjs');
  const opts = JSON.parse(process.argv[2]);
  const pg = await startEmbeddedPostgres({ ...opts, dataDir: path.resolve(opts.dataDir), handleExit: false });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.send({ url: pg.url, port: pg.port });
}
