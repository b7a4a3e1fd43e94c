import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CIS_RETRIEVAL_REJECTIONS, type CisRetrievalRejection } from '@cms/domain';
import { PersonReferenceDto } from '../persons/person.dto';
import { CisPersonalDataView } from '../persons/person.view';

/** Access levels of the caseworker on whose behalf CMS retrieves (RD-4). */
export const ACCESS_LEVELS = ['standard', 'sensitive'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** Body of `POST /cis/personal-data/retrieve`. */
export class RetrieveDto extends PersonReferenceDto {
  @ApiPropertyOptional({
    enum: ACCESS_LEVELS,
    example: 'standard',
    description:
      'Access level of the caseworker the retrieval is for (default standard). A nationally sensitive record is ' +
      'returned only at `sensitive`; otherwise the answer is "Insufficient access level" (RD-4).',
  })
  @IsOptional()
  @IsIn(ACCESS_LEVELS)
  accessLevel?: AccessLevel;
}

/** The rejections a retrieval answers in its body (the technical error is HTTP 503 instead). */
export const BODY_REJECTIONS = CIS_RETRIEVAL_REJECTIONS.filter((r) => r !== 'TECHNICAL_ERROR');

/**
 * CIS's answer to a retrieval, SOAP style: always HTTP 200 with `outcome` `found` (and `person`) or
 * `rejected` (and `rejection`, CIS's `message`, the `requirementId` saying how CMS handles it, and
 * for NINO_SUPERSEDED the `supersededByNino`).
 */
@ApiSchema({ name: 'CisRetrievalResponse' })
export class RetrievalResponseView {
  @ApiProperty({ enum: ['found', 'rejected'], example: 'found' }) outcome: 'found' | 'rejected';
  @ApiProperty({
    type: CisPersonalDataView,
    nullable: true,
    description: 'Everything CIS holds (RD-2), with verification statuses; CMS applies RD-3’s filtering',
  })
  person: CisPersonalDataView | null;
  @ApiProperty({ enum: BODY_REJECTIONS, nullable: true, example: null }) rejection: Exclude<
    CisRetrievalRejection,
    'TECHNICAL_ERROR'
  > | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'CIS’s text, e.g. "NINO not found"',
  })
  message: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'For NINO_SUPERSEDED: the NINO to use',
  })
  supersededByNino: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: null,
    description: 'RD-5, or RD-4 for INSUFFICIENT_ACCESS_LEVEL',
  })
  requirementId: string | null;
}
