import { DomainError, type DomainErrorKind, type FieldProblem } from '@cms/domain';
import type { SrRefusal, SrRuleReason } from './model';

/**
 * The DomainError kind of each refusal, hence its HTTP status (libs/platform maps kinds):
 * rule breaks are `precondition` (422), missing or bad request fields `validation` (400), who may act
 * `forbidden` (403), and a nationally sensitive case without sensitive access `insufficient-access`
 * (403 "Insufficient Access", SU-6, X-1).
 */
export const SR_RULE_REASON_KINDS: Readonly<Record<SrRuleReason, DomainErrorKind>> = {
  SUBJECT_LOCKED: 'precondition',
  UNKNOWN_SR_TYPE: 'validation',
  UNKNOWN_PATH: 'validation',
  UNKNOWN_STATUS: 'validation',
  SR_CLOSED: 'precondition',
  SR_READ_ONLY: 'precondition',
  NO_SUCH_TRANSITION: 'precondition',
  ROLE_NOT_ALLOWED: 'forbidden',
  SENSITIVE_ACCESS_REQUIRED: 'insufficient-access',
  APPROVER_IS_SUBMITTER: 'forbidden',
  CASE_NOT_LINKED: 'precondition',
  SUBJECT_NOT_RECORDED: 'precondition',
  STAGE_NOT_ALLOWED: 'precondition',
  WAIT_NOT_EXPIRED: 'precondition',
  ACTIVITY_STEP_INCOMPLETE: 'precondition',
  ACTIVITY_STEP_ALREADY_DONE: 'precondition',
  RESOLUTION_CODE_REQUIRED: 'validation',
  RESOLUTION_CODE_NOT_ALLOWED: 'validation',
  NEXT_ACTION_DUE_REQUIRED: 'validation',
  NEXT_ACTION_DUE_IN_PAST: 'validation',
  NEXT_ACTION_DUE_TOO_SOON: 'validation',
  NEXT_ACTION_DUE_TOO_LATE: 'validation',
  TRANSFER_ITEMS_MISSING: 'precondition',
  DECLARATION_NOT_SIGNED: 'precondition',
  CONSENT_NOT_RECORDED: 'precondition',
  NOTE_NOT_RECORDED: 'precondition',
  REASON_REQUIRED: 'validation',
  UNKNOWN_ACTIVITY_STEP: 'validation',
  OUTCOME_NOT_ALLOWED: 'validation',
};

/**
 * Thrown by `assertTransition` and `assertActivityOutcome` when the rules refuse. `code` is the
 * {@link SrRuleReason}; `kind` follows {@link SR_RULE_REASON_KINDS}; validation refusals carry one
 * FieldProblem for the field at fault; `requirementId` names the rule where one applies;
 * `options.extra.allowedNext` lists the states the SR may move to (NO_SUCH_TRANSITION, SR_READ_ONLY).
 */
export class SrRuleError extends DomainError {
  declare readonly code: SrRuleReason;

  constructor(readonly refusal: SrRefusal) {
    const kind = SR_RULE_REASON_KINDS[refusal.reason];
    const errors: FieldProblem[] | undefined =
      kind === 'validation' && refusal.field
        ? [
            {
              field: refusal.field,
              rule: refusal.reason.toLowerCase().replace(/_/g, '-'),
              message: refusal.message,
              requirementId: refusal.requirementId,
            },
          ]
        : undefined;
    super(refusal.reason, kind, refusal.message, {
      errors,
      requirementId: refusal.requirementId,
      title: kind === 'insufficient-access' ? 'Insufficient Access' : undefined,
      extra: refusal.allowedNext ? { allowedNext: refusal.allowedNext } : undefined,
    });
  }

  /** The refusal reason; the same value as `code`. */
  get reason(): SrRuleReason {
    return this.refusal.reason;
  }
}
