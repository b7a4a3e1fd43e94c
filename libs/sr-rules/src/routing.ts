import { isSelfService, type SrSource, type SrStatus, type SrSubStatus, type SrTypeCode } from '@cms/domain';

/**
 * Work queues SRs are routed to.
 * - `sensitive-case-team`: nationally sensitive work only callers with sensitive access may see (BR-7, RD-4, X-1).
 * - `team-leader-approvals`: SRs at Pending Approval TL (TD-6).
 * - `self-service`: security details changes from the Self Service Site, to action within 24 hours (SD-5).
 * - `new-case`: verbal bank details recorded at application stage, for the new case caseworker (TD-10).
 * - `security-details`, `cis-changes`, `change-of-circumstances`, `correspondence`: by SR type.
 */
export const QUEUE_NAMES = [
  'sensitive-case-team',
  'team-leader-approvals',
  'self-service',
  'new-case',
  'security-details',
  'cis-changes',
  'change-of-circumstances',
  'correspondence',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** What routing looks at besides the SR type. Only `nationallySensitive` is required. */
export interface RoutingContext {
  /** The linked case is nationally sensitive (BR-7, SU-6). */
  nationallySensitive: boolean;
  status?: SrStatus | null;
  subStatus?: SrSubStatus | null;
  source?: SrSource | null;
}

/** One routing rule; the first whose `applies` is true decides the queue. */
export interface RoutingRule {
  queue: QueueName;
  /** The condition in words, for the generated docs. */
  description: string;
  requirementIds: readonly string[];
  applies(type: SrTypeCode, ctx: RoutingContext): boolean;
}

const SENSITIVE_TYPES: readonly SrTypeCode[] = ['NATIONALLY_SENSITIVE_UPDATE', 'SENSITIVE_CALL_BACK'];

/** The routing table, in order: sensitivity first (BR-7), then approval, then the type. */
export const ROUTING_RULES: readonly RoutingRule[] = [
  {
    queue: 'sensitive-case-team',
    description:
      'Any SR on a nationally sensitive case, and every NATIONALLY_SENSITIVE_UPDATE and SENSITIVE_CALL_BACK',
    requirementIds: ['BR-7', 'RD-4', 'SU-6', 'X-1'],
    applies: (type, ctx) => ctx.nationallySensitive || SENSITIVE_TYPES.includes(type),
  },
  {
    queue: 'team-leader-approvals',
    description: 'Sub Status Pending Approval TL',
    requirementIds: ['TD-6'],
    applies: (_type, ctx) => ctx.subStatus === 'Pending Approval TL',
  },
  {
    queue: 'new-case',
    description: 'Sub Status Awaiting New Case Caseworker',
    requirementIds: ['TD-10'],
    applies: (_type, ctx) => ctx.subStatus === 'Awaiting New Case Caseworker',
  },
  {
    queue: 'self-service',
    description: "SECURITY_DETAILS from 'PWC (Self Service)' or 'NRP (Self Service)'",
    requirementIds: ['SD-5'],
    applies: (type, ctx) => type === 'SECURITY_DETAILS' && !!ctx.source && isSelfService(ctx.source),
  },
  {
    queue: 'security-details',
    description: 'Other SECURITY_DETAILS',
    requirementIds: ['SD-4'],
    applies: (type) => type === 'SECURITY_DETAILS',
  },
  {
    queue: 'cis-changes',
    description: 'CIS_CHANGE (caseworkers with the correct access level)',
    requirementIds: ['BR-7'],
    applies: (type) => type === 'CIS_CHANGE',
  },
  {
    queue: 'change-of-circumstances',
    description: 'PERSONAL_DETAILS_CHANGE',
    requirementIds: ['SU-4'],
    applies: (type) => type === 'PERSONAL_DETAILS_CHANGE',
  },
  {
    queue: 'correspondence',
    description: 'DATA_TRANSFER (Outbound Contact / Send Generic Correspondence)',
    requirementIds: ['TD-2'],
    applies: (type) => type === 'DATA_TRANSFER',
  },
];

/**
 * The queue an SR belongs in now, by {@link ROUTING_RULES} (pure). BR-7: any SR on a nationally
 * sensitive case and every NATIONALLY_SENSITIVE_UPDATE / SENSITIVE_CALL_BACK goes to the sensitive case
 * team; SRs at Pending Approval TL to team leaders (TD-6); Self Service security details to the
 * self-service queue (SD-5); the rest by type. Call it again after every transition: the queue
 * follows the Sub Status.
 */
export function routeToQueue(type: SrTypeCode, ctx: RoutingContext): QueueName {
  return (ROUTING_RULES.find((r) => r.applies(type, ctx)) ?? ROUTING_RULES[ROUTING_RULES.length - 1]).queue;
}
