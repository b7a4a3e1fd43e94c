#!/usr/bin/env node
// `npm run demo`: walks the five DWP procedures against the RUNNING system (`npm start`), over HTTP
// only, and prints each step as a caseworker would see it: SR number, Status / Sub Status, activity
// plan steps, CIS's answers, and every letter issued with its PDF URL. Each walk-through creates its
// own clients and cases, so the demo can be run again and again. The unhappy paths are part of it:
// NINO not found (RD-5), CIS error code 1 and "Insufficient Access" (SU-6), three failed security
// checks and the block (SD-2), a team leader's rejection and the resubmission (TD-8), the domestic
// violence route (TD-11..TD-13). Any answer the procedure does not expect stops the demo with the
// request and the response, and a non-zero exit code.
//
// Time: waits are shown by moving the services' adjustable clocks forward (CLOCK_MODE=adjustable,
// as `npm start` runs them): the CIS simulator's for its daily broadcast (BR-2), service-requests'
// for the 14-day wait of the domestic violence route (TD-13). Clocks only move forward.
// Tokens: development tokens signed with the secret in .data/secrets.json (see scripts/token.mjs).
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakerEN_GB as faker } from '@faker-js/faker';
import { SignJWT } from 'jose';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASE = {
  sr: 'http://127.0.0.1:3001',
  ci: 'http://127.0.0.1:3002',
  cs: 'http://127.0.0.1:3003',
  co: 'http://127.0.0.1:3004',
  sim: 'http://127.0.0.1:3005',
};
const SERVICE_NAMES = {
  sr: 'service-requests',
  ci: 'cis-interface',
  cs: 'client-security',
  co: 'correspondence',
  sim: 'cis-simulator',
};
const DAY = 86_400_000;

// ── Output ──────────────────────────────────────────────────────────────────────────────────────
const out = (line = '') => console.log(line);
const say = (line) => out(`  ${line}`);
const detail = (line) => out(`      ${line}`);
let walkName = '';
let stepName = '';
/** Names the step being done, so a failure says where it happened. */
const doing = (name) => (stepName = name);

function heading(n, title, file) {
  walkName = `${n}. ${title}`;
  out();
  out('='.repeat(100));
  out(`${n}/5  ${title}   (procedure ${file})`);
  out('='.repeat(100));
}

function part(title) {
  out();
  out(`-- ${title}`);
}

/** What the caseworker sees of an SR. */
function srLine(sr, what = '') {
  const state = [sr.status, sr.subStatus].filter(Boolean).join(' / ');
  const extra = [
    sr.resolutionCode && `Resolution Code ${sr.resolutionCode}`,
    `queue ${sr.queue}`,
    sr.readOnly && 'read-only',
    sr.nextActionDue && sr.status === 'Wait' && `next action due ${sr.nextActionDue.slice(0, 10)}`,
    sr.cisUpdateEnabled && '"Update CIS" enabled',
  ].filter(Boolean);
  say(`SR ${sr.srNumber}  ${state.padEnd(42)} ${extra.join(' · ')}${what ? `   ← ${what}` : ''}`);
}

function planLines(sr) {
  sr.activityPlan.forEach((s, i) =>
    detail(`step ${i + 1} ${s.key.padEnd(28)} ${s.outcome ? `= ${s.outcome}` : '(open)'}  ${s.title}`),
  );
}

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const who = (p) => `${p.firstName} ${p.lastName}`;
const roleName = { PWC: 'receiving parent', NRP: 'paying parent', QC: 'child', ROC: 'relevant other child' };
const mask = (ref) => `${ref.slice(0, 2)}****${ref.slice(6)}`;
const pdf = (letter) => `${BASE.co}${letter.pdfUrl}`;

function letterLine(l) {
  say(
    `letter ${l.templateCode} "${l.title}" to ${l.recipient ? `${l.recipient.roleName} ${l.recipient.name}` : l.recipientRole}` +
      ` (${l.mode}, ${l.status}${l.reviewRequired && !l.reviewedBy ? ', held for review' : ''}${l.jurisdiction ? `, ${l.jurisdiction === 'NI' ? 'NICMS' : 'CMG'}` : ''})`,
  );
  detail(`PDF ${pdf(l)}`);
}

function refusal(res, why) {
  const b = res.body ?? {};
  say(
    `✗ ${res.status} ${b.title ?? ''} ${b.code ?? ''}${b.requirementId ? ` [${b.requirementId}]` : ''}: ${b.detail ?? ''}`.replace(
      /\s+/g,
      ' ',
    ),
  );
  if (why) detail(`(as the procedure says: ${why})`);
}

// ── HTTP ────────────────────────────────────────────────────────────────────────────────────────
class DemoError extends Error {}

/** Thrown for an answer the procedure does not expect: the request and the response, in full. */
function unexpected(method, url, body, res) {
  return new DemoError(
    [
      `unexpected answer from ${url.split('/')[2]}`,
      `  request:  ${method} ${url}${body === undefined ? '' : `\n            ${JSON.stringify(body)}`}`,
      `  response: ${res.status} ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`,
    ].join('\n'),
  );
}

/**
 * `call(token)(service, method, path, body, expect)`: the JSON answer when the status is one of
 * `expect` (default 200/201); anything else is a DemoError. With several statuses expected, returns
 * `{status, body}` so the caller can tell them apart.
 */
function caller(token) {
  return async (service, method, pathname, body, expect = [200, 201], headers = {}) => {
    const url = `${BASE[service]}${pathname}`;
    let res;
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new DemoError(
        `${SERVICE_NAMES[service]} did not answer ${method} ${url} (${e.cause?.code ?? e.message}). Is the system running (npm start)?`,
      );
    }
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    const answer = { status: res.status, body: parsed };
    if (!expect.includes(res.status)) throw unexpected(method, url, body, answer);
    return expect.some((s) => s >= 300) ? answer : parsed;
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy; a DemoError naming `what` after `timeoutMs`. */
async function eventually(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new DemoError(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(300);
  }
}

// ── Tokens ──────────────────────────────────────────────────────────────────────────────────────
async function tokens() {
  const file = path.join(root, '.data/secrets.json');
  const secret =
    process.env.AUTH_JWT_SECRET ??
    (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).AUTH_JWT_SECRET : null);
  if (!secret)
    throw new DemoError('No development secret in .data/secrets.json: start the system first (npm start).');
  const sign = (roles) =>
    new SignJWT({ roles, name: `dev-${roles.join('-')}` })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`dev-${roles.join('-')}`)
      .setIssuer('cms-cis-dev')
      .setAudience('cms-cis')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(secret));
  return {
    cw: caller(await sign(['caseworker'])),
    tl: caller(await sign(['team-leader'])),
    sens: caller(await sign(['caseworker', 'sensitive-access'])),
    sys: caller(await sign(['system'])),
  };
}

