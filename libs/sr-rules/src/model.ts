import type {
  Actor,
  CaseStage,
  LetterCode,
  ResolutionCode,
  Role,
  SrSource,
  SrStatus,
  SrSubStatus,
  SrTaxonomy,
  SrTypeCode,
} from '@cms/domain';

/**
 * The shapes of the SR rule table. Each SR type is one {@link SrTypeDefinition} (in `types/`), in the
 * spirit of island.is `case.state.ts`: data that says which state may follow which, under which
 * guards, with which effects. `decideTransition` (decide.ts) is the only code that reads it to decide.
 */

/** A Status and Sub Status pair (Sub Status null where the SR has none). */
export interface SrState {
  status: SrStatus;
  subStatus: SrSubStatus | null;
}

/** Matches a current state; `subStatus: '*'` matches any Sub Status of that Status. */
export interface SrStateMatcher {
  status: SrStatus;
  subStatus: SrSubStatus | null | '*';
}

/** A state an SR type uses, with what it means in the procedure. */
export interface SrStateDef extends SrState {
  /** What the caseworker has done to reach it, citing the procedure step. */
  description: string;
  /** The SR is read-only in this state (TD-8: after team leader approval). */
  readOnly?: boolean;
  /** No transition leaves this state (Closed, Cancelled). */
  final?: boolean;
}

/** One way of working an SR type, e.g. `phone` and `self-service` for security details. */
export interface SrPathDef {
  /** Stable key stored on the SR, e.g. `contact-details`. */
  key: string;
  title: string;
  /** The state a new SR on this path starts in. */
  initial: SrState;
  /**
   * Sources for which this path is assumed when an SR's path is null (e.g. the Self Service
   * sources → `self-service`, SD-5). A path without `sources` is the fallback.
   */
  sources?: readonly SrSource[];
  /** Days of a Wait on this path (SD-9: 7, TD-3/TD-11: 14), or null where the procedure names none. */
  waitDays: number | null;
  /** The requirement that sets `waitDays` (SD-9, TD-3, TD-11). */
  waitRequirementId?: string;
  requirementIds: readonly string[];
}

/** Who receives a letter an effect issues. `subject`: the client the SR is about; `other party`: the other parent (TD-8). */
export type LetterRecipient = 'subject' | 'other party' | 'NRP' | 'PWC';

/**
 * What must happen when a transition is applied, as data the service executes (it never decides them):
 * - `generate-activity-plan`: create the activity plan steps the SR does not have yet (SD-7, TD-2); in a
 *   decision `steps` lists them for the SR's path.
 * - `issue-letter`: issue `letter` to `recipient`; `attachment: 'sr-data'` fills the attachment from the SR (TD-7).
 * - `record-activity-outcome`: set the outcome of activity step `step` (how the rules later know a letter went).
 * - `add-note`: write the request's `reason` to the SR Notes (SD-9, BR-9, TD-9).
 * - `lock-read-only` / `unlock`: the SR becomes read-only / editable (TD-8).
 * - `record-submitter` / `clear-submitter`: remember / forget who submitted for TL approval (TD-6, TD-8).
 * - `record-approver` / `clear-approver`: remember / forget the approving team leader (TD-8, X-2);
 *   cleared when correspondence refuses CMSL0406, so the resubmission needs a fresh approval.
 * - `set-path`: the SR continues on another path (TD-9: no consent → the CMSL0405 route).
 * - `confirm-security-update`: where the client returned CMSL9800, confirm the new security details by
 *   SMS, or CMSL9802 where SMS is not appropriate (SD-16); the service knows whether it is.
 *
 * A closed union: `decideTransition` carries the SR's own fields (read-only, submitter, approver,
 * path) in `next`; the service handles every kind in one exhaustive switch whose default is
 * `assertUnreachable`, so a new kind fails to compile until it is handled (issue #18).
 */
