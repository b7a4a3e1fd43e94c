import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG } from '@cms/platform';
import type { CisSimulatorConfig } from '../config';
import { BroadcastsService } from './broadcasts.service';

/**
 * Runs the daily broadcast by itself (BR-2, seven days a week): every BROADCAST_SCHEDULE_INTERVAL_MS
 * it runs each day that has become due by the simulator's clock. Off when workers are disabled or
 * the interval is 0; `POST /admin/broadcasts/run` does the same on demand.
 */
@Injectable()
export class BroadcastSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BroadcastSchedulerService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(CONFIG) private readonly config: CisSimulatorConfig,
    private readonly broadcasts: BroadcastsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.WORKERS_ENABLED || this.config.BROADCAST_SCHEDULE_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.broadcasts
        .run()
        .catch((err) => this.logger.error({ err }, 'scheduled broadcast run failed'))
        .finally(() => (this.running = undefined));
    }, this.config.BROADCAST_SCHEDULE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
