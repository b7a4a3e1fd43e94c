import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Actor, Clock, StaleVersionError } from '@cms/domain';
import { CLOCK, recordAudit } from '@cms/platform';
import { assertRecordableOutcome, type ActivityStepTemplate, type OutcomeOrigin } from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import type { ActivityOutcomeDto } from './service-request.dto';
import { SrActivityStep, SrNote } from './service-request.entity';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { type Loaded, type RecordedOutcome, rerouteLoaded, snapshotOfLoaded } from './service-request.state';
import type { ServiceRequestView } from './service-request.view';

/**
 * The SR's activity plan: the one checked path by which a step gets an outcome (a caseworker's, a
 * procedure action's, a transition's), and the steps a follow-up adds.
 */
@Injectable()
export class ServiceRequestOutcomesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly reads: ServiceRequestReadsService,
  ) {}

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
      const loaded = await this.reads.load(m, id, true);
      if (loaded.sr.version !== dto.version)
        throw new StaleVersionError('Service request', id, dto.version, loaded.sr.version);
      await this.writeOutcome(m, loaded, key, dto.outcome, {
        actor,
        reason: dto.reason ?? null,
        origin: 'caseworker',
      });
    });
    return this.reads.get(id, actor);
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
  async writeOutcome(
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
      rerouteLoaded(loaded, now);
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
  async addStep(m: EntityManager, loaded: Loaded, template: ActivityStepTemplate): Promise<SrActivityStep> {
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
}
