import { randomUUID } from 'node:crypto';
import { maskNino } from '@cms/domain';
import { DataSource } from 'typeorm';
import {
  changeElsewhereInDwp,
  expectStatus,
  givenCisRecord,
  moveCisClockToNext,
  runCisBroadcast,
  SrDesk,
  waitFor,
  waitForIssued,
  type Client,
  type PersonDetails,
  type Sr,
} from './story';
import { SERVICES, type AcceptanceSystem, type Caller, type ServiceKey } from './system';

/*
 * The two families of the access matrix (access-matrix.spec.ts), made through the public APIs as
 * the acceptance stories make them: one that the sensitive case team flags nationally sensitive
 * once it has a record of every kind in every service, and an ordinary one beside it.
 */

/** Everything the nationally sensitive family has, by the ids the operations take. */
export interface SensitiveFamily {
  caseId: string;
  caseNumber: string;
  pwc: Client;
  nrp: Client;
  /** What CIS held for the receiving parent that CMS did not (its address, kept apart: RD-6). */
  pwcOnCis: { address: { line1: string; town: string; postcode: string }; homePhone: string };
  /** The address CIS broadcast for the paying parent (BR-6). */
  nrpBroadcastAddress: { line1: string; town: string; postcode: string };
  representative: { id: string; firstName: string; lastName: string; phone: string };
  /** SECURITY_DETAILS (paying parent; CMSL9800 sent, Wait), DATA_TRANSFER (receiving parent; CMSL0405, Wait), PERSONAL_DETAILS_CHANGE (receiving parent, In Progress), CIS_CHANGE (paying parent, from the broadcast). */
  srs: { security: Sr; transfer: Sr; personal: Sr; cisChange: Sr };
  letters: { cmsl9800: string; cmsl0405: string };
  smsId: string;
  interests: { pwc: string; nrp: string };
  retrievalId: string;
  discrepancyIds: string[];
  cisUpdateId: string;
  broadcast: { batchId: string; transactionIds: string[]; ids: string[] };
  /** A third person, on no case, whose CIS record answered "Insufficient access level": Sensitive Check and a call back (RD-4). */
  checked: { client: Client; retrievalId: string; callBack: Sr };
}

/** The ordinary family: receiving parent, paying parent and a qualifying child with a CRN. */
export interface OrdinaryFamily {
  caseId: string;
  caseNumber: string;
  pwc: Client;
  nrp: Client;
  child: Client & { crn: string };
  sr: Sr;
  retrievalId: string;
  cisUpdateId: string;
  broadcast: { batchId: string };
  mopfLetterId: string;
}

const SENSITIVE_PWC: PersonDetails = {
  nino: 'WX518237A',
  firstName: 'Ottoline',
  lastName: 'Featherstonehaugh',
  dateOfBirth: '1983-07-19',
  sex: 'F',
  address: { line1: '27 Quillfeather Row', town: 'Halifax', postcode: 'HX7 5QZ' },
  addressStartDate: '2019-03-01',
  homePhone: '01632 960431',
  mobilePhone: '07700 900777',
  homeEmail: 'ottoline.f@example.org',
};
const SENSITIVE_NRP: PersonDetails = {
  nino: 'WX518238B',
  firstName: 'Crispin',
  lastName: 'Wolstenholme',
  dateOfBirth: '1980-02-23',
  address: { line1: '9 Brackenthwaite Lane', town: 'Kendal', postcode: 'LA9 6RJ' },
  mobilePhone: '07700 900778',
};
const SENSITIVE_PWC_ON_CIS = {
  address: { line1: '3 Moorcock Fold', town: 'Hebden Bridge', postcode: 'HX7 8AD' },
  addressStartDate: '2026-10-01',
  homePhone: '01632 960432',
};
const CHECKED: PersonDetails = {
  nino: 'WX518239C',
  firstName: 'Aurelian',
  lastName: 'Throckmorton',
  address: { line1: '14 Gannet Wynd', town: 'Whitby', postcode: 'YO21 3PZ' },
};
const NRP_BROADCAST_ADDRESS = { line1: '5 Tallowmere Yard', town: 'Kendal', postcode: 'LA9 4TY' };
const REPRESENTATIVE = { firstName: 'Perpetua', lastName: 'Gallimore', phone: '07700 900779' };

