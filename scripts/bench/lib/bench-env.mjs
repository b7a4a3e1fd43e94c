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
