// Demo data for `npm start`, loaded through the services' public HTTP APIs only, once per data
// directory. 2,000 cases (DEMO_CASES) in Great Britain and Northern Ireland, each with a receiving
// parent, a paying parent and one to three children: @faker-js/faker en_GB names, addresses in real
// postcode districts, Ofcom drama-range telephone numbers, example.com emails, valid NINOs and CRNs;
// a share nationally sensitive, a few CSA Arrears Only. For each case:
//   - service-requests: its clients and the case (enquiry, application, new case or maintenance);
//   - cis-simulator: the same persons on CIS (POST /admin/persons), mostly matching what CMS holds
//     (these two run side by side: separate processes, so separate cores);
//   - cis-interface: CMG's interests on their CIS records (RI-1), once past the enquiry stage;
//   - client-security: security details (PIN, special password: three argon2id hashes) for the
//     parents who have set them up with a TAM account for self-service: about 30%
//     (SELF_SERVICE_PERCENT, chosen by a hash of the NINO, so the same parents on every start), and
//     every parent on a CSA Arrears Only case (set up by phone, no TAM account: SD-21). The other
//     parents answer `setUp: false`, the state in which a caseworker runs security set-up (SD-22).
// Once, after the first READY_CASES cases: a day of changes elsewhere in DWP on CIS (POST
// /admin/changes/generate), the CIS clock moved on past the 24-hour wait (BR-2) and the broadcast run,
// so that cis-interface matches the transactions and raises real SRs in service-requests' work queues.
//
// Two parts, so that `npm start` is ready in well under a minute:
//   1. before "Ready" (`loadDemoData` resolves): the first READY_CASES (300) cases complete and the
//      CIS broadcast processed: every example `npm start` prints, the README's and `npm run demo`
//      work from then on (the demo makes clients and cases of its own);
//   2. in the background after "Ready" (`background`): the other cases and the security details,
//      the costliest part (argon2id is memory-hard by design: ~90 ms of CPU per parent).
// Many calls in flight at once (a bounded pool of cases, each case's calls side by side), the
// services being separate processes. Progress is kept in a state file, so a start interrupted at any
// point resumes where it stopped; every create also treats "already exists" (409) as done.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { exchange } from './lib/http.mjs';
import { fakerEN_GB as faker } from '@faker-js/faker';

export const CASES = Number(process.env.DEMO_CASES ?? 2000);
/** Cases loaded before "Ready"; the rest follow in the background. */
export const READY_CASES = Math.min(CASES, Number(process.env.DEMO_READY_CASES ?? 300));
/** Share of parents (past the enquiry stage) with security details and a TAM account. */
export const SELF_SERVICE_PERCENT = 30;
/** Cases in flight before "Ready" (each with up to 5 calls at once) and after it (leaving room for the user). */
const READY_CONCURRENCY = 8;
const BACKGROUND_CONCURRENCY = 4;
/** Security set-ups in flight: client-security hashes two at a time (HASH_CONCURRENCY), three hashes each. */
const SECURITY_CONCURRENCY = 2;
/** Layout of the state file; another value starts the bookkeeping afresh (409s keep it idempotent). */
const STATE_VERSION = 2;

// ── Reference data ──────────────────────────────────────────────────────────────────────────────
// NINO rules as in libs/domain: no D F I Q U V in either letter, no O second, none of the
// unallocated or administrative prefixes; suffix A–D. CRNs share the format.
const FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const BAD_PREFIX = new Set('BG GB KN NK NT TN ZZ OO CR FY MW NC PP PY PZ'.split(' '));

