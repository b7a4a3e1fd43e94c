import { ApiProperty } from '@nestjs/swagger';
import { CASE_STAGES, CLIENT_ROLES, JURISDICTIONS } from '@cms/domain';
import { ApiField } from '@cms/platform';

export class CaseParticipantView {
  @ApiField({ type: 'uuid' }) clientId: string;
  @ApiProperty({ enum: CLIENT_ROLES, example: 'PWC' }) role: string;
  @ApiProperty({ example: 'Sarah' }) firstName: string;
  @ApiProperty({ example: 'Okafor' }) lastName: string;
}

/** A case as the API shows it, with its participants named by role. */
export class CaseView {
  @ApiField({ type: 'uuid' }) id: string;
  @ApiProperty({ example: '100000000001', description: 'The generated 12-digit case number' })
  caseNumber: string;
  @ApiProperty({ enum: JURISDICTIONS, example: 'GB' }) jurisdiction: string;
  @ApiProperty({ enum: CASE_STAGES, example: 'maintenance' }) stage: string;
  @ApiProperty() live: boolean;
  @ApiProperty() nationallySensitive: boolean;
  @ApiProperty({ description: 'Manually built CSA Arrears Only case (SD-21)' }) csaArrearsOnly: boolean;
  @ApiProperty({ type: [CaseParticipantView] }) participants: CaseParticipantView[];
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

/** A page of `GET /cases`. */
export class CasePageView {
  @ApiProperty({ type: [CaseView] }) items: CaseView[];
  @ApiProperty({ example: 1, description: 'Cases matching the query, over every page' }) total: number;
}
