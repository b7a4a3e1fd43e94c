import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, NotFoundError } from '@cms/domain';
import { CLOCK, preparedQuery } from '@cms/platform';
import { allowedTransitions, isCisUpdateEnabled, isEditable, slaFor } from '@cms/sr-rules';
import { DataSource, EntityManager, In } from 'typeorm';
import { visibleServiceRequests } from '../access/access.repository';
import type { Case } from '../cases/case.entity';
import type { ListServiceRequestsQuery } from './service-request.dto';
import { ServiceRequest, SrActivityStep, SrNote } from './service-request.entity';
import { type Loaded, snapshotOfLoaded, stageOf } from './service-request.state';
import { toView, ServiceRequestView } from './service-request.view';

/** Reading SRs: one with its activity plan, notes, SLA and allowed moves, or a list of them. */
@Injectable()
export class ServiceRequestReadsService {
  /** The one-SR read, naming every column the entity maps (so {@link hydrate} finds each one). */
  private readonly oneSr: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.oneSr = oneSrSql(db.getMetadata(ServiceRequest).columns.map((c) => c.databaseName));
  }

  /**
   * Reads an SR with its activity plan, notes, SLA and the moves it allows now, in one SQL query
   * through `manager` (its transaction when given): the SR row with its steps, notes, case links and
   * pending steps aggregated beside it, hydrated as TypeORM would (see {@link hydrate}). It was five
   * queries in two round trips through TypeORM's find (issue 17). Updates use {@link load}.
   * @throws NotFoundError, InsufficientAccessError
   */
  async get(id: string, actor: Actor, manager?: EntityManager): Promise<ServiceRequestView> {
    const [row] = await preparedQuery<OneSrRow>(this.db, 'sr_one', this.oneSr, [id], manager);
    if (!row) throw new NotFoundError('Service request', id);
    return this.view(loadedFromRow(manager ?? this.db.manager, row), actor);
  }

  /**
   * The view of an SR just raised, from what was written instead of read back (issue 17: one round
   * trip fewer a raise): `sr` as inserted (every column set), its linked case ids in order with the
   * first one's stage, the note rows the insert returned (keyed by column name), no activity steps
   * and no step pending yet. GET /service-requests/{id} answers the same (service-requests.e2e).
   */
  viewOfRaised(
    m: EntityManager,
    raised: {
      sr: ServiceRequest;
      caseIds: string[];
      stage: string | null;
      noteRows: Record<string, unknown>[];
    },
    actor: Actor,
  ): ServiceRequestView {
    return this.view(
      {
        sr: raised.sr,
        steps: [],
        notes: raised.noteRows.map((r) => hydrate(m, SrNote, r)),
        caseIds: raised.caseIds,
        stage: raised.stage,
        pendingSteps: [],
      },
      actor,
    );
  }

  /** Lists SRs of a case or client (newest first); sensitive ones only with sensitive access. */
  async list(q: ListServiceRequestsQuery, actor: Actor): Promise<ServiceRequestView[]> {
    const qb = this.db.manager
      .createQueryBuilder(ServiceRequest, 'sr')
      .orderBy('sr.created_at', 'DESC')
      .take(Math.min(q.limit ?? 50, 200));
    if (q.caseId)
      qb.andWhere('sr.id IN (SELECT sr_id FROM sr_case_link WHERE case_id = :caseId)', { caseId: q.caseId });
    if (q.clientId) qb.andWhere('sr.subject_client_id = :clientId', { clientId: q.clientId });
    if (q.status) qb.andWhere('sr.status = :status', { status: q.status });
    // Never a page (or a count) with an SR the caller may not see (X-1).
    qb.andWhere(visibleServiceRequests(actor));
    const srs = await qb.getMany();
    // One query each for the page's steps, notes and cases, whatever its length (not a get() per row).
    const loaded = await attachLoaded(this.db.manager, srs);
    return loaded.map((l) => this.view(l, actor));
  }

  /** Loads an SR with its steps, notes, case links and case stage; `lock` takes a row lock for an update. */
  async load(m: EntityManager, id: string, lock = false): Promise<Loaded> {
    const sr = await m.findOne(ServiceRequest, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!sr) throw new NotFoundError('Service request', id);
    const [loaded] = await attachLoaded(m, [sr]);
    return loaded;
  }

  private view(loaded: Loaded, actor: Actor): ServiceRequestView {
    const snapshot = snapshotOfLoaded(loaded);
    const now = this.clock.now();
    return toView(loaded.sr, {
      steps: loaded.steps,
      notes: loaded.notes,
      caseIds: loaded.caseIds,
      sla: slaFor(snapshot, now),
      allowed: allowedTransitions(snapshot, actor, now),
      cisUpdateEnabled: isCisUpdateEnabled(snapshot),
      editable: isEditable(snapshot),
      pendingSteps: loaded.pendingSteps,
    });
  }
}

/** One SR row (`service_request.*`) with its children as JSON arrays of rows (see {@link oneSrSql}). */
type OneSrRow = Record<string, unknown> & {
  __steps: Record<string, unknown>[];
  __notes: Record<string, unknown>[];
  __links: { case_id: string; stage: Case['stage'] }[];
  __pending: { step: string; requested_at: string; requested_by: string }[];
};

