import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { INTEREST_TYPES, type InterestType } from '@cms/domain';
import { PersonReferenceDto } from '../persons/person.dto';

/** Body of `POST /cis/interests` and `POST /cis/interests/deregister`: a person and an interest type (RI-1, RI-2). */
export class InterestDto extends PersonReferenceDto {
  @ApiProperty({
    enum: INTEREST_TYPES,
    example: 'NRP_GENERAL',
    description:
      'PWC_QC_ROC_GENERAL receiving parent/QC/ROC general interest; NRP_GENERAL paying parent general interest; NRP_MC paying parent MC interest',
  })
  @IsIn(INTEREST_TYPES)
  interestType: InterestType;
}
