/**
 * Access roles carried in a caller's token.
 * - `caseworker`: works SRs on cases that are not nationally sensitive.
 * - `team-leader`: approves or rejects SRs pending TL approval (TD-6, TD-8).
 * - `sensitive-access`: may see and act on nationally sensitive cases (SU-6, BR-7, RD-4).
 * - `system`: other services of this system and CIS itself.
 */
export const ROLES = ['caseworker', 'team-leader', 'sensitive-access', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** True when `value` is one of {@link ROLES}. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who did something: a person (caseworker id) or a system, with the roles it had then. */
export interface Actor {
  /** Staff id or service name, e.g. `cw-1042` or `cis-interface`. */
  id: string;
  roles: readonly Role[];
}

/**
 * True when the actor may act on nationally sensitive cases: the sensitive case team, or one
 * of our own services (which must route such work to that team, BR-7, and never show it to others).
 */
export function hasSensitiveAccess(actor: Actor): boolean {
  return actor.roles.includes('sensitive-access') || actor.roles.includes('system');
}
