import { Module } from '@nestjs/common';
import { CisRetrievalWorker } from './cis-retrieval.worker';

/** Delivery of the CIS retrievals a verified NINO/CRN asks cis-interface for (RD-1). Exports nothing. */
@Module({ providers: [CisRetrievalWorker] })
export class CisRetrievalModule {}
