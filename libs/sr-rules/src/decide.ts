import {
  addDays,
  hasSensitiveAccess,
  isFinalSrStatus,
  isResolutionCode,
  isSrStatus,
  isSrSubStatus,
  ukToday,
  type Actor,
  type ResolutionCode,
} from '@cms/domain';
import { incompleteValidations, stepOutcome } from './activity-plan';
import { SrRuleError } from './errors';
import type {
  AllowedTransitionDecision,
  Guard,
  GuardKind,
  SrEffect,
  SrRefusal,
  SrRuleReason,
  SrSnapshot,
  SrState,
  SrTypeDefinition,
  TransitionDecision,
  TransitionDef,
  TransitionRequest,
} from './model';
import { definitionOf, resolvePath, sameState, stateDefOf, stateLabel, transitionsFrom } from './table';

/**
 * Order in which guards are checked, whatever order the table lists them in: who may act first, then
 * the state of the SR and its activity plan, then the fields of the request.
 */
const GUARD_PRIORITY: readonly GuardKind[] = [
  'sensitive-access',
  'not-read-only',
  'role',
  'approver-not-submitter',
  'case-linked',
  'subject-recorded',
  'stage-in',
  'stage-not-in',
  'wait-expired',
  'validations-complete',
  'step-outcome-absent',
  'step-outcome',
  'transfer-items-entered',
  'declaration-signed',
  'consent-accepted',
  'note-recorded',
  'resolution-code',
  'next-action-due',
  'reason',
];

/** Guards that depend on the request's fields rather than on the SR and the actor. */
const REQUEST_GUARDS: readonly GuardKind[] = ['resolution-code', 'next-action-due', 'reason'];

interface GuardContext {
  def: SrTypeDefinition;
  path: string;
  sr: SrSnapshot;
  actor: Actor;
  /** Absent when only the SR and actor are being checked (allowedTransitions). */
  request?: TransitionRequest;
  now?: Date;
}

function refusal(
  reason: SrRuleReason,
  message: string,
  extra: Partial<Pick<SrRefusal, 'requirementId' | 'field' | 'allowedNext'>> = {},
): SrRefusal {
  const out: SrRefusal = { allowed: false, reason, message };
  if (extra.requirementId) out.requirementId = extra.requirementId;
  if (extra.field) out.field = extra.field;
  if (extra.allowedNext) out.allowedNext = extra.allowedNext;
  return out;
}

const isValidDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