export type SrEffect =
  | { kind: 'generate-activity-plan'; steps?: readonly ActivityStepTemplate[] }
  | { kind: 'issue-letter'; letter: LetterCode; recipient: LetterRecipient; attachment?: 'sr-data' }
  | { kind: 'record-activity-outcome'; step: string; outcome: string }
  | { kind: 'add-note' }
  | { kind: 'lock-read-only' }
  | { kind: 'unlock' }
  | { kind: 'record-submitter' }
  | { kind: 'clear-submitter' }
  | { kind: 'record-approver' }
  | { kind: 'clear-approver' }
  | { kind: 'set-path'; path: string }
  | { kind: 'confirm-security-update' };

/** The discriminant of {@link SrEffect}. */
export type SrEffectKind = SrEffect['kind'];

/** Every {@link SrEffectKind}, in the order the docs list them (a type test keeps it equal to the union). */
export const SR_EFFECT_KINDS = [
  'generate-activity-plan',
  'issue-letter',
  'record-activity-outcome',
  'add-note',
  'lock-read-only',
  'unlock',
  'record-submitter',
  'clear-submitter',
  'record-approver',
  'clear-approver',
  'set-path',
  'confirm-security-update',
] as const satisfies readonly SrEffectKind[];

/**
 * For the `default` of an exhaustive switch: does not compile unless every case is handled (`value`
 * must be `never`); throws should a value outside the union arrive at run time (stale data).
 */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

/**
 * A condition a transition needs, as declarative data. Each may name the requirement it enforces.
 * - `role`: the actor has one of `anyOf`.
 * - `sensitive-access`: on a nationally sensitive case only actors with sensitive access (or our own
 *   services) may act (X-1, SU-6, BR-7).
 * - `not-read-only`: refused once a team leader approved (TD-8).
 * - `approver-not-submitter`: the team leader deciding is not who submitted (TD-6).
 * - `case-linked` / `subject-recorded`: the SR's case is linked / subject recorded (SD-6, TD-2).
 * - `stage-in` / `stage-not-in`: the case stage (TD-10). An unknown stage passes `stage-not-in` and fails `stage-in`.
 * - `wait-expired`: the SR's next action due date has passed (SD-10, SD-12).
 * - `step-outcome`: activity step `step` has an outcome (in `oneOf` when given); `step-outcome-absent`: it has none.
 * - `validations-complete`: every non-optional step before `beforeStep` has an outcome (SU-4).
 * - `transfer-items-entered`: the items to pass on are entered in the SR (TD-1, TD-4).
 * - `declaration-signed`: the stored CMSL0405 declaration is signed (TD-4), whatever the step says.
 * - `consent-accepted`: the stored verbal consent was accepted (TD-9).
 * - `note-recorded`: the SR Notes hold `text` (TD-9: the request and the accepted consent statement),
 *   which recording an outcome writes (see {@link ActivityStepTemplate.noteOnOutcome}).
 * - `resolution-code`: the request carries a resolution code in `oneOf`.
 * - `next-action-due`: the Wait's next action due date. With `days` (SD-9, SD-10: 7; TD-3, TD-11: 14)
 *   the procedure sets the period: applied when the request gives no date; a date on another UK
 *   calendar day is refused, earlier (NEXT_ACTION_DUE_TOO_SOON) or later (NEXT_ACTION_DUE_TOO_LATE):
 *   the procedures allow no other. Without `days` (local policy) the request must carry a future date.
 * - `reason`: the request carries a reason (a note): declines, rejections, cancellations, BR-9.
 */
export type Guard = { requirementId?: string } & (
  | { kind: 'role'; anyOf: readonly Role[] }
  | { kind: 'sensitive-access' }
  | { kind: 'not-read-only' }
  | { kind: 'approver-not-submitter' }
  | { kind: 'case-linked' }
  | { kind: 'subject-recorded' }
  | { kind: 'stage-in'; stages: readonly CaseStage[] }
  | { kind: 'stage-not-in'; stages: readonly CaseStage[] }
  | { kind: 'wait-expired' }
  | { kind: 'step-outcome'; step: string; oneOf?: readonly string[] }
  | { kind: 'step-outcome-absent'; step: string }
  | { kind: 'validations-complete'; beforeStep: string }
  | { kind: 'transfer-items-entered' }
  | { kind: 'declaration-signed' }
  | { kind: 'consent-accepted' }
  | { kind: 'note-recorded'; text: string }
  | { kind: 'resolution-code'; oneOf: readonly ResolutionCode[] }
  | { kind: 'next-action-due'; days?: number }
  | { kind: 'reason' }
);