/**
 * One SR with what {@link attachLoaded} loads for it, in the same orders: steps by position, notes
 * and pending steps by time, case links as stored. `columns`: the SR's columns, each named (not
 * `sr.*`): the query runs as a prepared statement, and PostgreSQL refuses a prepared `*` whose
 * result type changed (a migration adding a column while replicas run).
 */
const oneSrSql = (columns: readonly string[]) => `SELECT ${columns.map((c) => `sr."${c}"`).join(', ')},
    (SELECT coalesce(json_agg(s ORDER BY s.position), '[]') FROM sr_activity_step s WHERE s.sr_id = sr.id) AS __steps,
    (SELECT coalesce(json_agg(n ORDER BY n.created_at), '[]') FROM sr_note n WHERE n.sr_id = sr.id) AS __notes,
    (SELECT coalesce(json_agg(json_build_object('case_id', l.case_id, 'stage', k.stage)), '[]')
       FROM sr_case_link l JOIN "case" k ON k.id = l.case_id WHERE l.sr_id = sr.id) AS __links,
    (SELECT coalesce(json_agg(json_build_object('step', i.step, 'requested_at', i.requested_at,
                                                'requested_by', i.requested_by) ORDER BY i.requested_at), '[]')
       FROM sr_security_step_intent i WHERE i.state = 'pending' AND i.sr_id = sr.id) AS __pending
  FROM service_request sr WHERE sr.id = $1`;

/** The {@link Loaded} SR of one {@link oneSrSql} row. */
function loadedFromRow(m: EntityManager, row: OneSrRow): Loaded {
  return {
    sr: hydrate(m, ServiceRequest, row),
    steps: row.__steps.map((r) => hydrate(m, SrActivityStep, r)),
    notes: row.__notes.map((r) => hydrate(m, SrNote, r)),
    caseIds: row.__links.map((l) => l.case_id),
    stage: stageOf(row.__links),
    pendingSteps: row.__pending.map((p) => ({
      step: p.step,
      requestedAt: new Date(p.requested_at),
      requestedBy: p.requested_by,
    })),
  };
}

/**
 * An entity of `target` from a row keyed by column names (native pg values, or JSON: dates as
 * strings), each column's value converted by the driver exactly as TypeORM's own hydration does.
 */
function hydrate<T extends object>(m: EntityManager, target: new () => T, row: Record<string, unknown>): T {
  const meta = m.connection.getMetadata(target);
  const entity = meta.create(undefined, { fromDeserializer: true }) as Record<string, unknown>;
  for (const column of meta.columns) {
    const value = row[column.databaseName];
    if (value === undefined || column.isVirtual) continue;
    entity[column.propertyName] = m.connection.driver.prepareHydratedValue(value, column);
  }
  return entity as T;
}

/**
 * Loads the activity plans, notes, case links and case stages of `srs`, and their steps pending in
 * client-security, in four queries, whatever their number. Sequential in a transaction (one
 * connection runs one query at a time).
 */
export async function attachLoaded(m: EntityManager, srs: ServiceRequest[]): Promise<Loaded[]> {
  if (!srs.length) return [];
  const ids = srs.map((sr) => sr.id);
  const steps = () =>
    m.find(SrActivityStep, { where: { srId: In(ids) }, order: { srId: 'ASC', position: 'ASC' } });
  const notes = () => m.find(SrNote, { where: { srId: In(ids) }, order: { createdAt: 'ASC' } });
  const links = () =>
    m.query<{ sr_id: string; case_id: string; stage: Case['stage'] }[]>(
      `SELECT l.sr_id, l.case_id, k.stage FROM sr_case_link l JOIN "case" k ON k.id = l.case_id
        WHERE l.sr_id = ANY($1::uuid[])`,
      [ids],
    );
  const pending = () =>
    m.query<{ sr_id: string; step: string; requested_at: Date; requested_by: string }[]>(
      `SELECT sr_id, step, requested_at, requested_by FROM sr_security_step_intent
        WHERE state = 'pending' AND sr_id = ANY($1::uuid[]) ORDER BY requested_at`,
      [ids],
    );
  const [allSteps, allNotes, allLinks, allPending] = m.queryRunner
    ? [await steps(), await notes(), await links(), await pending()]
    : await Promise.all([steps(), notes(), links(), pending()]);
  const bySr = <T>(rows: T[], srId: (row: T) => string) => {
    const map = new Map<string, T[]>(ids.map((id) => [id, []]));
    rows.forEach((row) => map.get(srId(row))?.push(row));
    return map;
  };
  const stepsOf = bySr(allSteps, (st) => st.srId);
  const notesOf = bySr(allNotes, (n) => n.srId);
  const linksOf = bySr(allLinks, (l) => l.sr_id);
  const pendingOf = bySr(allPending, (p) => p.sr_id);
  return srs.map((sr) => {
    const linked = linksOf.get(sr.id)!;
    return {
      sr,
      steps: stepsOf.get(sr.id)!,
      notes: notesOf.get(sr.id)!,
      caseIds: linked.map((l) => l.case_id),
      stage: stageOf(linked),
      pendingSteps: pendingOf
        .get(sr.id)!
        .map((p) => ({ step: p.step, requestedAt: p.requested_at, requestedBy: p.requested_by })),
    };
  });
}