/** Checks one guard; null when it passes. Request guards pass when there is no request. */
function checkGuard(guard: Guard, ctx: GuardContext): SrRefusal | null {
  const { def, path, sr, actor, request, now } = ctx;
  const req = guard.requirementId ? { requirementId: guard.requirementId } : {};
  switch (guard.kind) {
    case 'sensitive-access':
      return sr.nationallySensitive && !hasSensitiveAccess(actor)
        ? refusal(
            'SENSITIVE_ACCESS_REQUIRED',
            'Insufficient Access: this case is nationally sensitive and only caseworkers with sensitive access can deal with it.',
            req,
          )
        : null;
    case 'not-read-only':
      return sr.readOnly
        ? refusal('SR_READ_ONLY', 'The SR was approved by a team leader and is read-only.', req)
        : null;
    case 'role':
      return guard.anyOf.some((r) => actor.roles.includes(r))
        ? null
        : refusal('ROLE_NOT_ALLOWED', `Only ${guard.anyOf.join(' or ')} may do this.`, req);
    case 'approver-not-submitter':
      return sr.submittedForApprovalBy !== null && sr.submittedForApprovalBy === actor.id
        ? refusal(
            'APPROVER_IS_SUBMITTER',
            'A team leader cannot approve or reject an SR they submitted for approval themselves.',
            req,
          )
        : null;
    case 'case-linked':
      return sr.caseLinked === true
        ? null
        : refusal('CASE_NOT_LINKED', 'Link the case to the SR first.', req);
    case 'subject-recorded':
      return sr.subjectRecorded === true
        ? null
        : refusal('SUBJECT_NOT_RECORDED', 'Record the subject (the person and their role) first.', req);
    case 'stage-in':
      return sr.stage && guard.stages.includes(sr.stage)
        ? null
        : refusal(
            'STAGE_NOT_ALLOWED',
            `Only at ${guard.stages.join(' or ')} stage (the case is at ${sr.stage ?? 'an unknown'} stage).`,
            req,
          );
    case 'stage-not-in':
      return sr.stage && guard.stages.includes(sr.stage)
        ? refusal('STAGE_NOT_ALLOWED', `Not at ${sr.stage} stage: the new case caseworker continues.`, req)
        : null;
    case 'wait-expired':
      if (!now) return null;
      return sr.nextActionDue && sr.nextActionDue.getTime() <= now.getTime()
        ? null
        : refusal(
            'WAIT_NOT_EXPIRED',
            sr.nextActionDue
              ? `The wait runs until ${sr.nextActionDue.toISOString()}.`
              : 'The SR has no next action due date.',
            req,
          );
    case 'validations-complete': {
      const missing = incompleteValidations(def, path, sr, guard.beforeStep);
      return missing.length === 0
        ? null
        : refusal(
            'ACTIVITY_STEP_INCOMPLETE',
            `Validations are not complete: record the outcome of ${missing.join(', ')}.`,
            req,
          );
    }
    case 'step-outcome-absent':
      return stepOutcome(sr, guard.step) === null
        ? null
        : refusal('ACTIVITY_STEP_ALREADY_DONE', `Activity step "${guard.step}" already has an outcome.`, req);
    case 'step-outcome': {
      const outcome = stepOutcome(sr, guard.step);
      if (outcome !== null && (!guard.oneOf || guard.oneOf.includes(outcome))) return null;
      const wanted = guard.oneOf ? ` (${guard.oneOf.join(' or ')})` : '';
      return refusal(
        'ACTIVITY_STEP_INCOMPLETE',
        outcome === null
          ? `Record the outcome of activity step "${guard.step}"${wanted} first.`
          : `Activity step "${guard.step}" has outcome "${outcome}"; this needs${wanted}.`,
        req,
      );
    }
    case 'resolution-code': {
      if (!request) return null;
      const code = request.resolutionCode ?? null;
      if (code === null) {
        return refusal('RESOLUTION_CODE_REQUIRED', `Give a Resolution Code: ${guard.oneOf.join(' or ')}.`, {
          ...req,
          field: 'resolutionCode',
        });
      }
      return guard.oneOf.includes(code)
        ? null
        : refusal(
            'RESOLUTION_CODE_NOT_ALLOWED',
            `Resolution Code "${code}" is not allowed here: use ${guard.oneOf.join(' or ')}.`,
            {
              ...req,
              field: 'resolutionCode',
            },
          );
    }
    case 'transfer-items-entered':
      return sr.transfer?.items.length
        ? null
        : refusal(
            'TRANSFER_ITEMS_MISSING',
            'Enter the items to pass on from the returned form first (only the transferable ones).',
            req,
          );
    case 'declaration-signed':
      return sr.transfer?.declarationSigned === true
        ? null
        : refusal(
            'DECLARATION_NOT_SIGNED',
            sr.transfer?.declarationSigned === false
              ? 'The declaration on the returned CMSL0405 is not signed: call the client; if they still wish to pass on their details, send CMSL0405 again.'
              : 'Record whether the declaration on the returned CMSL0405 is signed: nothing is passed on without it.',
            req,
          );
    case 'consent-accepted':
      return sr.transfer?.consentAccepted === true
        ? null
        : refusal(
            'CONSENT_NOT_RECORDED',
            'Record that the consent statement was read and accepted with the bank details; without consent use the CMSL0405 route.',
            req,
          );
    case 'note-recorded': {
      if (sr.notes?.includes(guard.text)) return null;
      const writer = [...def.activityPlan(path), ...def.followUpSteps(path)].flatMap((st) =>
        Object.entries(st.noteOnOutcome ?? {})
          .filter(([, text]) => text === guard.text)
          .map(([outcome]) => ` Record "${outcome}" on step "${st.key}" to write it.`),
      )[0];
      return refusal('NOTE_NOT_RECORDED', `The SR Notes must record: "${guard.text}"${writer ?? ''}`, req);
    }
    case 'next-action-due': {
      if (!request) return null;
      const due = request.nextActionDue ?? null;
      // The procedure sets the period: the rules apply it (see waitPeriodOf).
      if (due === null && guard.days !== undefined) return null;
      if (!isValidDate(due)) {
        return refusal('NEXT_ACTION_DUE_REQUIRED', 'Give a next action due date for the Wait.', {
          ...req,
          field: 'nextActionDue',
        });
      }
      if (due.getTime() <= request.now.getTime()) {
        return refusal('NEXT_ACTION_DUE_IN_PAST', 'The next action due date must be in the future.', {
          ...req,
          field: 'nextActionDue',
        });
      }
      if (guard.days === undefined) return null;
      // The procedures speak of a due date N days ahead: compared as UK calendar days.
      const wanted = ukToday(addDays(request.now, guard.days));
      const given = ukToday(due);
      if (given === wanted) return null;
      return refusal(
        given < wanted ? 'NEXT_ACTION_DUE_TOO_SOON' : 'NEXT_ACTION_DUE_TOO_LATE',
        `The procedure sets a Wait of ${guard.days} days: the next action is due on ${wanted}, not ${given}${
          given < wanted ? '' : ' (it allows no longer wait)'
        }. Leave the date out and the rules set it.`,
        { ...req, field: 'nextActionDue' },
      );
    }
    case 'reason':
      if (!request) return null;
      return request.reason?.trim()
        ? null
        : refusal('REASON_REQUIRED', 'Give the reason (it is written to the SR Notes).', {
            ...req,
            field: 'reason',
          });
  }
}

