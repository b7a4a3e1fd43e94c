import type { SrTypeCode } from '@cms/domain';
import type {
  SrSnapshot,
  SrState,
  SrStateDef,
  SrStateMatcher,
  SrTypeDefinition,
  TransitionDef,
} from './model';
import { SR_TYPES } from './types';

/** The definition of an SR type, or undefined for a code outside the table. */
export function definitionOf(type: SrTypeCode): SrTypeDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(SR_TYPES, type) ? SR_TYPES[type] : undefined;
}

/**
 * The path an SR is on: its own `path` when set (undefined when that is not a path of its type);
 * otherwise the first path whose `sources` include the SR's source (Self Service → `self-service`,
 * SD-5), else the type's first path without `sources`.
 */
export function resolvePath(
  def: SrTypeDefinition,
  sr: Pick<SrSnapshot, 'path' | 'source'>,
): string | undefined {
  if (sr.path !== null && sr.path !== undefined)
    return def.paths.some((p) => p.key === sr.path) ? sr.path : undefined;
  const bySource = def.paths.find((p) => p.sources?.includes(sr.source));
  if (bySource) return bySource.key;
  return (def.paths.find((p) => !p.sources) ?? def.paths[0])?.key;
}

/** True when two states are the same Status and Sub Status (null and undefined alike). */
export function sameState(a: SrState, b: SrState): boolean {
  return a.status === b.status && (a.subStatus ?? null) === (b.subStatus ?? null);
}

/** True when `state` matches `matcher` (`'*'` matches any Sub Status). */
export function matchesState(matcher: SrStateMatcher, state: SrState): boolean {
  return (
    matcher.status === state.status &&
    (matcher.subStatus === '*' || matcher.subStatus === (state.subStatus ?? null))
  );
}

/** The type's definition of `state`, or undefined when the type does not use it. */
export function stateDefOf(def: SrTypeDefinition, state: SrState): SrStateDef | undefined {
  return def.states.find((s) => sameState(s, state));
}

/** Transitions of `def` that apply on `path` and leave `state`, in table order. */
export function transitionsFrom(def: SrTypeDefinition, path: string, state: SrState): TransitionDef[] {
  return def.transitions.filter(
    (t) => (!t.paths || t.paths.includes(path)) && t.from.some((m) => matchesState(m, state)),
  );
}

/** "In Progress / Security Details", or just "Open" when there is no Sub Status. */
export function stateLabel(state: SrState): string {
  return state.subStatus ? `${state.status} / ${state.subStatus}` : state.status;
}
