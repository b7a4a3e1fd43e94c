import { Actor, hasSensitiveAccess, InsufficientAccessError } from '@cms/domain';

/**
 * Refuses a caller without sensitive access when the record is nationally sensitive (X-1, SU-6).
 * @throws InsufficientAccessError (403 "Insufficient Access")
 */
export function assertMaySee(actor: Actor, nationallySensitive: boolean, requirementId = 'X-1'): void {
  if (nationallySensitive && !hasSensitiveAccess(actor)) {
    throw new InsufficientAccessError(undefined, requirementId);
  }
}
