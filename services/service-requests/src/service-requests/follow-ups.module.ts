import { Module } from '@nestjs/common';
import { FollowUpsService } from './follow-ups.service';
import { InternalController } from './internal.controller';
import { ServiceRequestsModule } from './service-requests.module';

/** Waits and follow-ups: what runs when an SR's wait expires, on a timer or on demand. Exports nothing. */
@Module({
  imports: [ServiceRequestsModule],
  controllers: [InternalController],
  providers: [FollowUpsService],
})
export class FollowUpsModule {}
