import { hasSensitiveAccess, isFinalSrStatus, type Actor, type SrTypeCode } from '@cms/domain';
import { SrRuleError } from './errors';
import type { ActivityStepTemplate, SrRefusal, SrSnapshot, SrTypeDefinition } from './model';
import { definitionOf, resolvePath } from './table';

/**
 * The activity plan the 2012 system generates when an SR of `type` on `path` goes In Progress
 * (Change - Security Details, step 5, SD-7; Transfer Data Between Clients, step 2). Each step has a
 * key, title, allowed outcomes and requirement IDs. Returns [] for an unknown type or path.
 */
export function activityPlanFor(type: SrTypeCode, path: string): ActivityStepTemplate[] {
  const def = definitionOf(type);
  if (!def || !def.paths.some((p) => p.key === path)) return [];
  return [...def.activityPlan(path)];
}

/** The template of step `key` on `path`: from the generated plan or the follow-up steps (TD-13). */
export function stepTemplate(
  def: SrTypeDefinition,
  path: string,
  key: string,
): ActivityStepTemplate | undefined {
  return (
    def.activityPlan(path).find((s) => s.key === key) ?? def.followUpSteps(path).find((s) => s.key === key)
  );
}

/** The recorded outcome of step `key` on the SR, or null when the step is absent or has none. */
export function stepOutcome(sr: Pick<SrSnapshot, 'activityPlan'>, key: string): string | null {
  return sr.activityPlan.find((s) => s.key === key)?.outcome ?? null;
}

/**
 * Keys of the validation steps still without an outcome: the non-optional steps listed before
 * `beforeStep` in the plan of `path` (SU-4: "validations complete"). [] means complete.
 */
export function incompleteValidations(
  def: SrTypeDefinition,
  path: string,
  sr: Pick<SrSnapshot, 'activityPlan'>,
  beforeStep: string,
): string[] {
  const plan = def.activityPlan(path);
  const end = plan.findIndex((s) => s.key === beforeStep);
  return plan
    .slice(0, end < 0 ? plan.length : end)
    .filter((s) => !s.optional && stepOutcome(sr, s.key) === null)
    .map((s) => s.key);
}

/**
 * Who records an outcome, which decides what is checked (issue #18: every outcome goes through here):
 * - `caseworker`: by hand (`PUT …/activity-steps/{key}`): the step must be on the SR's plan, and
 *   letter steps (`systemOnly`) are the system's alone.
 * - `procedure`: by the service as a procedure action runs (the TAM account check SD-11, the security
 *   details update SD-14, a representative SD-15, the Bank Wizard check TD-5): a step of the SR's
 *   path, added to the plan when not generated yet; never a letter step.
 * - `transition`: an effect of a transition the table allowed (`record-activity-outcome`, the SD-16
 *   confirmation): checked against the table only, on the SR after the move (which may be Closed, as
 *   after SD-12's rejection, or read-only).
 */
export type OutcomeOrigin = 'caseworker' | 'procedure' | 'transition';

/** What recording an allowed outcome involves: the step, whether to add it to the plan, the note to write. */
export interface RecordableOutcome {
  step: ActivityStepTemplate;
  /** The plan does not have the step yet (`procedure` and `transition` only): add it. */
  addStep: boolean;
  /** The note the SR Notes receive with this outcome (TD-9), or null. */
  note: string | null;
}

/** The answer of {@link validateActivityOutcome}. */
export type ActivityOutcomeDecision = ({ allowed: true } & RecordableOutcome) | SrRefusal;

/** Options of {@link validateActivityOutcome}. */
export interface ActivityOutcomeOptions {
  reason?: string | null;
  actor?: Actor;
  /** Who records it; `caseworker` when absent. */
  origin?: OutcomeOrigin;
}

/**
 * Whether `outcome` may be recorded on activity step `stepKey` of the SR (pure, never throws): the one
 * check every outcome passes, whoever records it (see {@link OutcomeOrigin}).
 * Refuses with: UNKNOWN_SR_TYPE / UNKNOWN_PATH; SR_CLOSED (Closed or Cancelled) and SR_READ_ONLY after TL
 * approval unless the actor is a system (TD-8), both except for a transition's own outcomes;
 * SENSITIVE_ACCESS_REQUIRED when `actor` is given, the case is nationally sensitive and the actor has no
 * sensitive access; UNKNOWN_ACTIVITY_STEP when the step is not on the SR's path (for a caseworker:
 * not on its plan); ROLE_NOT_ALLOWED for steps only transitions record (the letter steps), unless a
 * transition or a system records them; OUTCOME_NOT_ALLOWED for an outcome the step does not list (SD-8:
 * the first step takes `Security Details`); REASON_REQUIRED when the outcome needs a reason (SD-17:
 * `CoC Declined`). Allowed, it says whether the step must be added and which note to write (TD-9).
 */
