import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditTrailService } from './audit.service';

/** The audit trail of cases, clients and SRs. Exports nothing. */
@Module({ controllers: [AuditController], providers: [AuditTrailService] })
export class AuditModule {}
