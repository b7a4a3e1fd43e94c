import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Actor,
  CisChange,
  cisChangeMatchesRecord,
  Clock,
  DomainValidationError,
  FieldProblem,
  isFinalSrStatus,
  NotFoundError,
  SR_TYPE_TAXONOMY,
  StaleVersionError,
} from '@cms/domain';
import { CLOCK, JobQueue, recordAudit } from '@cms/platform';
import {
  activityPlanFor,
  allowedTransitions,
  assertRecordableOutcome,
  assertTransition,
  assertUnreachable,
  decideTransition,
  isCisUpdateEnabled,
  isEditable,
  resolvePath,
  routeToQueue,
  slaFor,
  SR_TYPES,
  type ActivityStepTemplate,
  type OutcomeOrigin,
  type SrEffect,
  type SrNextState,
  type SrSnapshot,
  SrRuleError,
  type TransitionRequest,
  assertSubjectEditable,
} from '@cms/sr-rules';
import { visibleServiceRequests } from '../access/access.repository';
import { DataSource, EntityManager, In } from 'typeorm';
import { Case, CaseParticipant } from '../cases/case.entity';
import { Client } from '../clients/client.entity';
import { detailsOf } from '../clients/clients.service';
import type {
  ActivityOutcomeDto,
  BatchServiceRequestItemDto,
  CreateServiceRequestDto,
  ListServiceRequestsQuery,
  TransitionDto,
  UpdateServiceRequestDto,
} from './service-request.dto';
import { insertCaseLinks, insertNotes, insertServiceRequests } from './bulk-insert';
import { ServiceRequest, SrActivityStep, SrCaseLink, SrNote } from './service-request.entity';
import { toView, ServiceRequestView } from './service-request.view';

/**
 * Details keys set only through their own endpoints, where their rules are checked: the CIS change
 * payload, the transfer items (TD-1, TD-4, TD-5, TD-9), what raised the SR (SD-4: a blocked account).
 */
const RESERVED_DETAILS = ['change', 'transfer', 'raisedFor'];
/**
 * Of those, the keys a caller may not set when raising an SR either: the transfer (its checks, TD-1,
 * TD-4, are at `PUT …/transfer-items`) and, but for our own services, what raised it. (A CIS change
 * payload may come with a change of personal details raised by a caseworker.)
 */
const RESERVED_AT_CREATION = ['transfer', 'raisedFor'];

function reservedProblems(details: Record<string, unknown> | undefined, keys: string[]): FieldProblem[] {
  return Object.keys(details ?? {})
    .filter((k) => keys.includes(k))
    .map((k) => ({
      field: `details.${k}`,
      rule: 'reserved',
      message: `${k} is set through its own endpoint, where its rules are checked.`,
    }));
}

/** Queue of letters an SR transition issues (delivered to correspondence). */
export const LETTER_JOBS = 'sr.issue-letter';

/** Payload of a letter job: which SR, which letter, to whom. */
export interface LetterJob {
  serviceRequestId: string;
  letter: string;
  recipient: string;
  attachment?: string;
}

/** An SR loaded for reading or changing: its row, activity plan, notes, case links and case stage. */
export interface Loaded {
  sr: ServiceRequest;
  steps: SrActivityStep[];
  notes: SrNote[];
  caseIds: string[];
  stage: string | null;
}

/** One activity outcome as recorded (for audit records). */
interface RecordedOutcome {
  step: string;
  outcome: string;
}

/**
 * Service requests: raised by caseworkers, the Self Service Site or other systems (CIS broadcasts),
 * moved only through libs/sr-rules (`assertTransition`), every change audited, effects such as
 * letters written as jobs in the same transaction (brief non-negotiable 5).
 */
