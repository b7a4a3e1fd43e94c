import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, StaleVersionError } from '@cms/domain';
import { CLOCK, JobQueue, recordAudit } from '@cms/platform';
import {
  activityPlanFor,
  assertTransition,
  assertUnreachable,
  type SrEffect,
  type TransitionRequest,
} from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';
import { LETTER_JOBS, type LetterJob } from '../letters/letter-job';
import type { TransitionDto } from './service-request.dto';
import { SrNote } from './service-request.entity';
import { ServiceRequestOutcomesService } from './service-request-outcomes.service';
import { ServiceRequestReadsService } from './service-request-reads.service';
import {
  applyNext,
  auditShape,
  type Loaded,
  type RecordedOutcome,
  rerouteLoaded,
  snapshotOfLoaded,
} from './service-request.state';
import type { ServiceRequestView } from './service-request.view';

/**
 * SR transitions: moved only through libs/sr-rules (`assertTransition`), the decision's `next`
 * applied and its effects carried out (activity plan, outcomes, notes, letters as jobs in the same
 * transaction, brief non-negotiable 5), re-routed and audited.
 */
@Injectable()
export class ServiceRequestTransitionsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly jobs: JobQueue,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(LETTER_JOBS, { retryLimit: 20, retryDelaySeconds: 2 });
  }

  /**
   * Moves an SR to `dto.to` if libs/sr-rules allows it, and carries out the rule's effects in the
   * same transaction: the activity plan (SD-7), letters as jobs (SD-9, TD-8), notes, read-only
   * after approval and editable after rejection (TD-8). A stale version changes nothing (409).
   * @throws SrRuleError (422/403/400 with the rule's reason), StaleVersionError, NotFoundError
   */
  async transition(id: string, dto: TransitionDto, actor: Actor): Promise<ServiceRequestView> {
    await this.db.transaction(async (m) => {
      const loaded = await this.reads.load(m, id, true);
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
    return this.reads.get(id, actor);
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
    rerouteLoaded(loaded, request.now);
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
        await this.outcomes.writeOutcome(m, loaded, step, outcome, {
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
            if (!steps.some((st) => st.key === t.key)) await this.outcomes.addStep(m, loaded, t);
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
}
