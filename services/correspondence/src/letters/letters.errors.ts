import { DomainError, DomainValidationError, type FieldProblem } from '@cms/domain';

/** Stable codes of the errors correspondence throws (besides VALIDATION_FAILED and NOT_FOUND). */
export const CorrespondenceErrorCode = {
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  ApprovalRequired: 'TL_APPROVAL_REQUIRED',
  ApprovalMismatch: 'TL_APPROVAL_MISMATCH',
  ApprovalNotConfirmed: 'TL_APPROVAL_NOT_CONFIRMED',
  TransferNotAuthorised: 'TRANSFER_NOT_AUTHORISED',
  ClericalIssueRequired: 'CLERICAL_ISSUE_REQUIRED',
  SystemIssueRequired: 'SYSTEM_ISSUE_REQUIRED',
  SystemIssueNeedsSystemRole: 'SYSTEM_ISSUE_NEEDS_SYSTEM_ROLE',
  IllegalStatusChange: 'ILLEGAL_STATUS_CHANGE',
  SentByGateway: 'SENT_BY_GATEWAY',
  ReviewNotRequired: 'REVIEW_NOT_REQUIRED',
} as const;

/** The `Idempotency-Key` was used before with a different body (409). */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string, existingId: string) {
    super(
      CorrespondenceErrorCode.IdempotencyKeyReused,
      'conflict',
      `Idempotency-Key "${key}" was already used for a different request (item ${existingId}). Use a new key for a new item.`,
      { extra: { existingId } },
    );
  }
}

/** CMSL0406 cannot issue before team leader approval of the SR (TD-6, TD-8): 422. */
export class ApprovalRequiredError extends DomainError {
  constructor(code: string) {
    super(
      CorrespondenceErrorCode.ApprovalRequired,
      'precondition',
      `${code} cannot be issued until a team leader approves the SR (Status Pending Approval, Sub Status Pending Approval TL): give approval { serviceRequestId, approvedBy, approvedAt }.`,
      { requirementId: 'TD-6' },
    );
  }
}

/** The approval does not belong to this letter's SR, or is dated in the future (TD-6): 422. */
export class ApprovalMismatchError extends DomainError {
  constructor(message: string) {
    super(CorrespondenceErrorCode.ApprovalMismatch, 'precondition', message, { requirementId: 'TD-6' });
  }
}

/**
 * service-requests does not confirm the approval the letter carries (TD-6, TD-8): no such SR, the SR
 * is not a transfer at Approved TL, its approver is not the one named or is its submitter, or it is
 * not linked to the letter's case. 422.
 */
export class ApprovalNotConfirmedError extends DomainError {
  constructor(serviceRequestId: string, why: string) {
    super(
      CorrespondenceErrorCode.ApprovalNotConfirmed,
      'precondition',
      `CMSL0406 cannot be issued: service-requests does not confirm a team leader approval of SR ${serviceRequestId}: ${why}. ` +
        'It issues only after a team leader, not the submitter, has approved the SR (Status In Progress, Sub Status Approved TL).',
      { requirementId: 'TD-6', extra: { serviceRequestId } },
    );
  }
}

/**
 * Safeguarding (TD-1): the personalisation carries another client's contact or bank details outside
 * an approved transfer (CMSL0406 with TL approval, or CMSL9661 on the domestic-violence route): 422.
 */
export class TransferNotAuthorisedError extends DomainError {
  constructor(message: string, errors: FieldProblem[] = []) {
    super(CorrespondenceErrorCode.TransferNotAuthorised, 'precondition', message, {
      requirementId: 'TD-1',
      errors: errors.length ? errors : undefined,
    });
  }
}

/** CMSL9660/9661/9662 at application or new case stage must be issued clerically (TD-11): 422. */
export class ClericalIssueRequiredError extends DomainError {
  constructor(code: string, stage: string) {
    super(
      CorrespondenceErrorCode.ClericalIssueRequired,
      'precondition',
      `${code} must be issued clerically at ${stage} stage: its template is not available for system issue without a change of service type SR.`,
      { requirementId: 'TD-11' },
    );
  }
}

/**
 * A letter that follows a team leader's approval (CMSL0406) is issued by the system, never clerically
 * (TD-8: "the letter and form will be issued to the client by the system"), so the approval it
 * carries is the one service-requests holds, not one a caller asserts (TD-6): 422.
 */
export class SystemIssueRequiredError extends DomainError {
  constructor(code: string) {
    super(
      CorrespondenceErrorCode.SystemIssueRequired,
      'precondition',
      `${code} is issued by the system once the team leader has approved its SR; it cannot be issued clerically.`,
      { requirementId: 'TD-8' },
    );
  }
}

/** A letter issued by the system needs the system role; staff issue clerically (403). */
export class SystemIssueNeedsSystemRoleError extends DomainError {
  constructor() {
    super(
      CorrespondenceErrorCode.SystemIssueNeedsSystemRole,
      'forbidden',
      "Only the system issues letters in 'system' mode; issue it with mode 'clerical' and post it yourself.",
    );
  }
}

/** A status change the letter status rules do not allow (422). */
export class IllegalStatusChangeError extends DomainError {
  constructor(from: string, to: string, allowed: readonly string[]) {
    super(
      CorrespondenceErrorCode.IllegalStatusChange,
      'precondition',
      `The status cannot change from ${from} to ${to}${allowed.length ? `; it can change to ${allowed.join(', ')}` : ': it is final'}.`,
      { extra: { from, to, allowed } },
    );
  }
}

/** System-issued items become `sent` when the gateway takes them, not by hand (422). */
export class SentByGatewayError extends DomainError {
  constructor() {
    super(
      CorrespondenceErrorCode.SentByGateway,
      'precondition',
      'This item was issued by the system: it becomes sent when the print or SMS gateway accepts it. Only clerical letters are marked sent by hand.',
    );
  }
}

/** `POST /letters/{id}/review` on a letter that does not need a review (422). */
export class ReviewNotRequiredError extends DomainError {
  constructor(id: string) {
    super(
      CorrespondenceErrorCode.ReviewNotRequired,
      'precondition',
      `Letter ${id} does not wait for a review.`,
    );
  }
}

/** 400 for a missing or malformed `Idempotency-Key` header. */
export function idempotencyKeyProblem(key: unknown): DomainValidationError | null {
  if (typeof key !== 'string' || key.trim() === '') {
    return new DomainValidationError([
      {
        field: 'Idempotency-Key',
        rule: 'required',
        message:
          'Send an Idempotency-Key header (e.g. a UUID, or the job id) so that a retry never issues twice.',
      },
    ]);
  }
  if (!/^[A-Za-z0-9._:@-]{1,200}$/.test(key)) {
    return new DomainValidationError([
      {
        field: 'Idempotency-Key',
        rule: 'idempotency-key-format',
        message: 'The Idempotency-Key must be 1 to 200 letters, digits or . _ : @ -',
      },
    ]);
  }
  return null;
}
