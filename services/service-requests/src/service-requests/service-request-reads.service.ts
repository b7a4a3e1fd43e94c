import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, NotFoundError } from '@cms/domain';
import { CLOCK } from '@cms/platform';
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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reads an SR with its activity plan, notes, SLA and the moves it allows now. @throws NotFoundError, InsufficientAccessError */
  async get(id: string, actor: Actor, manager: EntityManager = this.db.manager): Promise<ServiceRequestView> {
    const loaded = await this.load(manager, id);
    return this.view(loaded, actor);
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
    // Never a page (or a count) with an SR the caller may not see.
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