/** The discriminant of {@link Guard}. */
export type GuardKind = Guard['kind'];

/** One allowed move of an SR type. */
export interface TransitionDef {
  /** Short verb, e.g. `start`, `wait`, `accept`, `approve`. Unique within a path of a type. */
  name: string;
  /** What the caseworker does, in the procedure's words. */
  title: string;
  from: readonly SrStateMatcher[];
  to: SrState;
  /** Paths it applies to; all paths when absent. */
  paths?: readonly string[];
  guards: readonly Guard[];
  effects: readonly SrEffect[];
  requirementIds: readonly string[];
  /** The procedure step(s), e.g. `Change - Security Details, step 7`. */
  procedureStep?: string;
}

/** One step of an activity plan generated at In Progress (SD-7). */
export interface ActivityStepTemplate {
  key: string;
  title: string;
  /** Outcomes that may be recorded, verbatim where the procedure names them (SD-8 `Security Details`, SD-17 `CoC Declined`). */
  allowedOutcomes: readonly string[];
  /** Outcomes that need a reason with them (SD-17: the reason for declining). */
  reasonRequiredFor?: readonly string[];
  /** Not every SR on the path needs it (e.g. CMSL9801 only when the form did not come back). */
  optional?: boolean;
  /** Recorded only by the system, as the effect of a transition (the letter steps). */
  systemOnly?: boolean;
  /** The step marking the change accepted: steps before it are the validations (SU-4). */
  acceptStep?: boolean;
  /**
   * A note the SR Notes receive when the outcome is recorded, by outcome (TD-9: consent given writes
   * the request and the accepted consent statement). Written once.
   */
  noteOnOutcome?: Readonly<Record<string, string>>;
  requirementIds: readonly string[];
  procedureStep?: string;
}

/** Service level of an SR type. The procedures set only SD-5 (24 hours for Self Service); the rest is local policy. */
export interface SlaPolicy {
  /** Days from creation to close the SR, local policy where the procedures are silent. */
  defaultDays: number;
  /** Hours from creation within which a Self Service SR must be actioned (SD-5). */
  selfServiceHours?: number;
  /** Why these numbers. */
  note: string;
  requirementIds: readonly string[];
}

/**
 * What a follow-up does, before dates are filled in (see follow-ups.ts). A transition to Wait takes the
 * period of its `next-action-due` guard (SD-10: seven more days).
 */
export type FollowUpTemplate =
  | {
      kind: 'transition';
      transition: string;
      resolutionCode?: ResolutionCode;
      reason?: string;
    }
  | { kind: 'add-activity-step'; step: string }
  | { kind: 'flag-for-caseworker'; message: string };

/** What must happen when an SR's Wait expires; the first rule matching the SR applies. */
export interface WaitExpiryRule {
  paths?: readonly string[];
  /** Matches only when the step has (`stepPresent`) / has not (`stepAbsent`) an outcome. */
  when?: { stepPresent?: string; stepAbsent?: string };
  actions: readonly FollowUpTemplate[];
  description: string;
  requirementIds: readonly string[];
}

/** Everything the rules know about one SR type. */
export interface SrTypeDefinition {
  code: SrTypeCode;
  title: string;
  /** The procedure (file under shared/procedures) that describes it. */
  procedure: string;
  taxonomy: SrTaxonomy;
  /** Ways of working it; the first is the default when an SR's path is null and no `sources` match. */
  paths: readonly SrPathDef[];
  states: readonly SrStateDef[];
  transitions: readonly TransitionDef[];
  /** The activity plan generated at In Progress on `path` (SD-7). */
  activityPlan(path: string): readonly ActivityStepTemplate[];
  /** Steps added later by a follow-up (TD-13), not generated at In Progress. */
  followUpSteps(path: string): readonly ActivityStepTemplate[];
  /** True when "Update CIS" is enabled at Sub Status `CoC Accept` once validations are complete (SU-4). */
  cisUpdateOnAccept?: boolean;
  sla: SlaPolicy;
  followUps: readonly WaitExpiryRule[];
  /** Where the procedure leaves a choice, what we decided and why, for the docs. */
  decisions?: readonly { requirementIds: readonly string[]; text: string }[];
}

