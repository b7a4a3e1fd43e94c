import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, ValidateNested } from 'class-validator';
import { CLIENT_ROLES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { PersonReferenceKind } from '@cms/domain';
import { Roles, Access, ApiField } from '@cms/platform';
import { DataSource } from 'typeorm';

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
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @Access.systemOnly('cis-interface matches broadcast transactions with live cases (BR-5)')
  @HttpCode(200)
  @Roles('system')
  @ApiOperation({
    summary:
      'For each NINO/CRN: the client and their live enquiries, applications and cases (BR-5). One query for the whole batch.',
  })
  @ApiOkResponse({ type: MatchResponseView, description: 'One match per reference, in order.' })
  async match(@Body() dto: MatchRequestDto): Promise<MatchResponseView> {
    const refs = dto.references.map((r) => ({
      kind: r.referenceKind,
      value: r.reference.replace(/\s+/g, '').toUpperCase(),
    }));
    const rows = await this.db.query<
      {
        kind: string;
        value: string;
        client_id: string | null;
        case_id: string | null;
        case_number: string;
        stage: string;
        role: string;
        sensitive: boolean;
      }[]
    >(
      `SELECT r.kind, r.value, c.id AS client_id, k.id AS case_id, k.case_number, k.stage, p.role, k.nationally_sensitive AS sensitive
         FROM unnest($1::text[], $2::text[]) AS r(kind, value)
         LEFT JOIN client c ON c.reference_kind = r.kind AND c.reference = r.value
         LEFT JOIN case_participant p ON p.client_id = c.id
         LEFT JOIN "case" k ON k.id = p.case_id AND k.live = true`,
      [refs.map((r) => r.kind), refs.map((r) => r.value)],
    );
    const byRef = new Map<string, MatchView>();
    for (const r of refs)
      byRef.set(`${r.kind}|${r.value}`, {
        referenceKind: r.kind,
        reference: r.value,
        clientId: null,
        cases: [],
      });
    for (const row of rows) {
      const m = byRef.get(`${row.kind}|${row.value}`)!;
      m.clientId = row.client_id;
      if (row.case_id && !m.cases.some((c) => c.caseId === row.case_id && c.role === row.role)) {
        m.cases.push({
          caseId: row.case_id,
          caseNumber: row.case_number,
          stage: row.stage,
          role: row.role,
          nationallySensitive: row.sensitive,
        });
      }
    }
    return { matches: [...byRef.values()] };
  }
}
