#!/usr/bin/env node
// Benchmark (not part of the tests): the service-requests API against a bare baseline (issue 17).
//  1. starts service-requests from its build (services/service-requests/dist/main.js) as a child
//     process on loopback, on a database of its own (DATABASE_URL's server, or an embedded
//     PostgreSQL), with its peers at a closed port and workers off;
//  2. seeds realistic rows through its API as a caseworker (and the sensitive case team for the
//     nationally sensitive ones): --cases maintenance cases (a PWC and an NRP each, a qualifying
//     child on every third, one in twenty nationally sensitive) and --srs SRs raised on them, each
//     with a note;
//  3. starts the bare baseline: this same file with --baseline-server, a second child process with
//     Fastify and pg only (no Nest, no ORM, no auth, no validation, no audit), serving the same
//     rows from the same database with a pool of the same size (DATABASE_POOL_SIZE, 10);
//  4. checks that both answer the same case alike (GET /cases/{id} bodies must be equal), then for
//     each scenario runs autocannon with --connections for --seconds against the baseline and then
//     the service (each after --warmup seconds of the same load):
//       case         GET /cases/{id} (a case with its participants), cycling over the visible cases
//       sr           GET /service-requests/{id} (an SR with its activity plan, notes, case links)
//       case-list    GET /cases?limit=20 (a page of cases with their participants, and the total)
//       raise        POST /service-requests (one SR with its case link and audit row): the service
//                    validates, checks access, raises and audits it; the baseline inserts the same
//                    rows (SR, case link, audit row) in one transaction
//     The service is called as a caseworker with a bearer token (HS256, verified on every call), so
//     authentication, the access policy (AccessGuard / AccessInterceptor: a caseworker's read asks
//     whether the record is nationally sensitive), validation and audit are all on;
//  5. prints requests/s, p50/p99 latency of both and the ratio service / baseline (issue 17's
//     targets: reads ≥ 0.40 with p99 ≤ 3× the baseline's, writes ≥ 0.30), and the CPU time each
//     server process used per request (from /proc: less disturbed by other work on a shared machine
//     than requests/s). With --rounds N, baseline and service run in turn N times and each keeps
//     its best run. Any non-2xx answer, socket error or time-out fails the run.
// Usage: node scripts/bench/api.mjs [--cases 300] [--srs 600] [--connections 50] [--seconds 10]
//          [--warmup 2] [--rounds 1] [--only case,sr,case-list,raise] [--log-level info] [--profile DIR]
//          [--service-root DIR] [--no-build] [--smoke]
// --service-root DIR: run the service from DIR/services/service-requests/dist (another checkout,
// built there, e.g. `git archive <commit>` with the libraries and the service built): before/after.
// --profile DIR: the service writes a V8 CPU profile (service-requests.cpuprofile) there when it
// stops; `node scripts/bench/lib/cpu-profile-top.mjs DIR/service-requests.cpuprofile` reads it.
// --smoke: tiny sizes (24 cases, 24 SRs, 8 connections, 1 s per run, 0.5 s warm-up): shows the
// benchmark still runs; figures printed, no thresholds. Explicit flags win.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');
const argv = process.argv.slice(2);

if (argv.includes('--baseline-server')) await baselineServer();
else await main();

// ── The bare baseline: Fastify + pg, same rows, same database ──────────────────────────────────
/**
 * Serves the benchmark's four operations with Fastify and one pg pool, nothing else: no Nest, no
 * ORM, no authentication, access check, validation or audit beyond the rows themselves. Listens on
 * PORT (127.0.0.1) against DATABASE_URL; pool of DATABASE_POOL_SIZE (10).
 */
