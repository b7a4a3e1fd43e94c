import { type Actor, hasSensitiveAccess, InsufficientAccessError, maskNino, type Role } from '@cms/domain';

/**
 * Every kind of record the system serves, by the service that owns it. Each one says how its
 * sensitivity is found; {@link ACCESS_POLICY} is the one table of who may read and change it.
 */
export const RESOURCE_KINDS = [
  // service-requests
  'case',
  'client',
  'representative',
  'service-request',
  'work-queue',
  'audit-trail',
  // client-security
  'security-details',
  'security-audit-trail',
  // cis-interface
  'interest',
  'cis-data',
  'retrieval',
  'discrepancy',
  'cis-update',
  'broadcast',
  'broadcast-transaction',
  'unmatched-transaction',
  // correspondence
  'letter',
  'sms',
  'issue-log-entry',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** What a route does with the record it names. */
export type AccessAction = 'read' | 'change';

/** One row of the access policy: how sensitivity is found, and the widest set of roles per action. */
export interface ResourcePolicy {
  /** Where the nationally sensitive state of such a record comes from (shown in docs/architecture.md). */
  sensitivity: string;
  /** The roles that may ever read it; a route may narrow, never widen (checked at start-up). */
  read: readonly Role[];
  /** The roles that may ever change it; a route may narrow, never widen. */
  change: readonly Role[];
}

const STAFF: readonly Role[] = ['caseworker', 'team-leader', 'sensitive-access', 'system'];
const CLIENT_SIDE =
  'the client: any of their cases flagged (SU-6, BR-7, PATCH by the sensitive case team), the client flag, or Sensitive Check (RD-4)';

/**
 * The access policy: for every resource kind, how its sensitivity is found and who may read
 * or change it. A nationally sensitive record is open only to callers with sensitive access
 * (`sensitive-access`, or one of our own services, which route such work to that team); anyone
 * else gets 403 "Insufficient Access". Anything not in this table is denied.
 */
export const ACCESS_POLICY: Readonly<Record<ResourceKind, ResourcePolicy>> = {
  case: { sensitivity: 'the case flag', read: STAFF, change: ['caseworker', 'sensitive-access', 'system'] },
  client: { sensitivity: CLIENT_SIDE, read: STAFF, change: ['caseworker', 'sensitive-access', 'system'] },
  representative: {
    sensitivity: 'the client they act for',
    read: STAFF,
    change: ['caseworker', 'sensitive-access', 'system'],
  },
  'service-request': {
    sensitivity: 'its own flag, any linked case, or its subject client',
    read: STAFF,
    change: STAFF,
  },
  'work-queue': {
    sensitivity: 'the sensitive-case-team queue (BR-7) is sensitive; items by their SR',
    read: STAFF,
    change: [],
  },
  'audit-trail': {
    sensitivity: 'the audited case, client or service request',
    read: STAFF,
    change: [],
  },
  'security-details': {
    sensitivity: 'the client, or the client a representative acts for (asked of service-requests)',
    read: STAFF,
    change: STAFF,
  },
  'security-audit-trail': {
    sensitivity: 'the audited client or representative (asked of service-requests)',
    read: STAFF,
    change: [],
  },
  interest: {
    sensitivity: 'the client (asked of service-requests) or CIS-sourced sensitivity kept by cis-interface',
    read: STAFF,
    change: ['caseworker', 'sensitive-access', 'system'],
  },
  'cis-data': {
    sensitivity:
      'the client, or CIS having withheld the record at standard access (RD-4) or answered error code 1 (SU-6)',
    read: STAFF,
    change: ['caseworker', 'sensitive-access', 'system'],
  },
  retrieval: {
    sensitivity: 'its client (as cis-data)',
    read: STAFF,
    change: ['caseworker', 'sensitive-access', 'system'],
  },
  discrepancy: {
    sensitivity: 'its client (as cis-data)',
    read: STAFF,
    change: ['caseworker', 'sensitive-access'],
  },
  'cis-update': {
    sensitivity: 'its client (as cis-data); an update CIS answered with error code 1 (SU-6)',
    read: STAFF,
    change: ['caseworker', 'sensitive-access', 'system'],
  },
  broadcast: {
    sensitivity: 'a batch carries no citizen data (counts only)',
    read: STAFF,
    change: ['system'],
  },
  'broadcast-transaction': {
    sensitivity: 'its matched client (as cis-data), or a nationally sensitive status update (BR-7)',
    read: STAFF,
    change: ['system'],
  },
  'unmatched-transaction': {
    sensitivity: 'a nationally sensitive status update (BR-7), or a NINO CIS marked sensitive',
    read: STAFF,
    change: ['system'],
  },
  letter: { sensitivity: 'its case (asked of service-requests)', read: STAFF, change: STAFF },
  sms: { sensitivity: 'its case (asked of service-requests)', read: STAFF, change: STAFF },
  'issue-log-entry': { sensitivity: 'its case (asked of service-requests)', read: STAFF, change: [] },
};

/** True when the caller may see records that are nationally sensitive. */
export function maySeeSensitive(actor: Actor): boolean {
  return hasSensitiveAccess(actor);
}

/**
 * The one decision (X-1, SU-6, BR-7, RD-4): a caller without sensitive access may not read or change a
 * nationally sensitive record.
 * @throws InsufficientAccessError (403 "Insufficient Access")
 */
export function decideAccess(actor: Actor, sensitive: boolean, requirementId = 'X-1'): void {
  if (sensitive && !maySeeSensitive(actor)) throw new InsufficientAccessError(undefined, requirementId);
}

/**
 * How NINOs and CRNs are shown to a caller, the same in every view of every service: whole to those
 * who work with the client (caseworkers, the sensitive case team, our own services); masked
 * (`AB****56C`) to anyone else, e.g. a team leader approving an SR.
 */
export function referenceVisibility(actor: Actor | undefined): 'whole' | 'masked' {
  if (!actor) return 'masked';
  return actor.roles.some((r) => r === 'caseworker' || r === 'sensitive-access' || r === 'system')
    ? 'whole'
    : 'masked';
}

/** Response fields that carry a NINO or CRN, in any service's views. */
export const REFERENCE_FIELDS: ReadonlySet<string> = new Set([
  'nino',
  'crn',
  'reference',
  'newNino',
  'supersededNino',
  'supersededBy',
  'supersededByNino',
  'previousReference',
]);

/** Items (RD-3 items, discrepancies) whose `cisValue` / `cmsValue` is a NINO or CRN. */
const REFERENCE_ITEMS: ReadonlySet<unknown> = new Set(['nino', 'crn']);
const ITEM_VALUE_FIELDS: ReadonlySet<string> = new Set(['cisValue', 'cmsValue']);

/**
 * Masks every NINO/CRN field in a response body for callers who see them masked (see
 * {@link referenceVisibility}); returns the body unchanged otherwise. Walks plain objects and arrays.
 */
export function presentReferences<T>(actor: Actor | undefined, body: T): T {
  if (referenceVisibility(actor) === 'whole') return body;
  return maskDeep(body, 0) as T;
}

function maskDeep(value: unknown, depth: number): unknown {
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  // Files and streams (PDFs) are passed through untouched.
  const v = value as { pipe?: unknown; getStream?: unknown };
  if (
    value instanceof Date ||
    ArrayBuffer.isView(value) ||
    typeof v.pipe === 'function' ||
    typeof v.getStream === 'function'
  )
    return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  const referenceItem = REFERENCE_ITEMS.has((value as { item?: unknown }).item);
  for (const [k, v] of Object.entries(value)) {
    const isReference = REFERENCE_FIELDS.has(k) || (referenceItem && ITEM_VALUE_FIELDS.has(k));
    out[k] = isReference && typeof v === 'string' ? maskNino(v) : maskDeep(v, depth + 1);
  }
  return out;
}
