import { Module } from '@nestjs/common';
import { CisMatchingController } from './cis-matching.controller';
import { CisMatchingService } from './cis-matching.service';

/** Matching CIS transactions' NINOs/CRNs to live cases (BR-5). Exports nothing. */
@Module({ controllers: [CisMatchingController], providers: [CisMatchingService] })
export class CisMatchingModule {}
