import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { clientSecurityClient } from '@cms/clients';
import { Actor, Clock, DomainError, DomainValidationError, StaleVersionError } from '@cms/domain';
import { CLOCK, CONFIG, PeerHttp, recordAudit, unwrapPeer } from '@cms/platform';
import { assertRecordableOutcome, SrRuleError } from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import type { ServiceRequestsConfig } from '../config';
import { ServiceRequestOutcomesService } from '../service-requests/service-request-outcomes.service';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { assertEditable, snapshotOfLoaded, type Loaded } from '../service-requests/service-request.state';
import type { ServiceRequestView } from '../service-requests/service-request.view';
import type { TamAccountCheckDto, UpdateSecurityDetailsDto } from './security-details.controller';
import {
  type IntentRequest,
  SecurityStepIntent,
  securityStepKey,
  type SecurityStep,
} from './security-step-intent.entity';

/** One SR step worked in client-security: the outcome it records and how it is audited. */
interface PeerStep {
  step: SecurityStep;
  /** The outcome recorded on the step once client-security applied it. */
  outcome: string;
  /** The reason recorded with the outcome (what changed, never a value). */
  reason: string | null;
  /** The audit record of the outcome on the SR (action and what it shows). */
  audit: { action: string; after: Record<string, unknown> };
  /** What the intent keeps: never a secret. */
  request: IntentRequest;
}

/** An openapi-fetch answer. */
type PeerAnswer = { data?: unknown; error?: unknown; response: Response };

/** client-security did not answer whether it applied the step: it stays pending; send it again. */
export class SecurityStepPendingError extends DomainError {
  constructor(step: SecurityStep) {
    super(
      'SECURITY_STEP_PENDING',
      'unavailable',
      `client-security did not confirm "${step}": the step shows as pending on the SR. Send the same request ` +
        'again, with the same details, to complete it (it is applied once whatever happened).',
      { extra: { step } },
    );
  }
}

/**
 * Change - Security Details, worked from the SR: check the TAM account and unblock it (steps 8–9,
 * SD-11), then change the PIN and/or password (steps 11–13, SD-14) in client-security, recording
 * each on the SR's activity plan through the SR's one checked outcome path (libs/sr-rules).
 *
 * No row lock or open transaction across the call to client-security (issue #18): the intent is
 * recorded and committed first (the SR shows the step as pending, audited), client-security is
 * called with an Idempotency-Key derived from the SR and the step, and the outcome is recorded in a
 * second transaction. A retry after any failure (a 5xx, a time-out, a crash between the two) finds
 * the pending intent and re-sends its key: client-security answers as the first time without
 * applying twice, and the step completes once. A refusal settles the intent as refused and the SR
 * is as before. Secrets pass through to client-security and are never stored (not in the intent,
 * not in a job), logged or audited here: while the outcome is unknown the caller sends them again.
 */
@Injectable()
export class SecurityDetailsService {
  private readonly logger = new Logger(SecurityDetailsService.name);
  private readonly security: ReturnType<typeof clientSecurityClient>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: ServiceRequestsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    peer: PeerHttp,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {
    this.security = clientSecurityClient(config.CLIENT_SECURITY_URL, peer.fetch);
  }

  /**
   * Checks whether the subject's TAM account is blocked and, if so, unblocks it once the caseworker
   * says how the client passed the check (SD-3, SD-11). Not blocked: 'Not Blocked' is recorded in
   * one transaction (client-security only read). Blocked, or an unblock still pending: through the
   * intent (see the class). @throws DomainValidationError, SrRuleError, StaleVersionError,
   * DomainError (not a security details SR; client-security's refusal), SecurityStepPendingError
   */
  async tamAccountCheck(id: string, dto: TamAccountCheckDto, actor: Actor): Promise<ServiceRequestView> {
    const { clientId, pending } = await this.precheck(id, dto.version, 'tam-account-check');
    // With an unblock pending, the account may read "not blocked" because of it: finish the unblock.
    const blocked =
      pending ||
      unwrapPeer(
        await this.security.GET('/clients/{clientId}/security-details', { params: { path: { clientId } } }),
      ).blocked;
    if (!blocked) {
      await this.db.transaction(async (m) => {
        const loaded = await this.lockSecuritySr(m, id, dto.version);
        await this.outcomes.recordProcedureOutcome(m, loaded, 'tam-account-check', 'Not Blocked', actor);
        await recordAudit(m, {
          entityType: 'service-request',
          entityId: id,
          action: 'tam-account-check',
          after: { outcome: 'Not Blocked' },
        });
      });
      return this.reads.get(id, actor);
    }
    if (!dto.verifiedBy) {
      throw new DomainValidationError([
        {
          field: 'verifiedBy',
          rule: 'required',
          message: 'Say how the client passed the check before unblocking.',
          requirementId: 'SD-3',
        },
      ]);
    }
    const verifiedBy = dto.verifiedBy;
    return this.throughClientSecurity(
      id,
      dto.version,
      actor,
      {
        step: 'tam-account-check',
        outcome: 'Unblocked',
        reason: null,
        audit: { action: 'tam-account-check', after: { outcome: 'Unblocked' } },
        request: { verifiedBy },
      },
      (key) =>
        this.security.POST('/clients/{clientId}/tam-account/unblock', {
          params: { path: { clientId }, header: { 'idempotency-key': key } },
          body: { verifiedBy, serviceRequestId: id },
        }),
    );
  }

