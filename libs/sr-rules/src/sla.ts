import { addDays, addHours, isFinalSrStatus, isSelfService } from '@cms/domain';
import type { SrSnapshot } from './model';
import { definitionOf, resolvePath } from './table';

/** How an SR stands against its service level. */
export type SlaState = 'on time' | 'due soon' | 'breached' | 'none';

/** The answer of {@link slaFor}. */
export interface SlaStatus {
  /** When the next action is due, or null when nothing is (final SRs). */
  dueAt: Date | null;
  state: SlaState;
  /**
   * Which rule set `dueAt`: `self-service` (24 hours from creation while Open, SD-5), `wait` (the
   * next action due date), `local-policy` (the type's default days from creation), or `none`.
   */
  basis: 'self-service' | 'wait' | 'local-policy' | 'none';
  requirementId?: string;
}

/** "Due soon" once no more than this share of the window is left. */
export const DUE_SOON_SHARE = 0.25;

const MS_PER_DAY = 24 * 60 * 60 * 1000;

function judge(dueAt: Date, windowMs: number, now: Date): SlaState {
  const left = dueAt.getTime() - now.getTime();
  if (left < 0) return 'breached';
  return left <= windowMs * DUE_SOON_SHARE ? 'due soon' : 'on time';
}

/**
 * The service level of an SR at `now` (pure).
 * - Closed or Cancelled: `{ dueAt: null, state: 'none' }`.
 * - Wait: due at the next action due date; the window is the path's wait days (7 for security details,
 *   SD-9/SD-10; 14 for data transfers, TD-3/TD-11) or, where the procedure names none, the type's default.
 * - Open and raised on the Self Service Site: 24 hours from `createdAt` (Change - Security Details,
 *   introduction; SD-5). The procedures set this only for security details; we apply it to any type
 *   whose SLA has `selfServiceHours`.
 * - Otherwise: the type's `sla.defaultDays` from `createdAt`. The procedures are silent here, so these
 *   days are local policy (see each type's `sla.note`).
 * The state is `breached` after `dueAt`, `due soon` within the last 25% of the window, else `on time`.
 */
export function slaFor(sr: SrSnapshot, now: Date): SlaStatus {
  const def = definitionOf(sr.type);
  if (!def || isFinalSrStatus(sr.status)) return { dueAt: null, state: 'none', basis: 'none' };
  const defaultWindow = def.sla.defaultDays * MS_PER_DAY;
  if (sr.status === 'Wait') {
    if (!sr.nextActionDue) return { dueAt: null, state: 'none', basis: 'none' };
    const path = def.paths.find((p) => p.key === resolvePath(def, sr));
    const windowMs = path?.waitDays ? path.waitDays * MS_PER_DAY : defaultWindow;
    const requirementId = path?.waitDays ? path.waitRequirementId : undefined;
    return {
      dueAt: sr.nextActionDue,
      state: judge(sr.nextActionDue, windowMs, now),
      basis: 'wait',
      ...(requirementId ? { requirementId } : {}),
    };
  }
  if (sr.status === 'Open' && def.sla.selfServiceHours && isSelfService(sr.source)) {
    const dueAt = addHours(sr.createdAt, def.sla.selfServiceHours);
    return {
      dueAt,
      state: judge(dueAt, def.sla.selfServiceHours * 60 * 60 * 1000, now),
      basis: 'self-service',
      requirementId: 'SD-5',
    };
  }
  const dueAt = addDays(sr.createdAt, def.sla.defaultDays);
  return { dueAt, state: judge(dueAt, defaultWindow, now), basis: 'local-policy' };
}
