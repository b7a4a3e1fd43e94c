import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Actor,
  type CisUpdate as CisUpdateInput,
  type CisUpdateType,
  type Clock,
  DomainError,
  DomainValidationError,
  type FieldProblem,
  normaliseAddress,
  NotFoundError,
  validateCisUpdate,
} from '@cms/domain';
import { CLOCK, JobQueue, maySeeSensitive, recordAudit } from '@cms/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { recordCisSensitivity } from '../access/cis-sensitivity';
import { CisTechnicalError, CisUnavailableError } from '../cis/cis.errors';
import { type CisReference, type CisUpdateAnswer, CisGateway } from '../cis/cis.gateway';
import { referenceOf } from '../interests/interests.service';
import { InterestsService } from '../interests/interests.service';
import {
  CIS_UPDATE_OUTCOME_QUEUE,
  type CisUpdateOutcomeJob,
  NATIONALLY_SENSITIVE_QUEUE,
  type NationallySensitiveJob,
} from '../jobs';
import { type CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';
import { type CisUpdateListView, type CisUpdateView, toCisUpdateView } from './cis-update.dto';
import { CIS_UPDATE_HOLDS_ITEM, CisUpdate } from './cis-update.entity';
import {
  alreadySent,
  assertIsValidatedItem,
  canonicalJson,
  type CocServiceRequest,
  validatedItemOf,
} from './validated-item';

const SU6_REASON = 'CIS update error code 1';

/**
 * What a failed call to CIS says of the update: `failed` when CIS answered (a technical error, HTTP
 * 5xx, or a refusal of the request: nothing was applied); `unknown` when the answer did not arrive
 * (time-out, connection dropped) or the breaker stopped the retries of a call that may have reached
 * CIS already, and for anything unexpected: CIS may have applied it (SU-5).
 */
function outcomeOfError(e: unknown): 'failed' | 'unknown' {
  if (e instanceof CisTechnicalError) return /^CIS answered/.test(e.reason) ? 'failed' : 'unknown';
  if (e instanceof CisUnavailableError) return 'unknown';
  return e instanceof DomainError ? 'failed' : 'unknown';
}

/** The update exactly as it is sent to CIS, every time (keys sorted): a replay carries the same request. */
function wireUpdate(update: CisUpdateInput): CisUpdateInput {
  return canonicalJson(update) as CisUpdateInput;
}

/** PostgreSQL unique violation of the SU-4 index (one update per SR item). */
function isItemTaken(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string; constraint?: string } };
  return (err.driverError?.code ?? err.code) === '23505';
}

/** The items each update type carries (SU-2). */
const UPDATE_FIELDS: Readonly<Record<CisUpdateType, readonly string[]>> = {
  NAME_CHANGE: ['firstName', 'lastName'],
  ADDRESS_CHANGE: ['address', 'addressStartDate'],
  DOB_VERIFIED: ['dateOfBirth'],
  DOB_NOT_VERIFIED: ['dateOfBirth'],
  DOD_VERIFIED: ['dateOfDeath'],
  DOD_NOT_VERIFIED: ['dateOfDeath'],
};

/**
 * Validates an update's payload for its type (SU-2, `validateCisUpdate`) and returns it normalised
 * (names tidied, address normalised, dates trimmed). Unknown items are refused.
 * @throws DomainValidationError with fields `payload.<item>`
 */
export function parseCisUpdate(
  updateType: CisUpdateType,
  payload: Record<string, unknown>,
  now: Date,
): CisUpdateInput {
  const problems: FieldProblem[] = Object.keys(payload)
    .filter((k) => !UPDATE_FIELDS[updateType].includes(k))
    .map((k) => ({
      field: `payload.${k}`,
      rule: 'unknown-field',
      message: `payload.${k} is not an item of a ${updateType} update`,
      requirementId: 'SU-2',
    }));
  problems.push(...validateCisUpdate({ ...payload, type: updateType }, { now, fieldPrefix: 'payload' }));
  if (problems.length) throw new DomainValidationError(problems);
  const tidy = (v: unknown) => String(v).trim().replace(/\s+/g, ' ');
  switch (updateType) {
    case 'NAME_CHANGE':
      return { type: updateType, firstName: tidy(payload.firstName), lastName: tidy(payload.lastName) };
    case 'ADDRESS_CHANGE':
      return {
        type: updateType,
        address: normaliseAddress(payload.address as never, 'payload.address'),
        addressStartDate: tidy(payload.addressStartDate),
      };
    case 'DOB_VERIFIED':
    case 'DOB_NOT_VERIFIED':
      return { type: updateType, dateOfBirth: tidy(payload.dateOfBirth) };
    case 'DOD_VERIFIED':
    case 'DOD_NOT_VERIFIED':
      return { type: updateType, dateOfDeath: tidy(payload.dateOfDeath) };
  }
}

