import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, ValidateNested } from 'class-validator';
import { CIS_CHANGE_TYPES, CLIENT_ROLES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { Actor, CisChangeType, PersonReferenceKind } from '@cms/domain';
import { Roles, Access, ApiField, ApiProblems, CurrentActor } from '@cms/platform';
import { BatchResultView } from '../service-requests/service-request.view';
import { CisMatchingService } from './cis-matching.service';
import {
  MAX_MATCH_AND_RAISE_ITEMS,
  type MatchAndRaiseInput,
  MatchAndRaisePipe,
} from './match-and-raise.input';

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

/** One CIS transaction of `POST /cis-matches/raise` (documentation; checked by MatchAndRaisePipe). */
export class MatchAndRaiseItemDoc {
  @ApiProperty({
    example: '5d0c7c4e-2f4b-4bb6-8f3e-7a4f0e6b9d21',
    description: "The CIS transaction id: the SR's idempotency key",
    minLength: 1,
    maxLength: 200,
  })
  idempotencyKey: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'AB123456C', maxLength: 20 }) reference: string;
  @ApiProperty({ enum: CIS_CHANGE_TYPES, example: 'ADDRESS_CHANGE' }) changeType: CisChangeType;
  @ApiField({
    type: 'object',
    description: 'The CIS change payload (a CisChange); `type` equals changeType',
    example: {
      type: 'ADDRESS_CHANGE',
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-11-01',
    },
  })
  change: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', example: '2026-11-21T09:15:00.000Z' }) recordedAt: string;
}

/** Body of `POST /cis-matches/raise`. */
export class MatchAndRaiseDoc {
  @ApiProperty({ type: [MatchAndRaiseItemDoc], minItems: 1, maxItems: MAX_MATCH_AND_RAISE_ITEMS })
  items: MatchAndRaiseItemDoc[];
}

/** One transaction's outcome in `POST /cis-matches/raise`: its match (BR-5) and the SR raised, if any. */
export class MatchAndRaiseResultView {
  @ApiProperty({ example: '5d0c7c4e-2f4b-4bb6-8f3e-7a4f0e6b9d21' }) idempotencyKey: string;
  @ApiField({ type: 'uuid', nullable: true, example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' })
  clientId: string | null;
  @ApiField({ type: 'string', enum: CLIENT_ROLES, nullable: true, example: 'NRP' }) role: string | null;
  @ApiProperty({ type: [String], example: ['6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11'] }) caseIds: string[];
  @ApiProperty({
    example: false,
    description: 'A matched case is nationally sensitive, or the change is a sensitivity update (BR-7)',
  })
  nationallySensitive: boolean;
  @ApiField({
    type: 'string',
    nullable: true,
    example: null,
    description: 'Why it matched no live enquiry, application or case (BR-5); null when matched',
  })
  unmatched: string | null;
  @ApiField({
    type: BatchResultView,
    nullable: true,
    description:
      'The SR raised (or raised before under this key); null when unmatched or the change raises none (BR-8)',
  })
  serviceRequest: BatchResultView | null;
}

/** The answer of `POST /cis-matches/raise`: one result per item, in order. */
export class MatchAndRaiseResultsView {
  @ApiProperty({ type: [MatchAndRaiseResultView] }) results: MatchAndRaiseResultView[];
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

  @Post('raise')
  @Access.systemOnly(
    'cis-interface matches broadcast transactions and raises their SRs in one call (BR-5, BR-6)',
  )
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'CIS - Receive Broadcast Updates, steps 2–4 in one call and one transaction: each transaction matched with ' +
      'live enquiries, applications and cases (BR-5) and, when it matches and its change type raises one, its SR ' +
      'raised, idempotent on the key (BR-6; BR-7 routing, BR-9 no-change close). A benefit claim (BR-8) is ' +
      'matched only. A key seen before answers the SR it raised.',
  })
  @ApiBody({ type: MatchAndRaiseDoc })
  @ApiOkResponse({ type: MatchAndRaiseResultsView, description: 'One result per item, in order.' })
  @ApiProblems(400)
  async matchAndRaise(
    @Body(MatchAndRaisePipe) body: MatchAndRaiseInput,
    @CurrentActor() actor: Actor,
  ): Promise<MatchAndRaiseResultsView> {
    return { results: await this.matching.matchAndRaise(body.items, actor) };
  }
}
