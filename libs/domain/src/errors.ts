/**
 * The kind of a domain error decides its HTTP status, in one place (libs/platform's global filter):
 * - `validation` 400, `unauthenticated` 401, `forbidden` 403, `insufficient-access` 403 with the
 *   title "Insufficient Access" (SU-6, X-1), `not-found` 404, `conflict` 409 (stale version,
 *   duplicate), `precondition` 422 (the procedure does not allow this now, e.g. an illegal SR
 *   transition), `rate-limited` 429, `unavailable` 503 (a dependency such as CIS is down).
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'insufficient-access'
  | 'not-found'
  | 'conflict'
  | 'precondition'
  | 'rate-limited'
  | 'unavailable';

/** One problem with one input field: what field, which rule it breaks, and the requirement ID. */
export interface FieldProblem {
  /** Dotted path of the field in the request, e.g. `address.postcode`. */
  field: string;
  /** Short machine rule name, e.g. `nino-format`, `required`, `pin-not-all-zeroes`. */
  rule: string;
  /** Human sentence a caseworker can act on. */
  message: string;
  /** Requirement ID from REQUIREMENTS.md where one applies, e.g. `SD-1`. */
  requirementId?: string;
}

/**
 * Base class of every domain error. Framework-free: services throw these and the platform maps
 * `kind` to an HTTP status and writes RFC 9457 problem+json with `code`, `detail`, `errors[]` and
 * `requirementId`.
 */
export class DomainError extends Error {
  constructor(
    /** Stable machine code, SCREAMING_SNAKE, unique across the system, e.g. `NINO_INVALID`. */
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly options: {
      errors?: FieldProblem[];
      requirementId?: string;
      title?: string;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }

  get errors(): FieldProblem[] {
    return this.options.errors ?? [];
  }

  get requirementId(): string | undefined {
    return this.options.requirementId;
  }
}

/** Thrown when one or more input values break a domain rule (HTTP 400). */
export class DomainValidationError extends DomainError {
  constructor(errors: FieldProblem[], message = errors.map((e) => `${e.field}: ${e.message}`).join('; ')) {
    super('VALIDATION_FAILED', 'validation', message, {
      errors,
      requirementId: errors.find((e) => e.requirementId)?.requirementId,
    });
  }
}

/** Thrown when the caller may not see or change a nationally sensitive case (SU-6, X-1). */
export class InsufficientAccessError extends DomainError {
  constructor(
    message = 'This case is nationally sensitive: only caseworkers with sensitive access can deal with it.',
    requirementId = 'X-1',
  ) {
    super('INSUFFICIENT_ACCESS', 'insufficient-access', message, {
      requirementId,
      title: 'Insufficient Access',
    });
  }
}

/** Thrown when a record does not exist (HTTP 404). */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', 'not-found', `${what} ${id} was not found.`, { extra: { what, id } });
  }
}

/** Thrown when an update was based on a stale version of a record (HTTP 409). */
export class StaleVersionError extends DomainError {
  constructor(what: string, id: string, expected: number, actual: number) {
    super(
      'STALE_VERSION',
      'conflict',
      `${what} ${id} has changed since you read it (your version ${expected}, current ${actual}). Reload and try again.`,
      {
        extra: { expectedVersion: expected, currentVersion: actual },
      },
    );
  }
}
