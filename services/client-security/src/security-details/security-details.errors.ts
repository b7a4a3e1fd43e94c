import { DomainError } from '@cms/domain';
import type { SubjectType } from './security-subject.entity';

/** Stable codes of client-security's refusals. */
export const SecurityErrorCode = {
  NOT_SET_UP: 'SECURITY_DETAILS_NOT_SET_UP',
  ALREADY_SET_UP: 'SECURITY_DETAILS_ALREADY_SET_UP',
  NO_TAM_ACCOUNT: 'NO_TAM_ACCOUNT',
  ACCOUNT_BLOCKED: 'ACCOUNT_BLOCKED',
  REPRESENTATIVE_NOT_AMENDABLE: 'CLIENT_REPRESENTATIVE_NOT_AMENDABLE',
  SUBJECT_TYPE_MISMATCH: 'SECURITY_SUBJECT_TYPE_MISMATCH',
} as const;

const noun = (type: SubjectType) => (type === 'client' ? 'client' : 'client representative');

/**
 * The subject has no security details: send the caseworker to security set-up, not the change
 * (Change - Security Details, step 1; SD-22). HTTP 422.
 */
export class SecurityDetailsNotSetUpError extends DomainError {
  constructor(type: SubjectType) {
    super(
      SecurityErrorCode.NOT_SET_UP,
      'precondition',
      `This ${noun(type)} has not set up their security details. Use security set-up ` +
        `(POST ${type === 'client' ? '/clients/{clientId}' : '/representatives/{representativeId}'}/security-details), ` +
        'not a change of security details.',
      { requirementId: 'SD-22' },
    );
  }
}

/** Set-up was asked for a subject that already has details: change them instead. HTTP 409. */
export class SecurityDetailsAlreadySetUpError extends DomainError {
  constructor(type: SubjectType) {
    super(
      SecurityErrorCode.ALREADY_SET_UP,
      'conflict',
      `This ${noun(type)} already has security details; they are changed through Change - Security Details, ` +
        'never overwritten by a new set-up (SD-20).',
      { requirementId: 'SD-20' },
    );
  }
}

/**
 * A manually built CSA Arrears Only case has no TAM account, so there is nothing to unblock or
 * change here (Change - Security Details, step 1; SD-21). HTTP 422.
 */
export class NoTamAccountError extends DomainError {
  constructor() {
    super(
      SecurityErrorCode.NO_TAM_ACCOUNT,
      'precondition',
      'This client is on a manually built CSA Arrears Only case and has no TAM account. Raise an incident with AAC.',
      { requirementId: 'SD-21' },
    );
  }
}

/**
 * The account is blocked. For a check (SD-2): refused until a caseworker unblocks it after a call
 * back (SD-3). For a change (SD-11): unblock the account first ("Unblock User", step 9). HTTP 422
 * (the platform maps kinds; 423 Locked would be the purist's choice).
 */
export class AccountBlockedError extends DomainError {
  constructor(type: SubjectType, during: 'check' | 'change', blockedAt: Date | null) {
    super(
      SecurityErrorCode.ACCOUNT_BLOCKED,
      'precondition',
      during === 'check'
        ? `This ${noun(type)}'s account is blocked after three consecutive failed security checks. ` +
            'Call them back on the number held and, once they pass security, unblock the account.'
        : `This ${noun(type)}'s account is blocked ("TAM account is blocked"). Unblock the account ` +
            '(Unblock User) before updating the security details.',
      {
        requirementId: during === 'check' ? 'SD-2' : 'SD-11',
        extra: { blockedAt: blockedAt?.toISOString() ?? null },
      },
    );
  }
}

/**
 * Security details cannot be amended for a client representative through the client's change; a
 * representative has security details of their own (SD-18). HTTP 422.
 */
export class RepresentativeNotAmendableError extends DomainError {
  constructor(representativeId?: string) {
    super(
      SecurityErrorCode.REPRESENTATIVE_NOT_AMENDABLE,
      'precondition',
      "Security details cannot be amended for a client representative through the client's change. A " +
        'representative has security details of their own: use ' +
        `/representatives/${representativeId ?? '{representativeId}'}/security-details.`,
      { requirementId: 'SD-18' },
    );
  }
}

