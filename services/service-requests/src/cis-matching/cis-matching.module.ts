import { Module } from '@nestjs/common';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { CisMatchingController } from './cis-matching.controller';
import { CisMatchingService } from './cis-matching.service';

/**
 * Matching CIS transactions' NINOs/CRNs to live cases (BR-5), and matching and raising a broadcast
 * chunk's SRs in one call (with the service requests' batch import). Exports nothing.
 */
@Module({
  imports: [ServiceRequestsModule],
  controllers: [CisMatchingController],
  providers: [CisMatchingService],
})
export class CisMatchingModule {}
