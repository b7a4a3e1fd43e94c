import { Module } from '@nestjs/common';
import { ServiceRequestBatchService } from './service-request-batch.service';
import { ServiceRequestEditsService } from './service-request-edits.service';
import { ServiceRequestOutcomesService } from './service-request-outcomes.service';
import { ServiceRequestRaisingService } from './service-request-raising.service';
import { ServiceRequestReadsService } from './service-request-reads.service';
import { ServiceRequestTransitionsService } from './service-request-transitions.service';
import { ServiceRequestsController } from './service-requests.controller';
import { SecuritySetUpCheck } from './security-set-up.check';

/**
 * Service requests: raising (one, or a batch for CIS), reads, transitions with their effects, the
 * activity plan's outcomes, notes and edits. Exports what the procedures worked on an SR use
 * (security details, data transfer, representatives, client flags, letters, follow-ups).
 */
@Module({
  controllers: [ServiceRequestsController],
  providers: [
    ServiceRequestReadsService,
    ServiceRequestRaisingService,
    ServiceRequestBatchService,
    ServiceRequestTransitionsService,
    ServiceRequestOutcomesService,
    ServiceRequestEditsService,
    SecuritySetUpCheck,
  ],
  exports: [
    ServiceRequestReadsService,
    ServiceRequestRaisingService,
    ServiceRequestBatchService,
    ServiceRequestTransitionsService,
    ServiceRequestOutcomesService,
    ServiceRequestEditsService,
  ],
})
export class ServiceRequestsModule {}