/** The guards of `t` in {@link GUARD_PRIORITY} order. */
function orderedGuards(t: TransitionDef): Guard[] {
  return [...t.guards].sort((a, b) => GUARD_PRIORITY.indexOf(a.kind) - GUARD_PRIORITY.indexOf(b.kind));
}

function resolutionCodesOf(t: TransitionDef): readonly ResolutionCode[] | null {
  const g = t.guards.find((x) => x.kind === 'resolution-code');
  return g && g.kind === 'resolution-code' ? g.oneOf : null;
}

function hasGuard(t: TransitionDef, kind: GuardKind): boolean {
  return t.guards.some((g) => g.kind === kind);
}

/** The days of Wait the procedure sets for `t` (its `next-action-due` guard's `days`), or null. */
function waitPeriodOf(t: TransitionDef): number | null {
  const g = t.guards.find((x) => x.kind === 'next-action-due');
  return g && g.kind === 'next-action-due' && g.days !== undefined ? g.days : null;
}

/** Distinct target states of `transitions`, in order. */
function targets(transitions: readonly TransitionDef[]): SrState[] {
  const out: SrState[] = [];
  for (const t of transitions) if (!out.some((s) => sameState(s, t.to))) out.push({ ...t.to });
  return out;
}

function describeTargets(transitions: readonly TransitionDef[]): string {
  if (transitions.length === 0) return 'none';
  return targets(transitions)
    .map((s) => {
      const names = [...new Set(transitions.filter((t) => sameState(t.to, s)).map((t) => t.name))];
      return `${stateLabel(s)} (${names.join(', ')})`;
    })
    .join('; ');
}

/** The effects of `t` with `generate-activity-plan` filled in for the path in force, and the final path. */
function resolveEffects(
  def: SrTypeDefinition,
  path: string,
  t: TransitionDef,
): { effects: SrEffect[]; path: string } {
  let current = path;
  const effects: SrEffect[] = [];
  for (const e of t.effects) {
    if (e.kind === 'set-path') current = e.path;
    effects.push(
      e.kind === 'generate-activity-plan'
        ? { kind: e.kind, steps: [...def.activityPlan(current)] }
        : { ...e },
    );
  }
  return { effects, path: current };
}

/**
 * The one place an SR transition is decided. Pure: reads only its arguments and the rule table, and
 * never throws for input of the declared types.
 *
 * Finds the transition of the SR's type and path from the current Status / Sub Status to `request.to`
 * and checks its guards. When several transitions share a source and target (e.g. the domestic-violence
 * closures, TD-12/TD-13), the request's resolution code picks one.
 *
 * Refusal order: UNKNOWN_SR_TYPE / UNKNOWN_STATUS / UNKNOWN_PATH (input outside the vocabulary);
 * SR_CLOSED (Closed or Cancelled); SR_READ_ONLY (TD-8: after TL approval everything but the system's
 * close or letter-refused); NO_SUCH_TRANSITION (message and `allowedNext` list the states allowed next); then the
 * guards: access (SENSITIVE_ACCESS_REQUIRED, ROLE_NOT_ALLOWED, APPROVER_IS_SUBMITTER), SR state
 * (CASE_NOT_LINKED, SUBJECT_NOT_RECORDED, STAGE_NOT_ALLOWED, WAIT_NOT_EXPIRED, ACTIVITY_STEP_INCOMPLETE,
 * ACTIVITY_STEP_ALREADY_DONE, TRANSFER_ITEMS_MISSING, DECLARATION_NOT_SIGNED, CONSENT_NOT_RECORDED,
 * NOTE_NOT_RECORDED), request fields (RESOLUTION_CODE_REQUIRED / _NOT_ALLOWED, NEXT_ACTION_DUE_REQUIRED /
 * _IN_PAST / _TOO_SOON / _TOO_LATE, REASON_REQUIRED).
 *
 * When allowed, `next` gives the SR's new fields: the resolution code only where the transition takes
 * one; the next action due date only in Wait (the procedure's period when the request gives none,
 * SD-9, SD-10, TD-3, TD-11); read-only, submitter and approver as the effects say; the flag the request
 * raises (a Wait expiry's), else none. `effects` are what the service must then do (letters, activity
 * outcomes, notes), in order.
 */
