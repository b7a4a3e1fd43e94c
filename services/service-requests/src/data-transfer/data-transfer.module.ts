import { Module } from '@nestjs/common';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { DataTransferController } from './data-transfer.controller';
import { DataTransferService } from './data-transfer.service';

/** The items a DATA_TRANSFER SR passes to the other party (TD-1, TD-4, TD-5, TD-9). Exports nothing. */
@Module({
  imports: [ServiceRequestsModule],
  controllers: [DataTransferController],
  providers: [DataTransferService],
})
export class DataTransferModule {}