async function baselineServer() {
  const { default: Fastify } = await import('fastify');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.DATABASE_POOL_SIZE ?? 10),
  });
  const app = Fastify({ logger: false });
  const caseView = (rows) => {
    const c = rows[0];
    return {
      id: c.id,
      caseNumber: c.case_number,
      jurisdiction: c.jurisdiction,
      stage: c.stage,
      live: c.live,
      nationallySensitive: c.nationally_sensitive,
      csaArrearsOnly: c.csa_arrears_only,
      participants: rows
        .filter((r) => r.client_id)
        .map((r) => ({ clientId: r.client_id, role: r.role, firstName: r.first_name, lastName: r.last_name }))
        .sort((a, b) => a.role.localeCompare(b.role)),
      version: c.version,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
    };
  };
  const CASE_COLUMNS = `c.id, c.case_number, c.jurisdiction, c.stage, c.live, c.nationally_sensitive,
    c.csa_arrears_only, c.version, c.created_at, c.updated_at, p.client_id, p.role, cl.first_name, cl.last_name`;
  app.get('/cases/:id', async (req, reply) => {
    const { rows } = await pool.query(
      `SELECT ${CASE_COLUMNS} FROM "case" c LEFT JOIN case_participant p ON p.case_id = c.id
         LEFT JOIN client cl ON cl.id = p.client_id WHERE c.id = $1`,
      [req.params.id],
    );
    if (!rows.length) return reply.code(404).send({ status: 404 });
    return caseView(rows);
  });
  app.get('/cases', async (req) => {
    const limit = Number(req.query.limit ?? 50);
    const offset = Number(req.query.offset ?? 0);
    const [page, count] = await Promise.all([
      pool.query(
        `SELECT ${CASE_COLUMNS} FROM (SELECT * FROM "case" WHERE nationally_sensitive = false
            ORDER BY created_at DESC, id LIMIT $1 OFFSET $2) c
           LEFT JOIN case_participant p ON p.case_id = c.id LEFT JOIN client cl ON cl.id = p.client_id
          ORDER BY c.created_at DESC, c.id`,
        [limit, offset],
      ),
      pool.query(`SELECT count(*)::int AS n FROM "case" WHERE nationally_sensitive = false`),
    ]);
    const byCase = new Map();
    for (const r of page.rows) byCase.set(r.id, [...(byCase.get(r.id) ?? []), r]);
    return { items: [...byCase.values()].map(caseView), total: count.rows[0].n };
  });
  app.get('/service-requests/:id', async (req, reply) => {
    const id = req.params.id;
    const { rows } = await pool.query(`SELECT * FROM service_request WHERE id = $1`, [id]);
    if (!rows.length) return reply.code(404).send({ status: 404 });
    const [steps, notes, links] = await Promise.all([
      pool.query(`SELECT * FROM sr_activity_step WHERE sr_id = $1 ORDER BY position`, [id]),
      pool.query(`SELECT * FROM sr_note WHERE sr_id = $1 ORDER BY created_at`, [id]),
      pool.query(
        `SELECT l.case_id, k.stage FROM sr_case_link l JOIN "case" k ON k.id = l.case_id WHERE l.sr_id = $1`,
        [id],
      ),
    ]);
    return { ...rows[0], steps: steps.rows, notes: notes.rows, caseIds: links.rows.map((l) => l.case_id) };
  });
  // The same rows the service writes for one SR: the SR, its case link and its audit row (the
  // SR's values as the service saved them), in one transaction. The SR's taxonomy, state, queue
  // and SLA are those the service gave the first seeded SR (every seeded and raised SR is a
  // PERSONAL_DETAILS_CHANGE of address from a PWC), read once here.
  const {
    rows: [template],
  } = await pool.query(
    `SELECT type, path, process, area, sub_area, status, sub_status, queue,
            extract(epoch FROM sla_due_at - created_at)::float8 AS sla_seconds
       FROM service_request ORDER BY created_at LIMIT 1`,
  );
  if (!template) throw new Error('baseline: no SR to take the values of a raised SR from');
  app.post('/service-requests', async (req, reply) => {
    const b = req.body;
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const {
        rows: [sr],
      } = await c.query(
        `INSERT INTO service_request (sr_number, type, path, process, area, sub_area, status, sub_status, source,
            reported_by_first_name, reported_by_last_name, subject_client_id, subject_role, details, queue,
            nationally_sensitive, sla_due_at, created_by, created_at, version)
         VALUES ('1-' || nextval('sr_number_seq'), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '{}', $13,
            false, now() + make_interval(secs => $14), 'bench-baseline', now(), 1)
         RETURNING *`,
        [
          template.type,
          template.path,
          template.process,
          template.area,
          template.sub_area,
          template.status,
          template.sub_status,
          b.source,
          b.reportedBy?.firstName ?? null,
          b.reportedBy?.lastName ?? null,
          b.subject.clientId,
          b.subject.role,
          template.queue,
          template.sla_seconds,
        ],
      );
      await c.query(`INSERT INTO sr_case_link (sr_id, case_id) SELECT $1, unnest($2::uuid[])`, [
        sr.id,
        b.caseIds,
      ]);
      await c.query(
        `INSERT INTO audit_log (actor_id, actor_roles, source, entity_type, entity_id, action, after)
         VALUES ('bench-baseline', '{caseworker}', 'api', 'service-request', $1, 'raised', $2)`,
        [sr.id, JSON.stringify(sr)],
      );
      await c.query('COMMIT');
      return reply.code(201).send({ ...sr, caseIds: b.caseIds });
    } catch (e) {
      await c.query('ROLLBACK');
      throw e;
    } finally {
      c.release();
    }
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = () =>
    app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// ── The benchmark ───────────────────────────────────────────────────────────────────────────────
async function main() {
  const { default: autocannon } = await import('autocannon');
  const { freePort } = await import('../lib/embedded-pg.mjs');
  const { benchEnvironment, benchToken, whenReady } = await import('./lib/bench-env.mjs');

  const SMOKE = argv.includes('--smoke');
  const opt = (name, def, smokeDef = def) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : SMOKE ? smokeDef : def;
  };
  const CASES = Number(opt('cases', 300, 24));
  const SRS = Number(opt('srs', 600, 24));
  const CONNECTIONS = Number(opt('connections', 50, 8));
  const SECONDS = Number(opt('seconds', 10, 1));
  const WARMUP = Number(opt('warmup', 2, 0.5));
  const ROUNDS = Number(opt('rounds', 1));
  const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
  const LOG_LEVEL = String(opt('log-level', 'info'));
  const SCENARIOS = String(opt('only', 'case,sr,case-list,raise')).split(',');
  // Another checkout's build of the service (e.g. an earlier commit's, built there), to measure a
  // change before and after on the same machine at the same time.
  const SERVICE_ROOT = path.resolve(String(opt('service-root', root)));
  const profileAt = argv.indexOf('--profile');
  const PROFILE_DIR = profileAt >= 0 ? path.resolve(argv[profileAt + 1]) : null;
  const KNOWN = ['case', 'sr', 'case-list', 'raise'];
  if (
    ![CASES, SRS, CONNECTIONS, SECONDS, ROUNDS].every((n) => Number.isInteger(n) && n > 0) ||
    !(WARMUP >= 0) ||
    CASES < 4 ||
    SCENARIOS.some((s) => !KNOWN.includes(s))
  ) {
    console.error(`bad arguments (scenarios: ${KNOWN.join(', ')}; at least 4 cases)`);
    process.exit(2);
  }
  const SECRET = 'bench-secret-0123456789abcdef0123456789';
  const HOST = '127.0.0.1';
  const NOWHERE = 'http://127.0.0.1:9';
  const POOL_SIZE = 10;

  if (!argv.includes('--no-build')) {
    const build = spawnSync(
      'npx',
      ['nx', 'run-many', '-t', 'build', '--output-style=static', '-p', '@cms/service-requests'],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  const { server, embedded, dbNames, dbUrlOf, children } = await benchEnvironment({
    sr: `bench_api_${process.pid}`,
  });

  /** Starts `args` as a child process listening on a free port; resolves once `readyPath` answers. */
  async function startServer(name, args, env, readyPath) {
    const port = await freePort();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: String(port), HOST, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return whenReady(child, {
      name,
      base: `http://${HOST}:${port}`,
      readyPath,
      isReady: (res) => res.status < 500,
    });
  }

  const profile = PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, '--cpu-prof-name=service-requests.cpuprofile']
    : [];
  const service = await startServer(
    'service-requests',
    [...profile, path.join(SERVICE_ROOT, 'services/service-requests/dist/main.js')],
    {
      DATABASE_URL: dbUrlOf(dbNames.sr),
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL,
      WORKERS_ENABLED: 'false',
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
      CIS_INTERFACE_URL: NOWHERE,
      CLIENT_SECURITY_URL: NOWHERE,
      CORRESPONDENCE_URL: NOWHERE,
    },
    '/health/ready',
  );

  // ── Seed: realistic cases, clients and SRs through the service's API ──────────────────────────
  const caseworker = await benchToken(SECRET, 'bench-cw-1', ['caseworker']);
  const sensitiveTeam = await benchToken(SECRET, 'bench-sct-1', ['sensitive-access']);
  const post = async (token, p, body) => {
    const res = await fetch(service.base + p, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status !== 201) throw new Error(`seed: POST ${p} ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const inParallel = async (n, width, task) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(width, n) }, async () => {
        while (next < n) await task(next++);
      }),
    );
  };
  const FIRST = ['Sarah', 'James', 'Aisha', 'Tom', 'Priya', 'Liam', 'Grace', 'Mohammed', 'Chloe', 'Owen'];
  const LAST = [
    'Okafor',
    'Smith',
    'Patel',
    'Jones',
    'Williams',
    'Khan',
    'Evans',
    'Murphy',
    'Taylor',
    'Brown',
  ];
  /** `i` in letters (names take no digits): 0 → A, 27 → BB. */
  const letters = (i) => (i < 26 ? '' : letters(Math.floor(i / 26) - 1)) + String.fromCharCode(65 + (i % 26));
  const person = (i) => ({
    firstName: FIRST[i % FIRST.length],
    lastName: `${LAST[(i * 7) % LAST.length]}-${letters(i)}`,
    dateOfBirth: `19${60 + (i % 35)}-0${1 + (i % 9)}-1${i % 10}`,
  });
  let t0 = performance.now();
  const cases = new Array(CASES);
  await inParallel(CASES, 8, async (i) => {
    const sensitive = i % 20 === 7;
    const token = sensitive ? sensitiveTeam : caseworker;
    const roles = i % 3 === 0 ? ['PWC', 'NRP', 'QC'] : ['PWC', 'NRP'];
    const participants = [];
    for (const [k, role] of roles.entries()) {
      const client = await post(token, '/clients', person(i * 3 + k));
      participants.push({ clientId: client.id, role });
    }
    const c = await post(token, '/cases', {
      jurisdiction: i % 10 === 3 ? 'NI' : 'GB',
      stage: 'maintenance',
      participants,
      ...(sensitive ? { nationallySensitive: true } : {}),
    });
    cases[i] = { id: c.id, sensitive, pwc: participants[0].clientId };
  });
  const visible = cases.filter((c) => !c.sensitive);
  const raiseBody = (c, note) => ({
    type: 'PERSONAL_DETAILS_CHANGE',
    path: 'address',
    source: 'PWC',
    reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
    subject: { clientId: c.pwc, role: 'PWC' },
    caseIds: [c.id],
    ...(note ? { note: 'Client rang to report a change of address.' } : {}),
  });
  const srIds = new Array(SRS);
  await inParallel(SRS, 8, async (i) => {
    srIds[i] = (await post(caseworker, '/service-requests', raiseBody(visible[i % visible.length], true))).id;
  });
  console.log(
    `seeded ${CASES} cases (${CASES - visible.length} nationally sensitive), ${CASES * 2 + Math.ceil(CASES / 3)} clients ` +
      `and ${SRS} SRs with a note each through the API in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const baseline = await startServer(
    'baseline',
    [here, '--baseline-server'],
    { DATABASE_URL: dbUrlOf(dbNames.sr), DATABASE_POOL_SIZE: String(POOL_SIZE) },
    `/cases/${visible[0].id}`,
  );

  // Same rows: both must answer the same case alike.
  const get = async (base, p, token) => {
    const res = await fetch(base + p, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: await res.json() };
  };
  for (const c of visible.slice(0, 3)) {
    const [a, b] = await Promise.all([
      get(service.base, `/cases/${c.id}`, caseworker),
      get(baseline.base, `/cases/${c.id}`),
    ]);
    if (a.status !== 200 || b.status !== 200 || !isDeepStrictEqual(a.body, b.body))
      throw new Error(`GET /cases/${c.id} differs: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  }
  {
    const [a, b] = await Promise.all([
      get(service.base, '/cases?limit=20', caseworker),
      get(baseline.base, '/cases?limit=20'),
    ]);
    if (a.status !== 200 || !isDeepStrictEqual(a.body, b.body))
      throw new Error(
        `GET /cases?limit=20 differs: ${JSON.stringify(a).slice(0, 400)} vs ${JSON.stringify(b).slice(0, 400)}`,
      );
  }

  // ── The runs ──────────────────────────────────────────────────────────────────────────────────
  const scenarios = {
    case: {
      label: 'GET /cases/{id}',
      kind: 'read',
      request: (i) => ({ method: 'GET', path: `/cases/${visible[i % visible.length].id}` }),
    },
    sr: {
      label: 'GET /service-requests/{id}',
      kind: 'read',
      request: (i) => ({ method: 'GET', path: `/service-requests/${srIds[i % srIds.length]}` }),
    },
    'case-list': {
      label: 'GET /cases?limit=20',
      kind: 'read',
      request: () => ({ method: 'GET', path: '/cases?limit=20' }),
    },
    raise: {
      label: 'POST /service-requests',
      kind: 'write',
      request: (i) => ({
        method: 'POST',
        path: '/service-requests',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(raiseBody(visible[i % visible.length], false)),
      }),
    },
  };
  /** CPU seconds (user + system) used so far by process `pid`, from /proc; null where there is none. */
  const cpuSeconds = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      return null;
    }
  };
  /**
   * One autocannon run; resolves to its figures, with the CPU time the server process used per
   * request (ms; a figure that other work on the machine disturbs less than requests/s). Any non-2xx
   * answer, error or time-out throws.
   */
  const load = async (target, scenario, seconds, token) => {
    let i = 0;
    const cpuBefore = cpuSeconds(target.pid);
    const r = await autocannon({
      url: target.base,
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 10,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      requests: [
        {
          setupRequest: (req) => {
            const next = scenario.request(i++);
            return { ...req, ...next, headers: { ...req.headers, ...(next.headers ?? {}) } };
          },
        },
      ],
    });
    const bad = r.non2xx + r.errors + r.timeouts;
    if (bad) {
      // One more such call, to show what it answers.
      const one = scenario.request(i);
      const res = await fetch(target.base + one.path, {
        method: one.method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(one.headers ?? {}) },
        body: one.body,
      }).catch((e) => e);
      const answer = res instanceof Error ? String(res) : `${res.status} ${(await res.text()).slice(0, 600)}`;
      throw new Error(
        `${scenario.label} on ${target.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} time-outs; ` +
          `one more call answers ${answer}`,
      );
    }
    const cpuAfter = cpuSeconds(target.pid);
    return {
      rps: r.requests.average,
      total: r.requests.total,
      p50: r.latency.p50,
      p99: r.latency.p99,
      cpuMs:
        cpuBefore === null || cpuAfter === null ? NaN : ((cpuAfter - cpuBefore) * 1000) / r.requests.total,
    };
  };
  const targets = [
    { name: 'baseline', base: baseline.base, pid: baseline.pid, token: null },
    { name: 'service', base: service.base, pid: service.pid, token: caseworker },
  ];
  const results = [];
  for (const key of SCENARIOS) {
    const scenario = scenarios[key];
    const row = { key, label: scenario.label, kind: scenario.kind, load: os.loadavg()[0] };
    // Baseline and service in turn, --rounds times; each keeps its best round (the least disturbed
    // by other work on a shared machine).
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        if (WARMUP > 0 && round === 0) await load(target, scenario, WARMUP, target.token);
        const run = await load(target, scenario, SECONDS, target.token);
        if (!row[target.name] || run.rps > row[target.name].rps) row[target.name] = run;
      }
    }
    row.ratio = row.service.rps / row.baseline.rps;
    row.p99Times = row.service.p99 / row.baseline.p99;
    row.cpuRatio = row.baseline.cpuMs / row.service.cpuMs;
    results.push(row);
    const f = (x) =>
      `${x.rps.toFixed(0)} req/s, p50 ${x.p50} ms, p99 ${x.p99} ms, ${x.cpuMs.toFixed(2)} CPU ms/req`;
    console.log(
      `${scenario.label.padEnd(27)} baseline ${f(row.baseline)} | service ${f(row.service)} | ratio ${row.ratio.toFixed(2)}, ` +
        `p99 ${row.p99Times.toFixed(1)}×, CPU a request ${row.cpuRatio.toFixed(2)} (load average ${row.load.toFixed(1)} → ${os.loadavg()[0].toFixed(1)})`,
    );
  }

  await Promise.all([service.stop(), baseline.stop()]);
  const drop = new pg.Client({ connectionString: server });
  await drop.connect();
  for (const n of Object.values(dbNames)) await drop.query(`DROP DATABASE ${n} WITH (FORCE)`);
  await drop.end();
  if (embedded) await embedded.stop();

  console.log(
    '\n| operation | baseline req/s | p50 | p99 | CPU ms/req | service req/s | p50 | p99 | CPU ms/req | **ratio** | p99 × baseline | CPU/req baseline ÷ service | target |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of results)
    console.log(
      `| \`${r.label}\` | ${r.baseline.rps.toFixed(0)} | ${r.baseline.p50} ms | ${r.baseline.p99} ms | ${r.baseline.cpuMs.toFixed(2)} | ` +
        `${r.service.rps.toFixed(0)} | ${r.service.p50} ms | ${r.service.p99} ms | ${r.service.cpuMs.toFixed(2)} | ` +
        `**${r.ratio.toFixed(2)}** | ${r.p99Times.toFixed(1)} | ${r.cpuRatio.toFixed(2)} | ` +
        `${r.kind === 'read' ? '≥ 0.40, p99 ≤ 3×' : '≥ 0.30'} |`,
    );
  console.log(
    `(${CONNECTIONS} connections, best of ${ROUNDS} run${ROUNDS > 1 ? 's' : ''} of ${SECONDS} s each after ${WARMUP} s warm-up; ${os.cpus().length} cores, Node.js ${process.versions.node}; ` +
      `${process.env.DATABASE_URL ? 'PostgreSQL from DATABASE_URL' : 'embedded PostgreSQL'}; service LOG_LEVEL ${LOG_LEVEL}` +
      `${SERVICE_ROOT === root ? '' : `; service from ${SERVICE_ROOT}`})`,
  );
  if (PROFILE_DIR) console.log(`CPU profile: ${path.join(PROFILE_DIR, 'service-requests.cpuprofile')}`);
}
