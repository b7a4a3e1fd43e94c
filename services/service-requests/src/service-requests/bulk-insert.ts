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
 * Inserts fully built SRs (ids, numbers, status, queue and SLA already set): the statement, not yet
 * sent, to combine with the SRs' links, notes and audit rows into one (combineWrites). `srs` must
 * not be empty. A duplicate idempotency key (a concurrent batch) fails the whole statement.
 */
export function serviceRequestsInsert(srs: readonly ServiceRequest[]): SqlStatement {
  // One JSON text for every row (json_to_recordset), not an array per column: node-postgres escapes
  // every element of every array one by one, about a sixth of service-requests' CPU under a
  // broadcast (issue 17). Dates go as ISO-8601 (toJSON), details as JSON within it.
  const rows = srs.map((s) => ({
    id: s.id,
    sr_number: s.srNumber,
    type: s.type,
    path: s.path ?? null,
    process: s.process ?? null,
    area: s.area ?? null,
    sub_area: s.subArea ?? null,
    status: s.status,
    sub_status: s.subStatus ?? null,
    resolution_code: s.resolutionCode ?? null,
    source: s.source ?? null,
    reported_by_first_name: s.reportedByFirstName ?? null,
    reported_by_last_name: s.reportedByLastName ?? null,
    subject_client_id: s.subjectClientId ?? null,
    subject_role: s.subjectRole ?? null,
    change_type: s.changeType ?? null,
    details: s.details ?? {},
    read_only: s.readOnly ?? false,
    submitted_for_approval_by: s.submittedForApprovalBy ?? null,
    approved_by: s.approvedBy ?? null,
    approved_at: s.approvedAt ?? null,
    next_action_due: s.nextActionDue ?? null,
    flag: s.flag ?? null,
    queue: s.queue ?? null,
    owner: s.owner ?? null,
    nationally_sensitive: s.nationallySensitive ?? false,
    sla_due_at: s.slaDueAt ?? null,
    idempotency_key: s.idempotencyKey ?? null,
    created_by: s.createdBy ?? null,
    closed_at: s.closedAt ?? null,
    version: s.version ?? 1,
    created_at: s.createdAt ?? null,
    updated_at: s.updatedAt ?? s.createdAt ?? null,
  }));
  return {
    sql: `INSERT INTO service_request
       (id, sr_number, type, path, process, area, sub_area, status, sub_status, resolution_code, source,
        reported_by_first_name, reported_by_last_name, subject_client_id, subject_role, change_type, details,
        read_only, submitted_for_approval_by, approved_by, approved_at, next_action_due, flag, queue, owner,
        nationally_sensitive, sla_due_at, idempotency_key, created_by, closed_at, version, created_at, updated_at)
     SELECT id, sr_number, type, path, process, area, sub_area, status, sub_status, resolution_code, source,
        reported_by_first_name, reported_by_last_name, subject_client_id, subject_role, change_type, details,
        read_only, submitted_for_approval_by, approved_by, approved_at, next_action_due, flag, queue, owner,
        nationally_sensitive, sla_due_at, idempotency_key, created_by, closed_at, version, created_at, updated_at
       FROM json_to_recordset($1::json) AS u(
         id uuid, sr_number text, type text, path text, process text, area text, sub_area text, status text,
         sub_status text, resolution_code text, source text, reported_by_first_name text,
         reported_by_last_name text, subject_client_id uuid, subject_role text, change_type text, details jsonb,
         read_only boolean, submitted_for_approval_by text, approved_by text, approved_at timestamptz,
         next_action_due timestamptz, flag text, queue text, owner text, nationally_sensitive boolean,
         sla_due_at timestamptz, idempotency_key text, created_by text, closed_at timestamptz, version int,
         created_at timestamptz, updated_at timestamptz)`,
    params: [JSON.stringify(rows)],
  };
}

/** Links SRs to cases (`links` as `{ srId, caseId }` pairs): the statement, not yet sent (combineWrites). */
export function caseLinksInsert(links: readonly { srId: string; caseId: string }[]): SqlStatement {
  return {
    sql: `INSERT INTO sr_case_link (sr_id, case_id)
     SELECT sr_id, case_id FROM json_to_recordset($1::json) AS u(sr_id uuid, case_id uuid)`,
    params: [JSON.stringify(links.map((l) => ({ sr_id: l.srId, case_id: l.caseId })))],
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
     SELECT u.sr_id, u.text, u.author, COALESCE($2::timestamptz, now())
       FROM json_to_recordset($1::json) AS u(sr_id uuid, text text, author text)`,
    params: [
      JSON.stringify(notes.map((n) => ({ sr_id: n.srId, text: n.text, author: n.author }))),
      businessNow(m) ?? null,
    ],
  };
}