const ORDINARY_PWC: PersonDetails = {
  nino: 'JK704411A',
  firstName: 'Imogen',
  lastName: 'Ashdown',
  dateOfBirth: '1990-05-02',
  address: { line1: '41 Larkspur Close', town: 'Bradford', postcode: 'BD3 9PL' },
  mobilePhone: '07700 900881',
};
const ORDINARY_NRP: PersonDetails = {
  nino: 'JK704412B',
  firstName: 'Rufus',
  lastName: 'Pennington',
  address: { line1: '6 Cinder Hill', town: 'Wakefield', postcode: 'WF1 2QT' },
};
const ORDINARY_CHILD = {
  crn: 'JK704413C',
  firstName: 'Wren',
  lastName: 'Ashdown',
  dateOfBirth: '2015-09-09',
};

/** E.164 as service-requests stores UK numbers (07700 900777 → +447700900777). */
function e164(phone: string): string {
  return `+44${phone.replace(/\s+/g, '').slice(1)}`;
}

async function createClient(system: AcceptanceSystem, p: PersonDetails): Promise<Client> {
  const res = await expectStatus(system.as('caseworker').sr.post('/clients', p), 201);
  return { ...p, id: res.body.id };
}

async function openCase(
  system: AcceptanceSystem,
  stage: string,
  participants: { clientId: string; role: string }[],
): Promise<{ id: string; caseNumber: string }> {
  const res = await expectStatus(
    system.as('caseworker').sr.post('/cases', { jurisdiction: 'GB', stage, participants }),
    201,
  );
  return { id: res.body.id, caseNumber: res.body.caseNumber };
}

async function moveCase(
  system: AcceptanceSystem,
  caseId: string,
  change: Record<string, unknown>,
  caller: Caller = 'caseworker',
): Promise<void> {
  const http = system.as(caller).sr;
  const kase = await expectStatus(http.get(`/cases/${caseId}`), 200);
  await expectStatus(http.patch(`/cases/${caseId}`, { version: kase.body.version, ...change }), 200);
}

/** Sets the client's NINO to Verified and waits for the CIS retrieval it triggers (RD-1). */
async function verifyAndRetrieve(system: AcceptanceSystem, client: Client): Promise<Record<string, any>> {
  const cw = system.as('caseworker');
  const current = await expectStatus(cw.sr.get(`/clients/${client.id}`), 200);
  await expectStatus(
    cw.sr.put(`/clients/${client.id}/reference-status`, {
      status: 'Verified',
      version: current.body.version,
    }),
    200,
  );
  // Polled with sensitive access: RD-4 makes the client sensitive while we wait.
  const sct = system.as('sensitiveCaseTeam');
  return waitFor(`the CIS retrieval of ${client.firstName} ${client.lastName}`, async () => {
    const res = await expectStatus(sct.ci.get(`/clients/${client.id}/retrievals`), 200);
    const [latest] = res.body.retrievals as Record<string, any>[];
    return latest && latest.outcome !== 'in-progress' ? latest : null;
  });
}

async function registerInterest(
  system: AcceptanceSystem,
  client: Client,
  interestType: string,
): Promise<string> {
  const res = await expectStatus(
    system.as('caseworker').ci.post(`/clients/${client.id}/interests`, { interestType }),
    201,
  );
  return res.body.id;
}

/** Waits until the letter or SMS `id` has left through its gateway (status sent or later). */
async function waitUntilSent(system: AcceptanceSystem, kind: 'letters' | 'sms', id: string): Promise<void> {
  await waitFor(`${kind} ${id} sent through its gateway`, async () => {
    const res = await expectStatus(system.as('sensitiveCaseTeam').co.get(`/${kind}/${id}`), 200);
    return ['sent', 'delivered'].includes(res.body.status);
  });
}

/**
 * Both families' CIS changes in one daily broadcast (BR-2): the sensitive paying parent's new address
 * (a CIS change SR), the ordinary receiving parent's new address (an SR) and the ordinary paying
 * parent's benefit claim (the MOPF letter, BR-8). Waits until cis-interface has processed the batch.
 */
async function broadcastDay(
  system: AcceptanceSystem,
  changes: { nino: string; change: Record<string, unknown> }[],
): Promise<string> {
  const day = await moveCisClockToNext(system, 10);
  for (const c of changes) await changeElsewhereInDwp(system, c.nino, c.change);
  await system.advanceClocks({ hours: 48 }, ['sim']);
  const [run] = (await runCisBroadcast(system)).filter((r) => r.day === day);
  if (!run?.batchId) throw new Error(`No broadcast batch for ${day}: ${JSON.stringify(run)}`);
  await waitFor(
    'the broadcast batch processed by cis-interface',
    async () => {
      const res = await system.as('sensitiveCaseTeam').ci.get(`/broadcasts/${run.batchId}`);
      return res.status === 200 && res.body.status === 'processed';
    },
    30_000,
  );
  return run.batchId;
}

