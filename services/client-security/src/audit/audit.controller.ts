import { Controller, Get, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainValidationError } from '@cms/domain';
import { Access, at, AuditRecord, AuditTrailQuery, Roles, UuidParamPipe } from '@cms/platform';
import { DataSource } from 'typeorm';
import { STAFF } from '../security-details/client-security.controller';
import { AuditRecordView } from '../security-details/security-details.view';
import { SUBJECT_TYPES } from '../security-details/security-subject.entity';

/**
 * The audit trail of security events: set-up, checks, blocks, unblocks, changes. Never a secret.
 * A trail is as sensitive as the client or representative it audits: refused before it is read.
 */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Get(':entityType/:id')
  @Access.read('security-audit-trail', at.param('id'))
  @Roles(...STAFF)
  @ApiOperation({ summary: 'Audit trail of a client’s or representative’s security details, oldest first.' })
  @ApiParam({ name: 'entityType', enum: SUBJECT_TYPES })
  @ApiOkResponse({ type: [AuditRecordView] })
  async trail(
    @Param('entityType') entityType: string,
    @Param('id', UuidParamPipe) id: string,
    @Query() q: AuditTrailQuery,
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
      take: q.limit ?? 500,
    });
  }
}
