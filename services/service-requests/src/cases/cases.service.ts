import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Clock,
  Actor,
  DomainValidationError,
  NotFoundError,
  StaleVersionError,
  isParentRole,
} from '@cms/domain';
import { CLOCK, decideAccess, maySeeSensitive, preparedQuery, recordAudit } from '@cms/platform';
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

  /**
   * Reads a case with its participants' names, in one SQL query through `manager` (its transaction
   * when given). Plain SQL rather than TypeORM's relation loading, which cost two queries (ids
   * first, then the joined rows) and most of the service's CPU under load (issue 17).
   * @throws NotFoundError, InsufficientAccessError (nationally sensitive, X-1)
   */
  async get(id: string, actor: Actor, manager?: EntityManager): Promise<CaseView> {
    const sql = `${CASE_ROWS} FROM "case" c ${PARTICIPANTS} WHERE c.id = $1`;
    const rows = await preparedQuery<CaseRow>(this.db, 'case_one', sql, [id], manager);
    if (!rows.length) throw new NotFoundError('Case', id);
    return caseViewOf(rows);
  }

  /**
   * Lists cases, newest first. Nationally sensitive cases are left out for callers without
   * sensitive access (they do not learn such cases exist). One query for the page with its
   * participants and one for the total, in plain SQL (see {@link get}).
   */
  async list(q: ListCasesQuery, actor: Actor): Promise<{ items: CaseView[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.stage) where.push(`c.stage = $${params.push(q.stage)}`);
    if (q.clientId)
      where.push(
        `c.id IN (SELECT case_id FROM case_participant WHERE client_id = $${params.push(q.clientId)})`,
      );
    // The policy's one decision: a page (and its total) never counts a case the caller may not see.
    if (!maySeeSensitive(actor)) where.push('c.nationally_sensitive = false');
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = `$${params.length + 1}`;
    const offset = `$${params.length + 2}`;
    const pageSql = `${CASE_ROWS}
        FROM (SELECT * FROM "case" c ${filter} ORDER BY c.created_at DESC, c.id LIMIT ${limit} OFFSET ${offset}) c
        ${PARTICIPANTS}
       ORDER BY c.created_at DESC, c.id`;
    const countSql = `SELECT count(*)::int AS n FROM "case" c ${filter}`;
    const pageParams = [...params, q.limit ?? 50, q.offset ?? 0];
    const [rows, [{ n }]] = await Promise.all([
      this.db.query<CaseRow[]>(pageSql, pageParams),
      this.db.query<{ n: number }[]>(countSql, params),
    ]);
    const byCase = new Map<string, CaseRow[]>();
    for (const r of rows) {
      const of = byCase.get(r.id);
      if (of) of.push(r);
      else byCase.set(r.id, [r]);
    }
    return { items: [...byCase.values()].map(caseViewOf), total: n };
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

/** A case's columns with one participant (or none: null participant columns) per row. */
interface CaseRow {
  id: string;
  case_number: string;
  jurisdiction: CaseView['jurisdiction'];
  stage: CaseView['stage'];
  live: boolean;
  nationally_sensitive: boolean;
  csa_arrears_only: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  client_id: string | null;
  role: string | null;
  first_name: string | null;
  last_name: string | null;
}

const CASE_ROWS = `SELECT c.id, c.case_number, c.jurisdiction, c.stage, c.live, c.nationally_sensitive,
    c.csa_arrears_only, c.version, c.created_at, c.updated_at, p.client_id, p.role, cl.first_name, cl.last_name`;
const PARTICIPANTS = `LEFT JOIN case_participant p ON p.case_id = c.id LEFT JOIN client cl ON cl.id = p.client_id`;

/** The view of one case from its rows (all of the same case), participants sorted by role. */
function caseViewOf(rows: CaseRow[]): CaseView {
  const c = rows[0];
  return {
    id: c.id,
    caseNumber: c.case_number,
    jurisdiction: c.jurisdiction,
    stage: c.stage,
    live: c.live,
    nationallySensitive: c.nationally_sensitive,
    csaArrearsOnly: c.csa_arrears_only,
    participants: rows
      .filter((r) => r.client_id !== null)
      .map((r) => ({
        clientId: r.client_id!,
        role: r.role!,
        firstName: r.first_name!,
        lastName: r.last_name!,
      }))
      .sort((a, b) => a.role.localeCompare(b.role)),
    version: c.version,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}
