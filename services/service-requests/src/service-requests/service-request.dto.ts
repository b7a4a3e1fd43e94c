import { ApiField } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CIS_CHANGE_TYPES,
  CLIENT_ROLES,
  SR_RESOLUTION_CODES,
  SR_SOURCES,
  SR_STATUSES,
  SR_SUB_STATUSES,
  SR_TYPE_CODES,
} from '@cms/domain';
import type { ClientRole, ResolutionCode, SrSource, SrStatus, SrSubStatus, SrTypeCode } from '@cms/domain';

export class PersonNameDto {
  @ApiProperty({ example: 'Sarah' })
  @IsString()
  @MaxLength(35)
  firstName: string;

  @ApiProperty({ example: 'Okafor' })
  @IsString()
  @MaxLength(35)
  lastName: string;
}

export class SubjectDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  clientId: string;

  @ApiProperty({ enum: CLIENT_ROLES, example: 'PWC' })
  @IsIn(CLIENT_ROLES)
  role: ClientRole;
}

/** Body of `POST /service-requests`. */
export class CreateServiceRequestDto {
  @ApiProperty({ enum: SR_TYPE_CODES, example: 'SECURITY_DETAILS' })
  @IsIn(SR_TYPE_CODES)
  type: SrTypeCode;

  @ApiPropertyOptional({
    example: 'phone',
    description: 'Path of the SR type (see docs/sr-status-rules.md); derived from the source when absent',
  })
  @IsOptional()
  @IsString()
  path?: string;

  @ApiProperty({
    enum: SR_SOURCES,
    example: 'PWC',
    description: "Role of the reporting person, or 'PWC (Self Service)' etc. (SD-4)",
  })
  @IsIn(SR_SOURCES)
  source: SrSource;

  @ApiPropertyOptional({ type: PersonNameDto, description: 'The person reporting the change (SD-4)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PersonNameDto)
  reportedBy?: PersonNameDto;

  @ApiPropertyOptional({
    type: SubjectDto,
    description: 'The person the change relates to, and their role (SD-6)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject?: SubjectDto;

  @ApiProperty({
    type: [String],
    description: 'Linked case ids (SD-6, TD-2)',
    example: ['6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11'],
  })
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds: string[];

  @ApiField({ type: 'object', optional: true, description: 'Type-specific details entered in the SR' })
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'Client called: account blocked after three failed checks.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  note?: string;
}

/** One SR raised by another system (CIS broadcast), idempotent on its key. */
export class BatchServiceRequestItemDto {
  @ApiProperty({
    example: 'cis-tx-2026-11-21-000123',
    description: 'Idempotency key, e.g. the CIS transaction id',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  idempotencyKey: string;

  @ApiProperty({ enum: ['CIS_CHANGE', 'NATIONALLY_SENSITIVE_UPDATE', 'SENSITIVE_CALL_BACK'] })
  @IsIn(['CIS_CHANGE', 'NATIONALLY_SENSITIVE_UPDATE', 'SENSITIVE_CALL_BACK'])
  type: 'CIS_CHANGE' | 'NATIONALLY_SENSITIVE_UPDATE' | 'SENSITIVE_CALL_BACK';

  @ApiProperty({ enum: SR_SOURCES, example: 'CIS' })
  @IsIn(SR_SOURCES)
  source: SrSource;

  @ApiProperty({ type: SubjectDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject: SubjectDto;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds: string[];

  @ApiPropertyOptional({ enum: CIS_CHANGE_TYPES })
  @IsOptional()
  @IsIn(CIS_CHANGE_TYPES)
  changeType?: string;

  @ApiField({ type: 'object', optional: true, description: 'The CIS change payload (a CisChange)' })
  @IsOptional()
  @IsObject()
  change?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '2026-11-21T09:15:00Z' })
  @IsOptional()
  @IsISO8601()
  recordedAt?: string;
}

/** Body of `POST /service-requests/batch` (system). */
export class BatchServiceRequestsDto {
  @ApiProperty({ type: [BatchServiceRequestItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => BatchServiceRequestItemDto)
  items: BatchServiceRequestItemDto[];
}

export class TargetStateDto {
  @ApiProperty({ enum: SR_STATUSES, example: 'In Progress' })
  @IsIn(SR_STATUSES)
  status: SrStatus;

  @ApiProperty({ enum: SR_SUB_STATUSES, nullable: true, example: null })
  @IsOptional()
  @IsIn([...SR_SUB_STATUSES, null])
  subStatus: SrSubStatus | null;
}

/** Body of `POST /service-requests/{id}/transitions`: the state to move to, and what it needs. */
export class TransitionDto {
  @ApiProperty({ example: 1, description: 'The version you read (409 when stale)' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ type: TargetStateDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TargetStateDto)
  to: TargetStateDto;

  @ApiPropertyOptional({ enum: SR_RESOLUTION_CODES, nullable: true })
  @IsOptional()
  @IsIn([...SR_RESOLUTION_CODES, null])
  resolutionCode?: ResolutionCode | null;

  @ApiPropertyOptional({
    example: '2026-11-29T09:00:00Z',
    description:
      'For Wait. Where the procedure sets the wait (7 days SD-9/SD-10, 14 days TD-3/TD-11) leave it out and the rules set it; a date on another day is refused (400, naming the rule). Other Waits need a future date.',
  })
  @IsOptional()
  @IsISO8601()
  nextActionDue?: string;

  @ApiPropertyOptional({ example: 'Account blocked after three failed checks; CMSL9800 sent.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}

/** Body of `PUT /service-requests/{id}/activity-steps/{key}`. */
export class ActivityOutcomeDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiProperty({ example: 'Security Details' })
  @IsString()
  @MinLength(1)
  outcome: string;

  @ApiPropertyOptional({ example: 'Client did not return the form.' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
}

/** Body of `POST /service-requests/{id}/notes`. */
export class NoteDto {
  @ApiProperty({ example: 'Called the client; no answer.' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  text: string;
}

/** Body of `PATCH /service-requests/{id}`: fields a caseworker edits while the SR is editable (TD-8). */
export class UpdateServiceRequestDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version: number;

  @ApiField({ type: 'object', optional: true, description: 'Type-specific details (merged)' })
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;

  @ApiPropertyOptional({ type: SubjectDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SubjectDto)
  subject?: SubjectDto;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  caseIds?: string[];

  @ApiField({ type: 'string', nullable: true, optional: true, example: 'cw-1042' })
  @IsOptional()
  @IsString()
  owner?: string | null;
}

/** Query of `GET /service-requests`. */
export class ListServiceRequestsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ enum: SR_STATUSES })
  @IsOptional()
  @IsIn(SR_STATUSES)
  status?: SrStatus;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;
}
