import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One field's problem (`FieldProblem` of @cms/domain), as problem+json `errors[]` and views show it. */
export class FieldProblemView {
  @ApiProperty({ example: 'transactions[3].payload.address.postcode' }) field: string;
  @ApiProperty({ example: 'postcode' }) rule: string;
  @ApiProperty({ example: 'Not a valid UK postcode.' }) message: string;
  @ApiPropertyOptional({ example: 'BR-6' }) requirementId?: string;
}
