// What every benchmark that starts services needs, once: a PostgreSQL (DATABASE_URL's server, or an
// embedded one with a throwaway data directory), its own databases on it, the child processes it
// starts, and a clean-up that leaves nothing behind when it fails part-way (services killed, its
// databases dropped or the embedded server stopped), then exit 1.
import pg from 'pg';
import { SignJWT } from 'jose';
import { startEmbeddedPostgres } from '../../lib/embedded-pg.mjs';

/**
 * Creates the benchmark's databases (`names`: key → database name) and installs the failure clean-up.
 * Returns `{ server, embedded, dbNames, dbUrlOf(name), children }`; push every child process started
 * onto `children`.
 */
export async function benchEnvironment(names) {
  let embedded;
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedPostgres();
    server = embedded.url;
  }
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const n of Object.values(names)) await admin.query(`CREATE DATABASE ${n}`);
  await admin.end();

  const children = [];
  process.on('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
  process.once('uncaughtException', (e) => {
    console.error(e);
    const cleanup = async () => {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      if (embedded) return embedded.stop();
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      for (const n of Object.values(names)) await c.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`);
      await c.end();
    };
    const limit = new Promise((r) => setTimeout(r, 15_000).unref());
    void Promise.race([cleanup().catch(() => {}), limit]).finally(() => process.exit(1));
  });
  const dbUrlOf = (name) => {
    const u = new URL(server);
    u.pathname = `/${name}`;
    return u.toString();
  };
  return { server, embedded, dbNames: names, dbUrlOf, children };
}

/** A development token (HS256) for `sub` with `roles`, valid two hours. */
export function benchToken(secret, sub, roles) {
  return new SignJWT({ roles })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('cms-cis-dev')
    .setAudience('cms-cis')
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

/**
 * Waits until the server `child` (listening at `base`) answers `readyPath` in a way `isReady`
 * accepts (default: 2xx), for at most 60 s; throws naming `name` when the child exits first or time
 * runs out. Returns `{ base, pid, stop }`: `stop()` sends SIGTERM (the service drains), then
 * SIGKILL after `killAfterMs`, and resolves when the child has exited.
 */
export async function whenReady(
  child,
  { name, base, readyPath = '/health/ready', isReady = (res) => res.ok, killAfterMs = 15_000 },
) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
    try {
      if (isReady(await fetch(base + readyPath))) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), killAfterMs).unref();
      }),
  };
}
