import { ApiField } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  CASE_STAGES,
  CLIENT_ROLES,
  ISSUE_MODES,
  JURISDICTIONS,
  LETTER_CODES,
  LETTER_STATUSES,
  type CaseStage,
  type ClientRole,
  type IssueMode,
  type Jurisdiction,
  type LetterCode,
  type LetterStatus,
} from '@cms/domain';

/** A UK postal address (checked in full with @cms/domain's address rules). */
export class UkAddressDto {
  @ApiProperty({ example: '1 High Street' })
  @IsString()
  @MaxLength(100)
  line1: string;

  @ApiField({ type: 'string', nullable: true, optional: true, example: 'Flat 2' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  line2?: string | null;

  @ApiField({ type: 'string', nullable: true, optional: true, example: 'Headingley' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  line3?: string | null;

  @ApiProperty({ example: 'Leeds' })
  @IsString()
  @MaxLength(100)
  town: string;

  @ApiProperty({ example: 'LS6 3AB' })
  @IsString()
  @MaxLength(10)
  postcode: string;
}

/** Who a letter goes to. */
export class LetterRecipientDto {
  @ApiProperty({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' })
  @IsUUID()
  clientId: string;

  @ApiProperty({
    enum: CLIENT_ROLES,
    example: 'NRP',
    description:
      'System role code: PWC = receiving parent, NRP = paying parent (letters say the outward names)',
  })
  @IsIn(CLIENT_ROLES)
  role: ClientRole;

  @ApiProperty({ example: 'Daniel Price', description: 'Name as printed on the letter' })
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  name: string;

  @ApiProperty({ type: UkAddressDto })
  @IsObject()
  @ValidateNested()
  @Type(() => UkAddressDto)
  address: UkAddressDto;
}

/** The team leader approval of the SR that lets CMSL0406 issue (TD-6, TD-8). */
export class ApprovalDto {
  @ApiProperty({ format: 'uuid', example: '9d2c4b8e-1f0a-4c3b-8e7d-6a5b4c3d2e1f' })
  @IsUUID()
  serviceRequestId: string;

  @ApiProperty({ example: 'tl-2001', description: 'Staff id of the approving team leader' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  approvedBy: string;

  @ApiProperty({ example: '2026-11-22T10:15:00.000Z' })
  @IsISO8601({ strict: true })
  approvedAt: string;
}

const PERSONALISATION_EXAMPLES = {
  CMSL0405: { replyByDate: '2026-12-06', requestDate: '2026-11-20' },
  CMSL0406: {
    transferRoute: 'contact-details',
    transferredDetails: {
      name: { firstName: 'Sarah', lastName: 'Okafor' },
      address: { line1: '1 High Street', town: 'Leeds', postcode: 'LS1 4AB' },
      mobile: '07700 900123',
      email: 'sarah@example.com',
    },
  },
  CMSL9661: {
    paymentDetails: { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'S Okafor' },
    amount: 4550,
    frequency: 'every month',
  },
  CMSL9800: { reason: 'account-blocked', returnByDate: '2026-11-29' },
  MOPF_BENEFIT_CLAIM: { claimDate: '2026-11-18', benefitName: 'Universal Credit' },
};

/**
 * Body of `POST /letters`. The `Idempotency-Key` header is required: the same key returns the
 * original letter (200), the same key with a different body is 409.
 */
export class IssueLetterDto {
  @ApiProperty({ enum: LETTER_CODES, example: 'CMSL0405' })
  @IsIn(LETTER_CODES)
  templateCode: LetterCode;

  @ApiProperty({ type: LetterRecipientDto })
  @IsObject()
  @ValidateNested()
  @Type(() => LetterRecipientDto)
  recipient: LetterRecipientDto;

  @ApiProperty({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ example: '120034567891', description: '12 digits, first not zero' })
  @IsString()
  @MaxLength(20)
  caseNumber: string;

  @ApiProperty({
    enum: JURISDICTIONS,
    example: 'GB',
    description: 'GB: Child Maintenance Group letterhead; NI: NICMS (TD-14)',
  })
  @IsIn(JURISDICTIONS)
  jurisdiction: Jurisdiction;

  @ApiPropertyOptional({
    enum: CASE_STAGES,
    example: 'maintenance',
    description:
      'Case stage; decides the issue mode (CMSL9660/9661/9662 are clerical at application and new case stage, TD-11) and is required for those three',
  })
  @IsOptional()
  @IsIn(CASE_STAGES)
  stage?: CaseStage;

  @ApiPropertyOptional({ format: 'uuid', example: '9d2c4b8e-1f0a-4c3b-8e7d-6a5b4c3d2e1f' })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;

  @ApiPropertyOptional({
    enum: ISSUE_MODES,
    example: 'system',
    description:
      "'system': printed and posted through the print gateway (callers with the system role). 'clerical': the caseworker prints and posts it, then sets the status to sent. Default: as the procedure says for the stage",
  })
  @IsOptional()
  @IsIn(ISSUE_MODES)
  mode?: IssueMode;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Values for the fields the template declares (GET /templates/{code}); a missing or bad one is 400 naming `personalisation.<name>`. Examples by template: ' +
      JSON.stringify(PERSONALISATION_EXAMPLES),
    example: PERSONALISATION_EXAMPLES.CMSL0405,
  })
  @IsObject()
  personalisation: Record<string, unknown>;

  @ApiPropertyOptional({ type: ApprovalDto, description: 'Required for CMSL0406 (TD-6, TD-8)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalDto)
  approval?: ApprovalDto;

  @ApiPropertyOptional({
    example: '1-1000042',
    description:
      "The SR (id or number) under which another client's details are passed on the domestic-violence route: required for CMSL9661 (TD-11, TD-12)",
  })
  @IsOptional()
  @IsString()
  @Matches(/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,3}-\d{1,12})$/i, {
    message: 'transferReference must be an SR id (uuid) or SR number such as 1-1000042',
  })
  transferReference?: string;
}

/** Body of `PATCH /letters/{id}/status` and `PATCH /sms/{id}/status`. */
export class ChangeStatusDto {
  @ApiProperty({
    enum: LETTER_STATUSES,
    example: 'returned',
    description: 'created → sent | failed; sent → delivered | failed | returned; delivered → returned',
  })
  @IsIn(LETTER_STATUSES)
  status: LetterStatus;

  @ApiPropertyOptional({
    example: 'Returned by Royal Mail: addressee gone away',
    description: 'Required for failed and returned',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason?: string;
}

/** Query of `GET /issue-log`: exactly one of clientId and caseId. */
export class IssueLogQuery {
  @ApiPropertyOptional({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' })
  @IsOptional()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ enum: ['letter', 'sms'], example: 'letter' })
  @IsOptional()
  @IsIn(['letter', 'sms'])
  channel?: 'letter' | 'sms';

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({
    description: '`nextCursor` of the previous page',
    example: 'WyIyMDI2LTExLTIyVDEwOjE1OjAwLjAwMFoiLCJ4Il0',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