/**
 * Makes both families, then has the sensitive case team flag the first one's case nationally
 * sensitive (PATCH /cases/{id}), and waits until no job of any service is left to run.
 */
export async function givenFamilies(
  system: AcceptanceSystem,
): Promise<{ sensitive: SensitiveFamily; ordinary: OrdinaryFamily }> {
  const cw = system.as('caseworker');
  const sct = system.as('sensitiveCaseTeam');
  const desk = new SrDesk(system);

  // Clients and cases, at application stage (CIS updates from the application, SU-3).
  const pwc = await createClient(system, SENSITIVE_PWC);
  const nrp = await createClient(system, SENSITIVE_NRP);
  const kase = await openCase(system, 'application', [
    { clientId: pwc.id, role: 'PWC' },
    { clientId: nrp.id, role: 'NRP' },
  ]);
  const oPwc = await createClient(system, ORDINARY_PWC);
  const oNrp = await createClient(system, ORDINARY_NRP);
  const oChildRes = await expectStatus(cw.sr.post('/clients', ORDINARY_CHILD), 201);
  const oChild = { ...ORDINARY_CHILD, nino: '', id: oChildRes.body.id as string };
  const oCase = await openCase(system, 'application', [
    { clientId: oPwc.id, role: 'PWC' },
    { clientId: oNrp.id, role: 'NRP' },
    { clientId: oChild.id, role: 'QC' },
  ]);

  // CIS: records, interests, a retrieval with discrepancies (RD-1..RD-6), an update (SU-5).
  await givenCisRecord(system, pwc, { differences: SENSITIVE_PWC_ON_CIS });
  await givenCisRecord(system, nrp);
  await givenCisRecord(system, oPwc, { differences: { homePhone: '01632 960777' } });
  await givenCisRecord(system, oNrp);
  const interests = {
    pwc: await registerInterest(system, pwc, 'PWC_QC_ROC_GENERAL'),
    nrp: await registerInterest(system, nrp, 'NRP_GENERAL'),
  };
  await registerInterest(system, oPwc, 'PWC_QC_ROC_GENERAL');
  await registerInterest(system, oNrp, 'NRP_GENERAL');
  const retrieval = await verifyAndRetrieve(system, pwc);
  const oRetrieval = await verifyAndRetrieve(system, oPwc);
  if (retrieval.outcome !== 'completed' || oRetrieval.outcome !== 'completed')
    throw new Error(`retrievals: ${retrieval.outcome}, ${oRetrieval.outcome}`);
  const discrepancies = (await expectStatus(cw.ci.get(`/clients/${pwc.id}/discrepancies`), 200)).body
    .discrepancies as { id: string }[];
  if (!discrepancies.length) throw new Error('No discrepancies for the sensitive receiving parent');
  const cisUpdate = async (c: Client) =>
    (
      await expectStatus(
        cw.ci.post('/cis-updates', {
          clientId: c.id,
          updateType: 'ADDRESS_CHANGE',
          payload: { address: c.address, addressStartDate: '2026-10-01' },
        }),
        201,
      )
    ).body.id as string;
  // RD-4: CIS withholds the third person's record at standard access.
  const checked = await createClient(system, CHECKED);
  await givenCisRecord(system, checked, { nationallySensitive: true });
  const checkedRetrieval = await verifyAndRetrieve(system, checked);
  const callBackId = await waitFor('the call back SR of the Sensitive Check (RD-4)', async () => {
    const res = await expectStatus(sct.ci.get(`/retrievals/${checkedRetrieval.id}`), 200);
    return res.body.sensitiveCheckServiceRequestId as string | null;
  });
  const cisUpdateId = await cisUpdate(pwc);
  const oCisUpdateId = await cisUpdate(oPwc);
  await moveCase(system, kase.id, { stage: 'maintenance' });

  // client-security: both parents set up security first, as Change - Security Details step 1 has it
  // (SD-22): the paying parent's Change Contact/Security Info SR below can only be raised after.
  await expectStatus(
    cw.cs.post(`/clients/${pwc.id}/security-details`, { pin: '4829175', password: 'Blue Heron 42' }),
    201,
  );
  await expectStatus(
    cw.cs.post(`/clients/${nrp.id}/security-details`, { pin: '5938216', password: 'Lapwing Marsh 3' }),
    201,
  );
  await expectStatus(
    cw.cs.post(`/clients/${oPwc.id}/security-details`, { pin: '6172839', password: 'Oak Apple 5' }),
    201,
  );

  // Service requests with notes, letters and an SMS.
  let security = await desk.raise({
    type: 'SECURITY_DETAILS',
    source: 'NRP',
    reportedBy: { firstName: nrp.firstName, lastName: nrp.lastName },
    subject: { clientId: nrp.id, role: 'NRP' },
    caseIds: [kase.id],
  });
  security = await desk.move(security, 'In Progress', null);
  security = await desk.note(security, 'Paying parent called about his security details.');
  security = await desk.outcome(security, 'security-details', 'Security Details');
  security = await desk.move(security, 'In Progress', 'Security Details');
  security = await desk.move(security, 'Wait', 'Security Details', {
    nextActionDue: await desk.inDays(7),
    reason: 'Client asks to provide new security details in writing; CMSL9800 sent.',
  });
  let transfer = await desk.raise({
    type: 'DATA_TRANSFER',
    path: 'contact-details',
    source: 'PWC',
    reportedBy: { firstName: pwc.firstName, lastName: pwc.lastName },
    subject: { clientId: pwc.id, role: 'PWC' },
    caseIds: [kase.id],
  });
  transfer = await desk.move(transfer, 'In Progress', null);
  transfer = await desk.outcome(
    transfer,
    'confirm-request',
    'Confirmed',
    'Advised that everything given will be passed on',
  );
  transfer = await desk.move(transfer, 'Wait', null, { nextActionDue: await desk.inDays(14) });
  let personal = await desk.raise({
    type: 'PERSONAL_DETAILS_CHANGE',
    path: 'name',
    source: 'PWC',
    subject: { clientId: pwc.id, role: 'PWC' },
    caseIds: [kase.id],
    note: 'Receiving parent reports a change of name.',
  });
  personal = await desk.move(personal, 'In Progress', null);
  personal = await desk.note(personal, 'Asked for the deed poll.');
  let oSr = await desk.raise({
    type: 'PERSONAL_DETAILS_CHANGE',
    path: 'name',
    source: 'PWC',
    subject: { clientId: oPwc.id, role: 'PWC' },
    caseIds: [oCase.id],
    note: 'Receiving parent reports a change of name.',
  });
  oSr = await desk.move(oSr, 'In Progress', null);

  const rep = await expectStatus(
    cw.sr.post(`/clients/${nrp.id}/representatives`, {
      caseId: kase.id,
      ...REPRESENTATIVE,
      relationship: 'Friend or family member',
      serviceRequestId: security.id,
    }),
    201,
  );
  const representative = { id: rep.body.id as string, ...REPRESENTATIVE };

  // client-security: the representative's own details (the parents' were set up above), and one failed check.
  await expectStatus(
    cw.cs.post(`/representatives/${representative.id}/security-details`, {
      actingForClientId: nrp.id,
      pin: '7305516',
      password: 'Harbour Light 7',
    }),
    201,
  );
  await expectStatus(
    cw.cs.post(`/clients/${pwc.id}/security-check`, { channel: 'phone', pin: '1111112' }),
    200,
  );

  const [cmsl9800] = await waitForIssued(system, nrp.id, 'CMSL9800');
  await expectStatus(cw.co.post(`/letters/${cmsl9800.id}/review`), 200);
  const [cmsl0405] = await waitForIssued(system, pwc.id, 'CMSL0405');
  const sms = await expectStatus(
    system
      .as('system')
      .co.post('/sms', {
        templateCode: 'SMS_SECURITY_DETAILS_UPDATED',
        recipient: { clientId: nrp.id, mobilePhone: nrp.mobilePhone },
        caseId: kase.id,
        jurisdiction: 'GB',
        personalisation: {},
      })
      .set('idempotency-key', randomUUID()),
    201,
  );

  // One daily broadcast for both families (BR-1..BR-8).
  const batchId = await broadcastDay(system, [
    {
      nino: nrp.nino,
      change: { type: 'ADDRESS_CHANGE', address: NRP_BROADCAST_ADDRESS, addressStartDate: '2026-01-01' },
    },
    {
      nino: oPwc.nino,
      change: {
        type: 'ADDRESS_CHANGE',
        address: { line1: '2 Foxglove Walk', town: 'Bradford', postcode: 'BD3 7LS' },
        addressStartDate: '2026-01-01',
      },
    },
    {
      nino: oNrp.nino,
      change: { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2026-01-01' },
    },
  ]);
  const transactions = (await expectStatus(sct.ci.get(`/broadcasts/${batchId}/transactions?limit=500`), 200))
    .body.items as {
    id: string;
    transactionId: string;
    reference: string;
    serviceRequest?: { id: string } | null;
    letterId?: string | null;
  }[];
  const familyTx = transactions.filter((t) => t.reference === nrp.nino);
  const cisChangeId = familyTx.find((t) => t.serviceRequest)?.serviceRequest?.id;
  const mopfLetterId = transactions.find((t) => t.reference === oNrp.nino)?.letterId;
  if (!cisChangeId || !mopfLetterId) throw new Error(`Broadcast outcomes: ${JSON.stringify(transactions)}`);
  const cisChange = await desk.get(cisChangeId, 'sensitiveCaseTeam');

  await waitUntilSent(system, 'letters', cmsl9800.id);
  await waitUntilSent(system, 'letters', cmsl0405.id);
  await waitUntilSent(system, 'letters', mopfLetterId);
  await waitUntilSent(system, 'sms', sms.body.id);

  // The sensitive case team flags the case: from now on only sensitive access may deal with it.
  await moveCase(system, kase.id, { nationallySensitive: true }, 'sensitiveCaseTeam');
  await expectStatus(cw.sr.get(`/cases/${kase.id}`), 403);

  const sensitive: SensitiveFamily = {
    caseId: kase.id,
    caseNumber: kase.caseNumber,
    pwc,
    nrp,
    pwcOnCis: SENSITIVE_PWC_ON_CIS,
    nrpBroadcastAddress: NRP_BROADCAST_ADDRESS,
    representative,
    srs: {
      security: await desk.get(security.id, 'sensitiveCaseTeam'),
      transfer: await desk.get(transfer.id, 'sensitiveCaseTeam'),
      personal: await desk.get(personal.id, 'sensitiveCaseTeam'),
      cisChange: await desk.get(cisChange.id, 'sensitiveCaseTeam'),
    },
    letters: { cmsl9800: cmsl9800.id, cmsl0405: cmsl0405.id },
    smsId: sms.body.id,
    interests,
    retrievalId: retrieval.id,
    discrepancyIds: discrepancies.map((d) => d.id),
    cisUpdateId,
    broadcast: {
      batchId,
      transactionIds: familyTx.map((t) => t.transactionId),
      ids: familyTx.map((t) => t.id),
    },
    checked: {
      client: checked,
      retrievalId: checkedRetrieval.id,
      callBack: await desk.get(callBackId, 'sensitiveCaseTeam'),
    },
  };
  const ordinary: OrdinaryFamily = {
    caseId: oCase.id,
    caseNumber: oCase.caseNumber,
    pwc: oPwc,
    nrp: oNrp,
    child: oChild,
    sr: oSr,
    retrievalId: oRetrieval.id,
    cisUpdateId: oCisUpdateId,
    broadcast: { batchId },
    mopfLetterId,
  };
  return { sensitive, ordinary };
}

/**
 * Every value that identifies the sensitive family or its records, by what it is: names, NINOs
 * (whole, spaced and masked), dates of birth, addresses, phones, emails and every record id and
 * number. None may reach a caller without sensitive access.
 */
export function identifyingValues(f: SensitiveFamily): Map<string, string> {
  const values = new Map<string, string>();
  const add = (label: string, value: string | null | undefined) => {
    if (value) values.set(value, label);
  };
  for (const [who, c] of [
    ['receiving parent', f.pwc],
    ['paying parent', f.nrp],
    ['Sensitive Check client', f.checked.client],
  ] as const) {
    add(`${who} id`, c.id);
    add(`${who} first name`, c.firstName);
    add(`${who} last name`, c.lastName);
    add(`${who} NINO`, c.nino);
    add(`${who} NINO (spaced)`, c.nino.replace(/^(..)(..)(..)(..)(.)$/, '$1 $2 $3 $4 $5'));
    add(`${who} NINO (masked)`, maskNino(c.nino));
    add(`${who} date of birth`, c.dateOfBirth);
    add(`${who} address`, c.address?.line1);
    add(`${who} postcode`, c.address?.postcode);
    for (const phone of [c.homePhone, c.mobilePhone]) {
      if (!phone) continue;
      add(`${who} phone`, phone);
      add(`${who} phone`, e164(phone));
    }
    add(`${who} email`, c.homeEmail);
  }
  add('receiving parent address on CIS', f.pwcOnCis.address.line1);
  add('receiving parent postcode on CIS', f.pwcOnCis.address.postcode);
  add('receiving parent phone on CIS', f.pwcOnCis.homePhone);
  add('receiving parent phone on CIS', e164(f.pwcOnCis.homePhone));
  add('paying parent address broadcast', f.nrpBroadcastAddress.line1);
  add('paying parent postcode broadcast', f.nrpBroadcastAddress.postcode);
  add('representative id', f.representative.id);
  add('representative first name', f.representative.firstName);
  add('representative last name', f.representative.lastName);
  add('representative phone', f.representative.phone);
  add('representative phone', e164(f.representative.phone));
  add('case id', f.caseId);
  add('case number', f.caseNumber);
  for (const [name, sr] of Object.entries(f.srs)) {
    add(`${name} SR id`, sr.id);
    add(`${name} SR number`, sr.srNumber);
  }
  add('Sensitive Check retrieval id', f.checked.retrievalId);
  add('call back SR id', f.checked.callBack.id);
  add('call back SR number', f.checked.callBack.srNumber);
  add('CMSL9800 letter id', f.letters.cmsl9800);
  add('CMSL0405 letter id', f.letters.cmsl0405);
  add('SMS id', f.smsId);
  add('receiving parent interest id', f.interests.pwc);
  add('paying parent interest id', f.interests.nrp);
  add('retrieval id', f.retrievalId);
  f.discrepancyIds.forEach((id) => add('discrepancy id', id));
  add('CIS update id', f.cisUpdateId);
  f.broadcast.transactionIds.forEach((id) => add('broadcast transaction id', id));
  f.broadcast.ids.forEach((id) => add('broadcast transaction record id', id));
  return values;
}

/** Each service's database, as the running app holds it. */
function db(system: AcceptanceSystem, key: ServiceKey): DataSource {
  return system.services[key].app.get(DataSource);
}

/** Rows in each service's audit_log. */
export async function auditCounts(system: AcceptanceSystem): Promise<Record<ServiceKey, number>> {
  const counts = await Promise.all(
    SERVICES.map(async (k) => {
      const [row] = await db(system, k).query(`SELECT count(*)::int AS n FROM audit_log`);
      return [k, row.n as number] as const;
    }),
  );
  return Object.fromEntries(counts) as Record<ServiceKey, number>;
}

/** audit_log rows written under any of `requestIds`, in every service. */
export async function auditRowsFor(
  system: AcceptanceSystem,
  requestIds: readonly string[],
): Promise<{ service: ServiceKey; action: string; entity_type: string; request_id: string }[]> {
  const rows = await Promise.all(
    SERVICES.map(async (k) =>
      (
        await db(system, k).query(
          `SELECT action, entity_type, request_id FROM audit_log WHERE request_id = ANY($1)`,
          [requestIds],
        )
      ).map((r: { action: string; entity_type: string; request_id: string }) => ({ service: k, ...r })),
    ),
  );
  return rows.flat();
}

/** Jobs of any service not finished yet (pg-boss: created, retry, active). */
async function pendingJobs(system: AcceptanceSystem): Promise<string[]> {
  const rows = await Promise.all(
    SERVICES.map(async (k) => {
      const found = await db(system, k)
        .query(`SELECT name, state FROM pgboss.job WHERE state IN ('created', 'retry', 'active')`)
        .catch(() => []);
      return (found as { name: string; state: string }[]).map((j) => `${k}: ${j.name} (${j.state})`);
    }),
  );
  return rows.flat();
}

/**
 * Waits until the system is at rest: no job left in any service and the audit counts unchanged
 * over two reads 300 ms apart. Returns those counts.
 */
export async function quiet(system: AcceptanceSystem): Promise<Record<ServiceKey, number>> {
  let last = '';
  let pending: string[] = [];
  try {
    return await waitFor(
      'every service at rest (no job left, audit unchanged)',
      async () => {
        pending = await pendingJobs(system);
        const counts = await auditCounts(system);
        const now = JSON.stringify(counts);
        const still = !pending.length && now === last;
        last = now;
        if (!still) await new Promise((r) => setTimeout(r, 300));
        return still ? counts : null;
      },
      30_000,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; jobs still pending: ${pending.join(', ') || 'none'}`);
  }
}
