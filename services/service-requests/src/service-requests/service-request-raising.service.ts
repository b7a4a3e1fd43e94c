import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, DomainValidationError, FieldProblem } from '@cms/domain';
import { auditStatement, CLOCK, combineWrites, type SqlStatement, timeOrderedUuid } from '@cms/platform';
import { resolvePath, SR_TYPES } from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import type { Case } from '../cases/case.entity';
import type { CreateServiceRequestDto } from './service-request.dto';
import { caseLinksInsert, notesInsert, serviceRequestsInsert } from './bulk-insert';
import { ServiceRequest } from './service-request.entity';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { NEEDS_SECURITY_SET_UP, SecuritySetUpCheck } from './security-set-up.check';
import {
  auditShape,
  RESERVED_AT_CREATION,
  reroute,
  reservedProblems,
  stageOf,
  taxonomy,
} from './service-request.state';
import type { ServiceRequestView } from './service-request.view';

/**
 * Raising one SR, by a caseworker, the Self Service Site or another of our services, in the initial
 * state of its path, numbered from `sr_number_seq` and audited.
 */
@Injectable()
export class ServiceRequestRaisingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ServiceRequestReadsService,
    private readonly securitySetUp: SecuritySetUpCheck,
  ) {}

  /**
   * Raises one SR in the initial state of its path (SD-4, SD-5, SD-6, TD-2). Linked cases and the
   * subject must exist; the subject must be a participant of a linked case. `details.transfer` is
   * refused (entered at `PUT …/transfer-items`, TD-1/TD-4), and `details.raisedFor` from people.
   * A Change Contact/Security Info SR names its subject, who must have security details set up in
   * client-security (step 1, SD-22; every channel, the Self Service Site too): asked after the local
   * checks and before anything is written or numbered. The SR, its case links, note and audit row
   * are written as one statement (atomic without BEGIN/COMMIT round trips), inside the
   * caller's transaction when `manager` is given; then the SR is read back as the caller may see it.
   * @throws DomainValidationError, InsufficientAccessError (a nationally sensitive case, X-1),
   *   DomainError SECURITY_DETAILS_NOT_SET_UP (422, SD-22), PEER_UNAVAILABLE (503: client-security
   *   cannot be reached; nothing raised)
   */
  async create(
    dto: CreateServiceRequestDto,
    actor: Actor,
    manager?: EntityManager,
  ): Promise<ServiceRequestView> {
    const reserved = reservedProblems(
      dto.details,
      actor.roles.includes('system') ? ['transfer'] : RESERVED_AT_CREATION,
    );
    if (reserved.length) throw new DomainValidationError(reserved);
    const def = SR_TYPES[dto.type];
    const path = resolvePath(def, { path: dto.path ?? null, source: dto.source });
    if (!path) {
      throw new DomainValidationError([
        {
          field: 'path',
          rule: 'isIn',
          message: `path must be one of ${def.paths.map((p) => p.key).join(', ')} for ${dto.type}`,
        },
      ]);
    }
    const askSecurity = dto.type === NEEDS_SECURITY_SET_UP;
    const m = manager ?? this.db.manager;
    if (askSecurity) {
      // SD-22: local checks first, then client-security, before anything is numbered or written.
      await loadLinkedCases(m, dto.caseIds, dto.subject);
      await this.securitySetUp.assertSetUp(dto.type, dto.subject);
    }
    // One query checks the linked cases and the subject and, only when they pass, takes the number.
    const { cases, srNumber } = await loadLinkedCases(m, dto.caseIds, dto.subject, { reserveNumber: true });
    const initial = def.paths.find((p) => p.key === path)!.initial;
    const now = this.clock.now();
    const sr = m.create(ServiceRequest, {
      id: timeOrderedUuid(),
      srNumber: srNumber!,
      type: dto.type,
      path,
      ...taxonomy(dto.type),
      status: initial.status,
      subStatus: initial.subStatus,
      resolutionCode: null,
      source: dto.source,
      reportedByFirstName: dto.reportedBy?.firstName ?? null,
      reportedByLastName: dto.reportedBy?.lastName ?? null,
      subjectClientId: dto.subject?.clientId ?? null,
      subjectRole: dto.subject?.role ?? null,
      changeType: null,
      details: dto.details ?? {},
      readOnly: false,
      nationallySensitive: cases.some((c) => c.nationallySensitive),
      createdBy: actor.id,
      queue: '',
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    // The first linked case's stage, as the SR's reads take it (links in the order given).
    const stage = stageOf(dto.caseIds.slice(0, 1).map((id) => cases.find((c) => c.id === id)!));
    reroute(sr, [], stage, dto.caseIds.length > 0, now);
    // Every column set (null where empty), so the view answered is the row as stored.
    for (const column of m.connection.getMetadata(ServiceRequest).columns) {
      if (column.getEntityValue(sr) === undefined) column.setEntityValue(sr, null);
    }
    // The SR, its case links, its note and its audit row as one statement: atomic on its own,
    // or inside the caller's transaction when `manager` is given.
    const writes: SqlStatement[] = [serviceRequestsInsert([sr])];
    if (dto.caseIds.length)
      writes.push(caseLinksInsert(dto.caseIds.map((caseId) => ({ srId: sr.id, caseId }))));
    const note = dto.note ? notesInsert(m, [{ srId: sr.id, text: dto.note, author: actor.id }]) : null;
    if (note) writes.push({ ...note, sql: `${note.sql} RETURNING *` });
    writes.push(
      auditStatement(m, [
        { entityType: 'service-request', entityId: sr.id, action: 'raised', after: auditShape(sr) },
      ]),
    );
    const { sql, params } = combineWrites(writes, note ? `SELECT * FROM w${writes.length - 1}` : 'SELECT 1');
    const noteRows = await m.query<Record<string, unknown>[]>(sql, params);
    return this.reads.viewOfRaised(
      m,
      { sr, caseIds: dto.caseIds, stage, noteRows: note ? noteRows : [] },
      actor,
    );
  }
}

/** A linked case as raising or editing an SR needs it. */
export type LinkedCase = Pick<Case, 'id' | 'stage' | 'nationallySensitive'>;

/**
 * The linked cases of an SR being raised or edited, in one query; each must exist, and the subject
 * must be a client with that role on one of them (SD-6), or an existing client when no case is
 * linked. With `reserveNumber`, the same query takes the next SR number (`1-<n>`, from
 * `sr_number_seq`) only when every check passes, so refused input uses no number.
 * @throws DomainValidationError naming each missing case (`caseIds[i]`) and the subject (SD-6)
 */
export async function loadLinkedCases(
  m: EntityManager,
  caseIds: string[],
  subject?: { clientId: string; role: string },
  options: { reserveNumber?: boolean } = {},
): Promise<{ cases: LinkedCase[]; srNumber: string | null }> {
  const [row] = await m.query<
    { cases: LinkedCase[]; participant: boolean | null; sr_number: string | null }[]
  >(
    `WITH k AS (SELECT id, stage, nationally_sensitive FROM "case" WHERE id = ANY($1::uuid[])),
          s AS (SELECT CASE
                  WHEN $2::uuid IS NULL THEN NULL
                  WHEN cardinality($1::uuid[]) > 0 THEN EXISTS (
                    SELECT 1 FROM case_participant p
                     WHERE p.client_id = $2::uuid AND p.case_id = ANY($1::uuid[]) AND p.role = $3::text)
                  ELSE EXISTS (SELECT 1 FROM client c WHERE c.id = $2::uuid) END AS participant)
     SELECT (SELECT coalesce(json_agg(json_build_object('id', k.id, 'stage', k.stage,
                                                        'nationallySensitive', k.nationally_sensitive)), '[]'::json)
               FROM k) AS cases,
            s.participant,
            CASE WHEN $4::boolean AND s.participant IS NOT FALSE
                      AND (SELECT count(*) FROM k) = (SELECT count(DISTINCT x) FROM unnest($1::uuid[]) x)
                 THEN '1-' || nextval('sr_number_seq') END AS sr_number
       FROM s`,
    [caseIds, subject?.clientId ?? null, subject?.role ?? null, options.reserveNumber ?? false],
  );
  const cases = row.cases;
  const problems: FieldProblem[] = caseIds
    .map((cid, i) =>
      cases.some((c) => c.id === cid)
        ? null
        : { field: `caseIds[${i}]`, rule: 'exists', message: `Case ${cid} does not exist.` },
    )
    .filter((p): p is FieldProblem => p !== null);
  if (subject && !row.participant) {
    problems.push({
      field: 'subject',
      rule: 'participant',
      message: 'The subject must be a client with that role on a linked case.',
      requirementId: 'SD-6',
    });
  }
  if (problems.length) throw new DomainValidationError(problems);
  return { cases, srNumber: row.sr_number };
}

/** The next `n` SR numbers (`1-<n>`). */
export async function nextSrNumbers(m: EntityManager, n: number): Promise<string[]> {
  if (n === 0) return [];
  const rows = await m.query<{ n: string }[]>(
    `SELECT nextval('sr_number_seq')::text AS n FROM generate_series(1, $1)`,
    [n],
  );
  return rows.map((r) => `1-${r.n}`);
}
