import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { JURISDICTIONS, SMS_CODES, type Jurisdiction, type SmsCode } from '@cms/domain';

export class SmsRecipientDto {
  @ApiProperty({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' })
  @IsUUID()
  clientId: string;

  @ApiProperty({ example: '07700 900123', description: 'A UK or international mobile number' })
  @IsString()
  @MaxLength(30)
  mobilePhone: string;
}

/** Body of `POST /sms` (with the `Idempotency-Key` header). */
export class SendSmsDto {
  @ApiProperty({ enum: SMS_CODES, example: 'SMS_SECURITY_DETAILS_UPDATED' })
  @IsIn(SMS_CODES)
  templateCode: SmsCode;

  @ApiProperty({ type: SmsRecipientDto })
  @IsObject()
  @ValidateNested()
  @Type(() => SmsRecipientDto)
  recipient: SmsRecipientDto;

  @ApiProperty({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ enum: JURISDICTIONS, example: 'GB', description: 'Names the service: CMG or NICMS (TD-14)' })
  @IsIn(JURISDICTIONS)
  jurisdiction: Jurisdiction;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: {},
    description:
      'Values for the fields the SMS template declares (SMS_SECURITY_DETAILS_UPDATED declares none)',
  })
  @IsOptional()
  @IsObject()
  personalisation?: Record<string, unknown>;
}
