import { Omittable } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { INTEREST_TYPES, PERSON_REFERENCE_KINDS, SEXES } from '@cms/domain';
import type { InterestType, IsoDate, PersonReferenceKind, Sex } from '@cms/domain';

/** A person's CIS key in a request body (kept out of URLs so NINOs stay out of access logs). */
export class PersonReferenceDto {
  @ApiProperty({
    enum: PERSON_REFERENCE_KINDS,
    example: 'NINO',
    description: 'NINO (adults) or CRN (children)',
  })
  @IsIn(PERSON_REFERENCE_KINDS)
  referenceKind: PersonReferenceKind;

  @ApiProperty({ example: 'JK123456C', description: 'The NINO or CRN; spaces and case are ignored' })
  @IsString()
  reference: string;
}

/** A UK address as CIS holds it; checked by the domain rules (lengths, postcode) in the service. */
@ApiSchema({ name: 'UkAddress' })
export class UkAddressDto {
  @ApiProperty({ example: '12 Acacia Avenue', description: 'At most 35 characters' })
  @IsString()
  line1: string;

  @ApiPropertyOptional({ example: 'Flat 2', nullable: true, type: String })
  @IsOptional()
  @IsString()
  line2?: string | null;

  @ApiPropertyOptional({ example: 'Headingley', nullable: true, type: String })
  @IsOptional()
  @IsString()
  line3?: string | null;

  @ApiProperty({ example: 'Leeds' })
  @IsString()
  town: string;

  @ApiProperty({ example: 'LS6 3AA', description: 'A UK postcode; normalised to upper case with one space' })
  @IsString()
  postcode: string;
}

/** Body of `POST /admin/persons`: one person as CIS holds them, and optionally CMG's interests on them. */
export class CreatePersonDto extends PersonReferenceDto {
  @ApiProperty({ example: 'Sarah', description: 'CIS name 1' })
  @IsString()
  firstName: string;

  @ApiProperty({ example: 'Okafor', description: 'CIS name 2' })
  @IsString()
  lastName: string;

  @ApiPropertyOptional({ example: '1988-04-17', nullable: true, type: String, description: 'ISO date' })
  @IsOptional()
  @IsString()
  dateOfBirth?: IsoDate | null;

  @ApiPropertyOptional({ example: true, description: 'The date of birth is verified on CIS' })
  @IsOptional()
  @IsBoolean()
  dateOfBirthVerified?: boolean;

  @ApiPropertyOptional({ example: null, nullable: true, type: String, description: 'ISO date' })
  @IsOptional()
  @IsString()
  dateOfDeath?: IsoDate | null;

  @ApiPropertyOptional({ example: false, description: 'The date of death is verified on CIS' })
  @IsOptional()
  @IsBoolean()
  dateOfDeathVerified?: boolean;

  @ApiPropertyOptional({ enum: SEXES, example: 'F', nullable: true })
  @IsOptional()
  @IsIn([...SEXES, null])
  sex?: Sex | null;

  @ApiPropertyOptional({ type: UkAddressDto, nullable: true })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UkAddressDto)
  address?: UkAddressDto | null;

  @ApiPropertyOptional({ example: '2021-06-01', nullable: true, type: String, description: 'ISO date' })
  @IsOptional()
  @IsString()
  addressStartDate?: IsoDate | null;

  @ApiPropertyOptional({ example: '01632 960001', nullable: true, type: String })
  @IsOptional()
  @IsString()
  homePhone?: string | null;

  @ApiPropertyOptional({ example: '01632 960002', nullable: true, type: String })
  @IsOptional()
  @IsString()
  businessPhone?: string | null;

  @ApiPropertyOptional({ example: '07700 900123', nullable: true, type: String })
  @IsOptional()
  @IsString()
  mobilePhone?: string | null;

  @ApiPropertyOptional({ example: 'sarah.okafor@example.com', nullable: true, type: String })
  @IsOptional()
  @IsString()
  homeEmail?: string | null;

  @ApiPropertyOptional({ example: false, description: 'Nationally sensitive record (SU-6, RD-4)' })
  @IsOptional()
  @IsBoolean()
  nationallySensitive?: boolean;

  @ApiPropertyOptional({
    enum: INTEREST_TYPES,
    isArray: true,
    example: ['PWC_QC_ROC_GENERAL'],
    description: 'CMG interests to register on the new record at once (RI-1)',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(INTEREST_TYPES, { each: true })
  interestTypes?: InterestType[];
}

/** Body of `POST /admin/persons/flags`: set or clear the nationally sensitive and deleted states. */
export class PersonFlagsDto extends PersonReferenceDto {
  // Left out: unchanged. Present: true or false, never null.
  @ApiPropertyOptional({ example: true, description: 'Nationally sensitive (SU-6, RD-4); not broadcast' })
  @Omittable()
  @IsBoolean()
  nationallySensitive?: boolean;

  @ApiPropertyOptional({ example: false, description: 'Deleted on CIS (RD-5 "NINO deleted")' })
  @Omittable()
  @IsBoolean()
  deleted?: boolean;
}

/** Body of `POST /admin/persons/supersede`: the record's NINO/CRN is replaced by `newNino`. */
export class SupersedeDto extends PersonReferenceDto {
  @ApiProperty({
    example: 'JK654321D',
    description: 'The NINO that replaces the reference (RD-5 "NINO superseded")',
  })
  @IsString()
  newNino: string;
}

/** Body of `POST /admin/seed`: how many realistic persons to create, from which seed. */
export class SeedDto {
  @ApiProperty({ example: 50, minimum: 1, maximum: 2000 })
  @IsInt()
  @Min(1)
  @Max(2000)
  count: number;

  @ApiProperty({
    example: 42,
    description: 'Seed of the random generator: the same seed on the same data gives the same persons',
  })
  @IsInt()
  seed: number;

  @ApiPropertyOptional({
    example: 0.6,
    minimum: 0,
    maximum: 1,
    description: 'Share of persons on which CMG interests are registered (default 0.6)',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  interestShare?: number;

  @ApiPropertyOptional({
    example: 0.15,
    minimum: 0,
    maximum: 1,
    description: 'Share of persons that are children, keyed by CRN (default 0.15)',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  childShare?: number;
}

/** Query of `GET /admin/persons`. */
export class ListPersonsQuery {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, description: 'Page size (default 50)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ example: 0, minimum: 0, description: 'Rows to skip (default 0)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset?: number;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    example: 'true',
    description: 'Only persons with at least one registered interest',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  withInterest?: 'true' | 'false';
}