/** The id names a subject of the other type (a representative on a client route, or the reverse). HTTP 422. */
export class SubjectTypeMismatchError extends DomainError {
  constructor(id: string, actual: SubjectType) {
    super(
      actual === 'representative'
        ? SecurityErrorCode.REPRESENTATIVE_NOT_AMENDABLE
        : SecurityErrorCode.SUBJECT_TYPE_MISMATCH,
      'precondition',
      actual === 'representative'
        ? `${id} is a client representative, whose security details are their own and cannot be handled as the ` +
            `client's (SD-18): use /representatives/${id}/security-details.`
        : `${id} is a client, not a client representative: use /clients/${id}/security-details.`,
      { requirementId: 'SD-18' },
    );
  }
}

/** Codes of refusals that come from what service-requests holds (issue #12). */
export const SubjectFactCode = {
  CLIENT_NOT_FOUND: 'CLIENT_NOT_FOUND',
  REPRESENTATIVE_NOT_ACTING_FOR_CLIENT: 'REPRESENTATIVE_NOT_ACTING_FOR_CLIENT',
  SERVICE_REQUEST_REQUIRED: 'SERVICE_REQUEST_REQUIRED',
  SERVICE_REQUEST_NOT_FOUND: 'SERVICE_REQUEST_NOT_FOUND',
  SERVICE_REQUEST_NOT_APPLICABLE: 'SERVICE_REQUEST_NOT_APPLICABLE',
} as const;

/** service-requests holds no such client: nobody to hold security details for. HTTP 404. */
export class ClientNotFoundError extends DomainError {
  constructor(id: string, field: string) {
    super(
      SubjectFactCode.CLIENT_NOT_FOUND,
      'not-found',
      `service-requests holds no client ${id}: security details are held only for a client CMS knows.`,
      { extra: { field, id } },
    );
  }
}

/**
 * The representative is not a current representative of the client named (SD-18: a representative
 * has security details of their own, as the representative of one client). HTTP 422.
 */
export class RepresentativeNotActingForClientError extends DomainError {
  constructor(representativeId: string, clientId: string) {
    super(
      SubjectFactCode.REPRESENTATIVE_NOT_ACTING_FOR_CLIENT,
      'precondition',
      `service-requests holds no current representative ${representativeId} of client ${clientId}. Add the ` +
        'representative as a contact on the client’s case first (SD-15), then set up their own details.',
      {
        requirementId: 'SD-18',
        errors: [
          {
            field: 'actingForClientId',
            rule: 'representative-of-client',
            message:
              'The representative must be a current representative of this client in service-requests.',
            requirementId: 'SD-18',
          },
        ],
      },
    );
  }
}

/** A change of PIN or password is made only inside the Change Contact/Security Info SR (SD-4). HTTP 422. */
export class ServiceRequestRequiredError extends DomainError {
  constructor() {
    super(
      SubjectFactCode.SERVICE_REQUEST_REQUIRED,
      'precondition',
      'Security details are changed only inside a Change Contact/Security Info SR (Process CofC, Area Change ' +
        'Personal Info): give its serviceRequestId. The Self Service Site raises that SR (SD-5); it does not ' +
        'change the details itself.',
      {
        requirementId: 'SD-4',
        errors: [
          {
            field: 'serviceRequestId',
            rule: 'required',
            message: 'The Change Contact/Security Info SR this change is made under.',
            requirementId: 'SD-4',
          },
        ],
      },
    );
  }
}

/** service-requests holds no such SR. HTTP 404. */
export class ServiceRequestNotFoundError extends DomainError {
  constructor(id: string) {
    super(SubjectFactCode.SERVICE_REQUEST_NOT_FOUND, 'not-found', `service-requests holds no SR ${id}.`, {
      requirementId: 'SD-4',
      extra: { field: 'serviceRequestId', id },
    });
  }
}

/**
 * The SR named is not an open Change Contact/Security Info SR about this subject (SD-4, SD-6):
 * another type, Closed or Cancelled, or about someone else. HTTP 422.
 */
export class ServiceRequestNotApplicableError extends DomainError {
  constructor(id: string, why: string) {
    super(
      SubjectFactCode.SERVICE_REQUEST_NOT_APPLICABLE,
      'precondition',
      `SR ${id} ${why}. Security details are changed only under an open Change Contact/Security Info SR ` +
        'whose subject is this client (for a representative, the client they act for).',
      {
        requirementId: 'SD-4',
        errors: [
          {
            field: 'serviceRequestId',
            rule: 'open-security-details-sr-of-subject',
            message: `SR ${id} ${why}.`,
            requirementId: 'SD-4',
          },
        ],
      },
    );
  }
}
