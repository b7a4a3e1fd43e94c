import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  Access,
  at,
  AuditRecord,
  AuditRecordView,
  AuditTrailQuery,
  Roles,
  UuidParamPipe,
} from '@cms/platform';
import { AuditTrailService } from './audit.service';

/** The audit trail: who changed what, when, from which source, before and after. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditTrailService) {}

  @Get(':entityType/:id')
  @Access.read('audit-trail', at.param('id'))
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Audit trail of a case, client or service request, oldest first.' })
  @ApiOkResponse({ type: [AuditRecordView] })
  trail(
    @Param('entityType') entityType: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() q: AuditTrailQuery,
  ): Promise<AuditRecord[]> {
    return this.audit.trail(entityType, id, q.limit);
  }
}