// ── Fresh clients and cases ─────────────────────────────────────────────────────────────────────
const FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const BAD_PREFIX = new Set('BG GB KN NK NT TN ZZ OO CR FY MW NC PP PY PZ'.split(' '));
function reference() {
  for (;;) {
    const prefix = faker.helpers.arrayElement([...FIRST]) + faker.helpers.arrayElement([...SECOND]);
    if (!BAD_PREFIX.has(prefix))
      return `${prefix}${faker.string.numeric(6)}${faker.helpers.arrayElement([...'ABCD'])}`;
  }
}
const iso = (d) => new Date(d).toISOString().slice(0, 10);
const addDays = (isoDate, n) => iso(new Date(`${isoDate}T12:00:00Z`).getTime() + n * DAY);
const cleanName = (s) => s.replace(/[^\p{L}' -]/gu, '').slice(0, 35);

function address(jurisdiction) {
  const [town, area, district] = faker.helpers.arrayElement(
    jurisdiction === 'NI'
      ? [
          ['Belfast', 'BT', faker.number.int({ min: 1, max: 17 })],
          ['Newry', 'BT', 34],
          ['Lisburn', 'BT', 28],
        ]
      : [
          ['Leeds', 'LS', faker.number.int({ min: 1, max: 29 })],
          ['Manchester', 'M', faker.number.int({ min: 1, max: 40 })],
          ['Bristol', 'BS', faker.number.int({ min: 1, max: 16 })],
          ['Cardiff', 'CF', faker.number.int({ min: 3, max: 24 })],
          ['Glasgow', 'G', faker.number.int({ min: 1, max: 53 })],
        ],
  );
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  return {
    line1: `${faker.number.int({ min: 1, max: 240 })} ${faker.location.street()}`.slice(0, 35).trim(),
    town,
    postcode: `${area}${district} ${faker.number.int({ min: 1, max: 9 })}${faker.helpers.arrayElement([...letters])}${faker.helpers.arrayElement([...letters])}`,
  };
}

function person(role, jurisdiction, lastName) {
  const adult = role === 'PWC' || role === 'NRP';
  const sex = role === 'PWC' ? 'F' : role === 'NRP' ? 'M' : faker.helpers.arrayElement(['F', 'M']);
  const firstName = cleanName(faker.person.firstName(sex === 'F' ? 'female' : 'male'));
  const last = lastName ?? cleanName(faker.person.lastName());
  const dob = iso(
    faker.date.birthdate(adult ? { mode: 'age', min: 24, max: 50 } : { mode: 'age', min: 2, max: 14 }),
  );
  return {
    role,
    kind: adult ? 'NINO' : 'CRN',
    reference: reference(),
    firstName,
    lastName: last,
    sex,
    dateOfBirth: dob,
    address: address(jurisdiction),
    addressStartDate: addDays(dob, 365 * (adult ? 20 : 1)),
    ...(adult
      ? {
          mobilePhone: `07700 900${faker.string.numeric(3)}`,
          homeEmail: `${firstName}.${last}${faker.number.int({ min: 1, max: 99 })}@example.com`
            .toLowerCase()
            .replace(/[^a-z0-9.@'-]/g, ''),
        }
      : {}),
  };
}

const cmsBody = (p, extra = {}) => ({
  [p.kind === 'NINO' ? 'nino' : 'crn']: p.reference,
  firstName: p.firstName,
  lastName: p.lastName,
  sex: p.sex,
  dateOfBirth: p.dateOfBirth,
  address: p.address,
  addressStartDate: p.addressStartDate,
  ...(p.mobilePhone ? { mobilePhone: p.mobilePhone, homeEmail: p.homeEmail } : {}),
  ...extra,
});

/**
 * A new family on a new case, created as a caseworker would: the clients and the case in
 * service-requests. `cis` (per role) says what CIS holds for each person: `false` nothing (the NINO is
 * not on CIS), otherwise the same data with overrides; `interests` lists the roles CMG registers an
 * interest for (RI-1); `security` the roles whose security details are set up.
 */
async function family(api, opts) {
  const {
    jurisdiction = 'GB',
    stage = 'maintenance',
    cis = {},
    interests = [],
    security = [],
    cms = {},
  } = opts;
  const surname = cleanName(faker.person.lastName());
  const members = [
    person('PWC', jurisdiction, surname),
    person('NRP', jurisdiction),
    person('QC', jurisdiction, surname),
  ];
  members[2].address = members[0].address;
  for (const p of members) {
    for (let attempt = 0; ; attempt++) {
      const res = await api.cw('sr', 'POST', '/clients', cmsBody(p, cms[p.role]), [201, 409]);
      if (res.status === 201) {
        p.id = res.body.id;
        p.version = res.body.version;
        break;
      }
      if (attempt > 5) throw unexpected('POST', `${BASE.sr}/clients`, cmsBody(p), res);
      p.reference = reference(); // that NINO/CRN is held already: draw another
    }
  }
  const [pwc, nrp, child] = members;
  const kase = await api.cw('sr', 'POST', '/cases', {
    jurisdiction,
    stage,
    participants: members.map((p) => ({ clientId: p.id, role: p.role })),
  });
  say(
    `Case ${kase.caseNumber} (${jurisdiction === 'NI' ? 'Northern Ireland, NICMS' : 'Great Britain, CMG'}; stage ${stage}): ` +
      `receiving parent ${who(pwc)} (${mask(pwc.reference)}), paying parent ${who(nrp)} (${mask(nrp.reference)}), child ${who(child)}`,
  );
  for (const p of members) {
    if (cis[p.role] === false) continue;
    const { nino: _n, crn: _c, ...data } = cmsBody(p, cms[p.role]);
    await api.sys('sim', 'POST', '/admin/persons', {
      referenceKind: p.kind,
      reference: p.reference,
      ...data,
      dateOfBirthVerified: true,
      ...(typeof cis[p.role] === 'function' ? cis[p.role](p) : (cis[p.role] ?? {})),
    });
  }
  for (const role of interests) {
    const p = members.find((m) => m.role === role);
    const interestType =
      role === 'NRP' ? (stage === 'maintenance' ? 'NRP_MC' : 'NRP_GENERAL') : 'PWC_QC_ROC_GENERAL';
    const i = await api.cw('ci', 'POST', `/clients/${p.id}/interests`, { interestType });
    say(`[RI-1] CMG interest registered on ${who(p)}'s CIS record: ${i.label} (${i.reference})`);
  }
  for (const role of security) {
    const p = members.find((m) => m.role === role);
    p.pin = String(faker.number.int({ min: 1_000_000, max: 9_999_999 }));
    p.password = `${faker.word.adjective({ length: { min: 4, max: 8 } })} ${faker.animal.type()} ${faker.number.int({ min: 10, max: 99 })}`;
    await api.cw(
      'cs',
      'POST',
      `/clients/${p.id}/security-details`,
      { pin: p.pin, password: p.password },
      [201],
    );
  }
  return { case: kase, pwc, nrp, child, jurisdiction, stage };
}

// ── SR moves ────────────────────────────────────────────────────────────────────────────────────
function srApi(api) {
  const get = (sr, as = api.cw) => as('sr', 'GET', `/service-requests/${sr.id}`);
  const move = async (sr, to, extra = {}, as = api.cw, note = '') => {
    doing(`SR ${sr.srNumber} → ${to.status}${to.subStatus ? ` / ${to.subStatus}` : ''}`);
    const next = await as('sr', 'POST', `/service-requests/${sr.id}/transitions`, {
      version: sr.version,
      to,
      ...extra,
    });
    srLine(next, note);
    return next;
  };
  const step = async (sr, key, outcome, reason, as = api.cw) => {
    doing(`SR ${sr.srNumber} step ${key} = ${outcome}`);
    const next = await as('sr', 'PUT', `/service-requests/${sr.id}/activity-steps/${key}`, {
      version: sr.version,
      outcome,
      ...(reason ? { reason } : {}),
    });
    detail(`activity plan: ${key} = ${outcome}${reason ? ` ("${reason}")` : ''}`);
    return next;
  };
  const raise = async (body, as = api.cw) => {
    doing(`raise ${body.type} SR`);
    const sr = await as('sr', 'POST', '/service-requests', body, [201]);
    say(
      `SR ${sr.srNumber} raised: Process ${sr.process} · Area ${sr.area} · Sub Area ${sr.subArea} · Source ${sr.source}`,
    );
    srLine(sr);
    return sr;
  };
  return { get, move, step, raise };
}

/** service-requests' clock (waits are set from it: it may have been moved on by earlier demos). */
async function srNow(api) {
  return new Date((await api.cw('sr', 'GET', '/internal/clock')).now).getTime();
}

/** The letters and SMS of a case, newest first, each with its full view. */
async function issued(api, caseId) {
  const page = await api.cw('co', 'GET', `/issue-log?caseId=${caseId}&limit=50`);
  return page.items;
}

/** Waits for `templateCode` to be issued on the case (after `since`), prints it and returns the full letter. */
async function waitForLetter(api, caseId, templateCode, seen = new Set()) {
  doing(`wait for ${templateCode}`);
  const entry = await eventually(`${templateCode} to be issued`, async () =>
    (await issued(api, caseId)).find((e) => e.templateCode === templateCode && !seen.has(e.id)),
  );
  seen.add(entry.id);
  if (entry.channel === 'sms') {
    const sms = await api.cw('co', 'GET', `/sms/${entry.id}`);
    say(`SMS ${sms.templateCode} to ${sms.recipient.mobilePhone} (${sms.status}): "${sms.text}"`);
    return sms;
  }
  const letter = await api.cw('co', 'GET', `/letters/${entry.id}`);
  letterLine(letter);
  return letter;
}

/**
 * Moves every service's adjustable clock on to `to` (each one already later stays where it is):
 * time passes for the whole system at once, so that dates one service sets (a wait, an approval)
 * are never in another's future. Returns the latest clock.
 */
async function clocksTo(api, to) {
  let latest = 0;
  for (const service of Object.keys(BASE)) {
    const now = new Date((await api.sys(service, 'GET', '/internal/clock')).now).getTime();
    const target = Math.max(now, new Date(to).getTime());
    if (target > now + 1000) {
      await api.sys(service, 'POST', '/internal/clock/advance', { to: new Date(target).toISOString() });
    }
    latest = Math.max(latest, target);
  }
  return latest;
}

/** The latest of the services' clocks. */
async function latestClock(api) {
  const nows = await Promise.all(
    Object.keys(BASE).map(async (s) => new Date((await api.sys(s, 'GET', '/internal/clock')).now).getTime()),
  );
  return Math.max(...nows);
}

// ── 1. CIS - Send Update ────────────────────────────────────────────────────────────────────────
async function sendUpdate(api) {
  heading(1, 'CIS - Send Update', '000_ff1b27a109c8b93d.txt');
  const srs = srApi(api);

  part('During application: "Update CIS" from the CIS/CRA search view (SU-1, SU-3, SU-5, SU-7)');
  const a = await family(api, { stage: 'application', interests: ['PWC', 'NRP'] });
  doing('SU-1: update without an interest');
  const newName = { firstName: a.child.firstName, lastName: cleanName(faker.person.lastName()) };
  say(`Update CIS for the child ${who(a.child)} (no interest registered on the child's CIS record):`);
  refusal(
    await api.cw(
      'ci',
      'POST',
      '/cis-updates',
      { clientId: a.child.id, updateType: 'NAME_CHANGE', payload: newName },
      [422],
    ),
    'SU-1, no update until CMG has registered an interest',
  );
  doing('SU-3: name change at application');
  const married = cleanName(faker.person.lastName());
  const client = await api.cw('sr', 'PATCH', `/clients/${a.pwc.id}`, {
    version: a.pwc.version,
    lastName: married,
  });
  say(
    `CMS record changed: ${who(a.pwc)} is now ${client.firstName} ${client.lastName} (marriage certificate seen)`,
  );
  const update = await api.cw(
    'ci',
    'POST',
    '/cis-updates',
    {
      clientId: a.pwc.id,
      updateType: 'NAME_CHANGE',
      payload: { firstName: client.firstName, lastName: married },
    },
    [201],
  );
  cisResponse(update);
  const onCis = await api.sys('sim', 'POST', '/admin/persons/lookup', {
    referenceKind: 'NINO',
    reference: a.pwc.reference,
  });
  say(`CIS record now reads: ${onCis.firstName} ${onCis.lastName} (applied in real time, SU-5)`);

  part('During maintenance: "Update CIS" only from the CoC SR at CoC Accept (SU-4)');
  const b = await family(api, { stage: 'maintenance', interests: ['PWC', 'NRP'] });
  const moved = { address: address('GB'), addressStartDate: iso(Date.now() - 10 * DAY) };
  doing('SU-4: update without the CoC SR');
  say('Update CIS for the new address straight from the CIS/CRA search view:');
  refusal(
    await api.cw(
      'ci',
      'POST',
      '/cis-updates',
      { clientId: b.pwc.id, updateType: 'ADDRESS_CHANGE', payload: moved },
      [422],
    ),
    'SU-4, in maintenance only the CoC SR enables "Update CIS"',
  );
  let sr = await srs.raise({
    type: 'PERSONAL_DETAILS_CHANGE',
    path: 'address',
    source: 'PWC',
    reportedBy: { firstName: b.pwc.firstName, lastName: b.pwc.lastName },
    subject: { clientId: b.pwc.id, role: 'PWC' },
    caseIds: [b.case.id],
    note: `${who(b.pwc)} phoned: moved to ${moved.address.line1}, ${moved.address.town} ${moved.address.postcode}.`,
  });
  sr = await srs.move(sr, { status: 'In Progress', subStatus: null }, {}, api.cw, 'activity plan generated');
  planLines(sr);
  const current = await api.cw('sr', 'GET', `/clients/${b.pwc.id}`);
  await api.cw('sr', 'PATCH', `/clients/${b.pwc.id}`, { version: current.version, ...moved });
  say(`CMS record changed: address ${moved.address.line1}, ${moved.address.town} ${moved.address.postcode}`);
  sr = await srs.step(sr, 'record-change', 'Recorded');
  sr = await srs.step(sr, 'validate-change', 'Validated');
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: 'CoC Accept' },
    {},
    api.cw,
    'validations complete',
  );
  if (!sr.cisUpdateEnabled)
    throw new DemoError(`SR ${sr.srNumber} is at CoC Accept but "Update CIS" is not enabled (SU-4)`);
  doing('SU-4: Update CIS from the SR');
  cisResponse(
    await api.cw(
      'ci',
      'POST',
      '/cis-updates',
      { clientId: b.pwc.id, updateType: 'ADDRESS_CHANGE', payload: moved, serviceRequestId: sr.id },
      [201],
    ),
  );
  sr = await srs.step(sr, 'update-cis', 'CIS Updated');
  sr = await srs.move(sr, { status: 'Closed', subStatus: 'Complete' }, { resolutionCode: 'CofC Accepted' });

  part('Error code 1: the client is nationally sensitive on CIS (SU-6)');
  const c = await family(api, {
    stage: 'application',
    interests: ['PWC'],
    cis: { PWC: { nationallySensitive: true } },
  });
  doing('SU-6: update answered with error code 1');
  say(`Update CIS for ${who(c.pwc)} (a caseworker without sensitive access):`);
  const code1 = await api.cw(
    'ci',
    'POST',
    '/cis-updates',
    { clientId: c.pwc.id, updateType: 'DOB_NOT_VERIFIED', payload: { dateOfBirth: c.pwc.dateOfBirth } },
    [403],
  );
  refusal(
    code1,
    'SU-6, error code 1 sets the nationally sensitive flag; without sensitive access: "Insufficient Access"',
  );
  doing('SU-6: the case becomes nationally sensitive');
  await eventually('the case to be flagged nationally sensitive', async () => {
    const res = await api.cw('sr', 'GET', `/cases/${c.case.id}`, undefined, [200, 403]);
    return res.status === 403 && res;
  }).then((res) => {
    say(`Case ${c.case.caseNumber} opened by the same caseworker:`);
    refusal(res, 'X-1, only caseworkers with sensitive access deal with the case while it is sensitive');
  });
  const seen = await api.sens('sr', 'GET', `/cases/${c.case.id}`);
  say(
    `Case ${seen.caseNumber} opened with sensitive access: nationally sensitive = ${seen.nationallySensitive}`,
  );
  const [answered] = (await api.sens('ci', 'GET', `/clients/${c.pwc.id}/cis-updates`)).updates;
  say('The update, as the sensitive case team sees it:');
  cisResponse(answered);
}

function cisResponse(u) {
  say(
    `CIS response: code ${u.responseCode} ${u.responseName} "${u.responseMessage}"${u.applied ? ' (applied)' : ' (not applied)'} [${u.requirementId}]`,
  );
}

// ── 2. CIS - Receive Broadcast Updates ──────────────────────────────────────────────────────────
async function receiveBroadcasts(api) {
  heading(2, 'CIS - Receive Broadcast Updates', '001_400cd8ead1c0ad9c.txt');
  const srs = srApi(api);
  const d = await family(api, {
    stage: 'maintenance',
    interests: ['PWC', 'NRP'],
    cms: { PWC: { dateOfBirthVerified: true } },
  });
  const e = await family(api, { stage: 'maintenance', interests: ['PWC', 'NRP'] });

  // After a restart the simulator's clock starts again from real time: catch up with the latest batch
  // first, so the changes land on a day CIS has not broadcast yet.
  const latest = (await api.sys('sim', 'GET', '/admin/broadcasts/batches?limit=1'))[0];
  if (latest) await clocksTo(api, latest.generatedAt);

  const first = address('GB');
  const second = address('GB');
  const changes = [
    [d.pwc, { type: 'ADDRESS_CHANGE', address: first, addressStartDate: iso(Date.now() - 3 * DAY) }],
    [d.pwc, { type: 'ADDRESS_CHANGE', address: second, addressStartDate: iso(Date.now() - 2 * DAY) }],
    [d.pwc, { type: 'DOB_VERIFICATION', dateOfBirth: d.pwc.dateOfBirth, verified: true }],
    [d.nrp, { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: iso(Date.now() - DAY) }],
    [
      d.child,
      { type: 'NAME_CORRECTION', firstName: d.child.firstName, lastName: cleanName(faker.person.lastName()) },
    ],
    [e.pwc, { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true }],
  ];
  let run;
  let recorded;
  for (let attempt = 1; ; attempt++) {
    part('Changes recorded elsewhere in DWP today (CIS simulator)');
    doing('record the CIS changes');
    recorded = [];
    for (const [p, change] of changes) {
      const c = await api.sys(
        'sim',
        'POST',
        '/admin/changes',
        { referenceKind: p.kind, reference: p.reference, change },
        [201],
      );
      recorded.push(c);
      say(
        `${change.type.padEnd(28)} for the ${roleName[p.role]} ${who(p)}  (recorded ${c.recordedAt.slice(0, 16)}Z)`,
      );
    }
    const day = recorded[0].broadcastDay;
    doing('run the CIS broadcast');
    say(
      `CIS sends ${day}'s changes 24 hours after the day ends (BR-2): moving the clocks on to ${recorded[0].broadcastDueAt}`,
    );
    await clocksTo(api, recorded[0].broadcastDueAt);
    run = (await api.sys('sim', 'POST', '/admin/broadcasts/run', { day })).runs[0];
    const batch = run.batchId
      ? await api.sys('sim', 'GET', `/admin/broadcasts/batches/${run.batchId}`)
      : null;
    const ids = new Set(batch?.body.transactions.map((t) => t.transactionId) ?? []);
    if (recorded.some((c) => ids.has(c.transactionId))) break;
    // That day had been broadcast before a restart reset the clock: the changes now wait for a new day.
    if (attempt === 3)
      throw new DemoError(`CIS never broadcast the changes recorded on ${day} (run: ${JSON.stringify(run)})`);
    say(
      `(${day} was broadcast before the CIS clock was reset by a restart: recording the changes again on a later day)`,
    );
  }
  say(
    `CIS broadcast for ${run.day}: batch ${run.batchId}, ${run.transactionCount} transactions` +
      ` (BR-4: one per item changed); not sent: ${run.excluded.replacedSameDay} replaced by a later change the same day (BR-3),` +
      ` ${run.excluded.noInterest} without a CMG interest (BR-1)`,
  );

  part(
    'cis-interface receives the batch, matches each transaction with a live case and raises SRs (BR-5..BR-9)',
  );
  doing('wait for cis-interface to process the batch');
  const processed = await eventually(
    'cis-interface to process the broadcast',
    async () => {
      const res = await api.sens('ci', 'GET', `/broadcasts/${run.batchId}`, undefined, [200, 404]);
      return res.status === 200 && res.body.status === 'processed' && res.body;
    },
    120_000,
  );
  say(
    `batch ${processed.batchId} processed: ${Object.entries(processed.counts)
      .filter(([, n]) => n)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ')}`,
  );
  const mine = new Set(recorded.map((c) => c.transactionId));
  const listMine = async () => {
    const found = [];
    for (let after = null; ;) {
      const page = await api.sens(
        'ci',
        'GET',
        `/broadcasts/${run.batchId}/transactions?limit=500${after ? `&after=${after}` : ''}`,
      );
      found.push(...page.items.filter((t) => mine.has(t.transactionId)));
      if (!page.nextCursor) return found;
      after = page.nextCursor;
    }
  };
  // The MOPF letter (BR-8) is issued by a job: wait until every transaction has its outcome.
  const txs = await eventually('every transaction to have its outcome', async () => {
    const found = await listMine();
    return (
      found.every((t) => t.outcome !== 'pending' && (t.changeType !== 'NRP_BENEFIT_CLAIM' || t.letterId)) &&
      found
    );
  });
  for (const t of txs) {
    const result = t.serviceRequest
      ? `SR ${t.serviceRequest.srNumber} ${t.serviceRequest.status} in queue ${t.serviceRequest.queue}`
      : t.letterId
        ? `no SR: letter ${t.letterId}`
        : `${t.outcome}${t.reason ? ` (${t.reason})` : ''}`;
    say(
      `${(t.changeLabel ?? t.changeType).padEnd(42)} ${(roleName[t.clientRole] ?? '').padEnd(16)} → ${result}`,
    );
  }
  const byType = (type) => txs.find((t) => t.changeType === type);

  part('The address change SR, worked by a caseworker (BR-6; RD-6, RD-7)');
  let sr = await srs.get(byType('ADDRESS_CHANGE').serviceRequest);
  srLine(sr, `raised from CIS: ${sr.changeType}`);
  const cisAddress = sr.details.change.address;
  detail(
    `CIS says: ${cisAddress.line1}, ${cisAddress.town} ${cisAddress.postcode} (only the day's latest, BR-3)`,
  );
  sr = await srs.move(sr, { status: 'In Progress', subStatus: null }, {}, api.cw, 'activity plan generated');
  planLines(sr);
  sr = await srs.step(sr, 'compare', 'Differs From CMS');
  sr = await srs.step(sr, 'most-up-to-date', 'CIS More Up To Date');
  sr = await srs.move(sr, { status: 'In Progress', subStatus: 'CoC Accept' });
  const client = await api.cw('sr', 'GET', `/clients/${d.pwc.id}`);
  await api.cw('sr', 'PATCH', `/clients/${d.pwc.id}`, {
    version: client.version,
    address: cisAddress,
    addressStartDate: sr.details.change.addressStartDate,
  });
  say(
    `CMS record changed (Change - Address Details): ${cisAddress.line1}, ${cisAddress.town} ${cisAddress.postcode}`,
  );
  sr = await srs.step(sr, 'apply-change', 'Applied');
  sr = await srs.move(sr, { status: 'Closed', subStatus: 'Complete' }, { resolutionCode: 'CofC Accepted' });

  part('The date of birth verification matched what CMS holds (BR-9)');
  const same = await srs.get(byType('DOB_VERIFICATION').serviceRequest);
  srLine(same, 'closed by the system');
  detail(`note: "${same.notes.at(-1)?.text}"`);

  part("The paying parent's benefit claim: no SR, an automated letter (BR-8)");
  const mopf = await api.cw('co', 'GET', `/letters/${byType('NRP_BENEFIT_CLAIM').letterId}`);
  letterLine(mopf);

  part('The nationally sensitive status update goes straight to the sensitive case team (BR-7)');
  const sensitiveTx = byType('NATIONALLY_SENSITIVE_STATUS');
  doing('BR-7: the caseworker opens the sensitive SR');
  say(`SR ${sensitiveTx.serviceRequest.srNumber} opened by a caseworker without sensitive access:`);
  refusal(
    await api.cw('sr', 'GET', `/service-requests/${sensitiveTx.serviceRequest.id}`, undefined, [403]),
    'BR-7, routed to caseworkers with the correct access level',
  );
  let ns = await srs.get(sensitiveTx.serviceRequest, api.sens);
  srLine(ns, `opened by the sensitive case team: ${ns.process} / ${ns.area} / ${ns.subArea}`);
  ns = await srs.move(
    ns,
    { status: 'In Progress', subStatus: null },
    {},
    api.sens,
    'activity plan generated',
  );
  planLines(ns);
  ns = await srs.step(ns, 'review', 'Reviewed', undefined, api.sens);
  ns = await srs.step(ns, 'apply-status', 'Flag Set', undefined, api.sens);
  ns = await srs.move(
    ns,
    { status: 'Closed', subStatus: 'Complete' },
    { resolutionCode: 'Sensitive Status Updated' },
    api.sens,
  );
  const flagged = await api.sens('sr', 'GET', `/cases/${e.case.id}`);
  say(`Case ${flagged.caseNumber}: nationally sensitive = ${flagged.nationallySensitive}`);
}

// ── 3. CIS - Retrieve Personal Data From ────────────────────────────────────────────────────────
async function retrievePersonalData(api) {
  heading(3, 'CIS - Retrieve Personal Data From', '002_21c2f038c9829192.txt');
  const srs = srApi(api);
  const cisAddress = address('GB');
  const f = await family(api, {
    stage: 'application',
    interests: ['PWC'],
    cis: {
      NRP: false, // CIS holds no record for the paying parent's NINO
      // CIS is more up to date on the address and mobile; its verified date of birth is a day out.
      PWC: (p) => ({
        address: cisAddress,
        addressStartDate: iso(Date.now() - 20 * DAY),
        mobilePhone: `07700 900${faker.string.numeric(3)}`,
        dateOfBirth: addDays(p.dateOfBirth, 1),
        dateOfBirthVerified: true,
      }),
    },
  });

  part('The receiving parent (the applicant) is verified: CIS is asked at once (RD-1, RD-2, RD-3, RD-8)');
  const retrieval = await verifyAndRetrieve(api, f.pwc);
  for (const item of retrieval.itemsStored) {
    detail(
      `${item.label.padEnd(22)} ${show(item.cisValue).padEnd(48)} ${item.differs ? 'differs from CMS' : ''}`,
    );
  }
  const cmsNow = await api.cw('sr', 'GET', `/clients/${f.pwc.id}`);
  const cisData = await api.cw('ci', 'GET', `/clients/${f.pwc.id}/cis-data`);
  say(
    `RD-6: stored apart, sourced from ${cisData.latest.source} (${cisData.history.length} retrieval); CMS still holds ${cmsNow.address.line1}, ${cmsNow.address.postcode}`,
  );

  part('The caseworker decides which is most up to date (RD-7)');
  const { discrepancies } = await api.cw('ci', 'GET', `/clients/${f.pwc.id}/discrepancies`);
  for (const dis of discrepancies.filter((x) => x.status === 'open')) {
    const keep = dis.item === 'dateOfBirth';
    doing(`RD-7: resolve the ${dis.item} discrepancy`);
    const res = await api.cw('ci', 'POST', `/discrepancies/${dis.id}/resolution`, {
      decision: keep ? 'keep-cms' : 'accept-cis',
      reason: keep ? 'Birth certificate seen at application.' : 'Client confirmed it on the phone today.',
      // RD-7: CIS holds its date of birth as Verified; keeping CMS's over it is confirmed explicitly.
      ...(keep && dis.cisVerified ? { confirmOverrideVerified: true } : {}),
    });
    say(
      `${dis.label}: CMS ${show(dis.cmsValue)} / CIS ${show(dis.cisValue)} → ${res.discrepancy.status}` +
        (res.cisUpdate
          ? ` · CIS updated (SU): code ${res.cisUpdate.responseCode} ${res.cisUpdate.responseName}`
          : '') +
        (res.noUpdateReason ? ` · nothing to send to CIS (${res.noUpdateReason})` : '') +
        (res.discrepancy.clientVersion ? ' · CMS record updated' : ''),
    );
  }

  part("The paying parent's NINO is not on CIS (RD-5)");
  const rejected = await verifyAndRetrieve(api, f.nrp);
  detail(
    `rejection ${rejected.rejection}: "${rejected.rejectionMessage}" [${rejected.requirementId}] — recorded; see Error Handling`,
  );

  part('A client whose CIS record is nationally sensitive (RD-4)');
  const g = await family(api, {
    stage: 'maintenance',
    interests: ['PWC'],
    cis: { PWC: { nationallySensitive: true } },
  });
  const refused = await verifyAndRetrieve(api, g.pwc);
  detail(`"${refused.rejectionMessage}" [${refused.requirementId}]`);
  doing('RD-4: Sensitive Check flag and call back SR');
  // From CIS's answer on, the client's records are the sensitive case team's (X-1, RD-4).
  const withSr = await eventually('the sensitive case team call back SR', async () => {
    const r = await api.sens('ci', 'GET', `/retrievals/${refused.id}`);
    return r.sensitiveCheckServiceRequestId && r;
  });
  const flaggedClient = await api.sens('sr', 'GET', `/clients/${g.pwc.id}`);
  say(`Sensitive Check flag on ${who(g.pwc)}: ${flaggedClient.sensitiveCheck}`);
  say('A caseworker without sensitive access asks for the client and the retrieval:');
  refusal(await api.cw('sr', 'GET', `/clients/${g.pwc.id}`, undefined, [403]), 'X-1, RD-4');
  refusal(await api.cw('ci', 'GET', `/retrievals/${refused.id}`, undefined, [403]), 'X-1, RD-4');
  let sr = await srs.get({ id: withSr.sensitiveCheckServiceRequestId }, api.sens);
  srLine(sr, `${sr.process} / ${sr.area} / ${sr.subArea}`);
  doing('RD-4: a caseworker without sensitive access starts the call back');
  say('A caseworker without sensitive access tries to start it:');
  refusal(
    await api.cw(
      'sr',
      'POST',
      `/service-requests/${sr.id}/transitions`,
      { version: sr.version, to: { status: 'In Progress', subStatus: null } },
      [403],
    ),
    'RD-4, hand the case over to the sensitive case team',
  );
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: null },
    {},
    api.sens,
    'the sensitive case team',
  );
  planLines(sr);
  sr = await srs.step(sr, 'call-back', 'Call Completed', undefined, api.sens);
  doing('RD-4: retrieve with sensitive access');
  const again = await api.sens('ci', 'POST', '/retrievals', { clientId: g.pwc.id, trigger: 'manual' }, [201]);
  say(
    `Retrieval with sensitive access: ${again.outcome}, ${plural(again.itemsStored.length, 'item')} kept from CIS`,
  );
  sr = await srs.step(sr, 'retrieve-personal-data', 'Retrieved', undefined, api.sens);
  sr = await srs.move(
    sr,
    { status: 'Closed', subStatus: 'Complete' },
    { resolutionCode: 'Call Back Completed' },
    api.sens,
  );
}

