import { eventually } from '@cms/testing';
import type request from 'supertest';
import type { AcceptanceSystem, Caller } from './system';

/**
 * Runs one step of a story. A failure names the step, so a long scenario reads like the procedure
 * and says where it broke.
 */
export async function step<T>(title: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof Error) e.message = `Step "${title}" failed:\n${e.message}`;
    throw e;
  }
}

/** Awaits a call and checks its status; the error shows the method, path and the body answered. */
export async function expectStatus(call: request.Test, status: number): Promise<request.Response> {
  const res = await call;
  if (res.status !== status) {
    const { method, url } = call as unknown as { method: string; url: string };
    throw new Error(
      `${method} ${url} answered ${res.status}, expected ${status}:\n${(res.text ?? '').slice(0, 3000)}`,
    );
  }
  return res;
}

/** Polls until `check` returns a value (see @cms/testing eventually), with a message when it never does. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  try {
    return await eventually(check, timeoutMs, 100);
  } catch (e) {
    throw new Error(`Waited ${timeoutMs} ms for ${what}: ${(e as Error).message}`);
  }
}

/** Personal details of a client as CMS (and, where it holds them, CIS) records them. */
export interface PersonDetails {
  nino: string;
  firstName: string;
  lastName: string;
  dateOfBirth?: string;
  dateOfBirthVerified?: boolean;
  sex?: 'M' | 'F';
  address?: { line1: string; line2?: string; town: string; postcode: string };
  addressStartDate?: string;
  homePhone?: string;
  mobilePhone?: string;
  homeEmail?: string;
}

/** A client as the tests keep them: CMS's id and the details they were created with. */
export interface Client extends PersonDetails {
  id: string;
}

/** A case with its receiving parent (PWC) and paying parent (NRP). */
export interface Family {
  caseId: string;
  caseNumber: string;
  receivingParent: Client;
  payingParent: Client;
}

/**
 * A caseworker records both parents in service-requests and opens their case at `stage` (an
 * application, or a case in maintenance), as the 2012 system would hold them.
 */
export async function givenFamily(
  system: AcceptanceSystem,
  opts: {
    stage: 'application' | 'new case' | 'maintenance';
    receivingParent: PersonDetails;
    payingParent: PersonDetails;
    jurisdiction?: 'GB' | 'NI';
  },
): Promise<Family> {
  const cw = system.as('caseworker');
  const create = async (p: PersonDetails): Promise<Client> => {
    const res = await expectStatus(cw.sr.post('/clients', p), 201);
    return { ...p, id: res.body.id };
  };
  const receivingParent = await create(opts.receivingParent);
  const payingParent = await create(opts.payingParent);
  const kase = await expectStatus(
    cw.sr.post('/cases', {
      jurisdiction: opts.jurisdiction ?? 'GB',
      stage: opts.stage,
      participants: [
        { clientId: receivingParent.id, role: 'PWC' },
        { clientId: payingParent.id, role: 'NRP' },
      ],
    }),
    201,
  );
  return { caseId: kase.body.id, caseNumber: kase.body.caseNumber, receivingParent, payingParent };
}

/**
 * The person's record on CIS (in the simulator, "elsewhere in DWP"): by default the same details
 * CMS holds, optionally different, nationally sensitive, or with CMG interests already registered.
 */
export async function givenCisRecord(
  system: AcceptanceSystem,
  person: PersonDetails,
  opts: {
    differences?: Partial<PersonDetails>;
    nationallySensitive?: boolean;
    interestTypes?: string[];
  } = {},
): Promise<void> {
  // A Client carries CMS's id: CIS knows the person by NINO only.
  const {
    nino,
    id: _cmsId,
    ...details
  } = { ...person, ...opts.differences } as PersonDetails & {
    id?: string;
  };
  await expectStatus(
    system.as('system').sim.post('/admin/persons', {
      referenceKind: 'NINO',
      reference: nino,
      ...details,
      dateOfBirthVerified: details.dateOfBirthVerified ?? false,
      nationallySensitive: opts.nationallySensitive ?? false,
      interestTypes: opts.interestTypes ?? [],
    }),
    201,
  );
}

/** What CIS holds for a NINO now (the simulator's admin view, with interests and changes). */
export async function cisRecord(system: AcceptanceSystem, nino: string): Promise<Record<string, any>> {
  return (
    await expectStatus(
      system.as('system').sim.post('/admin/persons/lookup', { referenceKind: 'NINO', reference: nino }),
      200,
    )
  ).body;
}

/** An SR as service-requests shows it (the fields the stories read). */
export interface Sr {
  id: string;
  srNumber: string;
  type: string;
  path: string;
  process: string;
  area: string;
  subArea: string;
  status: string;
  subStatus: string | null;
  resolutionCode: string | null;
  source: string;
  subject: { clientId: string; role: string } | null;
  caseIds: string[];
  changeType: string | null;
  details: Record<string, any>;
  readOnly: boolean;
  editable: boolean;
  nextActionDue: string | null;
  queue: string;
  nationallySensitive: boolean;
  cisUpdateEnabled: boolean;
  activityPlan: { key: string; outcome: string | null; reason: string | null }[];
  notes: { text: string; author: string }[];
  version: number;
}

/** The outcome recorded on an SR's activity plan step (undefined when the plan has no such step). */
export function outcomeOf(sr: Sr, key: string): string | null | undefined {
  return sr.activityPlan.find((s) => s.key === key)?.outcome;
}

/**
 * Working SRs in service-requests the way a caseworker does: raise, record activity plan outcomes,
 * move Status / Sub Status (always with the version last read), add notes.
 */
export class SrDesk {
  constructor(private readonly system: AcceptanceSystem) {}