export function decideTransition(sr: SrSnapshot, request: TransitionRequest): TransitionDecision {
  const def = definitionOf(sr.type);
  if (!def) return refusal('UNKNOWN_SR_TYPE', `There is no SR type "${String(sr.type)}".`, { field: 'type' });
  if (!isSrStatus(sr.status) || (sr.subStatus !== null && !isSrSubStatus(sr.subStatus))) {
    return refusal(
      'UNKNOWN_STATUS',
      `The SR's current state "${stateLabel(sr)}" is not in the SR vocabulary.`,
    );
  }
  const to: SrState = { status: request.to?.status, subStatus: request.to?.subStatus ?? null };
  if (!isSrStatus(to.status) || (to.subStatus !== null && !isSrSubStatus(to.subStatus))) {
    return refusal('UNKNOWN_STATUS', `"${stateLabel(to)}" is not an SR Status / Sub Status.`, {
      field: 'to',
    });
  }
  const code = request.resolutionCode ?? null;
  if (code !== null && !isResolutionCode(code)) {
    return refusal('RESOLUTION_CODE_NOT_ALLOWED', `"${String(code)}" is not a Resolution Code.`, {
      field: 'resolutionCode',
    });
  }
  const path = resolvePath(def, sr);
  if (!path)
    return refusal('UNKNOWN_PATH', `"${String(sr.path)}" is not a path of ${def.code} SRs.`, {
      field: 'path',
    });
  if (isFinalSrStatus(sr.status)) {
    return refusal('SR_CLOSED', `The SR is ${sr.status}: it cannot change any more.`);
  }
  if (!stateDefOf(def, sr)) {
    return refusal('UNKNOWN_STATUS', `${def.code} SRs are never "${stateLabel(sr)}".`);
  }

  const fromHere = transitionsFrom(def, path, sr);
  let candidates = fromHere.filter((t) => sameState(t.to, to));
  const offered = sr.readOnly ? fromHere.filter((t) => !hasGuard(t, 'not-read-only')) : fromHere;
  if (sr.readOnly && !candidates.some((t) => !hasGuard(t, 'not-read-only'))) {
    return refusal(
      'SR_READ_ONLY',
      `The SR was approved by a team leader and is read-only; only the system moves it on, once correspondence has issued or refused the letter. Allowed next: ${describeTargets(offered)}.`,
      { requirementId: 'TD-8', allowedNext: targets(offered) },
    );
  }
  if (candidates.length === 0) {
    return refusal(
      'NO_SUCH_TRANSITION',
      `A ${def.code} SR (${path}) cannot go from "${stateLabel(sr)}" to "${stateLabel(to)}". Allowed next: ${describeTargets(fromHere)}.`,
      { field: 'to', allowedNext: targets(fromHere) },
    );
  }
  if (candidates.length > 1) {
    const codes = [...new Set(candidates.flatMap((t) => resolutionCodesOf(t) ?? []))];
    if (code === null) {
      return refusal('RESOLUTION_CODE_REQUIRED', `Give a Resolution Code: ${codes.join(' or ')}.`, {
        field: 'resolutionCode',
      });
    }
    candidates = candidates.filter((t) => resolutionCodesOf(t)?.includes(code));
    if (candidates.length === 0) {
      return refusal(
        'RESOLUTION_CODE_NOT_ALLOWED',
        `Resolution Code "${code}" is not allowed here: use ${codes.join(' or ')}.`,
        {
          field: 'resolutionCode',
        },
      );
    }
  }
  const t = candidates[0];
  const ctx: GuardContext = { def, path, sr, actor: request.actor, request, now: request.now };
  for (const guard of orderedGuards(t)) {
    const refused = checkGuard(guard, ctx);
    if (refused) return refused;
  }
  const takesCode = resolutionCodesOf(t) !== null;
  if (!takesCode && code !== null) {
    return refusal(
      'RESOLUTION_CODE_NOT_ALLOWED',
      `No Resolution Code is set when going to "${stateLabel(to)}".`,
      {
        field: 'resolutionCode',
      },
    );
  }

  const { effects, path: nextPath } = resolveEffects(def, path, t);
  const has = (kind: SrEffect['kind']) => effects.some((e) => e.kind === kind);
  const period = waitPeriodOf(t);
  const nextActionDue =
    t.to.status !== 'Wait'
      ? null
      : (request.nextActionDue ?? (period !== null ? addDays(request.now, period) : null));
  return {
    allowed: true,
    transition: t.name,
    next: {
      status: t.to.status,
      subStatus: t.to.subStatus,
      resolutionCode: takesCode ? code : null,
      nextActionDue,
      readOnly: has('lock-read-only') ? true : has('unlock') ? false : sr.readOnly,
      submittedForApprovalBy: has('record-submitter')
        ? request.actor.id
        : has('clear-submitter')
          ? null
          : sr.submittedForApprovalBy,
      approvedBy: has('record-approver')
        ? request.actor.id
        : has('clear-approver')
          ? null
          : (sr.approvedBy ?? null),
      approvedAt: has('record-approver')
        ? request.now
        : has('clear-approver')
          ? null
          : (sr.approvedAt ?? null),
      flag: request.flag ?? null,
      path: nextPath,
    },
    effects,
    requirementIds: [...t.requirementIds],
  };
}

