import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock } from '@cms/domain';
import { CLOCK, CONFIG, RequestContext, startPeriodicSweep } from '@cms/platform';
import { assertUnreachable, FOLLOW_UP_ACTOR, followUpOnWaitExpiry } from '@cms/sr-rules';
import { DataSource } from 'typeorm';
import type { ServiceRequestsConfig } from '../config';
import { ServiceRequestEditsService } from './service-request-edits.service';
import { ServiceRequestOutcomesService } from './service-request-outcomes.service';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { ServiceRequestTransitionsService } from './service-request-transitions.service';
import { snapshotOfLoaded } from './service-request.state';

/**
 * Waits and follow-ups: when an SR's next action due passes, the follow-up its type registers in
 * libs/sr-rules runs (SD-10 CMSL9801 and a further wait, SD-12 rejection, TD-13 call steps), or the
 * SR comes back to its queue flagged, the flag also in its Notes and kept by the follow-up's own move
 * (TD-3/TD-4). A sweep with `FOR UPDATE SKIP LOCKED`, so it is durable across restarts (the state is
 * the SR row) and safe with several replicas.
 */
@Injectable()
export class FollowUpsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FollowUpsService.name);
  private stopSweep = (): void => undefined;
  private running?: Promise<number>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: ServiceRequestsConfig,
    private readonly reads: ServiceRequestReadsService,
    private readonly transitions: ServiceRequestTransitionsService,
    private readonly outcomes: ServiceRequestOutcomesService,
    private readonly edits: ServiceRequestEditsService,
  ) {}

  onApplicationBootstrap(): void {
    this.stopSweep = startPeriodicSweep({
      enabled: this.config.WORKERS_ENABLED,
      everyMs: this.config.FOLLOW_UP_INTERVAL_MS,
      name: 'follow-up sweep',
      logger: this.logger,
      run: () => this.runDue(),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopSweep();
    await this.running;
  }

  /** Handles every SR whose wait has expired by the service's clock, in batches. Returns how many. */
  async runDue(batchSize = 100): Promise<number> {
    if (this.running) return this.running;
    this.running = (async () => {
      let total = 0;
      for (;;) {
        const n = await this.runBatch(batchSize);
        total += n;
        if (n < batchSize) return total;
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runBatch(batchSize: number): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (m) => {
      const due = await m.query<{ id: string }[]>(
        `SELECT id FROM service_request WHERE status = 'Wait' AND next_action_due <= $1
          ORDER BY next_action_due LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batchSize],
      );
      for (const { id } of due) {
        await RequestContext.run({ requestId: `follow-up-${id}`, actor: FOLLOW_UP_ACTOR }, async () => {
          const loaded = await this.reads.load(m, id);
          const actions = followUpOnWaitExpiry(snapshotOfLoaded(loaded), now);
          for (const action of actions) {
            switch (action.kind) {
              case 'transition':
                await this.transitions.applyTransition(
                  m,
                  loaded,
                  {
                    to: action.to,
                    resolutionCode: action.resolutionCode,
                    nextActionDue: action.nextActionDue,
                    reason: action.reason,
                    flag: action.flag,
                    actor: FOLLOW_UP_ACTOR,
                    now,
                  },
                  'wait-expiry',
                );
                break;
              case 'add-activity-step':
                await this.outcomes.addFollowUpStep(m, loaded, action.step, 'wait-expiry');
                break;
              case 'flag-for-caseworker':
                await this.edits.raiseFlag(m, loaded, action.message, FOLLOW_UP_ACTOR.id, 'wait-expiry');
                break;
              default:
                assertUnreachable(action, 'follow-up action');
            }
          }
        });
      }
      return due.length;
    });
  }
}
