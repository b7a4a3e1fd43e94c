import { CASE_STAGES, ROLES, type Actor, type Role, type SrTypeCode } from '@cms/domain';
import {
  FOLLOW_UP_ACTOR,
  SR_TYPES,
  assertRecordableOutcome,
  assertTransition,
  followUpOnWaitExpiry,
  type Guard,
  type SrSnapshot,
  type SrState,
  type SrTypeDefinition,
  type TransitionDef,
  type TransitionRequest,
} from '../src';

export const T0 = new Date('2025-03-03T09:00:00Z');
export const NOW = new Date('2025-03-04T09:00:00Z');
export const DAY = 24 * 60 * 60 * 1000;
export const inDays = (days: number, from: Date = NOW) => new Date(from.getTime() + days * DAY);

export const caseworker: Actor = { id: 'cw-1', roles: ['caseworker'] };
export const caseworker2: Actor = { id: 'cw-2', roles: ['caseworker'] };
export const teamLeader: Actor = { id: 'tl-1', roles: ['team-leader'] };
export const sensitiveCaseworker: Actor = { id: 'sc-1', roles: ['caseworker', 'sensitive-access'] };
export const system: Actor = { id: 'svc', roles: ['system'] };
/** Has every role: a move refused for it is refused by the table itself, not by a guard. */
export const everyone: Actor = { id: 'all-1', roles: [...ROLES] };

/** A snapshot of `type`: Open, linked, subject recorded, nothing on the plan. */
export function snapshot(type: SrTypeCode, over: Partial<SrSnapshot> = {}): SrSnapshot {
  return {
    type,
    path: null,
    status: 'Open',
    subStatus: null,
    resolutionCode: null,
    source: 'PWC',
    readOnly: false,
    submittedForApprovalBy: null,
    nationallySensitive: false,
    activityPlan: [],
    nextActionDue: null,
    createdAt: T0,
    stage: 'maintenance',
    caseLinked: true,
    subjectRecorded: true,
    ...over,
  };
}

/** The SR with step `key` set to `outcome` (added when absent). */
export function withOutcome(sr: SrSnapshot, key: string, outcome: string | null): SrSnapshot {
  const plan = sr.activityPlan.some((s) => s.key === key)
    ? sr.activityPlan.map((s) => (s.key === key ? { key, outcome } : s))
    : [...sr.activityPlan, { key, outcome }];
  return { ...sr, activityPlan: plan };
}

export function withoutStep(sr: SrSnapshot, key: string): SrSnapshot {
  return { ...sr, activityPlan: sr.activityPlan.filter((s) => s.key !== key) };
}

export function stepTemplates(def: SrTypeDefinition, path: string) {
  return [...def.activityPlan(path), ...def.followUpSteps(path)];
}

/** A request to `to`, by `actor`, at NOW. */
export function request(to: SrState, actor: Actor, over: Partial<TransitionRequest> = {}): TransitionRequest {
  return { to: { status: to.status, subStatus: to.subStatus }, actor, now: NOW, ...over };
}

/** A Wait that has not expired yet, for snapshots in Wait. */
const pendingDue = () => inDays(3);

/**
 * A snapshot and request that satisfy every guard of `t` from state `from` on `path`, built from the
 * guard data alone — so the tests follow the table rather than restate it.
 */
