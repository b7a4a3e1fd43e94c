import { ApiField } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { REFERENCE_STATUSES, SEXES } from '@cms/domain';
import type { IsoDate, ReferenceStatus, Sex } from '@cms/domain';

/** A UK address as entered; checked by the domain rules (postcode, lengths) in the service. */
export class AddressDto {
  @ApiProperty({ example: '12 Acacia Avenue' })
  @IsString()
  line1: string;

  @ApiField({ type: 'string', nullable: true, optional: true, example: 'Flat 2' })
  @IsOptional()
  @IsString()
  line2?: string | null;

  @ApiField({ type: 'string', nullable: true, optional: true })
  @IsOptional()
  @IsString()
  line3?: string | null;

  @ApiProperty({ example: 'Leeds' })
  @IsString()
  town: string;

  @ApiProperty({ example: 'LS1 4AP' })
  @IsString()
  postcode: string;
}

/** Personal, address and contact details CMS holds for a client; every item optional on update. */
export class PersonalDetailsPatchDto {
  @ApiPropertyOptional({ example: 'Sarah' })
  @IsOptional()
  @IsString()
  firstName?: string;

  @ApiPropertyOptional({ example: 'Okafor' })
  @IsOptional()
  @IsString()
  lastName?: string;

  @ApiField({
    type: 'date',
    nullable: true,
    optional: true,
    example: '1988-04-17',
    description: 'ISO date, not in the future',
  })
  @IsOptional()
  @IsString()
  dateOfBirth?: IsoDate | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  dateOfBirthVerified?: boolean;

  @ApiField({
    type: 'date',
    nullable: true,
    optional: true,
    description: 'ISO date, not before the date of birth',
  })
  @IsOptional()
  @IsString()
  dateOfDeath?: IsoDate | null;

  @ApiPropertyOptional({ example: false })
  @IsOptional()
  @IsBoolean()
  dateOfDeathVerified?: boolean;

  @ApiPropertyOptional({ enum: SEXES, nullable: true })
  @IsOptional()
  @IsIn([...SEXES, null])
  sex?: Sex | null;

  @ApiPropertyOptional({ type: AddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;

  @ApiField({ type: 'date', nullable: true, optional: true, example: '2024-02-01' })
  @IsOptional()
  @IsString()
  addressStartDate?: IsoDate | null;

  @ApiField({ type: 'string', nullable: true, optional: true, example: '0113 496 0000' })
  @IsOptional()
  @IsString()
  homePhone?: string | null;

  @ApiField({ type: 'string', nullable: true, optional: true })
  @IsOptional()
  @IsString()
  businessPhone?: string | null;

  @ApiField({ type: 'string', nullable: true, optional: true, example: '07700 900123' })
  @IsOptional()
  @IsString()
  mobilePhone?: string | null;

  @ApiField({ type: 'string', nullable: true, optional: true, example: 'sarah.okafor@example.com' })
  @IsOptional()
  @IsString()
  homeEmail?: string | null;
}

/** Body of `POST /clients`: a NINO (adults) or a CRN (children), and personal details. */
export class CreateClientDto extends PersonalDetailsPatchDto {
  @ApiProperty({ example: 'Sarah' })
  @IsString()
  declare firstName: string;

  @ApiProperty({ example: 'Okafor' })
  @IsString()
  declare lastName: string;

  @ApiPropertyOptional({
    example: 'AB 12 34 56 C',
    description: 'National insurance number (spaces and case ignored)',
  })
  @IsOptional()
  @IsString()
  nino?: string;

  @ApiPropertyOptional({ description: 'Child reference number, for children' })
  @IsOptional()
  @IsString()
  crn?: string;
}

/** Body of `PATCH /clients/{id}`: the version read, and the items to change. */
export class UpdateClientDto extends PersonalDetailsPatchDto {
  @ApiProperty({
    example: 1,
    description: 'The version you read; a stale version gets 409 and changes nothing.',
  })
  @IsInt()
  @Min(1)
  version: number;
}

/** Body of `PUT /clients/{id}/reference-status`. */
export class ReferenceStatusDto {
  @ApiProperty({ enum: REFERENCE_STATUSES, example: 'Verified' })
  @IsIn(REFERENCE_STATUSES)
  status: ReferenceStatus;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  version: number;
}

/** Body of `POST /clients/search`: look a client up by NINO or CRN (kept out of URLs and logs). */
export class ClientSearchDto {
  @ApiPropertyOptional({ example: 'AB123456C' })
  @IsOptional()
  @IsString()
  nino?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  crn?: string;
}
