// Demo data for `npm start`, loaded through the services' public HTTP APIs only, once per data
// directory. About 2,000 cases (DEMO_CASES) in Great Britain and Northern Ireland, each with a
// receiving parent, a paying parent and one to three children: @faker-js/faker en_GB names, addresses
// in real postcode districts, Ofcom drama-range telephone numbers, example.com emails, valid NINOs
// and CRNs; a share nationally sensitive. Stages, each printing a progress line:
//   1. service-requests: the clients and their cases;
//   2. cis-simulator: the same persons on CIS (POST /admin/persons), mostly matching what CMS holds;
//   3. cis-interface: CMG's interests on their CIS records (RI-1), for cases past the enquiry stage;
//   4. client-security: security details for the parents (runs beside stages 1–3: argon2id is the
//      costliest part, so it gets the cores the other stages leave idle);
//   5. cis-simulator: a day of changes elsewhere in DWP (POST /admin/changes/generate), the CIS clock
//      moved on past the 24-hour wait (BR-2) and the broadcast run, so that cis-interface matches the
//      transactions and raises real SRs in service-requests' work queues.
// Idempotent: the plan is seeded, every create treats "already exists" (409) as done, and a data
// directory whose load finished is recognised at once and reused.
import { fakerEN_GB as faker } from '@faker-js/faker';

const CASES = Number(process.env.DEMO_CASES ?? 2000);
/** Requests in flight per stage: enough to keep a service and PostgreSQL busy on 2 cores. */
const CONCURRENCY = 12;
/** client-security hashes two at a time (HASH_CONCURRENCY); a few more queued keep it fed. */
const SECURITY_CONCURRENCY = 4;

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
/**
 * A JSON client for one service. Statuses in `accept` (default: any 2xx) resolve to `{status, body}`;
 * anything else throws naming the request and the problem. Connection failures and 502/503/504 are
 * retried with backoff (a busy service, CIS's circuit breaker).
 */
