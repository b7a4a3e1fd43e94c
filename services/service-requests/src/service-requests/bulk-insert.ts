import { businessNow, type SqlStatement } from '@cms/platform';
import type { EntityManager } from 'typeorm';
import type { ServiceRequest } from './service-request.entity';

/*
 * Multi-row INSERTs for the batch path (CIS broadcasts raise up to 500 SRs a call, BR-6). TypeORM's
 * insert builder names one parameter per value and looks each up in the whole parameter map, so a
 * 500-row INSERT costs time quadratic in its size (docs/benchmarks.md: most of service-requests'
 * CPU under a broadcast). These send one array per column through unnest(): one statement, linear.
 * They write exactly the columns of the entities in service-request.entity.ts; the schema test
 * keeps entity and migrations in step.
 */

/**
 * Inserts fully built SRs (ids, numbers, status, queue and SLA already set) in one statement.
 * @throws the database's error (e.g. a duplicate idempotency key from a concurrent batch), so the
 *   caller's transaction rolls back whole
 */
export async function insertServiceRequests(m: EntityManager, srs: readonly ServiceRequest[]): Promise<void> {
  if (!srs.length) return;
  const { sql, params } = serviceRequestsInsert(srs);
  await m.query(sql, params);
}

/**
 * The INSERT {@link insertServiceRequests} sends, not yet sent (to combine with the SR's links and
 * audit row into one statement: combineWrites). `srs` must not be empty.
 */
export function serviceRequestsInsert(srs: readonly ServiceRequest[]): SqlStatement {
  const col = <T>(f: (sr: ServiceRequest) => T | undefined) => srs.map((sr) => f(sr) ?? null);
  return {
    sql: `INSERT INTO service_request
       (id, sr_number, type, path, process, area, sub_area, status, sub_status, resolution_code, source,
        reported_by_first_name, reported_by_last_name, subject_client_id, subject_role, change_type, details,
        read_only, submitted_for_approval_by, approved_by, approved_at, next_action_due, flag, queue, owner,
        nationally_sensitive, sla_due_at, idempotency_key, created_by, closed_at, version, created_at, updated_at)
     SELECT * FROM unnest(
       $1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
       $10::text[], $11::text[], $12::text[], $13::text[], $14::uuid[], $15::text[], $16::text[], $17::jsonb[],
       $18::boolean[], $19::text[], $20::text[], $21::timestamptz[], $22::timestamptz[], $23::text[], $24::text[],
       $25::text[], $26::boolean[], $27::timestamptz[], $28::text[], $29::text[], $30::timestamptz[], $31::int[],
       $32::timestamptz[], $33::timestamptz[])`,
    params: [
      col((s) => s.id),
      col((s) => s.srNumber),
      col((s) => s.type),
      col((s) => s.path),
      col((s) => s.process),
      col((s) => s.area),
      col((s) => s.subArea),
      col((s) => s.status),
      col((s) => s.subStatus),
      col((s) => s.resolutionCode),
      col((s) => s.source),
      col((s) => s.reportedByFirstName),
      col((s) => s.reportedByLastName),
      col((s) => s.subjectClientId),
      col((s) => s.subjectRole),
      col((s) => s.changeType),
      col((s) => JSON.stringify(s.details ?? {})),
      col((s) => s.readOnly ?? false),
      col((s) => s.submittedForApprovalBy),
      col((s) => s.approvedBy),
      col((s) => s.approvedAt),
      col((s) => s.nextActionDue),
      col((s) => s.flag),
      col((s) => s.queue),
      col((s) => s.owner),
      col((s) => s.nationallySensitive ?? false),
      col((s) => s.slaDueAt),
      col((s) => s.idempotencyKey),
      col((s) => s.createdBy),
      col((s) => s.closedAt),
      col((s) => s.version ?? 1),
      col((s) => s.createdAt),
      col((s) => s.updatedAt ?? s.createdAt),
    ],
  };
}

/** Links SRs to cases in one statement: `links` as `{ srId, caseId }` pairs. */
export async function insertCaseLinks(
  m: EntityManager,
  links: readonly { srId: string; caseId: string }[],
): Promise<void> {
  if (!links.length) return;
  const { sql, params } = caseLinksInsert(links);
  await m.query(sql, params);
}

/** The INSERT {@link insertCaseLinks} sends, not yet sent (combineWrites). */
export function caseLinksInsert(links: readonly { srId: string; caseId: string }[]): SqlStatement {
  return {
    sql: `INSERT INTO sr_case_link (sr_id, case_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
    params: [links.map((l) => l.srId), links.map((l) => l.caseId)],
  };
}

/** Appends notes in one statement (sr_note is append-only; created_at is the service's clock, #12). */
export async function insertNotes(
  m: EntityManager,
  notes: readonly { srId: string; text: string; author: string }[],
): Promise<void> {
  if (!notes.length) return;
  const { sql, params } = notesInsert(m, notes);
  await m.query(sql, params);
}

/** The INSERT {@link insertNotes} sends, not yet sent (combineWrites); dated by `m`'s clock. */
export function notesInsert(
  m: EntityManager,
  notes: readonly { srId: string; text: string; author: string }[],
): SqlStatement {
  return {
    sql: `INSERT INTO sr_note (sr_id, text, author, created_at)
     SELECT u.*, COALESCE($4::timestamptz, now()) FROM unnest($1::uuid[], $2::text[], $3::text[]) AS u`,
    params: [
      notes.map((n) => n.srId),
      notes.map((n) => n.text),
      notes.map((n) => n.author),
      businessNow(m) ?? null,
    ],
  };
}