  private http(caller: Caller) {
    return this.system.as(caller).sr;
  }

  async raise(body: Record<string, unknown>, caller: Caller = 'caseworker'): Promise<Sr> {
    return (await expectStatus(this.http(caller).post('/service-requests', body), 201)).body;
  }

  async get(id: string, caller: Caller = 'caseworker'): Promise<Sr> {
    return (await expectStatus(this.http(caller).get(`/service-requests/${id}`), 200)).body;
  }

  /** SRs about a client, newest first. */
  async ofClient(clientId: string, caller: Caller = 'caseworker'): Promise<Sr[]> {
    return (await expectStatus(this.http(caller).get(`/service-requests?clientId=${clientId}`), 200)).body;
  }

  /** Moves the SR; `extra` carries resolutionCode, nextActionDue or reason where the move needs them. */
  async move(
    sr: Sr,
    status: string,
    subStatus: string | null,
    extra: { resolutionCode?: string; nextActionDue?: string; reason?: string } = {},
    caller: Caller = 'caseworker',
  ): Promise<Sr> {
    return (await expectStatus(this.tryMove(sr, status, subStatus, extra, caller), 200)).body;
  }

  /** The move's raw answer, for moves the rules refuse. */
  tryMove(
    sr: Sr,
    status: string,
    subStatus: string | null,
    extra: { resolutionCode?: string; nextActionDue?: string; reason?: string } = {},
    caller: Caller = 'caseworker',
  ): request.Test {
    return this.http(caller).post(`/service-requests/${sr.id}/transitions`, {
      version: sr.version,
      to: { status, subStatus },
      ...extra,
    });
  }

  async outcome(
    sr: Sr,
    key: string,
    outcome: string,
    reason?: string,
    caller: Caller = 'caseworker',
  ): Promise<Sr> {
    return (
      await expectStatus(
        this.http(caller).put(`/service-requests/${sr.id}/activity-steps/${key}`, {
          version: sr.version,
          outcome,
          reason,
        }),
        200,
      )
    ).body;
  }

  async note(sr: Sr, text: string, caller: Caller = 'caseworker'): Promise<Sr> {
    return (await expectStatus(this.http(caller).post(`/service-requests/${sr.id}/notes`, { text }), 201))
      .body;
  }

  /** The ids of the open SRs in a work queue, as `caller` sees it. */
  async queue(queue: string, caller: Caller = 'caseworker'): Promise<string[]> {
    const res = await expectStatus(this.http(caller).get(`/work-queues/${queue}?limit=200`), 200);
    return (res.body.items as { id: string }[]).map((i) => i.id);
  }

  /** An ISO date-time `days` ahead of service-requests' clock (for Wait's next action due). */
  async inDays(days: number): Promise<string> {
    return new Date((await this.system.now('sr')).getTime() + days * 86_400_000).toISOString();
  }
}

/** A letter or SMS in correspondence's issue log. */
export interface IssueLogItem {
  id: string;
  channel: 'letter' | 'sms';
  templateCode: string;
  status: string;
  serviceRequestId?: string | null;
  [key: string]: unknown;
}

/** The client's issue log in correspondence (letters and SMS, newest first). */
export async function issueLog(
  system: AcceptanceSystem,
  clientId: string,
  caller: Caller = 'caseworker',
): Promise<IssueLogItem[]> {
  const res = await expectStatus(system.as(caller).co.get(`/issue-log?clientId=${clientId}&limit=100`), 200);
  return res.body.items;
}

/** Waits until the client's issue log shows `templateCode` (the letter or SMS a job delivers). */
export async function waitForIssued(
  system: AcceptanceSystem,
  clientId: string,
  templateCode: string,
  count = 1,
): Promise<IssueLogItem[]> {
  return waitFor(`${count} × ${templateCode} in the issue log`, async () => {
    const found = (await issueLog(system, clientId)).filter((i) => i.templateCode === templateCode);
    return found.length >= count ? found : null;
  });
}

/**
 * Moves CIS's (the simulator's) clock to the next UK `hh:00` at least an hour ahead and returns
 * that UK day (YYYY-MM-DD): changes recorded then belong to that day's broadcast (BR-2).
 */
export async function moveCisClockToNext(system: AcceptanceSystem, hour: number): Promise<string> {
  const target = new Date((await system.now('sim')).getTime() + 3_600_000);
  target.setUTCMinutes(0, 0, 0);
  const ukHour = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  while (Number(ukHour.format(target)) !== hour) target.setTime(target.getTime() + 3_600_000);
  await expectStatus(
    system.as('system').sim.post('/internal/clock/advance', { to: target.toISOString() }),
    200,
  );
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(target);
}

/** A change made to the person's CIS record elsewhere in DWP (the simulator's admin API). */
export async function changeElsewhereInDwp(
  system: AcceptanceSystem,
  nino: string,
  change: Record<string, unknown>,
): Promise<void> {
  await expectStatus(
    system.as('system').sim.post('/admin/changes', { referenceKind: 'NINO', reference: nino, change }),
    201,
  );
}

/** One day's run of CIS's daily broadcast. */
export interface BroadcastRun {
  day: string;
  batchId: string | null;
  transactionCount: number;
  excluded: { replacedSameDay: number; noInterest: number; madeByCmg: number; personDeleted: number };
}

/** Runs CIS's daily broadcast for every day that is due by CIS's clock (BR-2). */
export async function runCisBroadcast(system: AcceptanceSystem): Promise<BroadcastRun[]> {
  return (await expectStatus(system.as('system').sim.post('/admin/broadcasts/run', {}), 200)).body.runs;
}

/** Time a whole story may take: generous, for a loaded machine (the stories take 3–8 s alone). */
export const STORY_TIMEOUT_MS = 120_000;
