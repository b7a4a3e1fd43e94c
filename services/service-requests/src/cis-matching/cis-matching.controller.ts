import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, ValidateNested } from 'class-validator';
import { CLIENT_ROLES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { PersonReferenceKind } from '@cms/domain';
import { Roles, Access, ApiField } from '@cms/platform';
import { CisMatchingService } from './cis-matching.service';

export class ReferenceDto {
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' })
  @IsIn(PERSON_REFERENCE_KINDS)
  referenceKind: PersonReferenceKind;

  @ApiProperty({ example: 'AB123456C' })
  @IsString()
  reference: string;
}

export class MatchRequestDto {
  @ApiProperty({ type: [ReferenceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @ValidateNested({ each: true })
  @Type(() => ReferenceDto)
  references: ReferenceDto[];
}

export class MatchedCaseView {
  @ApiField({ type: 'uuid' }) caseId: string;
  @ApiProperty() caseNumber: string;
  @ApiProperty({ example: 'maintenance' }) stage: string;
  @ApiProperty({ enum: CLIENT_ROLES, example: 'NRP' }) role: string;
  @ApiProperty() nationallySensitive: boolean;
}

export class MatchView {
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS }) referenceKind: string;
  @ApiProperty() reference: string;
  @ApiField({ type: 'uuid', nullable: true }) clientId: string | null;
  @ApiProperty({ type: [MatchedCaseView] }) cases: MatchedCaseView[];
}

export class MatchResponseView {
  @ApiProperty({ type: [MatchView] }) matches: MatchView[];
}

/** Matches CIS transactions' NINOs/CRNs to live enquiries, applications or cases (BR-5). */
@ApiTags('cis-matching')
@Controller('cis-matches')
export class CisMatchingController {
  constructor(private readonly matching: CisMatchingService) {}

  @Post()
  @Access.systemOnly('cis-interface matches broadcast transactions with live cases (BR-5)')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'For each NINO/CRN: the client and their live enquiries, applications and cases (BR-5). One query for the whole batch.',
  })
  @ApiOkResponse({ type: MatchResponseView, description: 'One match per reference, in order.' })
  match(@Body() dto: MatchRequestDto): Promise<MatchResponseView> {
    return this.matching.match(dto.references);
  }
}
