import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { INTEREST_TYPE_INFO, INTEREST_TYPES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { InterestType, PersonReferenceKind } from '@cms/domain';
import type { InterestRegistration } from './interest.entity';

/** Body of `POST /clients/{clientId}/interests`. */
export class RegisterInterestDto {
  @ApiProperty({
    enum: INTEREST_TYPES,
    example: 'NRP_GENERAL',
    description:
      'PWC_QC_ROC_GENERAL for a receiving parent, qualifying child or relevant other child; NRP_GENERAL or NRP_MC for a paying parent (RI-1)',
  })
  @IsIn(INTEREST_TYPES)
  interestType: InterestType;
}

/** One of CMG's interests on a client's CIS record (RI-1), registered or deregistered (RI-2). */
export class InterestView {
  @ApiProperty({ format: 'uuid', example: '0b8f0d0e-5a0e-4c2a-9a53-3e2f6f0c1a11' }) id: string;
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' }) clientId: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({
    example: 'JK123456C',
    description:
      'The NINO/CRN: whole to caseworkers and the sensitive case team, masked (JK****56C) to other roles',
  })
  reference: string;
  @ApiProperty({ enum: INTEREST_TYPES, example: 'NRP_GENERAL' }) interestType: InterestType;
  @ApiProperty({ example: 'Paying parent general interest' }) label: string;
  @ApiProperty({ example: 'NRP', description: 'The client role the type was checked against (RI-1)' })
  clientRole: string;
  @ApiProperty({ enum: ['registered', 'deregistered'], example: 'registered' }) status:
    'registered' | 'deregistered';
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) registeredAt: Date;
  @ApiProperty({ example: 'cw-1042' }) registeredBy: string;
  @ApiProperty({ nullable: true, type: Date, example: null }) deregisteredAt: Date | null;
  @ApiProperty({ nullable: true, type: String, example: null }) deregisteredBy: string | null;
}

/** Answer of `POST /clients/{clientId}/interests` (RI-1): the interest, and whether it was registered already. */
export class RegisterInterestResultView extends InterestView {
  @ApiProperty({
    example: false,
    description:
      "true (HTTP 200) when CMG's interest of this type was registered already: nothing changed and nothing was audited, as CIS answers a repeated registration; false (HTTP 201) when registered now",
  })
  alreadyRegistered: boolean;
}

/** Answer of `DELETE /clients/{clientId}/interests/{interestType}` (RI-2). */
export class DeregisterInterestResultView extends InterestView {
  @ApiProperty({
    example: false,
    description:
      'true when the interest was deregistered already: nothing changed and nothing was audited, as CIS answers a repeated deregistration',
  })
  alreadyDeregistered: boolean;
}

/** Answer of `GET /clients/{clientId}/interests`. */
export class InterestListView {
  @ApiProperty({ type: [InterestView], description: 'Registered first, then deregistered; newest first' })
  interests: InterestView[];
}

/** Builds the API view of an interest. */
export function toInterestView(i: InterestRegistration): InterestView {
  return {
    id: i.id,
    clientId: i.clientId,
    referenceKind: i.referenceKind,
    reference: i.reference,
    interestType: i.interestType,
    label: INTEREST_TYPE_INFO[i.interestType].label,
    clientRole: i.clientRole,
    status: i.status,
    registeredAt: i.registeredAt,
    registeredBy: i.registeredBy,
    deregisteredAt: i.deregisteredAt,
    deregisteredBy: i.deregisteredBy,
  };
}
