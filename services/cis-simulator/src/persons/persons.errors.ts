import { DomainError, type PersonReferenceKind } from '@cms/domain';

/** CIS holds no record for the NINO/CRN (HTTP 404, `CIS_REFERENCE_NOT_FOUND`). */
export class CisReferenceNotFoundError extends DomainError {
  constructor(kind: PersonReferenceKind) {
    super('CIS_REFERENCE_NOT_FOUND', 'not-found', `${kind} not found`);
  }
}

/** The NINO/CRN's record is deleted on CIS (HTTP 422, `CIS_REFERENCE_DELETED`). */
export class CisReferenceDeletedError extends DomainError {
  constructor(kind: PersonReferenceKind) {
    super('CIS_REFERENCE_DELETED', 'precondition', `${kind} deleted`);
  }
}

/** The NINO/CRN was superseded; `supersededByNino` names the one to use (HTTP 422, `CIS_REFERENCE_SUPERSEDED`). */
export class CisReferenceSupersededError extends DomainError {
  constructor(kind: PersonReferenceKind, supersededByNino: string) {
    super('CIS_REFERENCE_SUPERSEDED', 'precondition', `${kind} superseded by ${supersededByNino}`, {
      extra: { supersededByNino },
    });
  }
}

/** A person with that NINO/CRN already exists (HTTP 409, `PERSON_EXISTS`). */
export class PersonExistsError extends DomainError {
  constructor(kind: PersonReferenceKind) {
    super('PERSON_EXISTS', 'conflict', `CIS already holds a person with this ${kind}.`, {
      errors: [{ field: 'reference', rule: 'unique', message: `This ${kind} is already held.` }],
    });
  }
}
