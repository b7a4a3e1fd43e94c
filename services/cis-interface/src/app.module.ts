import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { CisInterfaceAccessRepository } from './access/access.repository';
import { CisSensitiveClient } from './access/cis-sensitive-client.entity';
import { BroadcastProcessor } from './broadcasts/broadcast.processor';
import { BroadcastBatch, BroadcastTransaction, BroadcastUnmatched } from './broadcasts/broadcast.entity';
import { BroadcastsController } from './broadcasts/broadcasts.controller';
import { BroadcastsService } from './broadcasts/broadcasts.service';
import { CisRetryAfterInterceptor } from './cis/cis-retry-after.interceptor';
import { CisStatusController } from './cis/cis-status.controller';
import { CisGateway } from './cis/cis.gateway';
import { CisUpdate } from './cis-updates/cis-update.entity';
import { CisUpdatesController } from './cis-updates/cis-updates.controller';
import { CisUpdatesService } from './cis-updates/cis-updates.service';
import { CisInterfaceConfig } from './config';
import { InterestRegistration } from './interests/interest.entity';
import { CisInterfaceJobQueues } from './jobs';
import { InterestsController } from './interests/interests.controller';
import { InterestsService } from './interests/interests.service';
import { CisInterface1763900000000 } from './migrations/1763900000000-cis-interface';
import { CisSensitiveClient1765100000000 } from './migrations/1765100000000-cis-sensitive-client';
import { CisUpdateOutcome1765300000000 } from './migrations/1765300000000-cis-update-outcome';
import { RetrievalAttempts1765400000000 } from './migrations/1765400000000-retrieval-attempts';
import { BroadcastHotOutcomes1765500000000 } from './migrations/1765500000000-broadcast-hot-outcomes';
import { CorrespondenceGateway } from './peers/correspondence.gateway';
import { ServiceRequestsGateway } from './peers/service-requests.gateway';
import { DiscrepanciesService } from './retrievals/discrepancies.service';
import { CisDataSnapshot, Discrepancy, Retrieval, RetrievalAttempt } from './retrievals/retrieval.entity';
import { RetrievalsController } from './retrievals/retrievals.controller';
import { RetrievalsService } from './retrievals/retrievals.service';

export const ENTITIES = [
  AuditRecord,
  InterestRegistration,
  Retrieval,
  RetrievalAttempt,
  CisDataSnapshot,
  Discrepancy,
  CisUpdate,
  BroadcastBatch,
  BroadcastTransaction,
  BroadcastUnmatched,
  CisSensitiveClient,
];
export const MIGRATIONS = [
  CisInterface1763900000000,
  AuditOnBehalfOf1764900000000,
  CisSensitiveClient1765100000000,
  CisUpdateOutcome1765300000000,
  RetrievalAttempts1765400000000,
  BroadcastHotOutcomes1765500000000,
];

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
          // which of this service's records are nationally sensitive (every route declares its own).
          access: CisInterfaceAccessRepository,
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
        CisInterfaceJobQueues,
        CisGateway,
        // 503 CIS_UNAVAILABLE / CIS_TECHNICAL_ERROR carry Retry-After (the breaker's next trial call).
        { provide: APP_INTERCEPTOR, useClass: CisRetryAfterInterceptor },
        ServiceRequestsGateway,
        CorrespondenceGateway,
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