  /**
   * Changes the subject's PIN and/or special password in client-security (SD-14), recorded on the SR
   * as 'Updated' with what changed (never the values), through the intent (see the class).
   * @throws DomainValidationError (neither given), SrRuleError, StaleVersionError, DomainError
   *   (client-security's refusal, e.g. SD-1), SecurityStepPendingError (send it again)
   */
  async update(id: string, dto: UpdateSecurityDetailsDto, actor: Actor): Promise<ServiceRequestView> {
    if (dto.pin === undefined && dto.password === undefined) {
      throw new DomainValidationError([
        {
          field: 'pin',
          rule: 'one-of',
          message: 'Give a new PIN, a new password, or both.',
          requirementId: 'SD-14',
        },
      ]);
    }
    const items = [dto.pin !== undefined && 'PIN', dto.password !== undefined && 'special password'].filter(
      (x): x is string => typeof x === 'string',
    );
    const changed = items.join(' and ');
    const { clientId } = await this.precheck(id, dto.version, 'update-security-details');
    return this.throughClientSecurity(
      id,
      dto.version,
      actor,
      {
        step: 'update-security-details',
        outcome: 'Updated',
        reason: `Changed ${changed}.`,
        audit: { action: 'security-details-updated', after: { changed } },
        request: { changed: items },
      },
      (key) =>
        this.security.POST('/clients/{clientId}/security-details/change', {
          params: { path: { clientId }, header: { 'idempotency-key': key } },
          body: {
            ...(dto.pin !== undefined ? { pin: dto.pin } : {}),
            ...(dto.password !== undefined ? { password: dto.password } : {}),
            subjectType: 'client',
            serviceRequestId: id,
          },
        }),
    );
  }

  /**
   * Records the intent (committed), calls client-security with its key outside any transaction,
   * then settles: applied → the outcome through the SR's checked outcome path, audited; refused
   * (4xx) → the intent refused, audited, the refusal passed on; no answer (5xx, time-out, no
   * connection) → still pending, SecurityStepPendingError. The same key reused with other details
   * (IDEMPOTENCY_KEY_REUSED) leaves it pending too: the first request's details must be sent again.
   */
  private async throughClientSecurity(
    id: string,
    version: number,
    actor: Actor,
    step: PeerStep,
    send: (idempotencyKey: string) => Promise<PeerAnswer>,
  ): Promise<ServiceRequestView> {
    const intent = await this.recordIntent(id, version, actor, step);
    let answer: PeerAnswer;
    try {
      answer = await send(intent.idempotencyKey);
    } catch (e) {
      this.logger.warn({ msg: 'security step not confirmed', srId: id, step: step.step, error: String(e) });
      throw new SecurityStepPendingError(step.step);
    }
    if (answer.response.ok) {
      await this.settle(id, intent.id, actor, step, { applied: true });
      return this.reads.get(id, actor);
    }
    const refusal = refusalOf(answer);
    if (answer.response.status >= 500 || answer.response.status === 408) {
      this.logger.warn({
        msg: 'security step not confirmed',
        srId: id,
        step: step.step,
        status: answer.response.status,
      });
      throw new SecurityStepPendingError(step.step);
    }
    if (refusal.code === 'IDEMPOTENCY_KEY_REUSED') throw refusal;
    await this.settle(id, intent.id, actor, step, { applied: false, refusal });
    throw refusal;
  }

  /**
   * Transaction 1: on the locked SR at `version` (a short lock, released at COMMIT before the call),
   * asks the SR rules whether the step's outcome could be recorded, then takes the step's pending
   * intent (a retry) or records a new one with its key, audited. @throws SrRuleError, StaleVersionError
   */
  private recordIntent(
    id: string,
    version: number,
    actor: Actor,
    step: PeerStep,
  ): Promise<SecurityStepIntent> {
    return this.db.transaction(async (m) => {
      const loaded = await this.lockSecuritySr(m, id, version);
      assertRecordableOutcome(snapshotOfLoaded(loaded), step.step, step.outcome, {
        actor,
        origin: 'procedure',
      });
      // A retry takes the step's pending intent and its key; otherwise a new attempt with a new key.
      const pending = await m.findOneBy(SecurityStepIntent, { srId: id, step: step.step, state: 'pending' });
      const intent = pending ?? (await m.save(await this.newIntent(m, id, version, actor, step)));
      await recordAudit(m, {
        entityType: 'service-request',
        entityId: id,
        action: pending ? 'security-step-retried' : 'security-step-requested',
        after: { step: step.step, idempotencyKey: intent.idempotencyKey, ...step.request },
      });
      return intent;
    });
  }