/** One activity plan step as held on an SR. */
export interface SrActivityStep {
  key: string;
  outcome: string | null;
}

/**
 * What the rules need to know about an SR to decide. The service builds it from its entity.
 * Dates are `Date` instances; `nextActionDue` is meaningful only in Wait.
 */
export interface SrSnapshot {
  type: SrTypeCode;
  /** Path key (see the type's `paths`); null → derived from `source`, else the type's first path. */
  path: string | null;
  status: SrStatus;
  subStatus: SrSubStatus | null;
  resolutionCode: ResolutionCode | null;
  source: SrSource;
  /** True after team leader approval (TD-8). */
  readOnly: boolean;
  /** Actor id that submitted the SR for TL approval (TD-6), or null. */
  submittedForApprovalBy: string | null;
  /** The linked case is nationally sensitive (SU-6, BR-7, X-1). */
  nationallySensitive: boolean;
  activityPlan: readonly SrActivityStep[];
  nextActionDue: Date | null;
  createdAt: Date;
  /** Stage of the linked case (TD-10, TD-11); null/absent when unknown or no case. */
  stage?: CaseStage | null;
  /** A case is linked to the SR (SD-6, TD-2). Must be true to start SECURITY_DETAILS and DATA_TRANSFER SRs. */
  caseLinked?: boolean;
  /** The subject (person and role) is recorded (SD-6). Must be true to start a SECURITY_DETAILS SR. */
  subjectRecorded?: boolean;
  /** What the SR holds of a transfer between clients (DATA_TRANSFER); null/absent when nothing is entered. */
  transfer?: SrTransferFacts | null;
  /** The texts of the SR Notes (TD-9 needs one before submission); absent means none. */
  notes?: readonly string[];
  /** Why the SR needs a caseworker now (a Wait expired, a letter refused), or null. */
  flag?: string | null;
  /** The team leader who approved it (TD-6, TD-8) and when, or null. */
  approvedBy?: string | null;
  approvedAt?: Date | null;
}

/** The transfer entered in a DATA_TRANSFER SR (`PUT …/transfer-items`), as the rules need it. */
export interface SrTransferFacts {
  /** Keys of the items entered to pass on (TD-1), e.g. `mobile`, `bankDetails`. */
  items: readonly string[];
  /** The returned CMSL0405 declaration is signed (TD-4); null when not said. */
  declarationSigned: boolean | null;
  /** The consent statement was read and accepted (TD-9, verbal route); null when not said. */
  consentAccepted: boolean | null;
}

/** What the caller asks for: a target state and what that target needs. */
export interface TransitionRequest {
  to: { status: SrStatus; subStatus: SrSubStatus | null };
  resolutionCode?: ResolutionCode | null;
  /**
   * When going to Wait. Where the procedure sets the period (SD-9, SD-10: 7 days; TD-3, TD-11: 14) the
   * rules apply it when this is absent and refuse another day; elsewhere it is required, in the future.
   */
  nextActionDue?: Date | null;
  /** The note: why declined/rejected/cancelled, or what the Notes must say (SD-9, BR-9). */
  reason?: string | null;
  /**
   * A flag raised with this move: a Wait expiry's follow-up keeps the flag it raised (TD-3/TD-4: call
   * the client). Otherwise a move clears the SR's flag: someone has acted on it.
   */
  flag?: string | null;
  actor: Actor;
  now: Date;
}