@Injectable()
export class ServiceRequestsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(LETTER_JOBS, { retryLimit: 20, retryDelaySeconds: 2 });
  }

  /**
   * Raises one SR in the initial state of its path (SD-4, SD-5, SD-6, TD-2). Linked cases and the
   * subject must exist; the subject must be a participant of a linked case. `details.transfer` is
   * refused (entered at `PUT …/transfer-items`, TD-1/TD-4), and `details.raisedFor` from people.
   * @throws DomainValidationError, InsufficientAccessError (a nationally sensitive case, X-1)
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
    const run = <T>(fn: (m: EntityManager) => Promise<T>) =>
      manager ? fn(manager) : this.db.transaction(fn);
    const id = await run(async (m) => {
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
      const cases = await this.loadCases(m, dto.caseIds, dto.subject);
      const sensitive = cases.some((c) => c.nationallySensitive);
      const initial = def.paths.find((p) => p.key === path)!.initial;
      const [srNumber] = await this.nextSrNumbers(m, 1);
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
      this.reroute(sr, [], stageOf(cases), dto.caseIds.length > 0, now);
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
    return this.get(id, actor, manager);
  }

  /**
   * Raises many SRs for another system in one transaction, idempotent per item key: a key seen
   * before returns the SR it raised (a CIS batch sent twice raises nothing new). BR-9: a CIS change
   * that matches CMS's record is closed at once with a note; BR-6/BR-7: a nationally sensitive
   * status update flags the client's live cases and goes to the sensitive case team.
   */
  async createBatch(
    items: BatchServiceRequestItemDto[],
    actor: Actor,
    manager?: EntityManager,
  ): Promise<BatchResult[]> {
    const keys = items.map((i) => i.idempotencyKey);
    if (new Set(keys).size !== keys.length) {
      throw new DomainValidationError([
        { field: 'items', rule: 'unique-keys', message: 'Each item needs its own idempotencyKey.' },
      ]);
    }
    const run = <T>(fn: (m: EntityManager) => Promise<T>) =>
      manager ? fn(manager) : this.db.transaction(fn);
    return run(async (m) => {
      const existing = await m.find(ServiceRequest, { where: { idempotencyKey: In(keys) } });
      const byKey = new Map(existing.map((sr) => [sr.idempotencyKey!, sr]));
      const fresh = items.filter((i) => !byKey.has(i.idempotencyKey));
      const caseIds = [...new Set(fresh.flatMap((i) => i.caseIds))];
      const cases = caseIds.length ? await m.find(Case, { where: { id: In(caseIds) } }) : [];
      const caseById = new Map(cases.map((c) => [c.id, c]));
      const clientIds = [...new Set(fresh.map((i) => i.subject.clientId))];
      const clients = clientIds.length ? await m.find(Client, { where: { id: In(clientIds) } }) : [];
      const clientById = new Map(clients.map((c) => [c.id, c]));
      const problems: FieldProblem[] = [];
      fresh.forEach((item) => {
        const idx = items.indexOf(item);
        if (!clientById.has(item.subject.clientId)) {
          problems.push({
            field: `items[${idx}].subject.clientId`,
            rule: 'exists',
            message: 'No such client.',
          });
        }
        item.caseIds.forEach((cid, j) => {
          if (!caseById.has(cid))
            problems.push({ field: `items[${idx}].caseIds[${j}]`, rule: 'exists', message: 'No such case.' });
        });
      });
      if (problems.length) throw new DomainValidationError(problems);

      // BR-6/BR-7: a nationally sensitive status update flags the client's live cases first, so the
      // SRs raised in this batch already route to the sensitive case team.
      for (const item of fresh.filter(
        (i) => i.type === 'NATIONALLY_SENSITIVE_UPDATE' && i.change?.nationallySensitive === true,
      )) {
        const flagged = await markCasesSensitive(m, item.subject.clientId, 'cis-broadcast');
        flagged.forEach((id) => {
          const c = caseById.get(id);
          if (c) c.nationallySensitive = true;
        });
      }

      const numbers = await this.nextSrNumbers(m, fresh.length);
      const now = this.clock.now();
      const system: Actor = actor;
      const rows = fresh.map((item, n) => {
        const def = SR_TYPES[item.type];
        const path = resolvePath(def, { path: null, source: item.source })!;
        const linked = item.caseIds.map((id) => caseById.get(id)!);
        const initial = def.paths.find((p) => p.key === path)!.initial;
        // A plain entity (TypeORM's create() deep-merges every field, measurably slow at 500 a call).
        const sr = Object.assign(new ServiceRequest(), {
          id: randomUUID(),
          srNumber: numbers[n],
          type: item.type,
          path,
          ...taxonomy(item.type),
          status: initial.status,
          subStatus: initial.subStatus,
          resolutionCode: null,
          source: item.source,
          subjectClientId: item.subject.clientId,
          subjectRole: item.subject.role,
          changeType: item.changeType ?? null,
          details: {
            ...(item.change ? { change: item.change } : {}),
            ...(item.recordedAt ? { recordedAt: item.recordedAt } : {}),
          },
          nationallySensitive: linked.some((c) => c.nationallySensitive),
          idempotencyKey: item.idempotencyKey,
          createdBy: system.id,
          queue: '',
          readOnly: false,
          reportedByFirstName: null,
          reportedByLastName: null,
          submittedForApprovalBy: null,
          approvedBy: null,
          approvedAt: null,
          nextActionDue: null,
          flag: null,
          owner: null,
          closedAt: null,
          slaDueAt: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        } satisfies Partial<ServiceRequest>);
        let note: string | null = null;
        const client = clientById.get(item.subject.clientId)!;
        if (
          item.type === 'CIS_CHANGE' &&
          item.change &&
          cisChangeMatchesRecord(item.change as unknown as CisChange, detailsOf(client))
        ) {
          note = 'Closed without change: the information CIS sent matches what CMS already holds (BR-9).';
          const decision = decideTransition(snapshotOf(sr, [], stageOf(linked), true), {
            to: { status: 'Cancelled', subStatus: null },
            resolutionCode: 'No Change Required',
            reason: note,
            actor: system,
            now,
          });
          if (decision.allowed) applyNext(sr, decision.next, now);
          else note = null;
        }
        this.reroute(sr, [], stageOf(linked), true, now);
        return { sr, item, note };
      });
      if (rows.length) {
        // Unnest-based multi-row INSERTs (bulk-insert.ts): linear in the batch, unlike TypeORM's builder.
        await insertServiceRequests(
          m,
          rows.map((r) => r.sr),
        );
        await insertCaseLinks(
          m,
          rows.flatMap((r) => r.item.caseIds.map((caseId) => ({ srId: r.sr.id, caseId }))),
        );
        await insertNotes(
          m,
          rows.filter((r) => r.note).map((r) => ({ srId: r.sr.id, text: r.note!, author: system.id })),
        );
        await recordAudit(
          m,
          ...rows.map((r) => ({
            entityType: 'service-request',
            entityId: r.sr.id,
            action: r.note ? 'raised-and-closed-no-change' : 'raised',
            after: auditShape(r.sr),
            source: 'cis-broadcast',
          })),
        );
      }
      const fromRows = new Map(rows.map((r) => [r.item.idempotencyKey, r.sr]));
      return items.map((i) => {
        const sr = byKey.get(i.idempotencyKey) ?? fromRows.get(i.idempotencyKey)!;
        return {
          idempotencyKey: i.idempotencyKey,
          id: sr.id,
          srNumber: sr.srNumber,
          created: !byKey.has(i.idempotencyKey),
          queue: sr.queue,
          status: sr.status,
        };
      });
    });
  }

  /** Reads an SR with its activity plan, notes, SLA and the moves it allows now. @throws NotFoundError, InsufficientAccessError */
  async get(id: string, actor: Actor, manager: EntityManager = this.db.manager): Promise<ServiceRequestView> {
    const loaded = await this.load(manager, id);
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

  /**
   * Moves an SR to `dto.to` if libs/sr-rules allows it, and carries out the rule's effects in the
   * same transaction: the activity plan (SD-7), letters as jobs (SD-9, TD-8), notes, read-only
   * after approval and editable after rejection (TD-8). A stale version changes nothing (409).
   * @throws SrRuleError (422/403/400 with the rule's reason), StaleVersionError, NotFoundError
   */
  async transition(id: string, dto: TransitionDto, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.load(m, id, true);
      if (loaded.sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, loaded.sr.version);
      await this.applyTransition(m, loaded, {
        to: { status: dto.to.status, subStatus: dto.to.subStatus ?? null },
        resolutionCode: dto.resolutionCode ?? null,
        nextActionDue: dto.nextActionDue ? new Date(dto.nextActionDue) : null,
        reason: dto.reason ?? null,
        actor,
        now: this.clock.now(),
      });
    });
    return this.get(id, actor);
  }

  /** Applies one checked transition to a loaded SR in `m` (shared with the wait-expiry follow-ups). */
  async applyTransition(
    m: EntityManager,
    loaded: Loaded,
    request: TransitionRequest,
    source = 'api',
  ): Promise<void> {
    const { sr } = loaded;
    const before = auditShape(sr);
    const decision = assertTransition(snapshotOfLoaded(loaded), request);
    // The SR's own fields (status, resolution, due date, read-only, submitter, approver, flag, path)
    // are the rules' `next`; the effects below are what happens besides.
    applyNext(sr, decision.next, request.now);
    const outcomes = await this.runEffects(m, loaded, decision.effects, request);
    this.reroute(sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, request.now);
    await m.save(sr);
    await recordAudit(m, {
      entityType: 'service-request',
      entityId: sr.id,
      action: `transition:${decision.transition}`,
      before,
      after: {
        ...auditShape(sr),
        reason: request.reason ?? undefined,
        ...(outcomes.length ? { activityOutcomes: outcomes } : {}),
        requirementIds: decision.requirementIds,
      },
      source,
    });
  }

  /**
   * Records an activity plan step's outcome (SD-8 'Security Details', SD-17 'CoC Declined' with its
   * reason), checked by libs/sr-rules. @throws SrRuleError, StaleVersionError
   */
  async recordOutcome(
    id: string,
    key: string,
    dto: ActivityOutcomeDto,
    actor: Actor,
  ): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.load(m, id, true);
      if (loaded.sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, loaded.sr.version);
      await this.writeOutcome(m, loaded, key, dto.outcome, {
        actor,
        reason: dto.reason ?? null,
        origin: 'caseworker',
      });
    });
    return this.get(id, actor);
  }

  /**
   * Records the outcome a procedure action has on the SR's activity plan as it runs, in `m` with the
   * SR loaded (and locked): the TAM account check (SD-11), the security details update (SD-14), a
   * representative added or removed (SD-15), the Bank Wizard check (TD-5). Checked by libs/sr-rules
   * like a caseworker's outcome (origin `procedure`: the step is added when the plan has none yet);
   * the SR's version moves and the outcome is audited. @throws SrRuleError
   */
  async recordProcedureOutcome(
    m: EntityManager,
    loaded: Loaded,
    key: string,
    outcome: string,
    actor: Actor,
    reason: string | null = null,
  ): Promise<void> {
    await this.writeOutcome(m, loaded, key, outcome, { actor, reason, origin: 'procedure' });
  }

  /**
   * The one place an activity step gets an outcome (issue #18): checked by `assertRecordableOutcome`
   * for its origin, the step added where the rules say so, the note the outcome writes added to the
   * Notes (TD-9). Outside a transition the SR is re-routed, saved (its version moves) and the outcome
   * audited; a transition's own outcomes are in the transition's audit record instead.
   */
  private async writeOutcome(
    m: EntityManager,
    loaded: Loaded,
    key: string,
    outcome: string,
    opts: { actor: Actor; reason: string | null; origin: OutcomeOrigin; now?: Date; source?: string },
  ): Promise<RecordedOutcome> {
    const now = opts.now ?? this.clock.now();
    const { sr, steps } = loaded;
    const recordable = assertRecordableOutcome(snapshotOfLoaded(loaded), key, outcome, {
      actor: opts.actor,
      reason: opts.reason,
      origin: opts.origin,
    });
    const step = steps.find((st) => st.key === key) ?? (await this.addStep(m, loaded, recordable.step));
    const before = { step: key, outcome: step.outcome };
    Object.assign(step, { outcome, reason: opts.reason, recordedBy: opts.actor.id, recordedAt: now });
    await m.save(step);
    if (recordable.note) {
      const note = m.create(SrNote, { srId: sr.id, text: recordable.note, author: opts.actor.id });
      loaded.notes.push(await m.save(note));
    }
    if (opts.origin !== 'transition') {
      sr.updatedAt = now;
      this.reroute(sr, steps, loaded.stage, loaded.caseIds.length > 0, now);
      await m.save(sr);
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: sr.id,
        action: 'activity-outcome',
        before,
        after: {
          step: key,
          outcome,
          reason: opts.reason ?? undefined,
          ...(recordable.note ? { note: recordable.note } : {}),
        },
        ...(opts.source ? { source: opts.source } : {}),
      });
    }
    return { step: key, outcome };
  }

  /** Adds a step of the SR's path to its activity plan (a follow-up's step, TD-13, or one recorded early). */
  private async addStep(
    m: EntityManager,
    loaded: Loaded,
    template: ActivityStepTemplate,
  ): Promise<SrActivityStep> {
    const step = m.create(SrActivityStep, {
      srId: loaded.sr.id,
      position: loaded.steps.length,
      key: template.key,
      title: template.title,
    });
    const saved = await m.save(step);
    loaded.steps.push(saved);
    return saved;
  }

  /**
   * A Wait expiry adds a step to the plan (TD-13: the calls to both parents), as libs/sr-rules'
   * follow-up says; audited. A step already on the plan is left as it is.
   */
  async addFollowUpStep(
    m: EntityManager,
    loaded: Loaded,
    template: ActivityStepTemplate,
    source: string,
  ): Promise<void> {
    if (loaded.steps.some((st) => st.key === template.key)) return;
    await this.addStep(m, loaded, template);
    await recordAudit(m, {
      entityType: 'service-request',
      entityId: loaded.sr.id,
      action: 'activity-step-added',
      after: { step: template.key, title: template.title },
      source,
    });
  }

  /**
   * Flags the SR for the caseworker who owns it (a Wait expiry's follow-up) and writes the flag to the
   * Notes, where it stays once a move answers the flag; re-routed and audited.
   */
  async raiseFlag(
    m: EntityManager,
    loaded: Loaded,
    message: string,
    author: string,
    source: string,
  ): Promise<void> {
    const { sr } = loaded;
    const before = { flag: sr.flag };
    sr.flag = message;
    const note = m.create(SrNote, { srId: sr.id, text: message, author });
    loaded.notes.push(await m.save(note));
    this.reroute(sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, this.clock.now());
    await m.save(sr);
    await recordAudit(m, {
      entityType: 'service-request',
      entityId: sr.id,
      action: 'flagged',
      before,
      after: { flag: message },
      source,
    });
  }

  /** Appends a note (notes are never edited). Refused once the SR is read-only (TD-8) or closed. */
  async addNote(id: string, text: string, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.load(m, id, true);
      this.assertEditable(loaded.sr);
      await m.insert(SrNote, { srId: id, text, author: actor.id });
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'note-added',
        after: { text },
      });
    });
    return this.get(id, actor);
  }

  /** Edits SR fields while editable (TD-8: read-only after TL approval, editable after a rejection). */
  async update(id: string, dto: UpdateServiceRequestDto, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.load(m, id, true);
      const { sr } = loaded;
      if (sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, sr.version);
      this.assertEditable(sr);
      const reserved = reservedProblems(dto.details, RESERVED_DETAILS);
      if (reserved.length) throw new DomainValidationError(reserved);
      const before = auditShape(sr);
      if (dto.details) sr.details = { ...sr.details, ...dto.details };
      if (dto.owner !== undefined) sr.owner = dto.owner;
      if (dto.caseIds || dto.subject) {
        // SD-6, SD-11: fixed once a step is recorded, so later steps act on the person verified.
        assertSubjectEditable(
          loaded.steps,
          {
            subject: sr.subjectClientId ? { clientId: sr.subjectClientId, role: sr.subjectRole! } : null,
            caseIds: loaded.caseIds,
          },
          { subject: dto.subject, caseIds: dto.caseIds },
        );
        const caseIds = dto.caseIds ?? loaded.caseIds;
        const cases = await this.loadCases(
          m,
          caseIds,
          dto.subject ??
            (sr.subjectClientId ? { clientId: sr.subjectClientId, role: sr.subjectRole! } : undefined),
        );
        if (dto.subject) {
          sr.subjectClientId = dto.subject.clientId;
          sr.subjectRole = dto.subject.role;
        }
        if (dto.caseIds) {
          await m.delete(SrCaseLink, { srId: id });
          if (caseIds.length)
            await m.insert(
              SrCaseLink,
              caseIds.map((caseId) => ({ srId: id, caseId })),
            );
          loaded.caseIds = caseIds;
        }
        sr.nationallySensitive = cases.some((c) => c.nationallySensitive);
        loaded.stage = stageOf(cases);
      }
      this.reroute(sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, this.clock.now());
      await m.save(sr);
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: 'edited',
        before,
        after: auditShape(sr),
      });
    });
    return this.get(id, actor);
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

  /** Refuses changes once the SR is read-only (TD-8) or closed. @throws SrRuleError */
  assertEditable(sr: ServiceRequest): void {
    if (!isEditable({ status: sr.status, readOnly: sr.readOnly })) {
      throw new SrRuleError(
        sr.readOnly
          ? {
              allowed: false,
              reason: 'SR_READ_ONLY',
              message: 'A team leader approved this SR: it is read-only (TD-8).',
              requirementId: 'TD-8',
            }
          : {
              allowed: false,
              reason: 'SR_CLOSED',
              message: `This SR is ${sr.status}; it can no longer be changed.`,
            },
      );
    }
  }

  /**
   * Carries out an allowed transition's effects, in order, after its `next` was applied: one case per
   * effect kind, exhaustively (`assertUnreachable`: a new kind fails to compile until handled here).
   * Returns the activity outcomes the effects recorded, for the transition's audit record.
   */
  private async runEffects(
    m: EntityManager,
    loaded: Loaded,
    effects: SrEffect[],
    request: TransitionRequest,
  ): Promise<RecordedOutcome[]> {
    const { sr, steps } = loaded;
    const outcomes: RecordedOutcome[] = [];
    const record = async (step: string, outcome: string, reason: string | null) =>
      outcomes.push(
        await this.writeOutcome(m, loaded, step, outcome, {
          actor: request.actor,
          reason,
          origin: 'transition',
          now: request.now,
        }),
      );
    for (const effect of effects) {
      switch (effect.kind) {
        case 'generate-activity-plan': {
          const templates = effect.steps ?? activityPlanFor(sr.type, sr.path);
          for (const t of templates)
            if (!steps.some((st) => st.key === t.key)) await this.addStep(m, loaded, t);
          break;
        }
        case 'record-activity-outcome':
          await record(effect.step, effect.outcome, request.reason ?? null);
          break;
        case 'add-note':
          if (request.reason) {
            const note = m.create(SrNote, { srId: sr.id, text: request.reason, author: request.actor.id });
            loaded.notes.push(await m.save(note));
          }
          break;
        case 'issue-letter':
          await this.jobs.sendInTransaction<LetterJob>(m, LETTER_JOBS, {
            serviceRequestId: sr.id,
            letter: effect.letter,
            recipient: effect.recipient,
            attachment: effect.attachment,
          });
          break;
        case 'confirm-security-update': {
          // SD-16: only where the client returned CMSL9800; an SMS is appropriate when a mobile is held.
          let outcome = 'Not Required';
          if (steps.find((st) => st.key === 'cmsl9800')?.outcome === 'Issued') {
            const client = sr.subjectClientId ? await m.findOneBy(Client, { id: sr.subjectClientId }) : null;
            const sms = !!client?.mobilePhone;
            await this.jobs.sendInTransaction<LetterJob>(m, LETTER_JOBS, {
              serviceRequestId: sr.id,
              letter: sms ? 'SMS_SECURITY_DETAILS_UPDATED' : 'CMSL9802',
              recipient: 'subject',
            });
            outcome = sms ? 'SMS Sent' : 'CMSL9802 Issued';
          }
          await record('confirm-update', outcome, null);
          break;
        }
        case 'lock-read-only':
        case 'unlock':
        case 'record-submitter':
        case 'clear-submitter':
        case 'record-approver':
        case 'clear-approver':
        case 'set-path':
          // Carried by the decision's `next` (read-only, submitter, approver, path), applied already.
          break;
        default:
          assertUnreachable(effect, 'SR effect');
      }
    }
    return outcomes;
  }

  /** Recomputes the SR's queue (BR-7) and SLA due time after any change. */
  reroute(
    sr: ServiceRequest,
    steps: SrActivityStep[],
    stage: string | null,
    caseLinked: boolean,
    now: Date,
  ): void {
    sr.queue = routeToQueue(sr.type, {
      nationallySensitive: sr.nationallySensitive,
      status: sr.status,
      subStatus: sr.subStatus,
      source: sr.source,
    });
    sr.slaDueAt = slaFor(snapshotOf(sr, steps, stage, caseLinked), now).dueAt;
  }

  private async loadCases(
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

  private async nextSrNumbers(m: EntityManager, n: number): Promise<string[]> {
    if (n === 0) return [];
    const rows = await m.query<{ n: string }[]>(
      `SELECT nextval('sr_number_seq')::text AS n FROM generate_series(1, $1)`,
      [n],
    );
    return rows.map((r) => `1-${r.n}`);
  }
}