const show = (v) =>
  v === null || v === undefined
    ? '—'
    : typeof v === 'string'
      ? v
      : v.address
        ? `${v.address.line1}, ${v.address.town} ${v.address.postcode}${v.addressStartDate ? ` (from ${v.addressStartDate})` : ''}`
        : JSON.stringify(v);

/** Sets the client's NINO/CRN Verified and waits for the retrieval it triggers (RD-1). */
async function verifyAndRetrieve(api, p) {
  doing(`RD-1: verify ${who(p)}'s NINO`);
  const c = await api.cw('sr', 'GET', `/clients/${p.id}`);
  await api.cw('sr', 'PUT', `/clients/${p.id}/reference-status`, { status: 'Verified', version: c.version });
  say(`${who(p)}: NINO ${mask(p.reference)} status set to Verified → CIS retrieval triggered`);
  const r = await eventually(`the CIS retrieval for ${who(p)}`, async () => {
    const { retrievals } = await api.sens('ci', 'GET', `/clients/${p.id}/retrievals`);
    return retrievals.find((x) => x.outcome !== 'in-progress');
  });
  say(
    `retrieval (${r.trigger}): ${r.outcome}${r.rejection ? `, ${r.rejection}` : ''}` +
      (r.outcome === 'completed'
        ? `, ${plural(r.itemsStored.length, 'item')} kept (RD-3), ${plural(r.discrepancies.length, 'discrepancy', 'discrepancies')} with CMS`
        : ''),
  );
  return r;
}

