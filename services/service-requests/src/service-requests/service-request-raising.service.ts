import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, DomainValidationError, FieldProblem } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { resolvePath, SR_TYPES } from '@cms/sr-rules';
import { DataSource, EntityManager, In } from 'typeorm';
import { Case, CaseParticipant } from '../cases/case.entity';
import { Client } from '../clients/client.entity';
import type { CreateServiceRequestDto } from './service-request.dto';
import { ServiceRequest, SrCaseLink, SrNote } from './service-request.entity';
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
   * checks and before anything is written or numbered — outside the transaction unless `manager` is
   * the caller's.
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
    if (askSecurity && !manager) {
      // SD-22: local checks first, then client-security, before a transaction holds a connection for
      // the length of a peer call (up to its retries when client-security is down: 503).
      await loadLinkedCases(this.db.manager, dto.caseIds, dto.subject);
      await this.securitySetUp.assertSetUp(dto.type, dto.subject);
    }
    const run = <T>(fn: (m: EntityManager) => Promise<T>) =>
      manager ? fn(manager) : this.db.transaction(fn);
    const id = await run(async (m) => {
      const cases = await loadLinkedCases(m, dto.caseIds, dto.subject);
      // Inside a caller's transaction (a security event, SD-2): asked there, before anything is written.
      if (askSecurity && manager) await this.securitySetUp.assertSetUp(dto.type, dto.subject);
      const sensitive = cases.some((c) => c.nationallySensitive);
      const initial = def.paths.find((p) => p.key === path)!.initial;
      const [srNumber] = await nextSrNumbers(m, 1);
      const now = this.clock.now();
      const sr = m.create(ServiceRequest, {
        srNumber,
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
        nationallySensitive: sensitive,
        createdBy: actor.id,
        queue: '',
        createdAt: now,
      });
      reroute(sr, [], stageOf(cases), dto.caseIds.length > 0, now);
      const saved = await m.save(sr);
      if (dto.caseIds.length)
        await m.insert(
          SrCaseLink,
          dto.caseIds.map((caseId) => ({ srId: saved.id, caseId })),
        );
      if (dto.note) await m.insert(SrNote, { srId: saved.id, text: dto.note, author: actor.id });
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: saved.id,
        action: 'raised',
        after: auditShape(saved),
      });
      return saved.id;
    });
    return this.reads.get(id, actor, manager);
  }
}

/**
 * The linked cases of an SR being raised or edited; each must exist, and the subject must be a client
 * with that role on one of them (SD-6). @throws DomainValidationError
 */
export async function loadLinkedCases(
  m: EntityManager,
  caseIds: string[],
  subject?: { clientId: string; role: string },
): Promise<Case[]> {
  const cases = caseIds.length ? await m.find(Case, { where: { id: In(caseIds) } }) : [];
  const problems: FieldProblem[] = caseIds
    .map((cid, i) =>
      cases.some((c) => c.id === cid)
        ? null
        : { field: `caseIds[${i}]`, rule: 'exists', message: `Case ${cid} does not exist.` },
    )
    .filter((p): p is FieldProblem => p !== null);
  if (subject) {
    const part = caseIds.length
      ? await m.findOne(CaseParticipant, {
          where: { clientId: subject.clientId, caseId: In(caseIds), role: subject.role as never },
        })
      : await m.findOne(Client, { where: { id: subject.clientId } });
    if (!part) {
      problems.push({
        field: 'subject',
        rule: 'participant',
        message: 'The subject must be a client with that role on a linked case.',
        requirementId: 'SD-6',
      });
    }
  }
  if (problems.length) throw new DomainValidationError(problems);
  return cases;
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
