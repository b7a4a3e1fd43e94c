import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import {
  Actor,
  Clock,
  DomainError,
  DomainValidationError,
  FieldProblem,
  nameProblem,
  normalisePhone,
  NotFoundError,
  phoneProblem,
} from '@cms/domain';
import {
  ApiProblems,
  CLOCK,
  CurrentActor,
  recordAudit,
  Roles,
  UuidParamPipe,
  Access,
  at,
} from '@cms/platform';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { CaseParticipant } from '../cases/case.entity';
import { ClientsService } from '../clients/clients.service';
import { ServiceRequestOutcomesService } from '../service-requests/service-request-outcomes.service';
import { ServiceRequestReadsService } from '../service-requests/service-request-reads.service';
import { assertEditable } from '../service-requests/service-request.state';
import { ClientRepresentative } from './representative.entity';

const RELATIONSHIPS = [
  'Power of attorney',
  'Appointee',
  'Solicitor',
  'Friend or family member',
  'Other',
] as const;

export class AddRepresentativeDto {
  @ApiProperty({ format: 'uuid', description: 'The case on which the representative is a contact' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ example: 'Grace' })
  @IsString()
  firstName: string;

  @ApiProperty({ example: 'Okafor' })
  @IsString()
  lastName: string;

  @ApiProperty({ enum: RELATIONSHIPS, example: 'Friend or family member' })
  @IsIn(RELATIONSHIPS)
  relationship: (typeof RELATIONSHIPS)[number];

  @ApiPropertyOptional({ example: '07700 900456' })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  phone?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The Change Contact/Security Info SR the request came with (SD-15)',
  })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;
}

export class RemoveRepresentativeQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'The SR the request came with (SD-15)' })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;
}

export class RepresentativeView {
  @ApiProperty() id: string;
  @ApiProperty() clientId: string;
  @ApiProperty() caseId: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty() relationship: string;
  @ApiProperty({ nullable: true }) phone: string | null;
  @ApiProperty() addedAt: Date;
  @ApiProperty({ nullable: true }) removedAt: Date | null;
}

/**
 * A client's representatives as contacts on their case: added or removed at the client's request
 * (SD-15, Change - Security Details step 15), every change audited. Their own security
 * details live in client-security (SD-18).
 */
@ApiTags('clients')
@Controller('clients/:clientId/representatives')
export class RepresentativesController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly clients: ClientsService,
    private readonly reads: ServiceRequestReadsService,
    private readonly outcomes: ServiceRequestOutcomesService,
  ) {}

  @Get()
  @Access.read('representative', at.param('clientId', 'client'))
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'The client’s representatives, current and removed.' })
  @ApiOkResponse({ type: [RepresentativeView] })
  @ApiProblems(404)
  async list(
    @Param('clientId', UuidParamPipe) clientId: string,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView[]> {
    await this.clients.get(clientId, actor);
    return this.db.manager.find(ClientRepresentative, { where: { clientId }, order: { addedAt: 'ASC' } });
  }

  @Post()
  @Access.create(
    'representative',
    at.param('clientId', 'client'),
    at.body('serviceRequestId', 'service-request'),
  )
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({ summary: 'Add a representative as a contact on the client’s case (SD-15).' })
  @ApiCreatedResponse({ type: RepresentativeView })
  @ApiProblems(404, 422)
  async add(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: AddRepresentativeDto,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView> {
    await this.clients.get(clientId, actor);
    const problems = [
      nameProblem(dto.firstName, 'firstName', 'first name'),
      nameProblem(dto.lastName, 'lastName', 'last name'),
    ];
    if (dto.phone) problems.push(phoneProblem(dto.phone, 'phone'));
    const found = problems.filter((p): p is FieldProblem => p !== null);
    if (found.length) throw new DomainValidationError(found);
    return this.db.transaction(async (m) => {
      if (!(await m.existsBy(CaseParticipant, { clientId, caseId: dto.caseId }))) {
        throw new DomainValidationError([
          {
            field: 'caseId',
            rule: 'participant',
            message: 'The client is not on that case.',
            requirementId: 'SD-15',
          },
        ]);
      }
      const rep = await m.save(
        m.create(ClientRepresentative, {
          clientId,
          caseId: dto.caseId,
          firstName: dto.firstName.trim(),
          lastName: dto.lastName.trim(),
          relationship: dto.relationship,
          phone: dto.phone ? normalisePhone(dto.phone) : null,
          addedBy: actor.id,
        }),
      );
      await recordAudit(m, {
        entityType: 'client',
        entityId: clientId,
        action: 'representative-added',
        after: { representativeId: rep.id, caseId: dto.caseId, relationship: dto.relationship },
      });
      if (dto.serviceRequestId)
        await this.recordOnSr(m, dto.serviceRequestId, clientId, 'Representative Added', actor);
      return rep;
    });
  }

  @Delete(':representativeId')
  @Access.change(
    'representative',
    at.param('clientId', 'client'),
    at.param('representativeId'),
    at.query('serviceRequestId', 'service-request'),
  )
  @Roles('caseworker', 'sensitive-access')
  @ApiOperation({
    summary: 'Remove a representative as a contact (SD-15); the record is kept for the audit trail.',
  })
  @ApiOkResponse({ type: RepresentativeView })
  @ApiProblems(404, 422)
  async remove(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('representativeId', UuidParamPipe) representativeId: string,
    @Query() q: RemoveRepresentativeQuery,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView> {
    await this.clients.get(clientId, actor);
    return this.db.transaction(async (m) => {
      const rep = await m.findOne(ClientRepresentative, {
        where: { id: representativeId, clientId, removedAt: IsNull() },
        lock: { mode: 'pessimistic_write' },
      });
      if (!rep) throw new NotFoundError('Current representative', representativeId);
      rep.removedAt = this.clock.now();
      rep.removedBy = actor.id;
      await m.save(rep);
      await recordAudit(m, {
        entityType: 'client',
        entityId: clientId,
        action: 'representative-removed',
        before: { representativeId },
        after: { representativeId, removedAt: rep.removedAt },
      });
      if (q.serviceRequestId)
        await this.recordOnSr(m, q.serviceRequestId, clientId, 'Representative Removed', actor);
      return rep;
    });
  }

  /**
   * Records the request on the security details SR's activity plan (step 15), through the SR's one
   * checked outcome path (libs/sr-rules): versioned and audited on the SR.
   */
  private async recordOnSr(
    m: EntityManager,
    srId: string,
    clientId: string,
    outcome: string,
    actor: Actor,
  ): Promise<void> {
    const loaded = await this.reads.load(m, srId, true);
    if (loaded.sr.type !== 'SECURITY_DETAILS' || loaded.sr.subjectClientId !== clientId) {
      throw new DomainError(
        'NOT_THIS_CLIENTS_SR',
        'precondition',
        'That SR is not a Change Contact/Security Info SR for this client.',
        { requirementId: 'SD-15' },
      );
    }
    assertEditable(loaded.sr);
    await this.outcomes.recordProcedureOutcome(m, loaded, 'client-representative', outcome, actor);
  }
}