// ── 4. Change - Security Details ────────────────────────────────────────────────────────────────
async function securityDetails(api) {
  heading(4, 'Change - Security Details', '003_f62ff1eea701803a.txt');
  const srs = srApi(api);
  const h = await family(api, { stage: 'maintenance', security: ['PWC'] });
  const status = await api.cw('cs', 'GET', `/clients/${h.pwc.id}/security-details`);
  say(
    `${who(h.pwc)}: security details set up (seven-digit PIN and special password, SD-1); TAM account ${status.tamAccount.exists ? 'created' : 'none'}; memorable questions ${status.memorableQuestions.join('')} (SD-14)`,
  );
  doing('SD-1: a PIN of all zeroes');
  say(`Security set-up for ${who(h.nrp)} with the PIN 0000000:`);
  refusal(
    await api.cw(
      'cs',
      'POST',
      `/clients/${h.nrp.id}/security-details`,
      { pin: '0000000', password: 'Bluebell 42' },
      [400],
    ),
    'SD-1, the PIN cannot be all zeroes',
  );
  const none = await api.cw('cs', 'GET', `/clients/${h.nrp.id}/security-details`);
  say(`${who(h.nrp)}: security details set up = ${none.setUp} → security set-up first, not this SR (SD-22)`);

  part('Three consecutive failed security checks block the account (SD-2)');
  const check = (body, expect = [200]) =>
    api.cw('cs', 'POST', `/clients/${h.pwc.id}/security-check`, body, expect);
  const ok = await check({ channel: 'phone', password: h.pwc.password.toUpperCase() });
  say(
    `phone check with the special password in capitals: ${ok.result} (not case sensitive on the phone, SD-19)`,
  );
  for (let n = 1; n <= 3; n++) {
    doing(`SD-2: failed check ${n}`);
    const r = await check({ channel: 'phone', pin: h.pwc.pin === '7654321' ? '7654320' : '7654321' });
    say(
      `phone check ${n} with a wrong PIN: ${r.result}; ${plural(r.attemptsRemaining, 'attempt')} left${r.blocked ? ' → TAM account BLOCKED' : ''}`,
    );
  }
  doing('SD-2: check while blocked');
  say('phone check with the right PIN while blocked:');
  refusal(
    await check({ channel: 'phone', pin: h.pwc.pin }, [422]),
    'SD-2, blocked until unblocked after a call back',
  );

  part('client-security reports the block; service-requests raises the SR (SD-3, SD-4, SD-6)');
  doing('SD-3: the SR raised for the block');
  const raised = await eventually('the security details SR raised for the block', async () => {
    const list = await api.cw('sr', 'GET', `/service-requests?clientId=${h.pwc.id}`);
    return list.find((s) => s.type === 'SECURITY_DETAILS');
  });
  let sr = raised;
  say(
    `SR ${sr.srNumber}: Process ${sr.process} · Area ${sr.area} · Sub Area ${sr.subArea} · Source ${sr.source}`,
  );
  srLine(sr);
  detail(`note: "${sr.notes[0]?.text}"`);
  say(`Called back on the number held: ${who(h.pwc)} fails security again and asks for the form (step 2)`);
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: null },
    {},
    api.cw,
    'activity plan generated (SD-7)',
  );
  planLines(sr);
  sr = await srs.step(sr, 'security-details', 'Security Details');
  sr = await srs.move(sr, { status: 'In Progress', subStatus: 'Security Details' }, {}, api.cw, 'SD-8');
  const due = new Date((await srNow(api)) + 7 * DAY).toISOString();
  sr = await srs.move(
    sr,
    { status: 'Wait', subStatus: 'Security Details' },
    {
      nextActionDue: due,
      reason: 'Account blocked after three failed checks; client failed the call back check. CMSL9800 sent.',
    },
    api.cw,
    'SD-9: CMSL9800 sent, wait seven days',
  );
  const seen = new Set();
  const l9800 = await waitForLetter(api, h.case.id, 'CMSL9800', seen);
  if (l9800.reviewRequired && !l9800.reviewedBy) {
    doing('review CMSL9800');
    const reviewed = await api.cw('co', 'POST', `/letters/${l9800.id}/review`, {}, [200]);
    say(`CMSL9800 reviewed before sending (X-3) by ${reviewed.reviewedBy}: released to the print gateway`);
  }

  part('The client returns the CMSL9800 form (steps 8–18)');
  sr = await srs.step(sr, 'information-received', 'Information Provided');
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: 'Assess Outcome Of Change' },
    {},
    api.cw,
    'SD-13',
  );
  doing('SD-11: TAM account check');
  sr = await api.cw('sr', 'POST', `/service-requests/${sr.id}/security-details/tam-account-check`, {
    version: sr.version,
    verifiedBy: 'CMSL9800 returned',
  });
  detail(
    `activity plan: tam-account-check = ${sr.activityPlan.find((s) => s.key === 'tam-account-check').outcome} (TAM account was blocked: Unblock User, SD-11)`,
  );
  const newPin = String(faker.number.int({ min: 1_000_000, max: 9_999_999 }));
  doing('SD-14: change the PIN');
  sr = await api.cw('sr', 'POST', `/service-requests/${sr.id}/security-details/update`, {
    version: sr.version,
    pin: newPin,
  });
  detail(
    `activity plan: update-security-details = ${sr.activityPlan.find((s) => s.key === 'update-security-details').outcome} (new PIN from the form; memorable questions X)`,
  );
  sr = await srs.move(sr, { status: 'In Progress', subStatus: 'CofC Accept' }, {}, api.cw, 'SD-16');
  detail(
    `activity plan: confirm-update = ${sr.activityPlan.find((s) => s.key === 'confirm-update').outcome}`,
  );
  await waitForLetter(api, h.case.id, 'SMS_SECURITY_DETAILS_UPDATED', seen);
  sr = await srs.move(sr, { status: 'Closed', subStatus: 'Complete' }, { resolutionCode: 'CofC Accepted' });
  const pass = await check({ channel: 'phone', pin: newPin });
  say(`phone check with the new PIN: ${pass.result}`);
  const history = await api.cw('cs', 'GET', `/clients/${h.pwc.id}/security-details/history`);
  say(
    `history (SD-20): ${history.versions.map((v) => `v${v.version} ${v.reason} [${v.changedItems.join(', ')}]${v.current ? ' current' : ''}`).join('; ')}`,
  );
}