/** What `POST /service-requests/batch` answers per item. */
export interface BatchResult {
  idempotencyKey: string;
  id: string;
  srNumber: string;
  created: boolean;
  queue: string;
  status: string;
}

function taxonomy(type: ServiceRequest['type']) {
  const t = SR_TYPE_TAXONOMY[type];
  return { process: t.process, area: t.area, subArea: t.subArea };
}

function stageOf(cases: Case[]): string | null {
  return cases[0]?.stage ?? null;
}

/** {@link snapshotOf} of a loaded SR, notes included. */
export function snapshotOfLoaded(loaded: Loaded): SrSnapshot {
  return snapshotOf(loaded.sr, loaded.steps, loaded.stage, loaded.caseIds.length > 0, loaded.notes);
}

/**
 * The view of an SR that libs/sr-rules decides on. `notes` matter only where a rule needs one (TD-9,
 * before a transfer goes further); the transfer entered (`details.transfer`) gives the TD-4 / TD-9 facts.
 */
export function snapshotOf(
  sr: ServiceRequest,
  steps: SrActivityStep[],
  stage: string | null,
  caseLinked: boolean,
  notes: readonly SrNote[] = [],
): SrSnapshot {
  return {
    type: sr.type,
    path: sr.path,
    status: sr.status,
    subStatus: sr.subStatus,
    resolutionCode: sr.resolutionCode,
    source: sr.source,
    readOnly: sr.readOnly,
    submittedForApprovalBy: sr.submittedForApprovalBy,
    nationallySensitive: sr.nationallySensitive,
    activityPlan: steps.map((s) => ({ key: s.key, outcome: s.outcome })),
    nextActionDue: sr.nextActionDue,
    createdAt: sr.createdAt,
    stage: stage as SrSnapshot['stage'],
    caseLinked,
    subjectRecorded: !!sr.subjectClientId && !!sr.subjectRole,
    transfer: transferFactsOf(sr.details),
    notes: notes.map((n) => n.text),
    flag: sr.flag,
    approvedBy: sr.approvedBy,
    approvedAt: sr.approvedAt,
  };
}

