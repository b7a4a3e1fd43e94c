import { DynamicModule, Module } from '@nestjs/common';
import { AuditOnBehalfOf1764900000000, AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AccessModule } from './access/access.module';
import { ServiceRequestsAccessRepository } from './access/access.repository';
import { AuditModule } from './audit/audit.module';
import { Case, CaseParticipant } from './cases/case.entity';
import { CasesModule } from './cases/cases.module';
import { CisMatchingModule } from './cis-matching/cis-matching.module';
import { CisRetrievalModule } from './cis/cis-retrieval.module';
import { Client } from './clients/client.entity';
import { ClientsModule } from './clients/clients.module';
import { ServiceRequestsConfig } from './config';
import { DataTransferModule } from './data-transfer/data-transfer.module';
import { LettersModule } from './letters/letters.module';
import { CasesAndClients1763800000000 } from './migrations/1763800000000-cases-and-clients';
import { ServiceRequests1763800000001 } from './migrations/1763800000001-service-requests';
import { ClientRepresentatives1763800000002 } from './migrations/1763800000002-client-representatives';
import { SrForeignKeys1764900000001 } from './migrations/1764900000001-sr-foreign-keys';
import { ClientSensitiveFlag1765000000000 } from './migrations/1765000000000-client-sensitive-flag';
import { SrSecurityStepIntent1765200000301 } from './migrations/1765200000301-sr-security-step-intent';
import { SecurityStepIntent } from './security-details/security-step-intent.entity';
import { ClientRepresentative } from './representatives/representative.entity';
import { RepresentativesModule } from './representatives/representatives.module';
import { SecurityDetailsModule } from './security-details/security-details.module';
import {
  ServiceRequest,
  SrActivityStep,
  SrCaseLink,
  SrNote,
} from './service-requests/service-request.entity';
import { FollowUpsModule } from './service-requests/follow-ups.module';
import { ServiceRequestsModule } from './service-requests/service-requests.module';
import { WorkQueuesModule } from './work-queues/work-queues.module';

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
  SecurityStepIntent,
];
export const MIGRATIONS = [
  CasesAndClients1763800000000,
  ServiceRequests1763800000001,
  ClientRepresentatives1763800000002,
  AuditOnBehalfOf1764900000000,
  SrForeignKeys1764900000001,
  ClientSensitiveFlag1765000000000,
  SrSecurityStepIntent1765200000301,
];

/**
 * Root module of service-requests: one feature module per domain concept, then the platform (in this
 * order the OpenAPI document lists the operations as before the feature modules).
 */
@Module({})
export class AppModule {
  static forRoot(config: ServiceRequestsConfig, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ClientsModule,
        RepresentativesModule,
        CasesModule,
        ServiceRequestsModule,
        DataTransferModule,
        SecurityDetailsModule,
        WorkQueuesModule,
        CisMatchingModule,
        FollowUpsModule,
        LettersModule,
        CisRetrievalModule,
        AuditModule,
        AccessModule,
        PlatformModule.forRoot({
          serviceName: 'service-requests',
          config,
          database: { entities: ENTITIES, migrations: MIGRATIONS },
          access: ServiceRequestsAccessRepository,
          logDestination,
        }),
      ],
    };
  }
}