/** [town, postcode area, lowest district, highest district, Ofcom drama landline prefix (+3 digits)] */
const GB_TOWNS = [
  ['Leeds', 'LS', 1, 29, '0113 496 0'],
  ['Sheffield', 'S', 1, 14, '0114 496 0'],
  ['Nottingham', 'NG', 1, 11, '01632 960'],
  ['Leicester', 'LE', 1, 5, '0116 496 0'],
  ['Bristol', 'BS', 1, 16, '0117 496 0'],
  ['Reading', 'RG', 1, 6, '0118 496 0'],
  ['Birmingham', 'B', 1, 48, '0121 496 0'],
  ['Edinburgh', 'EH', 1, 17, '0131 496 0'],
  ['Glasgow', 'G', 1, 53, '0141 496 0'],
  ['Liverpool', 'L', 1, 25, '0151 496 0'],
  ['Manchester', 'M', 1, 40, '0161 496 0'],
  ['Newcastle upon Tyne', 'NE', 1, 15, '0191 498 0'],
  ['London', 'SE', 1, 28, '020 7946 0'],
  ['London', 'N', 1, 22, '020 7946 0'],
  ['London', 'E', 1, 18, '020 7946 0'],
  ['Cardiff', 'CF', 3, 24, '029 2018 0'],
  ['Swansea', 'SA', 1, 7, '01632 960'],
  ['Plymouth', 'PL', 1, 9, '01632 960'],
  ['Norwich', 'NR', 1, 7, '01632 960'],
  ['Aberdeen', 'AB', 10, 25, '01632 960'],
  ['Hull', 'HU', 1, 9, '01632 960'],
  ['Stoke-on-Trent', 'ST', 1, 6, '01632 960'],
  ['Derby', 'DE', 1, 24, '01632 960'],
  ['Southampton', 'SO', 14, 19, '01632 960'],
];
const NI_TOWNS = [
  ['Belfast', 'BT', 1, 17, '028 9649 6'],
  ['Lisburn', 'BT', 27, 28, '028 9649 6'],
  ['Bangor', 'BT', 19, 20, '028 9649 6'],
  ['Newry', 'BT', 34, 35, '028 9649 6'],
  ['Londonderry', 'BT', 47, 48, '028 9649 6'],
  ['Ballymena', 'BT', 42, 43, '028 9649 6'],
  ['Armagh', 'BT', 60, 61, '028 9649 6'],
  ['Omagh', 'BT', 78, 79, '028 9649 6'],
];
/** Letters used in the unit (last two characters) of a postcode. */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const POSTCODE = /^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$/;

