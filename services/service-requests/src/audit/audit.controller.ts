import { Controller, Get, Param, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor, DomainValidationError } from '@cms/domain';
import { AuditRecord, CurrentActor, Roles, UuidParamPipe } from '@cms/platform';
import { DataSource } from 'typeorm';
import { CasesService } from '../cases/cases.service';
import { ClientsService } from '../clients/clients.service';

const KINDS = ['case', 'client', 'service-request'] as const;

/** The audit trail: who changed what, when, from which source, before and after. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CasesService,
    private readonly clients: ClientsService,
  ) {}

  @Get(':entityType/:id')
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'Audit trail of a case, client or service request, oldest first.' })
  @ApiQuery({ name: 'limit', required: false })
  async trail(
    @Param('entityType') entityType: string,
    @Param('id', UuidParamPipe) id: string,
    @CurrentActor() actor: Actor,
    @Query('limit') limit?: string,
  ): Promise<AuditRecord[]> {
    if (!(KINDS as readonly string[]).includes(entityType)) {
      throw new DomainValidationError([
        { field: 'entityType', rule: 'isIn', message: `entityType must be one of ${KINDS.join(', ')}` },
      ]);
    }
    // Reading the record first applies its access rules (nationally sensitive: X-1).
    if (entityType === 'case') await this.cases.get(id, actor);
    if (entityType === 'client') await this.clients.get(id, actor);
    return this.db.manager.find(AuditRecord, {
      where: { entityType, entityId: id },
      order: { occurredAt: 'ASC' },
      take: Math.min(Number(limit) || 500, 1000),
    });
  }
}