/**
 * Why a move is refused. Each maps to a DomainError kind in errors.ts.
 * `UNKNOWN_SR_TYPE`, `UNKNOWN_PATH`, `UNKNOWN_STATUS`: input outside the vocabulary or the type's states.
 * `SR_CLOSED`: the SR is Closed or Cancelled. `SR_READ_ONLY`: approved by a team leader (TD-8).
 * `NO_SUCH_TRANSITION`: the table has no such move (the message lists the allowed next states).
 * `WAIT_NOT_EXPIRED`, `ACTIVITY_STEP_INCOMPLETE`, `ACTIVITY_STEP_ALREADY_DONE`, `STAGE_NOT_ALLOWED`,
 * `CASE_NOT_LINKED`, `SUBJECT_NOT_RECORDED`, `TRANSFER_ITEMS_MISSING`, `DECLARATION_NOT_SIGNED` (TD-4),
 * `CONSENT_NOT_RECORDED`, `NOTE_NOT_RECORDED` (TD-9): a procedure precondition is not met.
 * `NEXT_ACTION_DUE_TOO_SOON` / `_TOO_LATE`: a Wait other than the procedure's (SD-9, SD-10, TD-3, TD-11).
 * `UNKNOWN_ACTIVITY_STEP`, `OUTCOME_NOT_ALLOWED`: from `validateActivityOutcome`.
 */
export const SR_RULE_REASONS = [
  'SUBJECT_LOCKED',
  'UNKNOWN_SR_TYPE',
  'UNKNOWN_PATH',
  'UNKNOWN_STATUS',
  'SR_CLOSED',
  'SR_READ_ONLY',
  'NO_SUCH_TRANSITION',
  'ROLE_NOT_ALLOWED',
  'SENSITIVE_ACCESS_REQUIRED',
  'APPROVER_IS_SUBMITTER',
  'CASE_NOT_LINKED',
  'SUBJECT_NOT_RECORDED',
  'STAGE_NOT_ALLOWED',
  'WAIT_NOT_EXPIRED',
  'ACTIVITY_STEP_INCOMPLETE',
  'ACTIVITY_STEP_ALREADY_DONE',
  'RESOLUTION_CODE_REQUIRED',
  'RESOLUTION_CODE_NOT_ALLOWED',
  'NEXT_ACTION_DUE_REQUIRED',
  'NEXT_ACTION_DUE_IN_PAST',
  'NEXT_ACTION_DUE_TOO_SOON',
  'NEXT_ACTION_DUE_TOO_LATE',
  'TRANSFER_ITEMS_MISSING',
  'DECLARATION_NOT_SIGNED',
  'CONSENT_NOT_RECORDED',
  'NOTE_NOT_RECORDED',
  'REASON_REQUIRED',
  'UNKNOWN_ACTIVITY_STEP',
  'OUTCOME_NOT_ALLOWED',
] as const;
export type SrRuleReason = (typeof SR_RULE_REASONS)[number];

/** A refusal: why, a sentence for the caseworker, and the requirement it enforces where one applies. */
export interface SrRefusal {
  allowed: false;
  reason: SrRuleReason;
  message: string;
  requirementId?: string;
  /** The request field at fault, for validation refusals (`resolutionCode`, `nextActionDue`, `reason`, `to`). */
  field?: string;
  /** For NO_SUCH_TRANSITION and SR_READ_ONLY: the states the SR may move to now on its path. */
  allowedNext?: SrState[];
}

/** The SR's fields after an allowed transition. */
export interface SrNextState {
  status: SrStatus;
  subStatus: SrSubStatus | null;
  resolutionCode: ResolutionCode | null;
  nextActionDue: Date | null;
  readOnly: boolean;
  submittedForApprovalBy: string | null;
  /** Stamped by `record-approver` (the acting team leader, now), cleared by `clear-approver` (TD-8). */
  approvedBy: string | null;
  approvedAt: Date | null;
  /** The request's `flag` (a Wait expiry's), else null: a move answers the SR's flag. */
  flag: string | null;
  /** The path after `set-path` effects (unchanged otherwise). */
  path: string;
}

/** The answer of `decideTransition`. */
export type TransitionDecision =
  | {
      allowed: true;
      transition: string;
      next: SrNextState;
      effects: SrEffect[];
      requirementIds: string[];
    }
  | SrRefusal;

/** An allowed decision, as `assertTransition` returns it. */
export type AllowedTransitionDecision = Extract<TransitionDecision, { allowed: true }>;
