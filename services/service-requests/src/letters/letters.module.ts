import { Module } from '@nestjs/common';
import { ServiceRequestsModule } from '../service-requests/service-requests.module';
import { LetterDeliveryWorker } from './letter-delivery.worker';

/**
 * Delivery of the letters and SMS SR transitions write as jobs, to correspondence, and what their
 * issue or refusal does to the SR (TD-8). Exports nothing.
 */
@Module({ imports: [ServiceRequestsModule], providers: [LetterDeliveryWorker] })
export class LettersModule {}
