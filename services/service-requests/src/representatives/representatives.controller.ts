import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { Actor } from '@cms/domain';
import { ApiProblems, CurrentActor, Roles, UuidParamPipe, Access, at, ApiField } from '@cms/platform';
import { RepresentativesService } from './representatives.service';

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

  @ApiField({ type: 'string', optional: true, example: '07700 900456' })
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
  @ApiField({ type: 'string', nullable: true }) phone: string | null;
  @ApiProperty() addedAt: Date;
  @ApiProperty({ type: String, example: 'cw-1001', description: 'The user who added them' }) addedBy: string;
  @ApiField({ type: 'date-time', nullable: true }) removedAt: Date | null;
  @ApiField({ type: 'string', nullable: true, description: 'The user who removed them' }) removedBy:
    string | null;
}

/** A client's representatives as contacts on their case (SD-15; RepresentativesService). */
@ApiTags('clients')
@Controller('clients/:clientId/representatives')
export class RepresentativesController {
  constructor(private readonly representatives: RepresentativesService) {}

  @Get()
  @Access.read('representative', at.param('clientId', 'client'))
  @Roles('caseworker', 'team-leader', 'sensitive-access', 'system')
  @ApiOperation({ summary: 'The client’s representatives, current and removed.' })
  @ApiOkResponse({ type: [RepresentativeView] })
  @ApiProblems(404)
  list(
    @Param('clientId', UuidParamPipe) clientId: string,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView[]> {
    return this.representatives.list(clientId, actor);
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
  add(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() dto: AddRepresentativeDto,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView> {
    return this.representatives.add(clientId, dto, actor);
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
  remove(
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('representativeId', UuidParamPipe) representativeId: string,
    @Query() q: RemoveRepresentativeQuery,
    @CurrentActor() actor: Actor,
  ): Promise<RepresentativeView> {
    return this.representatives.remove(clientId, representativeId, q.serviceRequestId, actor);
  }
}
