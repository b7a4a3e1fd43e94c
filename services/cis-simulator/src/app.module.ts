import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { BroadcastDeliveryService } from './broadcasts/broadcast-delivery.service';
import { BroadcastSchedulerService } from './broadcasts/broadcast-scheduler.service';
import { BroadcastBatch, BroadcastDeliveryAttempt, BroadcastRun } from './broadcasts/broadcast.entity';
import { BroadcastsController } from './broadcasts/broadcasts.controller';
import { BroadcastsService } from './broadcasts/broadcasts.service';
import { ChangesController } from './changes/changes.controller';
import { ChangesService } from './changes/changes.service';
import { CisChangeRecord } from './changes/cis-change.entity';
import { CisSimulatorConfig } from './config';
import { CisFaultsInterceptor } from './faults/cis-call.decorator';
import { FaultsController } from './faults/faults.controller';
import { FaultsService } from './faults/faults.service';
import { InterestRegistration } from './interests/interest.entity';
import { InterestsController } from './interests/interests.controller';
import { InterestsService } from './interests/interests.service';
import { PersonsInterestsChanges1764000000000 } from './migrations/1764000000000-persons-interests-changes';
import { Broadcasts1764000000001 } from './migrations/1764000000001-broadcasts';
import { RetrievalController } from './personal-data/retrieval.controller';
import { RetrievalService } from './personal-data/retrieval.service';
import { Person } from './persons/person.entity';
import { PersonsController } from './persons/persons.controller';
import { PersonsService } from './persons/persons.service';
import { CisUpdateRecord } from './updates/cis-update.entity';
import { UpdatesController } from './updates/updates.controller';
import { UpdatesService } from './updates/updates.service';

export const ENTITIES = [
  AuditRecord,
  Person,
  InterestRegistration,
  CisChangeRecord,
  CisUpdateRecord,
  BroadcastRun,
  BroadcastBatch,
  BroadcastDeliveryAttempt,
];
export const MIGRATIONS = [
  PersonsInterestsChanges1764000000000,
  Broadcasts1764000000001,
  AuditOnBehalfOf1764900000000,
];

/** Root module of the CIS simulator. */
@Module({})
export class AppModule {
  static forRoot(config: CisSimulatorConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'cis-simulator',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          logDestination,
        }),
      ],
      controllers: [
        InterestsController,
        RetrievalController,
        UpdatesController,
        PersonsController,
        ChangesController,
        BroadcastsController,
        FaultsController,
      ],
      providers: [
        FaultsService,
        CisFaultsInterceptor,
        PersonsService,
        InterestsService,
        RetrievalService,
        ChangesService,
        UpdatesService,
        BroadcastsService,
        BroadcastDeliveryService,
        BroadcastSchedulerService,
      ],
    };
  }
}
