import { DynamicModule, Module } from '@nestjs/common';
import { AuditRecord, PlatformModule } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AuditController } from './audit/audit.controller';
import { Case, CaseParticipant } from './cases/case.entity';
import { CasesController } from './cases/cases.controller';
import { CasesService } from './cases/cases.service';
import { Client } from './clients/client.entity';
import { ClientsController } from './clients/clients.controller';
import { ClientsService } from './clients/clients.service';
import { ServiceRequestsConfig } from './config';
import { CasesAndClients1763800000000 } from './migrations/1763800000000-cases-and-clients';

export const ENTITIES = [AuditRecord, Client, Case, CaseParticipant];
export const MIGRATIONS = [CasesAndClients1763800000000];

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
          logDestination,
        }),
      ],
      controllers: [ClientsController, CasesController, AuditController],
      providers: [ClientsService, CasesService],
    };
  }
}
