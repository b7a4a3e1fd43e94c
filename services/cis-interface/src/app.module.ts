import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { ClientAccess } from './access/client-access';
import { BroadcastProcessor } from './broadcasts/broadcast.processor';
import { BroadcastBatch, BroadcastTransaction } from './broadcasts/broadcast.entity';
import { BroadcastsController } from './broadcasts/broadcasts.controller';
import { BroadcastsService } from './broadcasts/broadcasts.service';
import { CisStatusController } from './cis/cis-status.controller';
import { CisGateway } from './cis/cis.gateway';
import { CisUpdate } from './cis-updates/cis-update.entity';
import { CisUpdatesController } from './cis-updates/cis-updates.controller';
import { CisUpdatesService } from './cis-updates/cis-updates.service';
import { CisInterfaceConfig } from './config';
import { InterestRegistration } from './interests/interest.entity';
import { InterestsController } from './interests/interests.controller';
import { InterestsService } from './interests/interests.service';
import { CisInterface1763900000000 } from './migrations/1763900000000-cis-interface';
import { CorrespondenceGateway } from './peers/correspondence.gateway';
import { ServiceRequestsGateway } from './peers/service-requests.gateway';
import { DiscrepanciesService } from './retrievals/discrepancies.service';
import { CisDataSnapshot, Discrepancy, Retrieval } from './retrievals/retrieval.entity';
import { RetrievalsController } from './retrievals/retrievals.controller';
import { RetrievalsService } from './retrievals/retrievals.service';

export const ENTITIES = [
  AuditRecord,
  InterestRegistration,
  Retrieval,
  CisDataSnapshot,
  Discrepancy,
  CisUpdate,
  BroadcastBatch,
  BroadcastTransaction,
];
export const MIGRATIONS = [CisInterface1763900000000, AuditOnBehalfOf1764900000000];

/** Root module of cis-interface. */
@Module({})
export class AppModule {
  static forRoot(config: CisInterfaceConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'cis-interface',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          logDestination,
        }),
      ],
      controllers: [
        InterestsController,
        RetrievalsController,
        CisUpdatesController,
        BroadcastsController,
        CisStatusController,
      ],
      providers: [
        CisGateway,
        ServiceRequestsGateway,
        CorrespondenceGateway,
        ClientAccess,
        InterestsService,
        RetrievalsService,
        DiscrepanciesService,
        CisUpdatesService,
        BroadcastsService,
        BroadcastProcessor,
      ],
    };
  }
}