export function validateActivityOutcome(
  sr: SrSnapshot,
  stepKey: string,
  outcome: string,
  options: ActivityOutcomeOptions = {},
): ActivityOutcomeDecision {
  const origin = options.origin ?? 'caseworker';
  const def = definitionOf(sr.type);
  if (!def) return refuse('UNKNOWN_SR_TYPE', `There is no SR type "${String(sr.type)}".`, undefined, 'type');
  const path = resolvePath(def, sr);
  if (!path)
    return refuse(
      'UNKNOWN_PATH',
      `"${String(sr.path)}" is not a path of ${def.code} SRs.`,
      undefined,
      'path',
    );
  const isSystem = options.actor?.roles.includes('system') ?? false;
  if (origin !== 'transition') {
    if (isFinalSrStatus(sr.status))
      return refuse('SR_CLOSED', `The SR is ${sr.status}: its activity plan cannot change.`);
    if (sr.readOnly && !isSystem) {
      return refuse('SR_READ_ONLY', 'The SR was approved by a team leader and is read-only.', 'TD-8');
    }
  }
  if (options.actor && sr.nationallySensitive && !hasSensitiveAccess(options.actor)) {
    return refuse(
      'SENSITIVE_ACCESS_REQUIRED',
      'This case is nationally sensitive: only caseworkers with sensitive access can deal with it.',
      'X-1',
    );
  }
  const template = stepTemplate(def, path, stepKey);
  const onPlan = sr.activityPlan.some((s) => s.key === stepKey);
  if (!template || (origin === 'caseworker' && !onPlan)) {
    return refuse(
      'UNKNOWN_ACTIVITY_STEP',
      `The SR's activity plan has no step "${stepKey}".`,
      undefined,
      'stepKey',
    );
  }
  if (template.systemOnly && origin !== 'transition' && !isSystem) {
    return refuse(
      'ROLE_NOT_ALLOWED',
      `The outcome of "${template.title}" is recorded by the system when the SR moves on, not by hand.`,
      template.requirementIds[0],
    );
  }
  if (!template.allowedOutcomes.includes(outcome)) {
    return refuse(
      'OUTCOME_NOT_ALLOWED',
      `"${outcome}" is not an outcome of "${template.title}". Choose one of: ${template.allowedOutcomes.join(', ')}.`,
      template.requirementIds[0],
      'outcome',
    );
  }
  if (template.reasonRequiredFor?.includes(outcome) && !options.reason?.trim()) {
    return refuse(
      'REASON_REQUIRED',
      `Give the reason with the outcome "${outcome}".`,
      template.requirementIds[0],
      'reason',
    );
  }
  const note = template.noteOnOutcome?.[outcome] ?? null;
  return {
    allowed: true,
    step: template,
    addStep: !onPlan,
    note: note && !sr.notes?.includes(note) ? note : null,
  };
}

/** As {@link validateActivityOutcome}, but throws SrRuleError on refusal; returns the step template. */
export function assertActivityOutcome(
  sr: SrSnapshot,
  stepKey: string,
  outcome: string,
  options: ActivityOutcomeOptions = {},
): ActivityStepTemplate {
  return assertRecordableOutcome(sr, stepKey, outcome, options).step;
}

/**
 * As {@link validateActivityOutcome}, but throws SrRuleError on refusal; returns what recording the
 * outcome involves (the step, whether to add it, the note to write). The service's one write path.
 */
export function assertRecordableOutcome(
  sr: SrSnapshot,
  stepKey: string,
  outcome: string,
  options: ActivityOutcomeOptions = {},
): RecordableOutcome {
  const decision = validateActivityOutcome(sr, stepKey, outcome, options);
  if (!decision.allowed) throw new SrRuleError(decision);
  const { allowed: _allowed, ...recordable } = decision;
  return recordable;
}

function refuse(
  reason: SrRefusal['reason'],
  message: string,
  requirementId?: string,
  field?: string,
): SrRefusal {
  return {
    allowed: false,
    reason,
    message,
    ...(requirementId ? { requirementId } : {}),
    ...(field ? { field } : {}),
  };
}