  /** A new intent for `step`: the next attempt at this SR version, its key derived from both. */
  private async newIntent(
    m: EntityManager,
    id: string,
    version: number,
    actor: Actor,
    step: PeerStep,
  ): Promise<SecurityStepIntent> {
    const attempt =
      1 + (await m.countBy(SecurityStepIntent, { srId: id, step: step.step, srVersion: version }));
    return m.create(SecurityStepIntent, {
      srId: id,
      step: step.step,
      srVersion: version,
      attempt,
      idempotencyKey: securityStepKey(id, step.step, version, attempt),
      state: 'pending',
      request: step.request,
      outcome: null,
      refusalCode: null,
      requestedBy: actor.id,
      requestedAt: this.clock.now(),
      settledAt: null,
    });
  }

  /**
   * Transaction 2: settles a pending intent once (a concurrent twin may have settled it already).
   * Applied: the outcome through the SR's one checked outcome path (the SR's version moves, audited
   * as before); when the SR rules no longer take it (the SR was closed or approved meanwhile), the
   * intent is still settled as completed, audited as applied but not recorded, and the rules'
   * refusal is thrown after COMMIT (no step left pending for ever). Refused: the intent only,
   * audited; the SR is unchanged. @throws SrRuleError (applied, not recordable)
   */
  private async settle(
    id: string,
    intentId: string,
    actor: Actor,
    step: PeerStep,
    result: { applied: true } | { applied: false; refusal: DomainError },
  ): Promise<void> {
    let notRecordable: SrRuleError | null = null;
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
      const intent = await m.findOneByOrFail(SecurityStepIntent, { id: intentId });
      if (intent.state !== 'pending') return;
      const now = this.clock.now();
      if (result.applied) {
        try {
          // The rules are asked before anything is written: a refusal leaves the transaction usable.
          await this.outcomes.recordProcedureOutcome(m, loaded, step.step, step.outcome, actor, step.reason);
        } catch (e) {
          if (!(e instanceof SrRuleError)) throw e;
          notRecordable = e;
        }
        await recordAudit(m, {
          entityType: 'service-request',
          entityId: id,
          action: notRecordable ? 'security-step-applied-not-recorded' : step.audit.action,
          after: {
            ...step.audit.after,
            idempotencyKey: intent.idempotencyKey,
            ...(notRecordable ? { step: step.step, code: notRecordable.code } : {}),
          },
        });
        await m.update(
          SecurityStepIntent,
          { id: intentId },
          { state: 'completed', outcome: notRecordable ? null : step.outcome, settledAt: now },
        );
      } else {
        await recordAudit(m, {
          entityType: 'service-request',
          entityId: id,
          action: 'security-step-refused',
          after: { step: step.step, idempotencyKey: intent.idempotencyKey, code: result.refusal.code },
        });
        await m.update(
          SecurityStepIntent,
          { id: intentId },
          { state: 'refused', refusalCode: result.refusal.code, settledAt: now },
        );
      }
    });
    if (notRecordable) throw notRecordable;
  }

  /**
   * Before anything is asked of client-security, without a lock: the SR is an editable
   * SECURITY_DETAILS SR at `version` with its subject; whether the step has an intent pending.
   */
  private async precheck(
    id: string,
    version: number,
    step: SecurityStep,
  ): Promise<{ clientId: string; pending: boolean }> {
    const loaded = await this.reads.load(this.db.manager, id);
    const clientId = this.assertSecuritySr(loaded, id, version);
    const pending = await this.db.manager.existsBy(SecurityStepIntent, { srId: id, step, state: 'pending' });
    return { clientId, pending };
  }

  /** Locks the SR (for one short transaction) and checks it as {@link precheck} does. */
  private async lockSecuritySr(m: EntityManager, id: string, version: number): Promise<Loaded> {
    const loaded = await this.reads.load(m, id, true);
    this.assertSecuritySr(loaded, id, version);
    return loaded;
  }

  /** @returns the subject client. @throws DomainError (SD-4), StaleVersionError, not editable */
  private assertSecuritySr(loaded: Loaded, id: string, version: number): string {
    if (loaded.sr.type !== 'SECURITY_DETAILS' || !loaded.sr.subjectClientId) {
      throw new DomainError(
        'NOT_A_SECURITY_DETAILS_SR',
        'precondition',
        'This is done on a Change Contact/Security Info SR with its subject recorded.',
        { requirementId: 'SD-4' },
      );
    }
    if (loaded.sr.version !== version)
      throw new StaleVersionError('Service request', id, version, loaded.sr.version);
    assertEditable(loaded.sr);
    return loaded.sr.subjectClientId;
  }
}

/** client-security's refusal as the DomainError unwrapPeer makes of it (code, kind, detail, errors). */
function refusalOf(answer: PeerAnswer): DomainError {
  try {
    unwrapPeer(answer);
  } catch (e) {
    if (e instanceof DomainError) return e;
  }
  return new DomainError(`PEER_HTTP_${answer.response.status}`, 'unavailable', 'client-security refused.');
}