/** What `PUT …/transfer-items` stored (TD-1, TD-4, TD-9), as the rules need it; null when nothing is. */
function transferFactsOf(details: Record<string, unknown> | null | undefined): SrSnapshot['transfer'] {
  const t = details?.transfer as
    | {
        items?: Record<string, unknown>;
        bankDetails?: unknown;
        declarationSigned?: boolean | null;
        consentAccepted?: boolean | null;
      }
    | undefined;
  if (!t || typeof t !== 'object') return null;
  return {
    items: [...Object.keys(t.items ?? {}), ...(t.bankDetails ? ['bankDetails'] : [])],
    declarationSigned: t.declarationSigned ?? null,
    consentAccepted: t.consentAccepted ?? null,
  };
}

/** Sets the SR's own fields to the rules' decision (`next`). */
function applyNext(sr: ServiceRequest, next: SrNextState, now: Date) {
  sr.status = next.status;
  sr.subStatus = next.subStatus;
  sr.resolutionCode = next.resolutionCode;
  sr.nextActionDue = next.nextActionDue;
  sr.readOnly = next.readOnly;
  sr.submittedForApprovalBy = next.submittedForApprovalBy;
  // TD-8: CMSL0406 refused after approval clears the approver: the resubmission needs a fresh approval.
  sr.approvedBy = next.approvedBy;
  sr.approvedAt = next.approvedAt;
  // A move answers the flag; a Wait expiry's own move keeps the flag it raised (TD-3/TD-4).
  sr.flag = next.flag;
  sr.path = next.path;
  sr.closedAt = isFinalSrStatus(next.status) ? now : null;
}