// ── 5. Transfer Data Between Clients ────────────────────────────────────────────────────────────
async function transferData(api) {
  heading(5, 'Transfer Data Between Clients', '004_59940bfb985ffa6a.txt');
  const srs = srApi(api);
  const t = await family(api, { jurisdiction: 'NI', stage: 'maintenance' });
  const seen = new Set();
  const bank = { sortCode: '08-99-99', accountNumber: '66374958', accountName: who(t.pwc).slice(0, 18) };
  const items = (sr, body) =>
    api.cw('sr', 'PUT', `/service-requests/${sr.id}/transfer-items`, { version: sr.version, ...body });

  part('Sending contact details: CMSL0405, declaration, team leader approval, CMSL0406 (TD-1..TD-8, TD-14)');
  let sr = await srs.raise({
    type: 'DATA_TRANSFER',
    path: 'contact-details',
    source: 'PWC',
    reportedBy: { firstName: t.pwc.firstName, lastName: t.pwc.lastName },
    subject: { clientId: t.pwc.id, role: 'PWC' },
    caseIds: [t.case.id],
    note: `${who(t.pwc)} asks us to pass her contact details to ${who(t.nrp)} to re-establish contact.`,
  });
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: null },
    {},
    api.cw,
    'case linked, activity plan generated (TD-2)',
  );
  planLines(sr);
  sr = await srs.step(sr, 'confirm-request', 'Confirmed');
  sr = await srs.move(
    sr,
    { status: 'Wait', subStatus: null },
    { nextActionDue: new Date((await srNow(api)) + 14 * DAY).toISOString() },
    api.cw,
    'TD-3: CMSL0405 sent, wait 14 days',
  );
  await waitForLetter(api, t.case.id, 'CMSL0405', seen);
  say('The form comes back signed:');
  sr = await srs.move(sr, { status: 'In Progress', subStatus: null });
  sr = await srs.step(sr, 'form-checked', 'Complete And Signed');
  doing('TD-1: items that may not pass');
  say('Entering the form, including a note to the other parent:');
  refusal(
    await api.cw(
      'sr',
      'PUT',
      `/service-requests/${sr.id}/transfer-items`,
      {
        version: sr.version,
        items: { email: t.pwc.homeEmail, notes: 'Please call me about the children' },
        declarationSigned: true,
      },
      [400],
    ),
    'TD-1, only name, address, postcode, phone numbers, email and bank details pass',
  );
  doing('TD-5: bank details that fail Bank Wizard');
  say('Bank details as written on the form (a digit wrong):');
  refusal(
    await api.cw(
      'sr',
      'PUT',
      `/service-requests/${sr.id}/transfer-items`,
      {
        version: sr.version,
        items: {
          bankDetails: { sortCode: '93-80-63', accountNumber: '15764273', accountName: bank.accountName },
        },
        declarationSigned: true,
      },
      [400],
    ),
    'TD-5, bank details are checked before they are entered',
  );
  const oldMobile = `07700 900${faker.string.numeric(3)}`;
  doing('TD-4: record the transfer items');
  sr = await items(sr, {
    items: {
      name: { firstName: t.pwc.firstName, lastName: t.pwc.lastName },
      address: t.pwc.address,
      mobile: oldMobile,
      email: t.pwc.homeEmail,
      bankDetails: bank,
    },
    declarationSigned: true,
  });
  say(
    `items recorded: name, address, mobile ${oldMobile}, email, bank details ${Object.values(sr.details.transfer.bankDetails).join(' ')} (masked; Bank Wizard passed)`,
  );
  sr = await srs.move(
    sr,
    { status: 'Pending Approval', subStatus: 'Pending Approval TL' },
    {},
    api.cw,
    'TD-6: CMSL0406 cannot issue yet',
  );
  const early = (await issued(api, t.case.id)).filter((e) => e.templateCode === 'CMSL0406');
  detail(`CMSL0406 issued so far: ${early.length}`);
  doing('TD-8: team leader rejects');
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: 'Rejected TL' },
    { reason: 'The mobile number is the one the paying parent already had: check it with the client.' },
    api.tl,
    'team leader rejects (TD-8)',
  );
  detail(`editable: ${sr.editable}; note: "${sr.notes.at(-1).text}"`);
  const newMobile = `07700 900${faker.string.numeric(3)}`;
  sr = await items(sr, {
    items: {
      name: { firstName: t.pwc.firstName, lastName: t.pwc.lastName },
      address: t.pwc.address,
      mobile: newMobile,
      email: t.pwc.homeEmail,
      bankDetails: bank,
    },
    declarationSigned: true,
  });
  say(`corrected: mobile ${newMobile}; resubmitted`);
  sr = await srs.move(sr, { status: 'Pending Approval', subStatus: 'Pending Approval TL' });
  doing('TD-8: team leader approves');
  sr = await srs.move(
    sr,
    { status: 'In Progress', subStatus: 'Approved TL' },
    {},
    api.tl,
    'team leader approves (TD-8)',
  );
  doing('TD-8: edit after approval');
  say('A late change after approval:');
  refusal(
    await api.cw(
      'sr',
      'PUT',
      `/service-requests/${sr.id}/transfer-items`,
      { version: sr.version, items: { mobile: oldMobile }, declarationSigned: true },
      [422],
    ),
    'TD-8, after team leader approval the SR is read-only',
  );
  await waitForLetter(api, t.case.id, 'CMSL0406', seen);
  sr = await eventually('the system to close the SR after CMSL0406', async () => {
    const s = await srs.get(sr);
    return s.status === 'Closed' && s;
  });
  srLine(sr, 'closed by the system once CMSL0406 was issued');

  part('Domestic violence: details by phone, CMSL9660, CMSL9661 and CMSL9662 (TD-11, TD-12)');
  let dv = await srs.raise({
    type: 'DATA_TRANSFER',
    path: 'domestic-violence',
    source: 'PWC',
    subject: { clientId: t.pwc.id, role: 'PWC' },
    caseIds: [t.case.id],
    note: `${who(t.pwc)} is worried about giving her bank details to ${who(t.nrp)} because of domestic violence.`,
  });
  dv = await srs.move(dv, { status: 'In Progress', subStatus: null }, {}, api.cw, 'activity plan generated');
  planLines(dv);
  dv = await srs.step(
    dv,
    'discuss-options',
    'Discussed',
    'PayPal, MoneyGram and accounts with a central or national sort code discussed; 14 days to call in.',
  );
  doing('TD-11: issue CMSL9660');
  const l9660 = await api.cw(
    'co',
    'POST',
    '/letters',
    {
      templateCode: 'CMSL9660',
      mode: 'clerical',
      recipient: { clientId: t.pwc.id, role: 'PWC', name: who(t.pwc), address: t.pwc.address },
      caseId: t.case.id,
      caseNumber: t.case.caseNumber,
      jurisdiction: t.jurisdiction,
      stage: t.stage,
      serviceRequestId: dv.id,
      personalisation: { replyByDate: iso((await srNow(api)) + 14 * DAY) },
    },
    [201],
    { 'idempotency-key': randomUUID() },
  );
  seen.add(l9660.id);
  letterLine(l9660);
  doing('TD-11: CMSL9660 posted by the caseworker');
  const posted = await api.cw('co', 'PATCH', `/letters/${l9660.id}/status`, { status: 'sent' });
  detail(`printed and posted by the caseworker: status ${posted.status}`);
  dv = await srs.step(dv, 'cmsl9660', 'Issued');
  dv = await srs.move(
    dv,
    { status: 'Wait', subStatus: null },
    { nextActionDue: new Date((await srNow(api)) + 14 * DAY).toISOString() },
    api.cw,
    'TD-11: 14 days to give the details',
  );
  say(`${who(t.pwc)} calls back with a national sort code account; no declaration is needed (TD-11):`);
  dv = await srs.move(dv, { status: 'In Progress', subStatus: null });
  const dvBank = { sortCode: '08-99-99', accountNumber: '66374958', accountName: who(t.pwc).slice(0, 18) };
  dv = await items(dv, { items: { bankDetails: dvBank } });
  dv = await api.cw(
    'sr',
    'POST',
    `/service-requests/${dv.id}/notes`,
    { text: 'Contact note: receiving parent gave bank details by phone (national sort code account).' },
    [201],
  );
  dv = await srs.step(dv, 'record-bank-details', 'Details Received');
  dv = await srs.move(
    dv,
    { status: 'Closed', subStatus: 'Complete' },
    { resolutionCode: 'Details Passed On' },
    api.cw,
    'TD-12: CMSL9661 and CMSL9662 issued',
  );
  await waitForLetter(api, t.case.id, 'CMSL9661', seen);
  await waitForLetter(api, t.case.id, 'CMSL9662', seen);

  part('Domestic violence: nothing within 14 days (TD-13)');
  let quiet = await srs.raise({
    type: 'DATA_TRANSFER',
    path: 'domestic-violence',
    source: 'PWC',
    subject: { clientId: t.pwc.id, role: 'PWC' },
    caseIds: [t.case.id],
  });
  quiet = await srs.move(
    quiet,
    { status: 'In Progress', subStatus: null },
    {},
    api.cw,
    'activity plan generated',
  );
  quiet = await srs.step(quiet, 'discuss-options', 'Discussed');
  quiet = await srs.step(quiet, 'cmsl9660', 'Not Requested');
  quiet = await srs.move(
    quiet,
    { status: 'Wait', subStatus: null },
    { nextActionDue: new Date((await srNow(api)) + 14 * DAY).toISOString() },
    api.cw,
    'TD-11: 14 days to give the details',
  );
  doing('TD-13: 14 days pass');
  const later = await clocksTo(api, (await srNow(api)) + 15 * DAY);
  say(
    `15 days pass: the clocks move on to ${new Date(later).toISOString().slice(0, 16)}Z; the wait-expiry sweep runs`,
  );
  await api.sys('sr', 'POST', '/internal/follow-ups/run', undefined, [200]);
  quiet = await eventually('the wait to expire', async () => {
    const s = await srs.get(quiet);
    return s.status === 'In Progress' && s;
  });
  srLine(quiet, 'back from Wait with two steps added');
  planLines(quiet);
  quiet = await srs.step(quiet, 'call-receiving-parent', 'Unsuccessful', 'Called twice; no answer.');
  quiet = await srs.step(quiet, 'call-paying-parent-put-aside', 'Told To Put Payments Aside');
  quiet = await srs.move(
    quiet,
    { status: 'Closed', subStatus: 'Complete' },
    { resolutionCode: 'No Response' },
  );
}

