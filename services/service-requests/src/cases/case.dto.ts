import { Omittable } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CASE_STAGES, CLIENT_ROLES, JURISDICTIONS } from '@cms/domain';
import type { CaseStage, ClientRole, Jurisdiction } from '@cms/domain';

export class ParticipantDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clientId: string;

  @ApiProperty({
    enum: CLIENT_ROLES,
    example: 'PWC',
    description: 'PWC receiving parent, NRP paying parent, QC, ROC',
  })
  @IsIn(CLIENT_ROLES)
  role: ClientRole;
}

/** Body of `POST /cases`. */
export class CreateCaseDto {
  @ApiProperty({ enum: JURISDICTIONS, example: 'GB', description: 'GB: CMG; NI: NICMS (TD-14)' })
  @IsIn(JURISDICTIONS)
  jurisdiction: Jurisdiction;

  @ApiProperty({ enum: CASE_STAGES, example: 'maintenance' })
  @IsIn(CASE_STAGES)
  stage: CaseStage;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  nationallySensitive?: boolean;

  @ApiPropertyOptional({
    example: false,
    description: 'Manually built CSA Arrears Only case (no TAM account: SD-21)',
  })
  @IsOptional()
  @IsBoolean()
  csaArrearsOnly?: boolean;

  @ApiProperty({ type: [ParticipantDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants: ParticipantDto[];
}

/** Body of `PATCH /cases/{id}`. */
export class UpdateCaseDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ enum: CASE_STAGES })
  @IsOptional()
  @IsIn(CASE_STAGES)
  stage?: CaseStage;

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  live?: boolean;

  @ApiPropertyOptional({ description: 'Only callers with sensitive access may clear it.' })
  @Omittable()
  @IsBoolean()
  nationallySensitive?: boolean;
}

/** Query of `GET /cases`. */
export class ListCasesQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ enum: CASE_STAGES })
  @IsOptional()
  @IsIn(CASE_STAGES)
  stage?: CaseStage;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;
}