/** What a caller asks to send. */
export interface SendUpdateRequest {
  clientId: string;
  updateType: CisUpdateType;
  payload: Record<string, unknown>;
  serviceRequestId?: string;
}

/**
 * CIS - Send Update: checks the interest (SU-1) and the stage (SU-3 application from "Update
 * CIS"; SU-4 maintenance only from a CoC SR with "Update CIS" enabled, and then only the item that
 * SR validated, with its validated values, once), sends the update to CIS in real time, records it
 * with CIS's response code and returns it (SU-5, SU-7). An answer that did not arrive leaves the
 * update `unknown` (CIS may have applied it) and a job replays it with the same Idempotency-Key
 * until CIS gives the outcome, recorded as a direct answer would be. Error code 1
 * (SU-6), with no window: the transaction that stores the answer also records that CIS treats the
 * client as sensitive (closing their records here at once, X-1) and writes the job to
 * service-requests; service-requests is then told before the answer is returned (the job delivers
 * it if that call fails), and a caller without sensitive access is answered "Insufficient Access".
 * Who may send or read updates is each route's access declaration.
 */
@Injectable()
export class CisUpdatesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CisUpdatesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly interests: InterestsService,
    private readonly srs: ServiceRequestsGateway,
    private readonly cis: CisGateway,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<NationallySensitiveJob>(NATIONALLY_SENSITIVE_QUEUE, (job) =>
      this.deliverNationallySensitive(job),
    );
    await this.jobs.work<CisUpdateOutcomeJob>(CIS_UPDATE_OUTCOME_QUEUE, (job) => this.learnOutcome(job));
  }

  /**
   * SU-6 before the answer: flags the client in service-requests at once (idempotent on the update
   * id, as the job). When service-requests cannot be reached the job written with the answer
   * delivers it later; the client is already closed here.
   */
  private async flagNow(updateId: string, clientId: string): Promise<void> {
    try {
      await this.deliverNationallySensitive({ updateId, clientId, reason: SU6_REASON });
    } catch (e) {
      this.logger.warn(
        { updateId, error: e instanceof DomainError ? e.code : 'unexpected' },
        'Nationally sensitive flag not set at once: the job will deliver it (SU-6)',
      );
    }
  }

  /** Delivers the SU-6 flag to service-requests (worker of {@link NATIONALLY_SENSITIVE_QUEUE}). */
  async deliverNationallySensitive(job: NationallySensitiveJob): Promise<void> {
    await this.srs.markNationallySensitive(job.clientId, job.reason, job.updateId);
  }

  /**
   * CIS - Send Update, steps 1–8, for a caseworker's "Update CIS".
   * @throws DomainValidationError (SU-2), 404 (client), InsufficientAccessError (SU-6: error code 1),
   *   422 NO_INTEREST_REGISTERED (SU-1), 422 CIS_UPDATE_NOT_ENABLED / CIS_UPDATE_NOT_VALIDATED /
   *   CIS_UPDATE_ALREADY_SENT (SU-4), 503 CIS_TECHNICAL_ERROR / CIS_UNAVAILABLE when CIS answered with
   *   a technical error (the update is recorded as failed; `updateId` in the problem)
   * @returns the update; `status: 'unknown'` when CIS's answer did not arrive (it is being learnt)
   */
  async send(actor: Actor, req: SendUpdateRequest): Promise<CisUpdateView> {
    const update = parseCisUpdate(req.updateType, req.payload, this.clock.now());
    const client = await this.srs.getClient(req.clientId);
    await this.assertInterest(client.id);
    const { stage, sr } = await this.assertStageAllows(client, req.serviceRequestId, update);
    return this.deliver(actor, client, update, {
      serviceRequestId: req.serviceRequestId ?? null,
      srNumber: sr?.srNumber ?? null,
      stage,
    });
  }

  /**
   * Sends CMS's value of a discrepancy's item to CIS after a keep-cms decision (RD-7 → CIS - Send
   * Update). The caseworker's decision stands in for the CoC SR of SU-4; SU-1 and SU-6 apply.
   */
  async sendForDiscrepancy(
    actor: Actor,
    client: CmsClient,
    update: CisUpdateInput,
    discrepancyId: string,
  ): Promise<CisUpdateView> {
    await this.assertInterest(client.id);
    return this.deliver(actor, client, update, { serviceRequestId: null, stage: null, discrepancyId });
  }

  /** One update with CIS's answer. @throws 404 */
  async get(id: string): Promise<CisUpdateView> {
    const row = await this.db.manager.findOneBy(CisUpdate, { id });
    if (!row) throw new NotFoundError('CIS update', id);
    return toCisUpdateView(row);
  }

  /** The client's updates, newest first. */
  async list(clientId: string): Promise<CisUpdateListView> {
    const rows = await this.db.manager.find(CisUpdate, {
      where: { clientId },
      order: { requestedAt: 'DESC' },
    });
    return { updates: rows.map(toCisUpdateView) };
  }

  private async assertInterest(clientId: string): Promise<void> {
    if (!(await this.interests.hasRegisteredInterest(clientId))) {
      throw new DomainError(
        'NO_INTEREST_REGISTERED',
        'precondition',
        "No update can be sent until CMG has registered an interest in the client's CIS record.",
        { requirementId: 'SU-1' },
      );
    }
  }

  /**
   * SU-3 / SU-4: at application (or enquiry / new case) stage "Update CIS" is the caseworker's;
   * once any live case is in maintenance the update must come from a CoC SR about this client
   * whose "Update CIS" is enabled. An SR given (at any stage) enables only the item it validated,
   * with its validated values (`validatedItemOf`), once. Returns the deciding stage and the SR.
   */
  private async assertStageAllows(
    client: CmsClient,
    serviceRequestId: string | undefined,
    update: CisUpdateInput,
  ): Promise<{ stage: string | null; sr: CocServiceRequest | null }> {
    const stages = this.srs.liveStages(client);
    const maintenance = stages.includes('maintenance');
    const refuse = (message: string) =>
      new DomainError('CIS_UPDATE_NOT_ENABLED', 'precondition', message, {
        requirementId: 'SU-4',
        errors: [{ field: 'serviceRequestId', rule: 'cis-update-enabled', message, requirementId: 'SU-4' }],
      });
    let sr: CocServiceRequest | null = null;
    if (serviceRequestId) {
      sr = (await this.srs.getServiceRequest(serviceRequestId).catch((e: unknown) => {
        if (e instanceof DomainError && e.kind === 'not-found')
          throw refuse(`Service request ${serviceRequestId} does not exist.`);
        throw e;
      })) as CocServiceRequest;
      if (sr.subject?.clientId !== client.id) throw refuse('The service request is not about this client.');
      if (maintenance && !sr.cisUpdateEnabled) {
        throw refuse(
          `"Update CIS" is not enabled on SR ${sr.srNumber}: its validations must be complete and its Sub Status CoC Accept.`,
        );
      }
      const item = validatedItemOf(sr);
      assertIsValidatedItem(sr, item, update, (type, payload) =>
        parseCisUpdate(type, payload, this.clock.now()),
      );
      if (await this.itemTaken(sr.id, update.type)) throw alreadySent(sr.srNumber, update.type);
    } else if (maintenance) {
      throw refuse(
        'During maintenance "Update CIS" is enabled only from the CoC SR, once its validations are complete and its Sub Status is CoC Accept: give serviceRequestId.',
      );
    }
    return { stage: maintenance ? 'maintenance' : (stages[0] ?? null), sr };
  }

  /** SU-4: an update of the SR's item is being asked, of unknown outcome, or applied (code 0). */
  private async itemTaken(serviceRequestId: string, updateType: CisUpdateType): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM "cis_update" WHERE "service_request_id" = $1 AND "update_type" = $2 AND (${CIS_UPDATE_HOLDS_ITEM}) LIMIT 1`,
      [serviceRequestId, updateType],
    );
    return rows.length > 0;
  }

  private async deliver(
    actor: Actor,
    client: CmsClient,
    update: CisUpdateInput,
    ctx: {
      serviceRequestId: string | null;
      srNumber?: string | null;
      stage: string | null;
      discrepancyId?: string;
    },
  ): Promise<CisUpdateView> {
    const ref = referenceOf(client);
    const { type, ...payload } = update;
    let row: CisUpdate;
    try {
      row = await this.db.transaction(async (m) => {
        const saved = await m.save(
          m.create(CisUpdate, {
            clientId: client.id,
            ...ref,
            updateType: type,
            payload,
            serviceRequestId: ctx.serviceRequestId,
            discrepancyId: ctx.discrepancyId ?? null,
            stage: ctx.stage,
            status: 'pending',
            responseCode: null,
            responseMessage: null,
            failureReason: null,
            requestedBy: actor.id,
            requestedAt: this.clock.now(),
            respondedAt: null,
          }),
        );
        await recordAudit(m, {
          entityType: 'cis-update',
          entityId: saved.id,
          action: 'requested',
          after: { clientId: client.id, updateType: type, payload, serviceRequestId: ctx.serviceRequestId },
        });
        return saved;
      });
    } catch (e) {
      // SU-4: another update of the same SR item got there first.
      if (ctx.serviceRequestId && isItemTaken(e)) throw alreadySent(ctx.srNumber ?? null, type);
      throw e;
    }

    let answer: CisUpdateAnswer;
    try {
      answer = await this.cis.sendUpdate(ref, wireUpdate(update), row.id);
    } catch (e) {
      if (outcomeOfError(e) === 'unknown') return this.markUnknown(row, e);
      await this.db.transaction(async (m) => {
        row.status = 'failed';
        row.failureReason = e instanceof Error ? e.message : 'CIS refused the update';
        row.respondedAt = this.clock.now();
        await m.save(row);
        await recordAudit(m, {
          entityType: 'cis-update',
          entityId: row.id,
          action: 'failed',
          after: { status: 'failed', reason: e instanceof DomainError ? e.code : 'error' },
        });
      });
      if (e instanceof DomainError) {
        // The caller learns which record holds the failure.
        throw new DomainError(e.code, e.kind, e.message, {
          ...e.options,
          extra: { ...e.options.extra, updateId: row.id },
        });
      }
      throw e;
    }

    const answered = await this.db.transaction((m) => this.recordAnswer(m, row.id, answer, false));
    if (answered.responseCode === '1') await this.flagNow(answered.id, client.id);
    if (answered.responseCode === '1' && !maySeeSensitive(actor)) {
      throw new DomainError(
        'INSUFFICIENT_ACCESS',
        'insufficient-access',
        'CIS reports the client as nationally sensitive (error code 1): only caseworkers with sensitive access can deal with the case.',
        { requirementId: 'SU-6', title: 'Insufficient Access', extra: { updateId: answered.id } },
      );
    }
    return toCisUpdateView(answered);
  }

  /**
   * SU-5: CIS's answer did not arrive. The update is `unknown`, never `failed` (CIS may have applied
   * it), and in the same transaction a job is written that learns the outcome (`learnOutcome`).
   */
  private async markUnknown(row: CisUpdate, e: unknown): Promise<CisUpdateView> {
    const reason = e instanceof DomainError ? e.message : 'The call to CIS ended without an answer.';
    this.logger.warn(
      { updateId: row.id, error: e instanceof DomainError ? e.code : 'unexpected' },
      "CIS's answer to an update did not arrive: outcome unknown, learning it (SU-5)",
    );
    await this.db.transaction(async (m) => {
      row.status = 'unknown';
      row.failureReason = reason;
      await m.save(row);
      await recordAudit(m, {
        entityType: 'cis-update',
        entityId: row.id,
        action: 'outcome-unknown',
        after: { status: 'unknown', reason: e instanceof DomainError ? e.code : 'error' },
      });
      await this.jobs.sendInTransaction<CisUpdateOutcomeJob>(
        m,
        CIS_UPDATE_OUTCOME_QUEUE,
        { updateId: row.id },
        row.id,
      );
    });
    return toCisUpdateView(row);
  }

  /**
   * Worker of {@link CIS_UPDATE_OUTCOME_QUEUE} (SU-5, SU-7): sends the `unknown` update again with the
   * same Idempotency-Key, so CIS answers with what it did (its stored answer when it had applied it;
   * otherwise it handles it now, once). No answer again: the job fails and pg-boss retries it with
   * backoff. CIS's answer is recorded as a direct one is, error code 1 included (SU-6: the client is
   * recorded here as sensitive and flagged in service-requests). CIS refusing the request (a 4xx)
   * means it applied nothing: the update is `failed`.
   */
  async learnOutcome(job: CisUpdateOutcomeJob): Promise<void> {
    const row = await this.db.manager.findOneBy(CisUpdate, { id: job.updateId });
    if (!row || row.status !== 'unknown') return;
    const ref: CisReference = { referenceKind: row.referenceKind, reference: row.reference };
    const update = wireUpdate({ type: row.updateType, ...row.payload } as unknown as CisUpdateInput);
    let answer: CisUpdateAnswer;
    try {
      answer = await this.cis.sendUpdate(ref, update, row.id);
    } catch (e) {
      if (outcomeOfError(e) === 'unknown' || (e instanceof DomainError && e.kind === 'conflict')) throw e;
      await this.db.transaction(async (m) => {
        const locked = await m.findOne(CisUpdate, {
          where: { id: row.id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!locked || locked.status !== 'unknown') return;
        locked.status = 'failed';
        locked.failureReason = e instanceof Error ? e.message : 'CIS refused the update';
        locked.respondedAt = this.clock.now();
        await m.save(locked);
        await recordAudit(m, {
          entityType: 'cis-update',
          entityId: row.id,
          action: 'failed',
          after: { status: 'failed', reason: e instanceof DomainError ? e.code : 'error', reconciled: true },
          source: 'cis',
          actorId: 'cis-interface',
          actorRoles: ['system'],
        });
      });
      return;
    }
    const answered = await this.db.transaction((m) => this.recordAnswer(m, row.id, answer, true));
    if (answered.responseCode === '1') await this.flagNow(answered.id, answered.clientId);
  }

  /**
   * Records CIS's answer on the update (SU-7), once: an update already answered keeps its answer.
   * Error code 1 (SU-6), with no window: the same transaction records that CIS treats the client as
   * sensitive (closing their records here at once, X-1) and writes the job to service-requests.
   */
  private async recordAnswer(
    m: EntityManager,
    id: string,
    answer: CisUpdateAnswer,
    reconciled: boolean,
  ): Promise<CisUpdate> {
    const row = await m.findOne(CisUpdate, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!row) throw new NotFoundError('CIS update', id);
    if (row.status === 'answered') return row;
    const answeredAt = this.clock.now();
    const before = { status: row.status };
    row.status = 'answered';
    row.responseCode = answer.responseCode;
    row.responseMessage = answer.message || null;
    row.failureReason = null;
    row.respondedAt = answeredAt;
    await m.save(row);
    await recordAudit(m, {
      entityType: 'cis-update',
      entityId: row.id,
      action: 'answered',
      // Learnt by the outcome job: cis-interface itself asked CIS again.
      ...(reconciled ? { actorId: 'cis-interface', actorRoles: ['system'], before } : {}),
      after: {
        responseCode: answer.responseCode,
        message: answer.message,
        source: 'CIS',
        ...(reconciled ? { reconciled: true } : {}),
      },
      source: 'cis',
    });
    if (answer.responseCode === '1') {
      // SU-6: closed here from this commit on, whatever service-requests holds yet.
      await recordCisSensitivity(m, {
        clientId: row.clientId,
        referenceKind: row.referenceKind,
        reference: row.reference,
        requirementId: 'SU-6',
        sourceId: row.id,
        reason: SU6_REASON,
        since: answeredAt,
      });
      await this.jobs.sendInTransaction<NationallySensitiveJob>(
        m,
        NATIONALLY_SENSITIVE_QUEUE,
        { updateId: row.id, clientId: row.clientId, reason: SU6_REASON },
        row.id,
      );
    }
    return row;
  }
}
