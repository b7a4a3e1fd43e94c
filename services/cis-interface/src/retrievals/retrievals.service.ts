import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Actor,
  CIS_RETRIEVAL_REJECTION_INFO,
  type Clock,
  DomainError,
  NotFoundError,
} from '@cms/domain';
import { CLOCK, CONFIG, JobQueue, recordAudit } from '@cms/platform';
import type { CisInterfaceConfig } from '../config';
import { DataSource, EntityManager, In, QueryFailedError } from 'typeorm';
import { recordCisSensitivity } from '../access/cis-sensitivity';
import { CisTechnicalError, CisUnavailableError } from '../cis/cis.errors';
import { CisGateway, type CisPersonalData, type CisRetrieveResult } from '../cis/cis.gateway';
import { referenceOf } from '../interests/interests.service';
import { SENSITIVE_CHECK_QUEUE, type SensitiveCheckJob } from '../jobs';
import { type CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';
import {
  applyRd3,
  type CisPerson,
  cisHoldsVerified,
  type CmsPerson,
  discrepancyItems,
  type Rd3Item,
} from './rd3-rules';
import {
  type CisDataView,
  type RetrievalListView,
  type RetrievalView,
  toRetrievalView,
  toSnapshotView,
} from './retrieval.dto';
import {
  CisDataSnapshot,
  Discrepancy,
  Retrieval,
  RetrievalAttempt,
  type RetrievalTrigger,
} from './retrieval.entity';

/** An attempt of this request, recorded with the retrieval's outcome (RD-5). */
type PendingAttempt = Pick<
  RetrievalAttempt,
  'at' | 'outcome' | 'rejection' | 'rejectionMessage' | 'failureReason'
>;

const RD4_REASON = 'CIS answered "Insufficient access level" to a retrieval of personal data (RD-4)';

/** CMS's side of RD-3: the client's personal details with their NINO. */
export function cmsPersonOf(client: CmsClient): CmsPerson {
  return {
    nino: client.nino,
    firstName: client.firstName,
    lastName: client.lastName,
    dateOfBirth: client.dateOfBirth,
    dateOfBirthVerified: client.dateOfBirthVerified,
    dateOfDeath: client.dateOfDeath,
    dateOfDeathVerified: client.dateOfDeathVerified,
    sex: client.sex,
    address: client.address,
    addressStartDate: client.addressStartDate,
    homePhone: client.homePhone,
    businessPhone: client.businessPhone,
    mobilePhone: client.mobilePhone,
    homeEmail: client.homeEmail,
  };
}

/** CIS's side of RD-3; `currentNino` when CIS answered for a NINO other than the one asked for (superseded). */
export function cisPersonOf(
  person: CisPersonalData,
  asked: { referenceKind: string; reference: string },
): CisPerson {
  return {
    currentNino:
      person.referenceKind === 'NINO' && person.reference && person.reference !== asked.reference
        ? person.reference
        : null,
    firstName: person.firstName,
    lastName: person.lastName,
    dateOfBirth: person.dateOfBirth ?? null,
    dateOfBirthVerified: person.dateOfBirthVerified === true,
    dateOfDeath: person.dateOfDeath ?? null,
    dateOfDeathVerified: person.dateOfDeathVerified === true,
    sex: person.sex ?? null,
    address: person.address ?? null,
    addressStartDate: person.addressStartDate ?? null,
    homePhone: person.homePhone ?? null,
    businessPhone: person.businessPhone ?? null,
    mobilePhone: person.mobilePhone ?? null,
    homeEmail: person.homeEmail ?? null,
  };
}

/**
 * CIS - Retrieve Personal Data From (RD-1..RD-8): asks CIS in real time for the client's personal,
 * address and contact data, keeps the RD-3 items, stores everything CIS returned as sourced from
 * CIS and apart from CMS's record (RD-6), records each differing item as a discrepancy for the
 * caseworker (RD-7); records rejections (RD-5) and technical failures; "Insufficient access level"
 * closes the client's records here at once (cis-interface's own record of CIS's word, X-1), then
 * sets the Sensitive Check flag and arranges the sensitive case team's call back in
 * service-requests before answering, a job delivering it when that call fails (RD-4).
 * Who may see or retrieve is each route's access declaration.
 */
@Injectable()
export class RetrievalsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetrievalsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: CisInterfaceConfig,
    private readonly jobs: JobQueue,
    private readonly srs: ServiceRequestsGateway,
    private readonly cis: CisGateway,
  ) {}

  /**
   * Retrieves the client's data from CIS. With `idempotencyKey` (the RD-1 trigger from
   * service-requests), a key seen before returns that retrieval; one that failed technically is
   * tried again. Every attempt is kept with its outcome (RD-5): each CIS call that failed
   * technically, including those the gateway retried, and the one that ended the request.
   * @returns the retrieval (outcome completed / rejected / insufficient-access / failed)
   * @throws 404, 422 NO_REFERENCE / REFERENCE_NOT_VERIFIED (RD-1),
   *   409 RETRIEVAL_IN_PROGRESS / IDEMPOTENCY_KEY_REUSED, 503 CIS_UNAVAILABLE (breaker open; recorded as failed)
   */
  async retrieve(
    actor: Actor,
    clientId: string,
    trigger: RetrievalTrigger,
    idempotencyKey?: string,
  ): Promise<RetrievalView> {
    let row = idempotencyKey ? await this.db.manager.findOneBy(Retrieval, { idempotencyKey }) : null;
    if (row && row.clientId !== clientId) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'conflict',
        'This Idempotency-Key was used for a retrieval of another client.',
      );
    }
    if (row && row.outcome === 'in-progress' && !this.abandoned(row)) {
      throw new DomainError('RETRIEVAL_IN_PROGRESS', 'conflict', 'This retrieval is already in progress.');
    }
    const client = await this.srs.getClient(clientId);
    if (row && row.outcome !== 'failed' && row.outcome !== 'in-progress') return this.view(row);

    const ref = referenceOf(client);
    if (trigger === 'reference-verified' && client.referenceStatus !== 'Verified') {
      throw new DomainError(
        'REFERENCE_NOT_VERIFIED',
        'precondition',
        "The retrieval follows the NINO/CRN being verified: the client's NINO/CRN status is not Verified.",
        { requirementId: 'RD-1' },
      );
    }
    row = await this.start(actor, client, ref, trigger, idempotencyKey, row);

    const tries: PendingAttempt[] = [];
    let result: CisRetrieveResult;
    try {
      // RD-4: CIS answers for the caseworker's access level; a service (the RD-1 trigger) retrieves at standard access.
      result = await this.cis.retrieve(
        ref,
        actor.roles.includes('sensitive-access') ? 'sensitive' : 'standard',
        (reason) => tries.push(technicalError(this.clock.now(), reason)),
      );
    } catch (e) {
      if (e instanceof CisUnavailableError) {
        tries.push(technicalError(this.clock.now(), 'CIS_UNAVAILABLE: circuit breaker open, CIS not called'));
      } else if (!(e instanceof CisTechnicalError)) {
        tries.push(technicalError(this.clock.now(), reasonOf(e)));
      }
      await this.fail(row, e as Error, tries);
      if (e instanceof CisUnavailableError) {
        throw new CisUnavailableError({ ...e.options.extra, retrievalId: row.id, outcome: 'failed' });
      }
      if (e instanceof CisTechnicalError) return this.view(row);
      throw e;
    }
    if (result.kind === 'found') await this.complete(row, client, result.person, result.raw, tries);
    else {
      await this.reject(row, result, tries);
      if (row.outcome === 'insufficient-access') await this.sensitiveCheckNow(row);
    }
    return this.view(row);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<SensitiveCheckJob>(SENSITIVE_CHECK_QUEUE, async (job) => {
      await this.deliverSensitiveCheck(job);
    });
  }

  /**
   * True when an in-progress retrieval can no longer be waiting for CIS (its process stopped during
   * the call): longer ago than every attempt's time-out and back-off together.
   */
  private abandoned(row: Retrieval): boolean {
    const c = this.config;
    const longest = (c.CIS_RETRY_ATTEMPTS + 1) * (c.CIS_TIMEOUT_MS + c.CIS_RETRY_MAX_DELAY_MS) + 60_000;
    return this.clock.now().getTime() - row.requestedAt.getTime() > longest;
  }

  /**
   * RD-4 before the answer: sets Sensitive Check and raises the call back SR in service-requests at
   * once (idempotent on the retrieval id, as the job). When service-requests cannot be reached the
   * job written with the answer delivers it later; the client is already closed here.
   */
  private async sensitiveCheckNow(row: Retrieval): Promise<void> {
    try {
      row.sensitiveCheckSrId = await this.deliverSensitiveCheck({
        retrievalId: row.id,
        clientId: row.clientId,
        reason: RD4_REASON,
      });
    } catch (e) {
      this.logger.warn(
        { retrievalId: row.id, error: e instanceof DomainError ? e.code : 'unexpected' },
        'Sensitive Check not set at once: the job will deliver it (RD-4)',
      );
    }
  }

  /**
   * Delivers RD-4 to service-requests and records the call back SR (worker of {@link SENSITIVE_CHECK_QUEUE}).
   * @returns the call back SR's id
   */
  async deliverSensitiveCheck(job: SensitiveCheckJob): Promise<string | null> {
    const result = await this.srs.sensitiveCheck(job.clientId, job.reason, job.retrievalId);
    await this.db.manager.update(
      Retrieval,
      { id: job.retrievalId },
      { sensitiveCheckSrId: result.serviceRequestId },
    );
    return result.serviceRequestId;
  }

  /** One retrieval with its stored items and discrepancies. @throws 404 */
  async get(id: string): Promise<RetrievalView> {
    const row = await this.db.manager.findOneBy(Retrieval, { id });
    if (!row) throw new NotFoundError('Retrieval', id);
    return this.view(row);
  }

  /** The client's retrievals, newest first. */
  async list(clientId: string): Promise<RetrievalListView> {
    const rows = await this.db.manager.find(Retrieval, {
      where: { clientId },
      order: { requestedAt: 'DESC' },
    });
    const ids = rows.map((r) => r.id);
    const [ds, attempts] = rows.length
      ? await Promise.all([
          this.db.manager.find(Discrepancy, { where: { retrievalId: In(ids) } }),
          this.db.manager.find(RetrievalAttempt, { where: { retrievalId: In(ids) } }),
        ])
      : [[], []];
    return {
      retrievals: rows.map((r) =>
        toRetrievalView(
          r,
          ds.filter((d) => d.retrievalId === r.id),
          attempts.filter((a) => a.retrievalId === r.id),
        ),
      ),
    };
  }

  /** The latest CIS data of the client and the history, sourced from CIS (RD-6). */
  async cisData(clientId: string): Promise<CisDataView> {
    const rows = await this.db.manager.find(CisDataSnapshot, {
      where: { clientId },
      order: { retrievedAt: 'DESC' },
    });
    const history = rows.map(toSnapshotView);
    return { clientId, latest: history[0] ?? null, history };
  }

  private async start(
    actor: Actor,
    client: CmsClient,
    ref: { referenceKind: 'NINO' | 'CRN'; reference: string },
    trigger: RetrievalTrigger,
    idempotencyKey: string | undefined,
    retry: Retrieval | null,
  ): Promise<Retrieval> {
    const now = this.clock.now();
    try {
      return await this.db.transaction(async (m) => {
        if (retry?.outcome === 'in-progress') {
          // The request before stopped while waiting for CIS (abandoned): its outcome is unknown, kept as such.
          await this.recordAttempts(m, retry, [
            technicalError(now, 'no outcome recorded: the request stopped while waiting for CIS'),
          ]);
        }
        const row =
          retry ??
          m.create(Retrieval, {
            clientId: client.id,
            trigger,
            idempotencyKey: idempotencyKey ?? null,
            items: [],
            attempts: 0,
            sensitiveCheckSrId: null,
          });
        Object.assign(row, {
          ...ref,
          outcome: 'in-progress',
          rejection: null,
          rejectionMessage: null,
          supersededBy: null,
          failureReason: null,
          attempts: row.attempts + 1,
          requestedBy: actor.id,
          requestedAt: now,
          completedAt: null,
        });
        const saved = await m.save(row);
        await recordAudit(m, {
          entityType: 'retrieval',
          entityId: saved.id,
          action: retry ? 'retried' : 'requested',
          after: { clientId: client.id, trigger, attempts: saved.attempts },
        });
        return saved;
      });
    } catch (e) {
      if (e instanceof QueryFailedError && (e as { code?: string }).code === '23505') {
        throw new DomainError('RETRIEVAL_IN_PROGRESS', 'conflict', 'This retrieval is already in progress.');
      }
      throw e;
    }
  }

  private async fail(row: Retrieval, e: Error, tries: PendingAttempt[]): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.recordAttempts(m, row, tries);
      row.outcome = 'failed';
      row.rejection = 'TECHNICAL_ERROR';
      row.rejectionMessage = CIS_RETRIEVAL_REJECTION_INFO.TECHNICAL_ERROR.message;
      row.failureReason = e instanceof DomainError ? `${e.code}: ${e.message}` : 'unexpected error';
      row.completedAt = this.clock.now();
      await m.save(row);
      await recordAudit(m, {
        entityType: 'retrieval',
        entityId: row.id,
        action: 'failed',
        after: { outcome: 'failed', rejection: 'TECHNICAL_ERROR', reason: row.failureReason },
        source: 'cis',
      });
    });
  }

  /** RD-3 and RD-6: keep the RD-3 items, store CIS's answer apart, record the discrepancies. */
  private async complete(
    row: Retrieval,
    client: CmsClient,
    person: CisPersonalData,
    raw: Record<string, unknown>,
    tries: PendingAttempt[],
  ): Promise<void> {
    const items = applyRd3(cisPersonOf(person, row), cmsPersonOf(client));
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      await this.recordAttempts(m, row, [...tries, answered(now, 'completed')]);
      await this.storeSnapshot(m, row, raw, items, now);
      await this.recordDiscrepancies(m, row, items, now);
      row.outcome = 'completed';
      row.items = items;
      row.completedAt = now;
      await m.save(row);
      await recordAudit(m, {
        entityType: 'retrieval',
        entityId: row.id,
        action: 'completed',
        after: { outcome: 'completed', items: items.map((i) => ({ item: i.item, differs: i.differs })) },
        source: 'cis',
      });
    });
  }

  /**
   * RD-4 and RD-5: record the rejection. "Insufficient access level" records, in the same
   * transaction, that CIS treats the client as sensitive (their records here are closed to callers
   * without sensitive access from this commit on, X-1) and writes the Sensitive Check job.
   */
  private async reject(
    row: Retrieval,
    result: Extract<CisRetrieveResult, { kind: 'rejected' }>,
    tries: PendingAttempt[],
  ): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      row.outcome = result.rejection === 'INSUFFICIENT_ACCESS_LEVEL' ? 'insufficient-access' : 'rejected';
      row.rejection = result.rejection;
      row.rejectionMessage = result.message || CIS_RETRIEVAL_REJECTION_INFO[result.rejection].message;
      row.supersededBy = result.supersededByNino;
      row.completedAt = now;
      await this.recordAttempts(m, row, [
        ...tries,
        { ...answered(now, row.outcome), rejection: row.rejection, rejectionMessage: row.rejectionMessage },
      ]);
      if (result.rejection === 'NINO_SUPERSEDED' && result.supersededByNino) {
        // RD-3: the NINO is returned only where superseded; stored as sourced from CIS (RD-6) and, as
        // it differs from CMS's, a discrepancy the caseworker decides (RD-7). CMS's NINO itself
        // changes through the verify NINO/CRN interface.
        row.items = [
          {
            item: 'nino',
            cisValue: result.supersededByNino,
            cmsValue: row.referenceKind === 'NINO' ? row.reference : null,
            differs: true,
            rule: 'RD-3: NINO only where superseded',
          },
        ];
        await this.storeSnapshot(m, row, { supersededByNino: result.supersededByNino }, row.items, now);
        await this.recordDiscrepancies(m, row, row.items, now);
      }
      await m.save(row);
      if (result.rejection === 'INSUFFICIENT_ACCESS_LEVEL') {
        await recordCisSensitivity(m, {
          clientId: row.clientId,
          referenceKind: row.referenceKind,
          reference: row.reference,
          requirementId: 'RD-4',
          sourceId: row.id,
          reason: RD4_REASON,
          since: now,
        });
        await this.jobs.sendInTransaction<SensitiveCheckJob>(
          m,
          SENSITIVE_CHECK_QUEUE,
          { retrievalId: row.id, clientId: row.clientId, reason: RD4_REASON },
          row.id,
        );
      }
      await recordAudit(m, {
        entityType: 'retrieval',
        entityId: row.id,
        action: row.outcome,
        after: { outcome: row.outcome, rejection: row.rejection, supersededBy: row.supersededBy },
        source: 'cis',
      });
    });
  }

  private async storeSnapshot(
    m: EntityManager,
    row: Retrieval,
    data: Record<string, unknown>,
    items: Rd3Item[],
    now: Date,
  ): Promise<void> {
    await m.insert(CisDataSnapshot, {
      clientId: row.clientId,
      retrievalId: row.id,
      source: 'CIS',
      retrievedAt: now,
      data: data as never,
      items: items as never,
    });
  }

  /** One open discrepancy per client and differing item; a later retrieval refreshes it. */
  private async recordDiscrepancies(
    m: EntityManager,
    row: Retrieval,
    items: Rd3Item[],
    now: Date,
  ): Promise<void> {
    for (const i of discrepancyItems(items)) {
      const open = await m.findOne(Discrepancy, {
        where: { clientId: row.clientId, item: i.item, status: 'open' },
        lock: { mode: 'pessimistic_write' },
      });
      const before = open ? { cmsValue: open.cmsValue, cisValue: open.cisValue } : null;
      const d =
        open ??
        m.create(Discrepancy, {
          clientId: row.clientId,
          item: i.item,
          status: 'open',
          decidedBy: null,
          decidedAt: null,
          reason: null,
          clientVersion: null,
          cisUpdateId: null,
          createdAt: now,
        });
      Object.assign(d, {
        retrievalId: row.id,
        cmsValue: i.cmsValue,
        cisValue: i.cisValue,
        cisVerified: cisHoldsVerified(i.item),
        updatedAt: now,
      });
      const saved = await m.save(d);
      await recordAudit(m, {
        entityType: 'discrepancy',
        entityId: saved.id,
        action: open ? 'refreshed' : 'recorded',
        before,
        after: {
          clientId: row.clientId,
          item: i.item,
          cmsValue: i.cmsValue,
          cisValue: i.cisValue,
          source: 'CIS',
        },
        source: 'cis',
      });
    }
  }

  private async view(row: Retrieval): Promise<RetrievalView> {
    const [ds, attempts] = await Promise.all([
      this.db.manager.find(Discrepancy, { where: { retrievalId: row.id }, order: { createdAt: 'ASC' } }),
      this.db.manager.find(RetrievalAttempt, { where: { retrievalId: row.id }, order: { attempt: 'ASC' } }),
    ]);
    return toRetrievalView(row, ds, attempts);
  }

  /** Keeps this request's attempts (RD-5), numbered after the retrieval's earlier ones. */
  private async recordAttempts(m: EntityManager, row: Retrieval, tries: PendingAttempt[]): Promise<void> {
    if (!tries.length) return;
    const last = (await m.maximum(RetrievalAttempt, 'attempt', { retrievalId: row.id })) ?? 0;
    await m.insert(
      RetrievalAttempt,
      tries.map((t, i) => ({
        ...t,
        retrievalId: row.id,
        attempt: last + i + 1,
        request: row.attempts,
        requestedBy: row.requestedBy,
      })),
    );
  }
}

/** A CIS call that failed technically (RD-5 "Technical error"), or ended without an answer. */
function technicalError(at: Date, reason: string): PendingAttempt {
  return {
    at,
    outcome: 'failed',
    rejection: 'TECHNICAL_ERROR',
    rejectionMessage: CIS_RETRIEVAL_REJECTION_INFO.TECHNICAL_ERROR.message,
    failureReason: reason,
  };
}

/** A CIS call that was answered (its rejection, if any, is added by the caller). */
function answered(at: Date, outcome: PendingAttempt['outcome']): PendingAttempt {
  return { at, outcome, rejection: null, rejectionMessage: null, failureReason: null };
}

function reasonOf(e: unknown): string {
  return e instanceof DomainError ? `${e.code}: ${e.message}` : 'unexpected error';
}
