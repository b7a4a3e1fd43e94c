import { ApiField } from '@cms/platform';
import { ApiProperty } from '@nestjs/swagger';
import {
  CASE_STAGES,
  JURISDICTIONS,
  type IsoDate,
  type ReferenceStatus,
  type Sex,
  type UkAddress,
} from '@cms/domain';

export class AddressView {
  @ApiProperty({ example: '12 Acacia Avenue' }) line1: string;
  @ApiField({ type: 'string', nullable: true, optional: true }) line2?: string | null;
  @ApiField({ type: 'string', nullable: true, optional: true }) line3?: string | null;
  @ApiProperty({ example: 'Leeds' }) town: string;
  @ApiProperty({ example: 'LS1 4AP' }) postcode: string;
}

export class ClientCaseView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: '100000000001' }) caseNumber: string;
  @ApiProperty({ example: 'PWC', description: 'PWC receiving parent, NRP paying parent, QC, ROC' })
  role: string;
  @ApiProperty() live: boolean;
  @ApiProperty({ enum: JURISDICTIONS, example: 'GB', description: 'Whose service runs the case: GB or NI' })
  jurisdiction: string;
  @ApiProperty({ enum: CASE_STAGES, example: 'maintenance' }) stage: string;
}

/** A client as the API shows it: CMS's record, its cases, and whether it is nationally sensitive. */
export class ClientView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiField({ type: 'string', nullable: true, example: 'AB123456C' }) nino: string | null;
  @ApiField({ type: 'string', nullable: true }) crn: string | null;
  @ApiProperty({ enum: ['Unverified', 'Verified'] }) referenceStatus: ReferenceStatus;
  @ApiProperty({ example: 'Sarah' }) firstName: string;
  @ApiProperty({ example: 'Okafor' }) lastName: string;
  @ApiField({ type: 'date', nullable: true, example: '1988-04-17' }) dateOfBirth: IsoDate | null;
  @ApiProperty() dateOfBirthVerified: boolean;
  @ApiField({ type: 'date', nullable: true }) dateOfDeath: IsoDate | null;
  @ApiProperty() dateOfDeathVerified: boolean;
  @ApiProperty({ nullable: true, enum: ['M', 'F', 'U'] }) sex: Sex | null;
  @ApiProperty({ type: AddressView, nullable: true }) address: UkAddress | null;
  @ApiField({ type: 'date', nullable: true }) addressStartDate: IsoDate | null;
  @ApiField({ type: 'string', nullable: true, example: '+441134960000' }) homePhone: string | null;
  @ApiField({ type: 'string', nullable: true }) businessPhone: string | null;
  @ApiField({ type: 'string', nullable: true, example: '+447700900123' }) mobilePhone: string | null;
  @ApiField({ type: 'string', nullable: true, example: 'sarah@example.com' }) homeEmail: string | null;
  @ApiProperty({ description: 'RD-4: a sensitive case team call back is arranged' }) sensitiveCheck: boolean;
  @ApiProperty({
    description:
      'Nationally sensitive (X-1): flagged itself (SU-6), under Sensitive Check (RD-4), or on a nationally sensitive case',
  })
  nationallySensitive: boolean;
  @ApiProperty({ type: [ClientCaseView] }) cases: ClientCaseView[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}
