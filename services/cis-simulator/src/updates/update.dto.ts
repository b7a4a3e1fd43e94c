import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import {
  CIS_UPDATE_RESPONSE_CODES,
  CIS_UPDATE_TYPES,
  type CisUpdateResponseCode,
  type CisUpdateType,
} from '@cms/domain';
import { PersonReferenceDto } from '../persons/person.dto';
import { cisUpdateSchema } from './update.schemas';

/** Body of `POST /cis/updates`: the person and one update (SU-2), a `CisUpdate` from @cms/domain. */
export class CisUpdateRequestDto extends PersonReferenceDto {
  @ApiProperty(cisUpdateSchema)
  @IsObject()
  update: Record<string, unknown>;
}

/** CIS's update response (SU-5, SU-7), as shown to the caseworker. */
@ApiSchema({ name: 'CisUpdateResponse' })
export class UpdateResponseView {
  @ApiProperty({ format: 'uuid', description: 'CIS’s id of this update' }) updateId: string;
  @ApiProperty({ enum: CIS_UPDATE_TYPES, example: 'ADDRESS_CHANGE' }) updateType: CisUpdateType;
  @ApiProperty({
    enum: CIS_UPDATE_RESPONSE_CODES,
    example: '0',
    description:
      '0 accepted and applied (SU-7); 1 nationally sensitive (SU-6); 2 no interest registered (SU-1); 3 NINO/CRN not ' +
      'identified (not held, deleted or superseded). 9 is never answered here: a technical error is HTTP 503.',
  })
  responseCode: CisUpdateResponseCode;
  @ApiProperty({ example: 'ACCEPTED' }) responseName: string;
  @ApiProperty({ example: 'Update accepted and applied to the CIS record' }) message: string;
  @ApiProperty({ example: true }) applied: boolean;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-20T10:15:00.000Z' }) appliedAt: Date | null;
  @ApiProperty({ example: 'SU-7' }) requirementId: string;
  @ApiProperty({
    example: false,
    description: 'True when this is the stored answer to an earlier request with the same Idempotency-Key',
  })
  replayed: boolean;
}
