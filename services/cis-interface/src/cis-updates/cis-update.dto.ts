import { ApiField } from '@cms/platform';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsUUID } from 'class-validator';
import {
  CIS_UPDATE_RESPONSE_CODES,
  CIS_UPDATE_RESPONSE_INFO,
  CIS_UPDATE_TYPE_LABELS,
  CIS_UPDATE_TYPES,
  PERSON_REFERENCE_KINDS,
} from '@cms/domain';
import type { CisUpdateResponseCode, CisUpdateType, PersonReferenceKind } from '@cms/domain';
import { CIS_UPDATE_STATUSES, type CisUpdate, type CisUpdateStatus } from './cis-update.entity';

/** Body of `POST /cis-updates`: one of the six updates CIS accepts (SU-2) for a client. */
export class SendCisUpdateDto {
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' })
  @IsUUID()
  clientId: string;

  @ApiProperty({ enum: CIS_UPDATE_TYPES, example: 'ADDRESS_CHANGE', description: 'SU-2' })
  @IsIn(CIS_UPDATE_TYPES)
  updateType: CisUpdateType;

  @ApiField({
    type: 'object',
    description:
      'The items of the update: NAME_CHANGE {firstName, lastName}; ADDRESS_CHANGE {address {line1, line2?, line3?, town, postcode}, addressStartDate}; DOB_VERIFIED / DOB_NOT_VERIFIED {dateOfBirth}; DOD_VERIFIED / DOD_NOT_VERIFIED {dateOfDeath}. Dates ISO YYYY-MM-DD.',
    example: {
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-10-01',
    },
  })
  @IsObject()
  payload: Record<string, unknown>;

  @ApiPropertyOptional({
    format: 'uuid',
    example: '5b0c3f7e-1a2b-4c3d-9e8f-0a1b2c3d4e5f',
    description:
      'During maintenance: the CoC SR whose "Update CIS" is enabled (Sub Status CoC Accept, validations complete; SU-4). It enables only the item it validated (the update type from its path and validation outcome), with the values it records in `details.change` when it records them, once. Not needed at application stage (SU-3).',
  })
  @IsOptional()
  @IsUUID()
  serviceRequestId?: string;
}

/** An update sent to CIS and CIS's answer (SU-5, SU-7). */
export class CisUpdateView {
  @ApiProperty({ format: 'uuid', example: '1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b' }) id: string;
  @ApiProperty({ format: 'uuid', example: '7d1c2a9e-0c55-4d5f-9a3b-2f1e0b6c9d11' }) clientId: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({
    example: 'JK123456C',
    description:
      'The NINO/CRN: whole to caseworkers and the sensitive case team, masked (JK****56C) to other roles',
  })
  reference: string;
  @ApiProperty({ enum: CIS_UPDATE_TYPES, example: 'ADDRESS_CHANGE' }) updateType: CisUpdateType;
  @ApiProperty({ example: 'Change of address' }) updateLabel: string;
  @ApiField({
    type: 'object',
    example: {
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-10-01',
    },
  })
  payload: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: null }) serviceRequestId:
    string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: null }) discrepancyId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'application',
    description: 'The case stage that decided SU-3/SU-4',
  })
  stage: string | null;
  @ApiProperty({
    enum: CIS_UPDATE_STATUSES,
    example: 'answered',
    description:
      "pending: CIS is being asked; answered: CIS's response code is recorded (SU-7); unknown: CIS's answer did not arrive (it may have applied it): cis-interface is asking again with the same Idempotency-Key until CIS gives the outcome (SU-5); failed: CIS answered with a technical error or refused the request, nothing applied",
  })
  status: CisUpdateStatus;
  @ApiProperty({
    enum: CIS_UPDATE_RESPONSE_CODES,
    nullable: true,
    example: '0',
    description: "CIS's update response code (SU-7)",
  })
  responseCode: CisUpdateResponseCode | null;
  @ApiProperty({ nullable: true, type: String, example: 'ACCEPTED' }) responseName: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'Update accepted and applied to the CIS record' })
  responseMessage: string | null;
  @ApiProperty({ example: true, description: 'CIS applied the update to the record (SU-5)' })
  applied: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'SU-7' }) requirementId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description:
      'failed: the technical error or refusal CIS answered with; unknown: why the answer did not arrive',
  })
  failureReason: string | null;
  @ApiProperty({ example: 'cw-1042' }) requestedBy: string;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) requestedAt: Date;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-20T10:15:01.000Z' }) respondedAt: Date | null;
}

/** Answer of `GET /clients/{clientId}/cis-updates`. */
export class CisUpdateListView {
  @ApiProperty({ type: [CisUpdateView], description: 'Newest first' }) updates: CisUpdateView[];
}

/** Builds the API view of an update. */
export function toCisUpdateView(u: CisUpdate): CisUpdateView {
  const info = u.responseCode ? CIS_UPDATE_RESPONSE_INFO[u.responseCode] : null;
  return {
    id: u.id,
    clientId: u.clientId,
    referenceKind: u.referenceKind,
    reference: u.reference,
    updateType: u.updateType,
    updateLabel: CIS_UPDATE_TYPE_LABELS[u.updateType],
    payload: u.payload,
    serviceRequestId: u.serviceRequestId,
    discrepancyId: u.discrepancyId,
    stage: u.stage,
    status: u.status,
    responseCode: u.responseCode,
    responseName: info?.name ?? null,
    responseMessage: u.responseMessage || info?.message || null,
    applied: info?.applied ?? false,
    requirementId: info?.requirementId ?? null,
    failureReason: u.failureReason,
    requestedBy: u.requestedBy,
    requestedAt: u.requestedAt,
    respondedAt: u.respondedAt,
  };
}