export function satisfying(
  def: SrTypeDefinition,
  path: string,
  t: TransitionDef,
  from: SrState,
): { sr: SrSnapshot; req: TransitionRequest } {
  const stateDef = def.states.find((s) => s.status === from.status && s.subStatus === from.subStatus);
  const selfServicePath = def.paths.find((p) => p.key === path)?.sources?.[0];
  let sr = snapshot(def.code, {
    path,
    status: from.status,
    subStatus: from.subStatus,
    readOnly: stateDef?.readOnly ?? false,
    nextActionDue: from.status === 'Wait' ? pendingDue() : null,
    source: selfServicePath ?? 'PWC',
  });
  let roles: Role[] = ['caseworker'];
  const req: Partial<TransitionRequest> = {};
  const templates = stepTemplates(def, path);
  for (const g of t.guards) {
    switch (g.kind) {
      case 'role':
        roles = [g.anyOf[0]];
        break;
      case 'approver-not-submitter':
        sr = { ...sr, submittedForApprovalBy: 'someone-else' };
        break;
      case 'stage-in':
        sr = { ...sr, stage: g.stages[0] };
        break;
      case 'stage-not-in':
        sr = { ...sr, stage: CASE_STAGES.find((s) => !g.stages.includes(s)) ?? null };
        break;
      case 'wait-expired':
        sr = { ...sr, nextActionDue: inDays(-0.5) };
        break;
      case 'step-outcome': {
        const tmpl = templates.find((s) => s.key === g.step);
        sr = withOutcome(sr, g.step, g.oneOf?.[0] ?? tmpl?.allowedOutcomes[0] ?? 'done');
        break;
      }
      case 'step-outcome-absent':
        sr = withoutStep(sr, g.step);
        break;
      case 'validations-complete': {
        const plan = def.activityPlan(path);
        const end = plan.findIndex((s) => s.key === g.beforeStep);
        for (const s of plan.slice(0, end)) {
          if (!s.optional && !sr.activityPlan.some((x) => x.key === s.key && x.outcome)) {
            sr = withOutcome(sr, s.key, s.allowedOutcomes[0]);
          }
        }
        break;
      }
      case 'resolution-code':
        req.resolutionCode = g.oneOf[0];
        break;
      case 'next-action-due':
        // The procedure's own period where the table sets one (SD-9, SD-10, TD-3, TD-11).
        req.nextActionDue = inDays(g.days ?? 7);
        break;
      case 'transfer-items-entered':
        sr = {
          ...sr,
          transfer: { items: ['mobile'], declarationSigned: null, consentAccepted: null, ...sr.transfer },
        };
        break;
      case 'declaration-signed':
        sr = {
          ...sr,
          transfer: { items: ['mobile'], consentAccepted: null, ...sr.transfer, declarationSigned: true },
        };
        break;
      case 'consent-accepted':
        sr = {
          ...sr,
          transfer: {
            items: ['bankDetails'],
            declarationSigned: null,
            ...sr.transfer,
            consentAccepted: true,
          },
        };
        break;
      case 'note-recorded':
        sr = { ...sr, notes: [...(sr.notes ?? []), g.text] };
        break;
      case 'reason':
        req.reason = 'A reason for the notes.';
        break;
      default:
        break;
    }
  }
  // A second guard on the same step (e.g. accept after assess) must not be undone by a later one.
  for (const g of t.guards) {
    if (g.kind === 'step-outcome' && g.oneOf) {
      const current = sr.activityPlan.find((s) => s.key === g.step)?.outcome;
      if (!current || !g.oneOf.includes(current)) sr = withOutcome(sr, g.step, g.oneOf[0]);
    }
  }
  return { sr, req: request(t.to, { id: 'actor-1', roles }, req) };
}

/** Every (type, path, state) of the table. */
export function everyState(): [SrTypeCode, string, string, SrTypeDefinition, SrState][] {
  return Object.values(SR_TYPES).flatMap((def) =>
    def.paths.flatMap((p) =>
      def.states.map(
        (s) =>
          [def.code, p.key, s.subStatus ? `${s.status} / ${s.subStatus}` : s.status, def, { ...s }] as [
            SrTypeCode,
            string,
            string,
            SrTypeDefinition,
            SrState,
          ],
      ),
    ),
  );
}

/** Every (type, path, transition, from state) of the table. */
export function everyTransition(): [string, SrTypeDefinition, string, TransitionDef, SrState][] {
  const out: [string, SrTypeDefinition, string, TransitionDef, SrState][] = [];
  for (const def of Object.values(SR_TYPES)) {
    for (const p of def.paths) {
      for (const t of def.transitions) {
        if (t.paths && !t.paths.includes(p.key)) continue;
        for (const m of t.from) {
          for (const s of def.states.filter(
            (x) => x.status === m.status && (m.subStatus === '*' || x.subStatus === m.subStatus),
          )) {
            const label = `${def.code} ${p.key} ${t.name} from ${s.subStatus ? `${s.status} / ${s.subStatus}` : s.status}`;
            out.push([label, def, p.key, t, { status: s.status, subStatus: s.subStatus }]);
          }
        }
      }
    }
  }
  return out;
}

