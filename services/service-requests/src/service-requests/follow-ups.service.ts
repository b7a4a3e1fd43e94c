import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Clock } from '@cms/domain';
import { CLOCK, CONFIG, RequestContext } from '@cms/platform';
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
  private timer?: NodeJS.Timeout;
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
    if (!this.config.WORKERS_ENABLED) return;
    this.timer = setInterval(
      () => void this.runDue().catch((err) => this.logger.error({ err }, 'follow-up sweep failed')),
      this.config.FOLLOW_UP_INTERVAL_MS,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
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