function client(base, token) {
  return async (method, path, body, accept = []) => {
    for (let attempt = 0; ; attempt++) {
      let res;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        if (attempt < 6) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new Error(`${method} ${base}${path}: ${e.cause?.code ?? e.message}`);
      }
      const text = await res.text();
      const json = text ? JSON.parse(text) : null;
      if ((res.ok && !accept.length) || accept.includes(res.status))
        return { status: res.status, body: json };
      if ([502, 503, 504].includes(res.status) && attempt < 6) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      throw new Error(
        `${method} ${base}${path} answered ${res.status} ${json?.code ?? ''}: ${json?.detail ?? text.slice(0, 300)}`,
      );
    }
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` over `items` with `n` in flight; `onDone(count)` after each. */
async function pool(items, n, work, onDone = () => {}) {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        await work(item);
        onDone(++done);
      }
    }),
  );
}

/** Logs "x of n" at every quarter. */
function quarters(log, total, label) {
  const marks = new Set([1, 2, 3].map((q) => Math.round((total * q) / 4)));
  return (done) => {
    if (marks.has(done) && done < total) log(`  ${label}: ${done} of ${total}`);
  };
}

const secondsSince = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const ukDay = (d) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);

// ── The load ────────────────────────────────────────────────────────────────────────────────────
export async function loadDemoData({ urls, systemToken, log }) {
  const names = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];
  const missing = names.filter((n) => !urls[n]);
  if (missing.length) {
    log(`demo data: skipped (needs every service; ${missing.join(', ')} not present)`);
    return;
  }
  const sr = client(urls['service-requests'], systemToken);
  const ci = client(urls['cis-interface'], systemToken);
  const cs = client(urls['client-security'], systemToken);
  const sim = client(urls['cis-simulator'], systemToken);
  const started = Date.now();

  const existing = (await sr('GET', '/cases?limit=1')).body.total;
  const batches = (await ci('GET', '/broadcasts?limit=1')).body.batches;
  if (existing >= CASES && batches.length) {
    log(`demo data already loaded (${existing} cases, CIS broadcasts received); reusing it`);
    await printQueues(sr, log);
    return;
  }
  if (existing) log(`demo data: ${existing} cases found; completing the load (nothing is duplicated)`);

  const plan = buildPlan(CASES);
  const personCount = plan.reduce((n, c) => n + people(c).length, 0);

  // Stage 4 runs beside stages 1–3: parents are queued for security set-up as soon as they exist.
  const security = securityLane(cs, log);

  // 1. service-requests: clients and cases.
  let t = Date.now();
  const ids = new Map(); // plan person → client id
  const ensureClient = async (p) => {
    const res = await sr('POST', '/clients', cmsBody(p), [201, 409]);
    const view =
      res.status === 201
        ? res.body
        : (await sr('POST', '/clients/search', { [p.kind === 'NINO' ? 'nino' : 'crn']: p.reference })).body;
    ids.set(p, view.id);
    return view;
  };
  let createdCases = 0;
  await pool(
    plan,
    CONCURRENCY,
    async (c) => {
      const [pwc] = await Promise.all(people(c).map(ensureClient));
      if (!pwc.cases.some((k) => k.role === 'PWC')) {
        await sr('POST', '/cases', {
          jurisdiction: c.jurisdiction,
          stage: c.stage,
          nationallySensitive: c.sensitive,
          csaArrearsOnly: c.csaArrearsOnly,
          participants: people(c).map((p) => ({ clientId: ids.get(p), role: p.role })),
        });
        createdCases++;
      }
      if (c.stage !== 'enquiry') {
        for (const p of [c.pwc, c.nrp])
          security.add({ clientId: ids.get(p), ...p.secret, csaArrearsOnly: c.csaArrearsOnly });
      }
    },
    quarters(log, plan.length, 'service-requests cases'),
  );
  security.close();
  const nations = plan.filter((c) => c.jurisdiction === 'NI').length;
  log(
    `demo data 1/5: ${plan.length} cases (${plan.length - nations} GB, ${nations} NI; ${plan.filter((c) => c.sensitive).length} nationally sensitive; ${createdCases} new) with ${personCount} clients in service-requests (${secondsSince(t)})`,
  );

  // 2. cis-simulator: the same persons on CIS.
  t = Date.now();
  const everyone = plan.flatMap((c) => people(c).map((p) => ({ c, p })));
  let newPersons = 0;
  await pool(
    everyone,
    CONCURRENCY,
    async ({ c, p }) => {
      const res = await sim('POST', '/admin/persons', cisBody(p, c.sensitive), [201, 409]);
      if (res.status === 201) newPersons++;
    },
    quarters(log, everyone.length, 'CIS persons'),
  );
  log(
    `demo data 2/5: ${everyone.length} persons on CIS (${newPersons} new) in the CIS simulator (${secondsSince(t)})`,
  );

  // 3. cis-interface: CMG's interests (RI-1), once there is an application.
  t = Date.now();
  const interested = everyone.filter(({ c }) => c.stage !== 'enquiry');
  let newInterests = 0;
  await pool(
    interested,
    CONCURRENCY,
    async ({ c, p }) => {
      const res = await ci(
        'POST',
        `/clients/${ids.get(p)}/interests`,
        { interestType: interestFor(c, p) },
        [201, 409],
      );
      if (res.status === 201) newInterests++;
    },
    quarters(log, interested.length, 'interests'),
  );
  log(
    `demo data 3/5: ${interested.length} CIS interests (${newInterests} new) registered through cis-interface (${secondsSince(t)})`,
  );

  // 4. client-security: wait for the lane.
  const s = await security.done;
  log(
    `demo data 4/5: security details for ${s.total} parents (${s.created} new) in client-security (${secondsSince(s.started)})`,
  );

  // 5. A day of changes elsewhere in DWP, broadcast to cis-interface (BR-1..BR-9).
  t = Date.now();
  const perType = Math.min(200, Math.max(1, Math.round(CASES / 100)));
  const batch = await broadcastADayOfChanges(sim, ci, perType, log);
  log(
    `demo data 5/5: ${batch.recorded} CIS changes recorded, clock moved on, broadcast batch of ${batch.transactionCount} transactions processed by cis-interface: ${Object.entries(
      batch.counts,
    )
      .filter(([, n]) => n)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')} (${secondsSince(t)})`,
  );
  await printQueues(sr, log);
  log(`demo data loaded in ${secondsSince(started)}`);
}