export type { Guard };

/**
 * What the service-requests service does with an allowed decision, reduced to the snapshot: take
 * `next`, create generated steps, record outcomes. Throws when refused (the test then fails loudly).
 */
export function apply(sr: SrSnapshot, req: TransitionRequest): SrSnapshot {
  const decision = assertTransition(sr, req);
  let out: SrSnapshot = {
    ...sr,
    status: decision.next.status,
    subStatus: decision.next.subStatus,
    resolutionCode: decision.next.resolutionCode,
    nextActionDue: decision.next.nextActionDue,
    readOnly: decision.next.readOnly,
    submittedForApprovalBy: decision.next.submittedForApprovalBy,
    approvedBy: decision.next.approvedBy,
    approvedAt: decision.next.approvedAt,
    flag: decision.next.flag,
    path: decision.next.path,
  };
  for (const e of decision.effects) {
    if (e.kind === 'add-note' && req.reason) out = { ...out, notes: [...(out.notes ?? []), req.reason] };
    if (e.kind === 'generate-activity-plan') {
      const missing = (e.steps ?? []).filter((s) => !out.activityPlan.some((x) => x.key === s.key));
      out = {
        ...out,
        activityPlan: [...out.activityPlan, ...missing.map((s) => ({ key: s.key, outcome: null }))],
      };
    }
    if (e.kind === 'record-activity-outcome') out = withOutcome(out, e.step, e.outcome);
  }
  return out;
}

/**
 * Records an outcome as a caseworker would, through validateActivityOutcome, with the note the
 * outcome writes to the SR Notes (TD-9: the consent statement accepted).
 */
export function record(
  sr: SrSnapshot,
  key: string,
  outcome: string,
  reason?: string,
  actor: Actor = caseworker,
): SrSnapshot {
  const { note } = assertRecordableOutcome(sr, key, outcome, { reason, actor });
  const out = withOutcome(sr, key, outcome);
  return note && !(out.notes ?? []).includes(note) ? { ...out, notes: [...(out.notes ?? []), note] } : out;
}

/** The SR with a transfer recorded, as `PUT transfer-items` stores it (TD-1, TD-4, TD-9). */
export function withTransfer(
  sr: SrSnapshot,
  transfer: Partial<NonNullable<SrSnapshot['transfer']>> = {},
): SrSnapshot {
  return {
    ...sr,
    transfer: { items: ['mobile'], declarationSigned: null, consentAccepted: null, ...transfer },
  };
}

/**
 * The SR as the service (FollowUpsService) leaves it after its Wait expired at `now`: each
 * follow-up action in order — a flag is set and written to the Notes, steps are added, transitions
 * applied as the system with the flag the expiry raised. What the caseworker then sees.
 */
export function expire(sr: SrSnapshot, now: Date): SrSnapshot {
  let out = sr;
  for (const a of followUpOnWaitExpiry(sr, now)) {
    if (a.kind === 'flag-for-caseworker') {
      out = { ...out, flag: a.message, notes: [...(out.notes ?? []), a.message] };
    } else if (a.kind === 'add-activity-step') {
      if (!out.activityPlan.some((s) => s.key === a.step.key))
        out = { ...out, activityPlan: [...out.activityPlan, { key: a.step.key, outcome: null }] };
    } else {
      out = apply(
        out,
        request(a.to, FOLLOW_UP_ACTOR, {
          resolutionCode: a.resolutionCode,
          nextActionDue: a.nextActionDue,
          reason: a.reason,
          flag: (a as { flag?: string | null }).flag ?? null,
          now,
        }),
      );
    }
  }
  return out;
}
