import { Module } from '@nestjs/common';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { ClientFlagsController } from './client-flags.controller';
import { ClientFlagsService } from './client-flags.service';
import { ClientsController } from './clients.controller';
import { ClientsService } from './clients.service';

/**
 * Clients and the personal details CMS holds, and the flags other systems set on them (SU-6, RD-4;
 * the Sensitive Check raises its SR through the batch import). Exports ClientsService (representatives).
 */
@Module({
  imports: [ServiceRequestsModule],
  controllers: [ClientsController, ClientFlagsController],
  providers: [ClientsService, ClientFlagsService],
  exports: [ClientsService],
})
export class ClientsModule {}
