import { Controller, Get, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainValidationError } from '@cms/domain';
import { Access, at, AuditRecord, AuditTrailQuery, Roles, UuidParamPipe } from '@cms/platform';
import { DataSource } from 'typeorm';

const KINDS = ['case', 'client', 'service-request'] as const;

/** The audit trail: who changed what, when, from which source, before and after. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get(':entityType/:id')
  @Access.read('audit-trail', at.param('id'))
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Audit trail of a case, client or service request, oldest first.' })
  async trail(
    @Param('entityType') entityType: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() q: AuditTrailQuery,
  ): Promise<AuditRecord[]> {
    if (!(KINDS as readonly string[]).includes(entityType)) {
      throw new DomainValidationError([
        { field: 'entityType', rule: 'isIn', message: `entityType must be one of ${KINDS.join(', ')}` },
      ]);
    }
    return this.db.manager.find(AuditRecord, {
      where: { entityType, entityId: id },
      order: { occurredAt: 'ASC' },
      take: q.limit ?? 500,
    });
  }
}
