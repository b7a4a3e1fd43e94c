import { randomUUID } from 'node:crypto';
import type { OrdinaryFamily, SensitiveFamily } from './access-family';
import { patched } from './access-openapi';
import type { ServiceKey } from './system';

/*
 * The classification of every operation of the five OpenAPI documents for the access matrix
 * (access-matrix.spec.ts, issue #11, X-1). Keyed by service and `METHOD /path/{template}` exactly
 * as the documents list them: an operation a document lists and this table does not (or the
 * reverse) fails the suite, so a new route cannot be added without saying who may call it.
 *
 * - public: no token (health); serves no citizen's data.
 * - system-only: our own services only; caseworkers and team leaders get 403.
 * - no-subject: serves no citizen's record (templates, the clock, CIS availability).
 * - create: makes a new record naming no existing one; the answer names nothing of the family.
 * - subject: reads or changes a record of the nationally sensitive family (or names one): caseworker
 *   and team leader get 403 "Insufficient Access" (or 403 ROLE_REQUIRED where the route is not
 *   theirs at all), name nothing of the family and change nothing; the sensitive case team is
 *   never refused for access.
 * - listing: answers with a list (searches, queues, pages): the family's records are withheld from
 *   caseworkers and team leaders, and totals do not count them.
 */

/** The two callers without sensitive access. */
export type Staff = 'caseworker' | 'teamLeader';

/** How the matrix fills one request: path parameters, query, and the body made from the example. */
export interface Call {
  params?: Record<string, string>;
  query?: Record<string, string | undefined>;
  /** The body, from the operation's documented example (null when it has none). */
  body?: (example: Record<string, unknown> | null) => unknown;
}

/** A listing request, with where its items and total are in the answer. */
export interface ListingCall extends Call {
  /** Dotted path of the items array ('' for a bare array). */
  items?: string;
  /** Dotted path of a total count. */
  total?: string;
  /** The sensitive case team's answer must name the family (the list is where its records would show). */
  sctNames?: boolean;
}

export type Classification =
  | { class: 'public'; reason: string }
  | { class: 'system-only'; reason: string }
  | { class: 'no-subject'; reason: string; call?: Call }
  | {
      class: 'create';
      reason: string;
      /** Callers refused by role (403 ROLE_REQUIRED) rather than for access. */
      roleRefused?: readonly Staff[];
      calls: (f: SensitiveFamily) => Call[];
    }
  | {
      class: 'subject';
      /** The requirement ID the refusal names: X-1 unless the route documents SU-6 or BR-7. */
      requirementIds?: readonly string[];
      roleRefused?: readonly Staff[];
      calls: (f: SensitiveFamily) => Call[];
      /** The same operation used as a listing too (other values of its parameters). */
      listings?: (f: SensitiveFamily, o: OrdinaryFamily) => ListingCall[];
    }
  | { class: 'listing'; reason: string; listings: (f: SensitiveFamily, o: OrdinaryFamily) => ListingCall[] };

const TL: readonly Staff[] = ['teamLeader'];
const BOTH: readonly Staff[] = ['caseworker', 'teamLeader'];
const ex = (example: Record<string, unknown> | null) => example ?? {};
const with_ =
  (patch: Record<string, unknown>) =>
  (example: Record<string, unknown> | null): unknown =>
    patched(example, patch);

const HEALTH = {
  'GET /health/live': { class: 'public', reason: 'liveness for the platform; no data' },
  'GET /health/ready': { class: 'public', reason: 'readiness (the database answers); no data' },
} as const satisfies Record<string, Classification>;
const CLOCK = {
  'GET /internal/clock': { class: 'no-subject', reason: 'the time of day' },
  'POST /internal/clock/advance': { class: 'system-only', reason: 'tests and the demo move the clock' },
} as const satisfies Record<string, Classification>;

/** Work queues other than the sensitive case team's (BR-7), as listings. */
const ORDINARY_QUEUES = [
  'team-leader-approvals',
  'self-service',
  'new-case',
  'security-details',
  'cis-changes',
  'change-of-circumstances',
  'correspondence',
];

