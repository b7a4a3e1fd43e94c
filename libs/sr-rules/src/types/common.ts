import type { ResolutionCode, Role, SrSubStatus } from '@cms/domain';
import type { Guard, SrEffect, SrState, SrStateDef, SrStateMatcher, TransitionDef } from '../model';

/** Roles that work SRs on ordinary cases: caseworkers, team leaders and the sensitive case team. */
export const WORKERS: readonly Role[] = ['caseworker', 'team-leader', 'sensitive-access'];
/** WORKERS plus our own services (follow-ups on Wait expiry, BR-9 auto-close). */
export const WORKERS_OR_SYSTEM: readonly Role[] = [...WORKERS, 'system'];
/** Only the sensitive case team (BR-7, RD-4). */
export const SENSITIVE_TEAM: readonly Role[] = ['sensitive-access'];
/** The sensitive case team or our own services. */
export const SENSITIVE_TEAM_OR_SYSTEM: readonly Role[] = ['sensitive-access', 'system'];
export const TEAM_LEADERS: readonly Role[] = ['team-leader'];
export const SYSTEM_ONLY: readonly Role[] = ['system'];

/** Resolution codes for cancelling an SR that is no longer wanted or was raised in error (local policy). */
export const CANCEL_CODES: readonly ResolutionCode[] = ['Withdrawn', 'Raised In Error'];

/** A state value. */
export const st = (status: SrState['status'], subStatus: SrSubStatus | null = null): SrState => ({
  status,
  subStatus,
});

/** A state with its meaning. */
export const sd = (
  status: SrState['status'],
  subStatus: SrSubStatus | null,
  description: string,
  extra: Pick<SrStateDef, 'readOnly' | 'final'> = {},
): SrStateDef => ({ status, subStatus, description, ...extra });

/** The final states every type has. */
export const CLOSED_COMPLETE = st('Closed', 'Complete');
export const CANCELLED = st('Cancelled');

/** Matchers for `from`, from states. */
export const from = (...states: SrState[]): SrStateMatcher[] => states.map((s) => ({ ...s }));

/**
 * Builds a transition, adding the guards every transition has: sensitive access on a nationally
 * sensitive case, not read-only (TD-8, unless `readOnlyExempt`) and the role check.
 */
export function transition(def: {
  name: string;
  title: string;
  from: readonly SrStateMatcher[];
  to: SrState;
  paths?: readonly string[];
  roles: readonly Role[];
  guards?: readonly Guard[];
  effects?: readonly SrEffect[];
  requirementIds: readonly string[];
  procedureStep?: string;
  readOnlyExempt?: boolean;
}): TransitionDef {
  const base: Guard[] = [{ kind: 'sensitive-access', requirementId: 'X-1' }];
  if (!def.readOnlyExempt) base.push({ kind: 'not-read-only', requirementId: 'TD-8' });
  base.push({ kind: 'role', anyOf: def.roles, requirementId: 'X-1' });
  return {
    name: def.name,
    title: def.title,
    from: def.from,
    to: def.to,
    ...(def.paths ? { paths: def.paths } : {}),
    guards: [...base, ...(def.guards ?? [])],
    effects: def.effects ?? [],
    requirementIds: def.requirementIds,
    ...(def.procedureStep ? { procedureStep: def.procedureStep } : {}),
  };
}