function auditShape(sr: ServiceRequest): Record<string, unknown> {
  return {
    srNumber: sr.srNumber,
    type: sr.type,
    path: sr.path,
    status: sr.status,
    subStatus: sr.subStatus,
    resolutionCode: sr.resolutionCode,
    queue: sr.queue,
    readOnly: sr.readOnly,
    nextActionDue: sr.nextActionDue,
    owner: sr.owner,
  };
}

/** Sets the nationally sensitive flag on a client's live cases and their open SRs (SU-6, BR-6). */
export async function markCasesSensitive(
  m: EntityManager,
  clientId: string,
  source: string,
): Promise<string[]> {
  const cases = await m
    .createQueryBuilder(Case, 'c')
    .where('c.id IN (SELECT case_id FROM case_participant WHERE client_id = :clientId)', { clientId })
    .andWhere('c.live = true')
    .andWhere('c.nationally_sensitive = false')
    .setLock('pessimistic_write')
    .getMany();
  if (!cases.length) return [];
  const ids = cases.map((c) => c.id);
  await m.update(Case, { id: In(ids) }, { nationallySensitive: true });
  await m.query(
    `UPDATE service_request SET nationally_sensitive = true, queue = 'sensitive-case-team'
      WHERE status NOT IN ('Closed', 'Cancelled') AND id IN (SELECT sr_id FROM sr_case_link WHERE case_id = ANY($1))`,
    [ids],
  );
  await recordAudit(
    m,
    ...ids.map((id) => ({
      entityType: 'case',
      entityId: id,
      action: 'marked-nationally-sensitive',
      before: { nationallySensitive: false },
      after: { nationallySensitive: true },
      source,
    })),
  );
  return ids;
}
