import { SrRuleError } from './errors';
import type { SrActivityStep } from './model';

/** An SR's subject (person and role) and its linked cases, as recorded on it. */
export interface SrSubjectLinks {
  subject: { clientId: string; role: string } | null;
  caseIds: readonly string[];
}

/**
 * Change - Security Details, steps 3–4 and 9 (SD-6, SD-11): once any step of the activity plan has
 * an outcome (a verification, the TAM account check, security details), the SR's subject and linked
 * cases are fixed, so that every later step acts on the person who was verified. A change that
 * names the same subject and the same cases is not a change.
 * @throws SrRuleError SUBJECT_LOCKED (422, SD-6)
 */
export function assertSubjectEditable(
  steps: readonly SrActivityStep[],
  current: SrSubjectLinks,
  next: Partial<SrSubjectLinks>,
): void {
  const done = steps.filter((s) => s.outcome !== null).map((s) => s.key);
  if (!done.length) return;
  const sameSubject =
    next.subject === undefined ||
    (next.subject?.clientId === current.subject?.clientId && next.subject?.role === current.subject?.role);
  const sameCases =
    next.caseIds === undefined ||
    (next.caseIds.length === current.caseIds.length &&
      next.caseIds.every((id) => current.caseIds.includes(id)));
  if (sameSubject && sameCases) return;
  throw new SrRuleError({
    allowed: false,
    reason: 'SUBJECT_LOCKED',
    message: `The subject and linked cases cannot change once a step is recorded (${done.join(', ')}): every later step acts on the person verified. Raise a new SR for another person or case.`,
    requirementId: 'SD-6',
    field: next.subject !== undefined && !sameSubject ? 'subject' : 'caseIds',
  });
}
