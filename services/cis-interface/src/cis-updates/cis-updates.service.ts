import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Actor,
  type CisUpdate as CisUpdateInput,
  type CisUpdateType,
  type Clock,
  DomainError,
  DomainValidationError,
  type FieldProblem,
  hasSensitiveAccess,
  normaliseAddress,
  NotFoundError,
  validateCisUpdate,
} from '@cms/domain';
import { CLOCK, CONFIG, JobQueue, recordAudit } from '@cms/platform';
import type { CisInterfaceConfig } from '../config';
import { DataSource } from 'typeorm';
import { assertMaySee, ClientAccess } from '../access/client-access';
import { isCisDown } from '../cis/cis.errors';
import { CisGateway } from '../cis/cis.gateway';
import { referenceOf } from '../interests/interests.service';
import { InterestsService } from '../interests/interests.service';
import { NATIONALLY_SENSITIVE_QUEUE, type NationallySensitiveJob } from '../jobs';
import { type CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';
import { type CisUpdateListView, type CisUpdateView, toCisUpdateView } from './cis-update.dto';
import { CisUpdate } from './cis-update.entity';

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
 * CIS"; SU-4 maintenance only from a CoC SR with "Update CIS" enabled), sends the update to CIS in
 * real time, records it with CIS's response code and returns it (SU-5, SU-7). Error code 1 flags
 * the client's cases nationally sensitive (a job to service-requests) and answers callers without
 * sensitive access "Insufficient Access" (SU-6).
 */
@Injectable()
export class CisUpdatesService implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CisInterfaceConfig,
    private readonly jobs: JobQueue,
    private readonly access: ClientAccess,
    private readonly interests: InterestsService,
    private readonly srs: ServiceRequestsGateway,
    private readonly cis: CisGateway,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(NATIONALLY_SENSITIVE_QUEUE, {
      retryLimit: 20,
      retryDelaySeconds: this.config.JOB_RETRY_DELAY_SECONDS,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<NationallySensitiveJob>(NATIONALLY_SENSITIVE_QUEUE, (job) =>
      this.deliverNationallySensitive(job),
    );
  }

  /** Delivers the SU-6 flag to service-requests (worker of {@link NATIONALLY_SENSITIVE_QUEUE}). */
  async deliverNationallySensitive(job: NationallySensitiveJob): Promise<void> {
    await this.srs.markNationallySensitive(job.clientId, job.reason, job.updateId);
  }

  /**
   * CIS - Send Update, steps 1–8, for a caseworker's "Update CIS".
   * @throws DomainValidationError (SU-2), 404 (client), InsufficientAccessError (X-1, SU-6),
   *   422 NO_INTEREST_REGISTERED (SU-1), 422 CIS_UPDATE_NOT_ENABLED (SU-4),
   *   503 CIS_TECHNICAL_ERROR / CIS_UNAVAILABLE (the update is recorded as failed)
   */
  async send(actor: Actor, req: SendUpdateRequest): Promise<CisUpdateView> {
    const update = parseCisUpdate(req.updateType, req.payload, this.clock.now());
    const client = await this.access.load(actor, req.clientId);
    await this.assertInterest(client.id);
    const stage = await this.assertStageAllows(client, req.serviceRequestId);
    return this.deliver(actor, client, update, { serviceRequestId: req.serviceRequestId ?? null, stage });
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

  /** One update with CIS's answer. @throws 404, InsufficientAccessError (sensitive client or code 1 without sensitive access) */
  async get(actor: Actor, id: string): Promise<CisUpdateView> {
    const row = await this.db.manager.findOneBy(CisUpdate, { id });
    if (!row) throw new NotFoundError('CIS update', id);
    if (row.responseCode === '1') assertMaySee(actor, { nationallySensitive: true }, 'SU-6');
    await this.access.check(actor, row.clientId);
    return toCisUpdateView(row);
  }

  /** The client's updates, newest first. @throws 404, InsufficientAccessError */
  async list(actor: Actor, clientId: string): Promise<CisUpdateListView> {
    await this.access.check(actor, clientId);
    const rows = await this.db.manager.find(CisUpdate, {
      where: { clientId },
      order: { requestedAt: 'DESC' },
    });
    const visible = hasSensitiveAccess(actor) ? rows : rows.filter((r) => r.responseCode !== '1');
    return { updates: visible.map(toCisUpdateView) };
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
   * whose "Update CIS" is enabled. Returns the deciding stage.
   */
  private async assertStageAllows(
    client: CmsClient,
    serviceRequestId: string | undefined,
  ): Promise<string | null> {
    const stages = await this.srs.liveStages(client);
    const maintenance = stages.includes('maintenance');
    const refuse = (message: string) =>
      new DomainError('CIS_UPDATE_NOT_ENABLED', 'precondition', message, {
        requirementId: 'SU-4',
        errors: [{ field: 'serviceRequestId', rule: 'cis-update-enabled', message, requirementId: 'SU-4' }],
      });
    if (serviceRequestId) {
      const sr = await this.srs.getServiceRequest(serviceRequestId).catch((e: unknown) => {
        if (e instanceof DomainError && e.kind === 'not-found')
          throw refuse(`Service request ${serviceRequestId} does not exist.`);
        throw e;
      });
      if (sr.subject?.clientId !== client.id) throw refuse('The service request is not about this client.');
      if (maintenance && !sr.cisUpdateEnabled) {
        throw refuse(
          `"Update CIS" is not enabled on SR ${sr.srNumber}: its validations must be complete and its Sub Status CoC Accept.`,
        );
      }
    } else if (maintenance) {
      throw refuse(
        'During maintenance "Update CIS" is enabled only from the CoC SR, once its validations are complete and its Sub Status is CoC Accept: give serviceRequestId.',
      );
    }
    return maintenance ? 'maintenance' : (stages[0] ?? null);
  }

  private async deliver(
    actor: Actor,
    client: CmsClient,
    update: CisUpdateInput,
    ctx: { serviceRequestId: string | null; stage: string | null; discrepancyId?: string },
  ): Promise<CisUpdateView> {
    const ref = referenceOf(client);
    const { type, ...payload } = update;
    const row = await this.db.transaction(async (m) => {
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

    let answer;
    try {
      answer = await this.cis.sendUpdate(ref, update, row.id);
    } catch (e) {
      if (isCisDown(e)) {
        await this.db.transaction(async (m) => {
          row.status = 'failed';
          row.failureReason = e.message;
          row.respondedAt = this.clock.now();
          await m.save(row);
          await recordAudit(m, {
            entityType: 'cis-update',
            entityId: row.id,
            action: 'failed',
            after: { status: 'failed', reason: e.code },
          });
        });
      }
      throw e;
    }

    await this.db.transaction(async (m) => {
      row.status = 'answered';
      row.responseCode = answer.responseCode;
      row.responseMessage = answer.message || null;
      row.respondedAt = this.clock.now();
      await m.save(row);
      await recordAudit(m, {
        entityType: 'cis-update',
        entityId: row.id,
        action: 'answered',
        after: { responseCode: answer.responseCode, message: answer.message, source: 'CIS' },
        source: 'cis',
      });
      if (answer.responseCode === '1') {
        await this.jobs.sendInTransaction<NationallySensitiveJob>(
          m,
          NATIONALLY_SENSITIVE_QUEUE,
          { updateId: row.id, clientId: client.id, reason: 'CIS update error code 1' },
          row.id,
        );
      }
    });

    if (answer.responseCode === '1' && !hasSensitiveAccess(actor)) {
      throw new DomainError(
        'INSUFFICIENT_ACCESS',
        'insufficient-access',
        'CIS reports the client as nationally sensitive (error code 1): only caseworkers with sensitive access can deal with the case.',
        { requirementId: 'SU-6', title: 'Insufficient Access', extra: { updateId: row.id } },
      );
    }
    return toCisUpdateView(row);
  }
}
