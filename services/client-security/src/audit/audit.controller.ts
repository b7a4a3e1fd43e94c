import { Controller, Get, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainValidationError } from '@cms/domain';
import { AuditRecord, Roles, UuidParamPipe } from '@cms/platform';
import { DataSource } from 'typeorm';
import { STAFF } from '../security-details/client-security.controller';
import { AuditRecordView } from '../security-details/security-details.view';
import { SUBJECT_TYPES } from '../security-details/security-subject.entity';

/** The audit trail of security events: set-up, checks, blocks, unblocks, changes. Never a secret. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get(':entityType/:id')
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Audit trail of a client’s or representative’s security details, oldest first.' })
  @ApiParam({ name: 'entityType', enum: SUBJECT_TYPES })
  @ApiQuery({ name: 'limit', required: false, example: 500, description: 'At most 1000.' })
  @ApiOkResponse({ type: [AuditRecordView] })
  async trail(
    @Param('entityType') entityType: string,
    @Param('id', UuidParamPipe) id: string,
    @Query('limit') limit?: string,
  ): Promise<AuditRecordView[]> {
    if (!(SUBJECT_TYPES as readonly string[]).includes(entityType)) {
      throw new DomainValidationError([
        {
          field: 'entityType',
          rule: 'isIn',
          message: `entityType must be one of ${SUBJECT_TYPES.join(', ')}`,
        },
      ]);
    }
    return this.db.manager.find(AuditRecord, {
      where: { entityType, entityId: id },
      order: { occurredAt: 'ASC' },
      take: Math.min(Number(limit) || 500, 1000),
    });
  }
}
