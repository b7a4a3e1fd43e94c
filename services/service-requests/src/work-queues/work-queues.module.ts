import { Module } from '@nestjs/common';
import { WorkQueuesController } from './work-queues.controller';
import { WorkQueuesService } from './work-queues.service';

/** Work queues of open SRs with their SLA state (BR-7). Exports nothing. */
@Module({ controllers: [WorkQueuesController], providers: [WorkQueuesService] })
export class WorkQueuesModule {}
