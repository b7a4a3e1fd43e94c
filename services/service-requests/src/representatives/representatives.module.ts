import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { RepresentativesController } from './representatives.controller';
import { RepresentativesService } from './representatives.service';

/** A client's representatives as contacts on their case (SD-15). Exports nothing. */
@Module({
  imports: [ClientsModule, ServiceRequestsModule],
  controllers: [RepresentativesController],
  providers: [RepresentativesService],
})
export class RepresentativesModule {}