/**
 * As {@link decideTransition}, but throws {@link SrRuleError} (a DomainError whose `code` is the
 * refusal reason) when refused; returns the allowed decision.
 */
export function assertTransition(sr: SrSnapshot, request: TransitionRequest): AllowedTransitionDecision {
  const decision = decideTransition(sr, request);
  if (!decision.allowed) throw new SrRuleError(decision);
  return decision;
}

/** A move the UI may offer now, and what the request must carry to make it. */
export interface OfferedTransition {
  transition: string;
  title: string;
  to: SrState;
  /** Resolution codes to choose from, or null when none is set. */
  resolutionCodes: ResolutionCode[] | null;
  /** The move is to Wait, with a next action due date (set by the rules where the procedure sets the period). */
  needsNextActionDue: boolean;
  /** A reason (note) is needed. */
  needsReason: boolean;
  requirementIds: string[];
}

/**
 * What the UI may offer `actor` next on the SR: the transitions from its current state on its path
 * whose guards on the SR and the actor pass (access, read-only, approver, stage, activity steps and,
 * when `now` is given, an expired wait). Guards on request fields are reported as `resolutionCodes`,
 * `needsNextActionDue` and `needsReason` instead. [] for a final, unknown or read-only-locked SR.
 */
export function allowedTransitions(sr: SrSnapshot, actor: Actor, now?: Date): OfferedTransition[] {
  const def = definitionOf(sr.type);
  if (!def || isFinalSrStatus(sr.status) || !stateDefOf(def, sr)) return [];
  const path = resolvePath(def, sr);
  if (!path) return [];
  const ctx: GuardContext = { def, path, sr, actor, now };
  return transitionsFrom(def, path, sr)
    .filter((t) =>
      orderedGuards(t).every((g) => REQUEST_GUARDS.includes(g.kind) || checkGuard(g, ctx) === null),
    )
    .map((t) => ({
      transition: t.name,
      title: t.title,
      to: { ...t.to },
      resolutionCodes: resolutionCodesOf(t) ? [...(resolutionCodesOf(t) ?? [])] : null,
      needsNextActionDue: hasGuard(t, 'next-action-due'),
      needsReason: hasGuard(t, 'reason'),
      requirementIds: [...t.requirementIds],
    }));
}

/**
 * True when the SR's fields may be edited: not Closed or Cancelled, and not read-only. False after
 * team leader approval; true again after a rejection (Transfer Data Between Clients, step 9; TD-8).
 */
export function isEditable(sr: Pick<SrSnapshot, 'status' | 'readOnly'>): boolean {
  return !sr.readOnly && !isFinalSrStatus(sr.status);
}

/**
 * SU-4: "Update CIS" is enabled only when the CoC SR's validations are complete and its Sub Status is
 * `CoC Accept` (CIS - Send Update, step 4). True only for a type with `cisUpdateOnAccept`
 * (PERSONAL_DETAILS_CHANGE) that is In Progress / CoC Accept, not read-only, with every non-optional
 * activity step before the accept step carrying an outcome. A CIS_CHANGE is never sent back to CIS.
 */
export function isCisUpdateEnabled(sr: SrSnapshot): boolean {
  const def = definitionOf(sr.type);
  if (!def?.cisUpdateOnAccept) return false;
  if (sr.status !== 'In Progress' || sr.subStatus !== 'CoC Accept' || sr.readOnly) return false;
  const path = resolvePath(def, sr);
  if (!path) return false;
  const accept = def.activityPlan(path).find((s) => s.acceptStep);
  if (!accept) return false;
  return incompleteValidations(def, path, sr, accept.key).length === 0;
}
