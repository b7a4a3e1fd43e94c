import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AuditController } from './audit/audit.controller';
import { AuditTrailService } from './audit/audit.service';
import { Case, CaseParticipant } from './cases/case.entity';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { Client } from './clients/client.entity';
import { ClientsController } from './clients/clients.controller';
import { ClientsService } from './clients/clients.service';
import { ServiceRequestsConfig } from './config';
import { CasesAndClients1763800000000 } from './migrations/1763800000000-cases-and-clients';
import { ServiceRequests1763800000001 } from './migrations/1763800000001-service-requests';
import { CisMatchingController } from './cis-matching/cis-matching.controller';
import { CisMatchingService } from './cis-matching/cis-matching.service';
import { ClientFlagsController } from './clients/client-flags.controller';
import { ClientFlagsService } from './clients/client-flags.service';
import { FollowUpsService } from './service-requests/follow-ups.service';
import { InternalController } from './service-requests/internal.controller';
import {
  ServiceRequest,
  SrActivityStep,
  SrCaseLink,
  SrNote,
} from './service-requests/service-request.entity';
import { ServiceRequestsController } from './service-requests/service-requests.controller';
import { ServiceRequestBatchService } from './service-requests/service-request-batch.service';
import { ServiceRequestEditsService } from './service-requests/service-request-edits.service';
import { ServiceRequestOutcomesService } from './service-requests/service-request-outcomes.service';
import { ServiceRequestRaisingService } from './service-requests/service-request-raising.service';
import { ServiceRequestReadsService } from './service-requests/service-request-reads.service';
import { ServiceRequestTransitionsService } from './service-requests/service-request-transitions.service';
import { WorkQueuesController } from './work-queues/work-queues.controller';
import { WorkQueuesService } from './work-queues/work-queues.service';
import { LetterDeliveryWorker } from './letters/letter-delivery.worker';
import { CisRetrievalWorker } from './cis/cis-retrieval.worker';
import { ClientRepresentatives1763800000002 } from './migrations/1763800000002-client-representatives';
import { SrForeignKeys1764900000001 } from './migrations/1764900000001-sr-foreign-keys';
import { ClientSensitiveFlag1765000000000 } from './migrations/1765000000000-client-sensitive-flag';
import { ServiceRequestsAccessRepository } from './access/access.repository';
import { SensitivityController } from './access/sensitivity.controller';
import { ClientRepresentative } from './representatives/representative.entity';
import { RepresentativesController } from './representatives/representatives.controller';
import { RepresentativesService } from './representatives/representatives.service';
import { DataTransferController } from './data-transfer/data-transfer.controller';
import { DataTransferService } from './data-transfer/data-transfer.service';
import { SecurityEventsController } from './security-details/security-events.controller';
import { SecurityEventsService } from './security-details/security-events.service';
import { SecurityDetailsController } from './security-details/security-details.controller';
import { SecurityDetailsService } from './security-details/security-details.service';

export const ENTITIES = [
  AuditRecord,
  Client,
  Case,
  CaseParticipant,
  ServiceRequest,
  SrCaseLink,
  SrActivityStep,
  SrNote,
  ClientRepresentative,
];
export const MIGRATIONS = [
  CasesAndClients1763800000000,
  ServiceRequests1763800000001,
  ClientRepresentatives1763800000002,
  AuditOnBehalfOf1764900000000,
  SrForeignKeys1764900000001,
  ClientSensitiveFlag1765000000000,
];

/** Root module of service-requests. */
@Module({})
export class AppModule {
  static forRoot(config: ServiceRequestsConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'service-requests',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          access: ServiceRequestsAccessRepository,
          logDestination,
        }),
      ],
      controllers: [
        ClientsController,
        ClientFlagsController,
        RepresentativesController,
        CasesController,
        ServiceRequestsController,
        DataTransferController,
        SecurityEventsController,
        SecurityDetailsController,
        WorkQueuesController,
        CisMatchingController,
        InternalController,
        AuditController,
        SensitivityController,
      ],
      providers: [
        ClientsService,
        CasesService,
        ServiceRequestReadsService,
        ServiceRequestRaisingService,
        ServiceRequestBatchService,
        ServiceRequestTransitionsService,
        ServiceRequestOutcomesService,
        ServiceRequestEditsService,
        ClientFlagsService,
        RepresentativesService,
        SecurityDetailsService,
        SecurityEventsService,
        DataTransferService,
        WorkQueuesService,
        CisMatchingService,
        AuditTrailService,
        FollowUpsService,
        LetterDeliveryWorker,
        CisRetrievalWorker,
      ],
    };
  }
}