// ── The plan: deterministic (seeded, fixed reference date), so a second start rebuilds it exactly ──
const iso = (d) => d.toISOString().slice(0, 10);
const digits3 = () => faker.string.numeric(3);
const fit = (s, max = 35) => (s.length <= max ? s : s.slice(0, max).trim());
const cleanName = (s) => fit(s.replace(/[^\p{L}' -]/gu, ''));

function reference(used) {
  for (;;) {
    const prefix = faker.helpers.arrayElement([...FIRST]) + faker.helpers.arrayElement([...SECOND]);
    if (BAD_PREFIX.has(prefix)) continue;
    const value = `${prefix}${faker.string.numeric(6)}${faker.helpers.arrayElement(['A', 'B', 'C', 'D'])}`;
    if (!used.has(value)) {
      used.add(value);
      return value;
    }
  }
}

function address(place) {
  const [town, area, low, high] = place;
  let postcode;
  do {
    postcode = `${area}${faker.number.int({ min: low, max: high })} ${faker.number.int({ min: 1, max: 9 })}${faker.helpers.arrayElement([...UNIT_LETTERS])}${faker.helpers.arrayElement([...UNIT_LETTERS])}`;
  } while (!POSTCODE.test(postcode));
  const flat =
    faker.number.int({ min: 1, max: 5 }) === 1 ? `Flat ${faker.number.int({ min: 1, max: 24 })}` : null;
  return {
    line1: fit(`${faker.number.int({ min: 1, max: 240 })} ${faker.location.street()}`),
    line2: flat,
    town,
    postcode,
  };
}

function adult(used, { sex, lastName, place, minAge, maxAge }) {
  const firstName = cleanName(faker.person.firstName(sex === 'F' ? 'female' : 'male'));
  const dob = faker.date.birthdate({ mode: 'age', min: minAge, max: maxAge });
  const moved = faker.date.past({ years: 8 });
  const email = faker.internet.email({ firstName, lastName, provider: 'example.com' }).toLowerCase();
  const p = {
    kind: 'NINO',
    reference: reference(used),
    firstName,
    lastName,
    sex,
    dateOfBirth: iso(dob),
    address: address(place),
    addressStartDate: iso(moved > dob ? moved : dob),
    homePhone: faker.number.int({ min: 1, max: 10 }) <= 4 ? `${place[4]}${digits3()}` : null,
    mobilePhone: faker.number.int({ min: 1, max: 10 }) <= 9 ? `07700 900${digits3()}` : null,
    homeEmail:
      faker.number.int({ min: 1, max: 10 }) <= 7 && /^[a-z0-9._'-]+@example\.com$/.test(email) ? email : null,
    cis: { dateOfBirthVerified: faker.number.int({ min: 1, max: 10 }) <= 9 },
  };
  // CIS is sometimes more up to date than CMS (RD-3, RD-6): a newer address or mobile number.
  const drift = faker.number.int({ min: 1, max: 100 });
  if (drift <= 8) {
    p.cis.address = address(place);
    p.cis.addressStartDate = iso(faker.date.recent({ days: 60 }));
  } else if (drift <= 13) p.cis.mobilePhone = `07700 900${digits3()}`;
  return p;
}

function planCase(i, used) {
  const jurisdiction = i % 10 === 0 ? 'NI' : 'GB';
  const towns = jurisdiction === 'NI' ? NI_TOWNS : GB_TOWNS;
  const home = faker.helpers.arrayElement(towns);
  const stage = faker.helpers.weightedArrayElement([
    { weight: 1, value: 'enquiry' },
    { weight: 2, value: 'application' },
    { weight: 2, value: 'new case' },
    { weight: 10, value: 'maintenance' },
  ]);
  const sensitive = i % 50 === 7;
  const csaArrearsOnly = !sensitive && stage === 'maintenance' && i % 97 === 13;
  const pwcSex = faker.number.int({ min: 1, max: 10 }) <= 9 ? 'F' : 'M';
  const familyName = cleanName(faker.person.lastName());
  const pwc = adult(used, { sex: pwcSex, lastName: familyName, place: home, minAge: 20, maxAge: 50 });
  const nrp = adult(used, {
    sex: pwcSex === 'F' ? 'M' : 'F',
    lastName: cleanName(faker.person.lastName()),
    place: faker.number.int({ min: 1, max: 3 }) === 1 ? faker.helpers.arrayElement(towns) : home,
    minAge: 20,
    maxAge: 58,
  });
  const count = faker.helpers.weightedArrayElement([
    { weight: 50, value: 1 },
    { weight: 35, value: 2 },
    { weight: 15, value: 3 },
  ]);
  const children = Array.from({ length: count }, () => {
    const sex = faker.helpers.arrayElement(['F', 'M']);
    return {
      kind: 'CRN',
      reference: reference(used),
      firstName: cleanName(faker.person.firstName(sex === 'F' ? 'female' : 'male')),
      lastName: familyName,
      sex,
      dateOfBirth: iso(faker.date.birthdate({ mode: 'age', min: 1, max: 15 })),
      address: pwc.address,
      cis: { dateOfBirthVerified: true },
    };
  });
  const secret = () => ({
    pin: String(faker.number.int({ min: 1_000_000, max: 9_999_999 })),
    password: `${faker.word.adjective({ length: { min: 4, max: 9 } })} ${faker.animal.type()} ${faker.number.int({ min: 10, max: 99 })}`,
  });
  return {
    i,
    jurisdiction,
    stage,
    sensitive,
    csaArrearsOnly,
    pwc: { ...pwc, role: 'PWC', secret: secret() },
    nrp: { ...nrp, role: 'NRP', secret: secret() },
    children: children.map((c) => ({ ...c, role: 'QC' })),
  };
}

/** The first `count` cases of the seeded plan (the same on every start). */
export function buildPlan(count) {
  faker.seed(2012);
  // Dates relative to the first of this month: in the past for every service, and the same plan on
  // every start within the month (after that only dates move; the NINOs, CRNs and names stay).
  const today = new Date();
  faker.setDefaultRefDate(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 1, 12)));
  const used = new Set();
  return Array.from({ length: count }, (_, i) => planCase(i, used));
}

const people = (c) => [c.pwc, c.nrp, ...c.children];
/** CMG's interest on a person's CIS record (RI-1): the MC interest once the case is in maintenance. */
const interestFor = (c, p) =>
  p.role === 'NRP' ? (c.stage === 'maintenance' ? 'NRP_MC' : 'NRP_GENERAL') : 'PWC_QC_ROC_GENERAL';

function cmsBody(p) {
  const body = {
    [p.kind === 'NINO' ? 'nino' : 'crn']: p.reference,
    firstName: p.firstName,
    lastName: p.lastName,
    sex: p.sex,
    dateOfBirth: p.dateOfBirth,
    address: p.address,
    addressStartDate: p.addressStartDate,
    homePhone: p.homePhone,
    mobilePhone: p.mobilePhone,
    homeEmail: p.homeEmail,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== null));
}

function cisBody(p, sensitive) {
  const { nino: _n, crn: _c, ...cms } = cmsBody(p);
  return {
    referenceKind: p.kind,
    reference: p.reference,
    ...cms,
    ...p.cis,
    nationallySensitive: sensitive,
  };
}

// ── HTTP ────────────────────────────────────────────────────────────────────────────────────────
/** Kept-alive connections to the services: node:http costs the launcher less CPU per call than fetch. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * A JSON client for one service. Statuses in `accept` (default: any 2xx) resolve to `{status, body}`;
 * anything else throws naming the request and the problem. Connection failures and 502/503/504 are
 * retried with backoff (a busy service, CIS's circuit breaker), unless `halted()` says to give up.
 */
function client(base, token, halted) {
  return async (method, path, body, accept = []) => {
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await exchange(`${base}${path}`, method, { agent, token, body });
      } catch (e) {
        if (attempt < 6 && !halted()) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new Error(`${method} ${base}${path}: ${e.code ?? e.message}`);
      }
      const json = res.text ? JSON.parse(res.text) : null;
      const ok = res.status >= 200 && res.status < 300;
      if ((ok && !accept.length) || accept.includes(res.status)) return { status: res.status, body: json };
      if ([502, 503, 504].includes(res.status) && attempt < 6 && !halted()) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw new Error(
        `${method} ${base}${path} answered ${res.status} ${json?.code ?? ''}: ${json?.detail ?? res.text.slice(0, 300)}`,
      );
    }
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` over `items` with at most `n` in flight; stops taking items once `halted()`. */
async function pool(items, n, work, halted = () => false) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length && !halted()) await work(items[next++]);
    }),
  );
}

/** Case indices done out of order; `mark` is the first one not done (everything below it is). */
function lowWater(start) {
  const done = new Set();
  const waiting = new Map();
  const t = {
    mark: start,
    done(i) {
      done.add(i);
      while (done.has(t.mark)) done.delete(t.mark++);
      waiting.get(i)?.forEach((r) => r());
      waiting.delete(i);
    },
    isDone: (i) => i < t.mark || done.has(i),
    /** Resolves once case `i` is done. */
    when: (i) =>
      t.isDone(i) ? Promise.resolve() : new Promise((r) => waiting.set(i, [...(waiting.get(i) ?? []), r])),
  };
  return t;
}

const ukDay = (d) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
const n = (x) => x.toLocaleString('en-GB');

/** FNV-1a of a string: a stable, well-spread choice of parents that needs no random draw. */
function fnv1a(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
/** The case's parents with security details (see the header): self-service, or CSA Arrears Only. */
const securedParents = (c) =>
  c.stage === 'enquiry'
    ? []
    : [c.pwc, c.nrp].filter((p) => c.csaArrearsOnly || fnv1a(p.reference) % 100 < SELF_SERVICE_PERCENT);

// ── State (one file per data directory) ─────────────────────────────────────────────────────────
function readState(file, server) {
  const fresh = {
    version: STATE_VERSION,
    server,
    cases: CASES,
    casesDone: 0,
    securityDone: 0,
    broadcast: null,
  };
  if (!file || !existsSync(file)) return fresh;
  try {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    return s.version === STATE_VERSION && s.server === server && s.cases === CASES ? s : fresh;
  } catch {
    return fresh;
  }
}
function writeState(file, state) {
  if (!file) return;
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

// ── The load ────────────────────────────────────────────────────────────────────────────────────
/**
 * Loads the part of the demo data that "Ready" promises and resolves to
 * `{ reused, summary, background }`: `background` (null when nothing is left) is a function that
 * starts the rest and resolves to the closing summary line (null when stopped by `signal`; the
 * state file keeps the progress for the next start).
 * @param {{ urls: Record<string, string>, systemToken: string, stateFile?: string, server?: string,
 *   progress: import('./lib/progress.mjs').Progress, log: (line: string) => void, signal?: AbortSignal }} opts
 *   server: identifies the PostgreSQL server, so that progress kept for another is not trusted;
 *   signal: once aborted, no new call is started, and the progress so far is saved as the calls in
 *   flight end (the promise of the part under way settles soon after).
 */
export async function loadDemoData({ urls, systemToken, stateFile, server = '', progress, log, signal }) {
  const names = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];
  const missing = names.filter((s) => !urls[s]);
  if (missing.length) {
    log(`demo data: skipped (needs every service; ${missing.join(', ')} not present)`);
    return { reused: false, summary: null, background: null };
  }
  const isHalted = () => Boolean(signal?.aborted);
  const aborted = new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
  const sr = client(urls['service-requests'], systemToken, isHalted);
  const ci = client(urls['cis-interface'], systemToken, isHalted);
  const cs = client(urls['client-security'], systemToken, isHalted);
  const sim = client(urls['cis-simulator'], systemToken, isHalted);

  const total = (await sr('GET', '/cases?limit=1')).body.total;
  // Progress kept for a database that has since been emptied (e.g. .data/postgres deleted) is void.
  const state = total ? readState(stateFile, server) : readState(null, server);
  const batches = (await ci('GET', '/broadcasts?limit=1')).body.batches;
  // Loaded completely (by this script, or by its earlier version, which kept no state file).
  if (state.complete || (!existsSync(stateFile ?? '') && total >= CASES && batches.length)) {
    if (!state.complete)
      writeState(stateFile, { ...state, casesDone: CASES, securityDone: CASES, complete: true });
    const queues = await workQueues(sr);
    return {
      reused: true,
      summary: `demo data already loaded (${n(total)} cases, CIS broadcasts received); reusing it. ${queues}`,
      background: null,
    };
  }
  if (total && !state.casesDone)
    log(`demo data: ${n(total)} cases found; completing the load (nothing is duplicated)`);

  const plan = buildPlan(CASES);
  const cases = lowWater(state.casesDone);
  const secured = lowWater(state.securityDone);
  const counts = { clients: 0, persons: 0, interests: 0, security: 0 };
  const save = () =>
    writeState(stateFile, {
      ...state,
      casesDone: cases.mark,
      securityDone: secured.mark,
      complete: cases.mark >= CASES && secured.mark >= CASES,
    });

  // One case: its clients and its CIS persons side by side, then the case, then the interests.
  const ids = new Map(); // NINO/CRN → client id in service-requests
  const ensureClient = async (p) => {
    const res = await sr('POST', '/clients', cmsBody(p), [201, 409]);
    const view =
      res.status === 201
        ? res.body
        : (await sr('POST', '/clients/search', { [p.kind === 'NINO' ? 'nino' : 'crn']: p.reference })).body;
    ids.set(p.reference, view.id);
    counts.clients++;
    return view;
  };
  const ensurePerson = async (c, p) => {
    await sim('POST', '/admin/persons', cisBody(p, c.sensitive), [201, 409]);
    counts.persons++;
  };
  const loadCase = async (c) => {
    const [[pwc]] = await Promise.all([
      Promise.all(people(c).map(ensureClient)),
      Promise.all(people(c).map((p) => ensurePerson(c, p))),
    ]);
    if (!pwc.cases.some((k) => k.role === 'PWC')) {
      await sr('POST', '/cases', {
        jurisdiction: c.jurisdiction,
        stage: c.stage,
        nationallySensitive: c.sensitive,
        csaArrearsOnly: c.csaArrearsOnly,
        participants: people(c).map((p) => ({ clientId: ids.get(p.reference), role: p.role })),
      });
    }
    if (c.stage !== 'enquiry') {
      await Promise.all(
        people(c).map(async (p) => {
          await ci(
            'POST',
            `/clients/${ids.get(p.reference)}/interests`,
            { interestType: interestFor(c, p) },
            [200, 201, 409], // registered already: 200 (idempotent) or 409, by the cis-interface version
          );
          counts.interests++;
        }),
      );
    }
    cases.done(c.i);
  };
  const clientId = async (p) =>
    ids.get(p.reference) ??
    (await sr('POST', '/clients/search', { [p.kind === 'NINO' ? 'nino' : 'crn']: p.reference })).body.id;
  // CSA Arrears Only (SD-21): client-security reads it from the client's cases in service-requests
  // and refuses it in the body; an earlier version took it in the body. Its OpenAPI document says which.
  let csaInBody;
  const secureCase = async (c) => {
    await Promise.race([cases.when(c.i), aborted]);
    csaInBody ??= cs('GET', '/docs-json').then(
      ({ body }) =>
        body?.components?.schemas?.SetUpClientSecurityDto?.properties?.csaArrearsOnly !== undefined,
    );
    const csa = (await csaInBody) ? { csaArrearsOnly: c.csaArrearsOnly } : {};
    for (const p of securedParents(c)) {
      if (isHalted()) return;
      await cs('POST', `/clients/${await clientId(p)}/security-details`, { ...p.secret, ...csa }, [201, 409]);
      counts.security++;
    }
    secured.done(c.i);
  };
  const casesLine = (from, to) => {
    const part = plan.slice(from, to);
    const ni = part.filter((c) => c.jurisdiction === 'NI').length;
    return `${n(part.length)} cases (${n(part.length - ni)} GB, ${n(ni)} NI, ${part.filter((c) => c.sensitive).length} nationally sensitive, ${part.filter((c) => c.csaArrearsOnly).length} CSA Arrears Only)`;
  };

  // ── Part 1, before "Ready" ──
  const started = Date.now();
  const first = plan.slice(cases.mark, READY_CASES);
  let broadcastLine = '';
  if (first.length || !state.broadcast) {
    const bar = progress.bar({
      label: 'demo data before Ready',
      total: READY_CASES,
      unit: 'cases',
      start: Math.min(cases.mark, READY_CASES),
    });
    const tick = setInterval(
      () =>
        bar.update(Math.min(cases.mark, READY_CASES), {
          detail: `${n(counts.clients)} clients, ${n(counts.persons)} CIS persons, ${n(counts.interests)} interests`,
        }),
      200,
    );
    try {
      await pool(first, READY_CONCURRENCY, loadCase, isHalted);
      save();
      if (!state.broadcast && !isHalted()) {
        bar.update(READY_CASES, { detail: 'CIS broadcast of a day of changes' });
        state.broadcast = batches.length
          ? { note: 'a batch was received before' }
          : await broadcastADayOfChanges(sim, ci, Math.min(200, Math.max(1, Math.round(CASES / 100))));
        save();
      }
    } finally {
      clearInterval(tick);
      bar.stop();
    }
    if (state.broadcast?.batchId) {
      const b = state.broadcast;
      broadcastLine = `CIS broadcast for ${b.day}: ${b.transactionCount} transactions → ${Object.entries(
        b.counts,
      )
        .filter(([, v]) => v)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}`;
    }
  }
  const queues = await workQueues(sr);
  const readySeconds = (Date.now() - started) / 1000;
  const summary = first.length
    ? `demo data ready: ${casesLine(0, READY_CASES)} with ${n(counts.clients)} clients in ${readySeconds.toFixed(1)} s${
        broadcastLine ? `; ${broadcastLine}` : ''
      }. ${queues}`
    : `demo data already loaded: ${casesLine(0, cases.mark)}; the rest follows. ${queues}`;

  if (cases.mark >= CASES && secured.mark >= CASES) {
    save();
    return { reused: false, summary, background: null };
  }

  // ── Part 2, in the background ──
  const rest = plan.slice(Math.max(cases.mark, READY_CASES)).filter((c) => !cases.isDone(c.i));
  const toSecure = plan.slice(secured.mark).filter((c) => !secured.isDone(c.i));
  const securityTotal = plan.reduce((k, c) => k + securedParents(c).length, 0);
  const securityBefore = plan.slice(0, secured.mark).reduce((k, c) => k + securedParents(c).length, 0);
  const background = async () => {
    const t = Date.now();
    const caseBar = progress.bar({
      label: 'demo data: cases',
      total: CASES,
      unit: 'cases',
      start: cases.mark,
    });
    const secBar = progress.bar({
      label: 'demo data: security details',
      total: securityTotal,
      unit: 'parents',
      start: securityBefore,
    });
    const update = () => {
      caseBar.update(cases.mark, {
        detail: `${n(counts.clients)} clients, ${n(counts.interests)} interests`,
      });
      secBar.update(securityBefore + counts.security, { detail: 'argon2id, 3 hashes each' });
    };
    update();
    const ticker = setInterval(update, 250);
    const saver = setInterval(save, 2000);
    try {
      await Promise.all([
        pool(rest, BACKGROUND_CONCURRENCY, loadCase, isHalted),
        pool(toSecure, SECURITY_CONCURRENCY, secureCase, isHalted),
      ]);
    } finally {
      clearInterval(ticker);
      clearInterval(saver);
      update();
      caseBar.stop();
      secBar.stop();
      save();
    }
    if (isHalted()) return null;
    const secs = ((Date.now() - t) / 1000).toFixed(0);
    return `demo data complete: ${casesLine(0, CASES)}, ${n(plan.reduce((k, c) => k + people(c).length, 0))} clients each on CIS, ${n(
      plan.filter((c) => c.stage !== 'enquiry').reduce((k, c) => k + people(c).length, 0),
    )} CIS interests, security details for ${n(securityTotal)} parents (${SELF_SERVICE_PERCENT}% self-service, and CSA Arrears Only); ${n(
      READY_CASES,
    )} cases before Ready, the rest in ${secs} s after`;
  };
  return { reused: false, summary, background };
}

/**
 * Records `perType` changes of each BR-6 type on CIS, moves the CIS clock past the day's broadcast
 * time (BR-2: 24 hours after the day ends) and runs the broadcast; waits until cis-interface has
 * processed the batch. The clock first catches up with the latest batch, so that after a restart
 * (clocks start again from real time) changes never land on a day already broadcast.
 */
async function broadcastADayOfChanges(sim, ci, perType) {
  const latest = (await sim('GET', '/admin/broadcasts/batches?limit=1')).body[0];
  let now = new Date((await sim('GET', '/internal/clock')).body.now);
  if (latest && new Date(latest.generatedAt) > now) {
    now = new Date((await sim('POST', '/internal/clock/advance', { to: latest.generatedAt })).body.now);
  }
  const day = ukDay(now);
  const generated = (await sim('POST', '/admin/changes/generate', { perType, seed: 2012 })).body;
  await sim('POST', '/internal/clock/advance', { days: 2, hours: 1 });
  const run = (await sim('POST', '/admin/broadcasts/run', { day })).body.runs[0];
  if (!run.batchId)
    throw new Error(`The CIS broadcast for ${day} sent nothing (${JSON.stringify(run.excluded)})`);
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const res = await ci('GET', `/broadcasts/${run.batchId}`, undefined, [200, 404]);
    if (res.status === 200 && res.body.status === 'processed') {
      return {
        day,
        batchId: run.batchId,
        recorded: generated.recorded,
        transactionCount: run.transactionCount,
        counts: res.body.counts,
      };
    }
    if (Date.now() > deadline)
      throw new Error(`cis-interface did not process broadcast batch ${run.batchId} in 10 minutes`);
    await sleep(250);
  }
}

async function workQueues(sr) {
  const queues = (await sr('GET', '/work-queues')).body;
  const open = queues.filter((q) => q.open).map((q) => `${q.queue} ${q.open}`);
  return `Work queues: ${open.join(', ') || 'all empty'}.`;
}
