import { businessNow, type SqlStatement } from '@cms/platform';
import type { EntityManager } from 'typeorm';
import type { ServiceRequest } from './service-request.entity';

/*
 * Multi-row INSERTs for the batch path (CIS broadcasts raise up to 500 SRs a call, BR-6). TypeORM's
 * insert builder names one parameter per value and looks each up in the whole parameter map, so a
 * 500-row INSERT costs time quadratic in its size (docs/benchmarks.md: most of service-requests'
 * CPU under a broadcast). These send the rows as one JSON text through json_to_recordset(): one
 * statement, linear, and no per-element escaping of array parameters.
 * They write exactly the columns of the entities in service-request.entity.ts; the schema test
 * keeps entity and migrations in step.
 */

/**
 * The columns of `service_request` the batch writes, in order: name, SQL type, and the value of an
 * SR (null where empty). Every column of the entity (service-request.entity.ts).
 */
const SR_COLUMNS: readonly (readonly [string, string, (s: ServiceRequest) => unknown])[] = [
  ['id', 'uuid', (s) => s.id],
  ['sr_number', 'text', (s) => s.srNumber],
  ['type', 'text', (s) => s.type],
  ['path', 'text', (s) => s.path ?? null],
  ['process', 'text', (s) => s.process ?? null],
  ['area', 'text', (s) => s.area ?? null],
  ['sub_area', 'text', (s) => s.subArea ?? null],
  ['status', 'text', (s) => s.status],
  ['sub_status', 'text', (s) => s.subStatus ?? null],
  ['resolution_code', 'text', (s) => s.resolutionCode ?? null],
  ['source', 'text', (s) => s.source ?? null],
  ['reported_by_first_name', 'text', (s) => s.reportedByFirstName ?? null],
  ['reported_by_last_name', 'text', (s) => s.reportedByLastName ?? null],
  ['subject_client_id', 'uuid', (s) => s.subjectClientId ?? null],
  ['subject_role', 'text', (s) => s.subjectRole ?? null],
  ['change_type', 'text', (s) => s.changeType ?? null],
  ['details', 'jsonb', (s) => s.details ?? {}],
  ['read_only', 'boolean', (s) => s.readOnly ?? false],
  ['submitted_for_approval_by', 'text', (s) => s.submittedForApprovalBy ?? null],
  ['approved_by', 'text', (s) => s.approvedBy ?? null],
  ['approved_at', 'timestamptz', (s) => s.approvedAt ?? null],
  ['next_action_due', 'timestamptz', (s) => s.nextActionDue ?? null],
  ['flag', 'text', (s) => s.flag ?? null],
  ['queue', 'text', (s) => s.queue ?? null],
  ['owner', 'text', (s) => s.owner ?? null],
  ['nationally_sensitive', 'boolean', (s) => s.nationallySensitive ?? false],
  ['sla_due_at', 'timestamptz', (s) => s.slaDueAt ?? null],
  ['idempotency_key', 'text', (s) => s.idempotencyKey ?? null],
  ['created_by', 'text', (s) => s.createdBy ?? null],
  ['closed_at', 'timestamptz', (s) => s.closedAt ?? null],
  ['version', 'int', (s) => s.version ?? 1],
  ['created_at', 'timestamptz', (s) => s.createdAt ?? null],
  ['updated_at', 'timestamptz', (s) => s.updatedAt ?? s.createdAt ?? null],
];

/**
 * The INSERT of {@link serviceRequestsInsert}: each row is a JSON array of the columns' values in
 * {@link SR_COLUMNS} order, read with `jsonb_array_elements` and `->>` by position (the jsonb value
 * as it is for `details`).
 */
const SR_INSERT_SQL = `INSERT INTO service_request (${SR_COLUMNS.map(([name]) => name).join(', ')})
     SELECT ${SR_COLUMNS.map(([, type], i) => (type === 'jsonb' ? `r->${i}` : `(r->>${i})::${type}`)).join(', ')}
       FROM jsonb_array_elements($1::jsonb) AS r`;

/**
 * Inserts fully built SRs (ids, numbers, status, queue and SLA already set): the statement, not yet
 * sent, to combine with the SRs' links, notes and audit rows into one (combineWrites). `srs` must
 * not be empty. A duplicate idempotency key (a concurrent batch) fails the whole statement.
 */
export function serviceRequestsInsert(srs: readonly ServiceRequest[]): SqlStatement {
  // One JSON text for every row, each row an array of its values by position (issue 17: objects
  // read by json_to_recordset repeated 33 column names a row, and PostgreSQL took 19 ms to read
  // 1,000 of them against 8 ms for the same rows as jsonb arrays). Dates go as ISO-8601 (toJSON).
  return {
    sql: SR_INSERT_SQL,
    params: [JSON.stringify(srs.map((s) => SR_COLUMNS.map(([, , get]) => get(s))))],
  };
}

/** Links SRs to cases (`links` as `{ srId, caseId }` pairs): the statement, not yet sent (combineWrites). */
export function caseLinksInsert(links: readonly { srId: string; caseId: string }[]): SqlStatement {
  return {
    sql: `INSERT INTO sr_case_link (sr_id, case_id)
     SELECT (r->>0)::uuid, (r->>1)::uuid FROM jsonb_array_elements($1::jsonb) AS r`,
    // Each link as [srId, caseId], by position (as the SR rows: no column name repeated a row).
    params: [JSON.stringify(links.map((l) => [l.srId, l.caseId]))],
  };
}

/**
 * Appends notes (sr_note is append-only; created_at is `m`'s clock, #12): the statement, not yet
 * sent (combineWrites).
 */
export function notesInsert(
  m: EntityManager,
  notes: readonly { srId: string; text: string; author: string }[],
): SqlStatement {
  return {
    sql: `INSERT INTO sr_note (sr_id, text, author, created_at)
     SELECT (r->>0)::uuid, r->>1, r->>2, COALESCE($2::timestamptz, now())
       FROM jsonb_array_elements($1::jsonb) AS r`,
    // Each note as [srId, text, author], by position (as the SR rows).
    params: [JSON.stringify(notes.map((n) => [n.srId, n.text, n.author])), businessNow(m) ?? null],
  };
}
