import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Clock,
  Actor,
  DomainError,
  DomainValidationError,
  NotFoundError,
  StaleVersionError,
  isParentRole,
} from '@cms/domain';
import { CLOCK, decideAccess, maySeeSensitive, recordAudit } from '@cms/platform';
import { routeCaseSrsToSensitiveTeam } from './case-sensitivity';
import { DataSource, EntityManager, In } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Case, CaseParticipant } from './case.entity';
import type { CaseView } from './case.view';
import type { CreateCaseDto, ListCasesQuery, UpdateCaseDto } from './case.dto';

/** A case as the API shows it, with its participants named by role. */

/** Cases (enquiries, applications, cases) and their participants; every change audited. */
@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Opens a case with its participants. At most one receiving parent (PWC) and one paying parent
   * (NRP); every client must exist. Only sensitive access may open a nationally sensitive case.
   * @throws DomainValidationError, InsufficientAccessError
   */
  async create(dto: CreateCaseDto, actor: Actor): Promise<CaseView> {
    // Only the sensitive case team may open a case as nationally sensitive.
    decideAccess(actor, dto.nationallySensitive === true);
    const problems = [];
    for (const role of ['PWC', 'NRP'] as const) {
      if (dto.participants.filter((p) => p.role === role).length > 1) {
        problems.push({
          field: 'participants',
          rule: 'one-per-role',
          message: `A case has at most one ${role === 'PWC' ? 'receiving' : 'paying'} parent.`,
        });
      }
    }
    const seen = new Set<string>();
    const linked = new Set<string>();
    dto.participants.forEach((p, i) => {
      if (linked.has(`${p.clientId} ${p.role}`)) {
        problems.push({
          field: `participants[${i}]`,
          rule: 'distinct-participants',
          message: 'The same client is given twice in the same role.',
        });
      }
      linked.add(`${p.clientId} ${p.role}`);
      if (isParentRole(p.role) && seen.has(p.clientId)) {
        problems.push({
          field: `participants[${i}].clientId`,
          rule: 'distinct-parents',
          message: 'The same client cannot be both parents.',
        });
      }
      if (isParentRole(p.role)) seen.add(p.clientId);
    });
    if (problems.length) throw new DomainValidationError(problems);
    const id = await this.db.transaction(async (m) => {
      const ids = [...new Set(dto.participants.map((p) => p.clientId))];
      const found = await m.findBy(Client, { id: In(ids) });
      const missing = ids.filter((i) => !found.some((c) => c.id === i));
      if (missing.length) {
        throw new DomainValidationError(
          missing.map((clientId) => ({
            field: `participants[${dto.participants.findIndex((p) => p.clientId === clientId)}].clientId`,
            rule: 'exists',
            message: `Client ${clientId} does not exist.`,
          })),
        );
      }
      const [{ n }] = await m.query<{ n: string }[]>(`SELECT nextval('case_number_seq')::text AS n`);
      const saved = await m.save(
        m.create(Case, {
          caseNumber: n,
          jurisdiction: dto.jurisdiction,
          stage: dto.stage,
          nationallySensitive: dto.nationallySensitive ?? false,
          csaArrearsOnly: dto.csaArrearsOnly ?? false,
        }),
      );
      await m.insert(
        CaseParticipant,
        dto.participants.map((p) => ({ caseId: saved.id, clientId: p.clientId, role: p.role })),
      );
      await recordAudit(m, {
        entityType: 'case',
        entityId: saved.id,
        action: 'created',
        after: { ...dto, caseNumber: n },
      });
      return saved.id;
    });
    return this.get(id, actor);
  }

  /** Reads a case. @throws NotFoundError, InsufficientAccessError (nationally sensitive, X-1). */
  async get(id: string, actor: Actor, manager: EntityManager = this.db.manager): Promise<CaseView> {
    const c = await manager.findOne(Case, { where: { id }, relations: { participants: { client: true } } });
    if (!c) throw new NotFoundError('Case', id);
    return toView(c);
  }

  /**
   * Lists cases, newest first. Nationally sensitive cases are left out for callers without
   * sensitive access (they do not learn such cases exist).
   */
  async list(q: ListCasesQuery, actor: Actor): Promise<{ items: CaseView[]; total: number }> {
    const qb = this.db.manager
      .createQueryBuilder(Case, 'c')
      .leftJoinAndSelect('c.participants', 'p')
      .leftJoinAndSelect('p.client', 'cl')
      .orderBy('c.created_at', 'DESC')
      .take(q.limit ?? 50)
      .skip(q.offset ?? 0);
    if (q.stage) qb.andWhere('c.stage = :stage', { stage: q.stage });
    if (q.clientId)
      qb.andWhere('c.id IN (SELECT case_id FROM case_participant WHERE client_id = :cid)', {
        cid: q.clientId,
      });
    // The policy's one decision: a page (and its total) never counts a case the caller may not see.
    if (!maySeeSensitive(actor)) qb.andWhere('c.nationally_sensitive = false');
    const [items, total] = await qb.getManyAndCount();
    return { items: items.map(toView), total };
  }

  /**
   * Changes stage, live state or the nationally sensitive flag (optimistic concurrency).
   * @throws StaleVersionError, InsufficientAccessError, NotFoundError
   */
  async update(id: string, dto: UpdateCaseDto, actor: Actor, source = 'api'): Promise<CaseView> {
    await this.db.transaction(async (m) => {
      const c = await m.findOne(Case, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw new NotFoundError('Case', id);
      if (c.version !== dto.version) throw new StaleVersionError('Case', id, dto.version, c.version);
      const before = { stage: c.stage, live: c.live, nationallySensitive: c.nationallySensitive };
      if (dto.stage) c.stage = dto.stage;
      if (dto.live !== undefined) c.live = dto.live;
      const flagged = dto.nationallySensitive === true && !c.nationallySensitive;
      if (dto.nationallySensitive !== undefined) c.nationallySensitive = dto.nationallySensitive;
      await m.save(c);
      // BR-7: the case's open SRs go to the sensitive case team with it.
      if (flagged) await routeCaseSrsToSensitiveTeam(m, [id], source, this.clock.now());
      await recordAudit(m, {
        entityType: 'case',
        entityId: id,
        action: 'updated',
        before,
        after: { stage: c.stage, live: c.live, nationallySensitive: c.nationallySensitive },
        source,
      });
    });
    return this.get(id, actor);
  }
}

function toView(c: Case): CaseView {
  if (!c) throw new DomainError('CASE_MISSING', 'not-found', 'Case not found.');
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    jurisdiction: c.jurisdiction,
    stage: c.stage,
    live: c.live,
    nationallySensitive: c.nationallySensitive,
    csaArrearsOnly: c.csaArrearsOnly,
    participants: (c.participants ?? [])
      .map((p) => ({
        clientId: p.clientId,
        role: p.role,
        firstName: p.client?.firstName,
        lastName: p.client?.lastName,
      }))
      .sort((a, b) => a.role.localeCompare(b.role)),
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}
