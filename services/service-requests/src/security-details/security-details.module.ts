import { Module } from '@nestjs/common';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { SecurityDetailsController } from './security-details.controller';
import { SecurityDetailsService } from './security-details.service';
import { SecurityEventsController } from './security-events.controller';
import { SecurityEventsService } from './security-events.service';

/**
 * Change - Security Details worked from its SR (with client-security), and client-security's events
 * (a blocked TAM account raises its SR, SD-2). Exports nothing.
 */
@Module({
  imports: [ServiceRequestsModule],
  controllers: [SecurityEventsController, SecurityDetailsController],
  providers: [SecurityDetailsService, SecurityEventsService],
})
export class SecurityDetailsModule {}