/** Security set-up for parents, fed while stage 1 runs; `done` resolves with counts. */
function securityLane(cs, log) {
  const queue = [];
  const waiting = [];
  let closed = false;
  let total = 0;
  let created = 0;
  const started = Date.now();
  const take = async () => {
    for (;;) {
      if (queue.length) return queue.shift();
      if (closed) return null;
      await new Promise((r) => waiting.push(r));
    }
  };
  const worker = async () => {
    for (let job = await take(); job; job = await take()) {
      const { clientId, ...body } = job;
      const res = await cs('POST', `/clients/${clientId}/security-details`, body, [201, 409]);
      if (res.status === 201) created++;
      if (++total % 1000 === 0) log(`  security details: ${total} parents`);
    }
  };
  const done = Promise.all(Array.from({ length: SECURITY_CONCURRENCY }, worker)).then(() => ({
    total,
    created,
    started,
  }));
  done.catch(() => {}); // surfaced where it is awaited, after stages 1–3
  return {
    add(job) {
      queue.push(job);
      waiting.shift()?.();
    },
    close() {
      closed = true;
      waiting.splice(0).forEach((r) => r());
    },
    done,
  };
}

/**
 * Records `perType` changes of each BR-6 type on CIS, moves the CIS clock past the day's broadcast
 * time (BR-2: 24 hours after the day ends) and runs the broadcast; waits until cis-interface has
 * processed the batch. The clock first catches up with the latest batch, so that after a restart
 * (clocks start again from real time) changes never land on a day already broadcast.
 */
async function broadcastADayOfChanges(sim, ci, perType, log) {
  const latest = (await sim('GET', '/admin/broadcasts/batches?limit=1')).body[0];
  let now = new Date((await sim('GET', '/internal/clock')).body.now);
  if (latest && new Date(latest.generatedAt) > now) {
    now = new Date((await sim('POST', '/internal/clock/advance', { to: latest.generatedAt })).body.now);
  }
  const day = ukDay(now);
  const generated = (await sim('POST', '/admin/changes/generate', { perType, seed: 2012 })).body;
  log(
    `  CIS: ${generated.recorded} changes recorded on ${day} (${perType} of each BR-6 type); moving the CIS clock on 2 days`,
  );
  await sim('POST', '/internal/clock/advance', { days: 2, hours: 1 });
  const run = (await sim('POST', '/admin/broadcasts/run', { day })).body.runs[0];
  if (!run.batchId)
    throw new Error(`The CIS broadcast for ${day} sent nothing (${JSON.stringify(run.excluded)})`);
  log(
    `  CIS: broadcast for ${day}: batch ${run.batchId}, ${run.transactionCount} transactions; waiting for cis-interface`,
  );
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const res = await ci('GET', `/broadcasts/${run.batchId}`, undefined, [200, 404]);
    if (res.status === 200 && res.body.status === 'processed') {
      return {
        recorded: generated.recorded,
        transactionCount: run.transactionCount,
        counts: res.body.counts,
      };
    }
    if (Date.now() > deadline)
      throw new Error(`cis-interface did not process broadcast batch ${run.batchId} in 10 minutes`);
    await sleep(500);
  }
}

async function printQueues(sr, log) {
  const queues = (await sr('GET', '/work-queues')).body;
  log(
    `work queues: ${
      queues
        .filter((q) => q.open)
        .map((q) => `${q.queue} ${q.open}`)
        .join(', ') || 'all empty'
    }`,
  );
}