// ── Main ────────────────────────────────────────────────────────────────────────────────────────
async function main() {
  const started = Date.now();
  const api = await tokens();
  for (const [key, base] of Object.entries(BASE)) {
    doing(`check ${SERVICE_NAMES[key]}`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (!res.ok) throw new Error(`status ${res.status}`);
    } catch (e) {
      throw new DemoError(
        `${SERVICE_NAMES[key]} (${base}) is not ready (${e.cause?.code ?? e.message}): start the system with npm start and wait for "Ready".`,
      );
    }
  }
  doing('align the clocks');
  const now = await latestClock(api);
  await clocksTo(api, now);
  out('cms-cis demo: the five DWP procedures, walked over HTTP against the running system');
  out(
    `(fresh clients and cases on every run; tokens from .data/secrets.json; system time ${new Date(now).toISOString().slice(0, 16)}Z)`,
  );
  for (const walk of [sendUpdate, receiveBroadcasts, retrievePersonalData, securityDetails, transferData]) {
    stepName = '';
    await walk(api);
  }
  out();
  out('='.repeat(100));
  out(
    `All five procedures walked without an unexpected answer (${((Date.now() - started) / 1000).toFixed(1)} s).`,
  );
}

main().catch((e) => {
  out();
  console.error('!'.repeat(100));
  console.error(`DEMO FAILED in ${walkName || 'set-up'}${stepName ? `, at: ${stepName}` : ''}`);
  console.error(e instanceof DemoError ? e.message : e.stack);
  process.exit(1);
});
