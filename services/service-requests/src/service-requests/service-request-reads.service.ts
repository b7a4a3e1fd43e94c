import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, NotFoundError } from '@cms/domain';
import { CLOCK } from '@cms/platform';
import { allowedTransitions, isCisUpdateEnabled, isEditable, slaFor } from '@cms/sr-rules';
import { DataSource, EntityManager, In } from 'typeorm';
import { visibleServiceRequests } from '../access/access.repository';
import { Case } from '../cases/case.entity';
import type { ListServiceRequestsQuery } from './service-request.dto';
import { ServiceRequest, SrActivityStep, SrCaseLink, SrNote } from './service-request.entity';
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
    return Promise.all(srs.map((sr) => this.get(sr.id, actor)));
  }

  /** Loads an SR with its steps, notes, case links and case stage; `lock` takes a row lock for an update. */
  async load(m: EntityManager, id: string, lock = false): Promise<Loaded> {
    const sr = await m.findOne(ServiceRequest, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!sr) throw new NotFoundError('Service request', id);
    const [steps, links, notes] = await Promise.all([
      m.find(SrActivityStep, { where: { srId: id }, order: { position: 'ASC' } }),
      m.find(SrCaseLink, { where: { srId: id } }),
      m.find(SrNote, { where: { srId: id }, order: { createdAt: 'ASC' } }),
    ]);
    const caseIds = links.map((l) => l.caseId);
    const cases = caseIds.length ? await m.find(Case, { where: { id: In(caseIds) } }) : [];
    return { sr, steps, notes, caseIds, stage: stageOf(cases) };
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
    });
  }
}