export const CLASSIFICATION: Record<ServiceKey, Record<string, Classification>> = {
  sr: {
    ...HEALTH,
    ...CLOCK,
    'POST /clients': {
      class: 'create',
      reason: 'a new client; the sensitive parent’s NINO is refused as a duplicate without naming the holder',
      roleRefused: TL,
      calls: (f) => [{ body: with_({ nino: f.pwc.nino, crn: undefined }) }],
    },
    'POST /clients/search': {
      class: 'subject',
      calls: (f) => [f.pwc, f.nrp, f.checked.client].map((c) => ({ body: () => ({ nino: c.nino }) })),
    },
    'GET /clients/{id}': {
      class: 'subject',
      calls: (f) => [f.pwc, f.nrp, f.checked.client].map((c) => ({ params: { id: c.id } })),
    },
    'PATCH /clients/{id}': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [f.pwc, f.checked.client].map((c) => ({ params: { id: c.id }, body: ex })),
    },
    'PUT /clients/{id}/reference-status': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { id: f.nrp.id }, body: ex }],
    },
    'POST /clients/{id}/nationally-sensitive': {
      class: 'subject',
      roleRefused: BOTH,
      calls: (f) => [{ params: { id: f.nrp.id }, body: ex }],
    },
    'POST /clients/{id}/sensitive-check': {
      class: 'system-only',
      reason: 'cis-interface reports CIS withholding a record at standard access (RD-4)',
    },
    'GET /clients/{clientId}/representatives': {
      class: 'subject',
      calls: (f) => [{ params: { clientId: f.nrp.id } }],
    },
    'POST /clients/{clientId}/representatives': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        {
          params: { clientId: f.nrp.id },
          body: with_({ caseId: f.caseId, serviceRequestId: f.srs.security.id }),
        },
      ],
    },
    'DELETE /clients/{clientId}/representatives/{representativeId}': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        {
          params: { clientId: f.nrp.id, representativeId: f.representative.id },
          query: { serviceRequestId: f.srs.security.id },
        },
      ],
    },
    'POST /cases': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        {
          body: with_({
            participants: [{ clientId: f.pwc.id, role: 'PWC' }],
            nationallySensitive: false,
          }),
        },
      ],
    },
    'GET /cases': {
      class: 'listing',
      reason: 'cases, newest first, with a total',
      listings: (f) => [
        { query: { limit: '200' }, items: 'items', total: 'total', sctNames: true },
        { query: { clientId: f.pwc.id, limit: '200' }, items: 'items', total: 'total', sctNames: true },
      ],
    },
    'GET /cases/{id}': { class: 'subject', calls: (f) => [{ params: { id: f.caseId } }] },
    'PATCH /cases/{id}': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { id: f.caseId }, body: ex }],
    },
    'GET /service-requests': {
      class: 'listing',
      reason: 'SRs of a case or a client',
      listings: (f, o) => [
        { query: { caseId: f.caseId }, items: '', sctNames: true },
        { query: { clientId: f.pwc.id }, items: '', sctNames: true },
        { query: { clientId: f.nrp.id }, items: '', sctNames: true },
        { query: { clientId: f.checked.client.id }, items: '', sctNames: true },
        { query: { caseId: o.caseId }, items: '' },
      ],
    },
    'POST /service-requests': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        { body: with_({ subject: { clientId: f.pwc.id, role: 'PWC' }, caseIds: [f.caseId], source: 'PWC' }) },
      ],
    },
    'POST /service-requests/batch': {
      class: 'system-only',
      reason: 'CIS broadcasts and security events raise SRs in batches',
    },
    'GET /service-requests/{id}': {
      class: 'subject',
      calls: (f) => [...Object.values(f.srs), f.checked.callBack].map((sr) => ({ params: { id: sr.id } })),
    },
    'PATCH /service-requests/{id}': {
      class: 'subject',
      calls: (f) => [
        {
          params: { id: f.srs.personal.id },
          body: with_({ subject: { clientId: f.pwc.id, role: 'PWC' }, caseIds: [f.caseId] }),
        },
      ],
    },
    'POST /service-requests/{id}/transitions': {
      class: 'subject',
      calls: (f) => [
        { params: { id: f.srs.security.id }, body: ex },
        { params: { id: f.srs.cisChange.id }, body: ex },
      ],
    },
    'PUT /service-requests/{id}/activity-steps/{key}': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.srs.security.id, key: 'security-details' }, body: ex }],
    },
    'POST /service-requests/{id}/notes': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.srs.personal.id }, body: ex }],
    },
    'PUT /service-requests/{id}/transfer-items': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { id: f.srs.transfer.id }, body: ex }],
    },
    'POST /security-events': {
      class: 'system-only',
      reason: 'client-security reports a blocked TAM account (SD-2), raising its SR',
    },
    'POST /service-requests/{id}/security-details/tam-account-check': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { id: f.srs.security.id }, body: ex }],
    },
    'POST /service-requests/{id}/security-details/update': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { id: f.srs.security.id }, body: ex }],
    },
    'GET /work-queues': {
      class: 'listing',
      reason: 'every queue with its open count (the sensitive case team’s withheld, BR-7)',
      // Its rows are queues, not records: the spec checks each queue's count instead.
      listings: () => [{}],
    },
    'GET /work-queues/{queue}': {
      class: 'subject',
      requirementIds: ['BR-7'],
      calls: () => [{ params: { queue: 'sensitive-case-team' }, query: { limit: '200' } }],
      listings: (f) =>
        ORDINARY_QUEUES.map((queue) => ({
          params: { queue },
          query: { limit: '200' },
          items: 'items',
          sctNames: Object.values(f.srs).some(
            (sr) => sr.queue === queue && !['Closed', 'Cancelled'].includes(sr.status),
          ),
        })),
    },
    'POST /cis-matches': {
      class: 'system-only',
      reason: 'cis-interface matches broadcast transactions with live cases (BR-5)',
    },
    'POST /cis-matches/raise': {
      class: 'system-only',
      reason: 'cis-interface matches broadcast transactions and raises their SRs in one call (BR-5, BR-6)',
    },
    'POST /internal/follow-ups/run': {
      class: 'system-only',
      reason: 'the timer that runs due follow-ups (waits that ran out)',
    },
    'GET /audit/{entityType}/{id}': {
      class: 'subject',
      calls: (f) => [
        { params: { entityType: 'case', id: f.caseId } },
        { params: { entityType: 'client', id: f.pwc.id } },
        { params: { entityType: 'client', id: f.nrp.id } },
        { params: { entityType: 'client', id: f.checked.client.id } },
        { params: { entityType: 'service-request', id: f.srs.security.id } },
      ],
    },
    'POST /access/sensitivity': {
      class: 'system-only',
      reason: 'the other services ask which of their records’ cases and clients are sensitive',
    },
  },

  ci: {
    ...HEALTH,
    ...CLOCK,
    'POST /clients/{clientId}/interests': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { clientId: f.nrp.id }, body: () => ({ interestType: 'NRP_MC' }) }],
    },
    'GET /clients/{clientId}/interests': {
      class: 'subject',
      calls: (f) => [{ params: { clientId: f.pwc.id } }, { params: { clientId: f.nrp.id } }],
    },
    'DELETE /clients/{clientId}/interests/{interestType}': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { clientId: f.nrp.id, interestType: 'NRP_GENERAL' } }],
    },
    'POST /retrievals': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) =>
        [f.pwc, f.checked.client].map((c) => ({ body: with_({ clientId: c.id, trigger: 'manual' }) })),
    },
    'GET /retrievals/{id}': {
      class: 'subject',
      calls: (f) => [f.retrievalId, f.checked.retrievalId].map((id) => ({ params: { id } })),
    },
    'GET /clients/{clientId}/retrievals': {
      class: 'subject',
      calls: (f) => [f.pwc, f.nrp, f.checked.client].map((c) => ({ params: { clientId: c.id } })),
    },
    'GET /clients/{clientId}/cis-data': {
      class: 'subject',
      calls: (f) => [f.pwc, f.checked.client].map((c) => ({ params: { clientId: c.id } })),
    },
    'GET /clients/{clientId}/discrepancies': {
      class: 'subject',
      calls: (f) => [
        { params: { clientId: f.pwc.id } },
        { params: { clientId: f.pwc.id }, query: { status: 'open' } },
      ],
    },
    'POST /discrepancies/{id}/resolution': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => f.discrepancyIds.map((id) => ({ params: { id }, body: ex })),
    },
    'POST /cis-updates': {
      class: 'subject',
      requirementIds: ['X-1', 'SU-6'],
      roleRefused: TL,
      calls: (f) => [{ body: with_({ clientId: f.pwc.id, serviceRequestId: f.srs.personal.id }) }],
    },
    'GET /cis-updates/{id}': {
      class: 'subject',
      requirementIds: ['X-1', 'SU-6'],
      calls: (f) => [{ params: { id: f.cisUpdateId } }],
    },
    'GET /clients/{clientId}/cis-updates': {
      class: 'subject',
      requirementIds: ['X-1', 'SU-6'],
      calls: (f) => [{ params: { clientId: f.pwc.id } }],
    },
    'POST /broadcasts': { class: 'system-only', reason: 'CIS (the simulator) delivers its daily broadcast' },
    'GET /broadcasts': {
      class: 'listing',
      reason: 'the latest batches, counted by outcome (no citizen data)',
      listings: () => [{ items: 'batches' }],
    },
    'GET /broadcasts/unmatched': {
      class: 'listing',
      reason: 'transactions matched with no live case (BR-5)',
      listings: () => [{ query: { limit: '200' }, items: 'items' }],
    },
    'GET /broadcasts/{batchId}': {
      class: 'listing',
      reason: 'a batch: status and counts by outcome (no citizen data)',
      listings: (f) => [{ params: { batchId: f.broadcast.batchId } }],
    },
    'GET /broadcasts/{batchId}/transactions': {
      class: 'listing',
      reason: 'a batch’s transactions (the family’s change withheld)',
      listings: (f) => [
        { params: { batchId: f.broadcast.batchId }, query: { limit: '500' }, items: 'items', sctNames: true },
      ],
    },
    'GET /cis/status': { class: 'no-subject', reason: 'the circuit breaker in front of CIS' },
  },

  cs: {
    ...HEALTH,
    ...CLOCK,
    'POST /clients/{clientId}/security-details': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { clientId: f.pwc.id }, body: ex }],
    },
    'GET /clients/{clientId}/security-details': {
      class: 'subject',
      calls: (f) => [{ params: { clientId: f.pwc.id } }, { params: { clientId: f.nrp.id } }],
    },
    'GET /clients/{clientId}/security-details/history': {
      class: 'subject',
      calls: (f) => [{ params: { clientId: f.pwc.id } }],
    },
    'POST /clients/{clientId}/security-details/change': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        { params: { clientId: f.nrp.id }, body: with_({ serviceRequestId: f.srs.security.id }) },
      ],
    },
    'POST /clients/{clientId}/security-check': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { clientId: f.pwc.id }, body: ex }],
    },
    'POST /clients/{clientId}/tam-account/unblock': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        { params: { clientId: f.nrp.id }, body: with_({ serviceRequestId: f.srs.security.id }) },
      ],
    },
    'POST /representatives/{representativeId}/security-details': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        { params: { representativeId: f.representative.id }, body: with_({ actingForClientId: f.nrp.id }) },
      ],
    },
    'GET /representatives/{representativeId}/security-details': {
      class: 'subject',
      calls: (f) => [{ params: { representativeId: f.representative.id } }],
    },
    'GET /representatives/{representativeId}/security-details/history': {
      class: 'subject',
      calls: (f) => [{ params: { representativeId: f.representative.id } }],
    },
    'POST /representatives/{representativeId}/security-details/change': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        {
          params: { representativeId: f.representative.id },
          body: with_({ subjectType: 'client-representative', serviceRequestId: f.srs.security.id }),
        },
      ],
    },
    'POST /representatives/{representativeId}/security-check': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [{ params: { representativeId: f.representative.id }, body: ex }],
    },
    'POST /representatives/{representativeId}/security-details/unblock': {
      class: 'subject',
      roleRefused: TL,
      calls: (f) => [
        {
          params: { representativeId: f.representative.id },
          body: with_({ serviceRequestId: f.srs.security.id }),
        },
      ],
    },
    'GET /audit/{entityType}/{id}': {
      class: 'subject',
      calls: (f) => [
        { params: { entityType: 'client', id: f.pwc.id } },
        { params: { entityType: 'representative', id: f.representative.id } },
      ],
    },
  },

  co: {
    ...HEALTH,
    ...CLOCK,
    'GET /templates': { class: 'no-subject', reason: 'letter and SMS templates: wording and fields' },
    'GET /templates/{code}': {
      class: 'no-subject',
      reason: 'one template: wording and fields',
      call: { params: { code: 'CMSL0405' } },
    },
    'POST /letters': {
      class: 'subject',
      calls: (f) => [
        {
          body: with_({
            recipient: { clientId: f.nrp.id, role: 'NRP' },
            caseId: f.caseId,
            serviceRequestId: f.srs.transfer.id,
            approval: { serviceRequestId: f.srs.transfer.id },
            mode: 'clerical',
          }),
        },
      ],
    },
    'GET /letters/{id}': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.letters.cmsl9800 } }, { params: { id: f.letters.cmsl0405 } }],
    },
    'GET /letters/{id}/pdf': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.letters.cmsl9800 } }, { params: { id: f.letters.cmsl0405 } }],
    },
    'POST /letters/{id}/review': { class: 'subject', calls: (f) => [{ params: { id: f.letters.cmsl9800 } }] },
    'PATCH /letters/{id}/status': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.letters.cmsl0405 }, body: ex }],
    },
    'POST /sms': { class: 'system-only', reason: 'sent by our own services (e.g. client-security, SD-16)' },
    'GET /sms/{id}': { class: 'subject', calls: (f) => [{ params: { id: f.smsId } }] },
    'PATCH /sms/{id}/status': {
      class: 'subject',
      calls: (f) => [{ params: { id: f.smsId }, body: () => ({ status: 'delivered' }) }],
    },
    'GET /issue-log': {
      class: 'subject',
      calls: (f) => [
        { query: { clientId: f.pwc.id } },
        { query: { clientId: f.nrp.id } },
        { query: { caseId: f.caseId } },
      ],
      listings: (_f, o) => [
        { query: { clientId: o.nrp.id, limit: '100' }, items: 'items' },
        { query: { caseId: o.caseId, limit: '100' }, items: 'items' },
      ],
    },
  },

  sim: {
    ...HEALTH,
    ...CLOCK,
    ...Object.fromEntries(
      [
        ['POST /cis/interests', 'CIS web service: CMG registers an interest (cis-interface only)'],
        ['POST /cis/interests/deregister', 'CIS web service: deregister (cis-interface only)'],
        ['POST /cis/interests/list', 'CIS web service: interests on a record (cis-interface only)'],
        ['POST /cis/personal-data/retrieve', 'CIS web service: retrieve personal data (cis-interface only)'],
        ['POST /cis/updates', 'CIS web service: update a record (cis-interface only)'],
        ['POST /admin/persons', 'CIS administration: tests and the demo make persons'],
        ['GET /admin/persons', 'CIS administration: persons by NINO/CRN'],
        ['POST /admin/persons/lookup', 'CIS administration: one person with interests and changes'],
        ['POST /admin/persons/flags', 'CIS administration: nationally sensitive / deleted states'],
        ['POST /admin/persons/supersede', 'CIS administration: supersede a NINO'],
        ['POST /admin/seed', 'CIS administration: seed realistic persons'],
        ['POST /admin/changes', 'CIS administration: a change made elsewhere in DWP'],
        ['POST /admin/changes/generate', 'CIS administration: generated changes'],
        ['POST /admin/broadcasts/run', 'CIS administration: run the daily broadcast'],
        ['GET /admin/broadcasts/batches', 'CIS administration: batches and their delivery'],
        ['GET /admin/broadcasts/batches/{batchId}', 'CIS administration: one batch as delivered'],
        ['GET /admin/faults', 'CIS administration: fault settings'],
        ['POST /admin/faults', 'CIS administration: change fault settings'],
        ['POST /admin/faults/reset', 'CIS administration: remove every fault'],
      ].map(([key, reason]) => [key, { class: 'system-only', reason } satisfies Classification]),
    ),
  },
};

/** A value for every path parameter of a system-only or no-subject call (any UUID will do). */
export function anyParams(template: string): Record<string, string> {
  return Object.fromEntries([...template.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1], randomUUID()]));
}
