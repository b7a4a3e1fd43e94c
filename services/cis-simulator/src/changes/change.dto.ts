import { ApiProperty } from '@nestjs/swagger';
import { CIS_CHANGE_TYPES, type CisChangeType } from '@cms/domain';
import { IsInt, IsObject, Max, Min } from 'class-validator';
import { PersonReferenceDto } from '../persons/person.dto';
import { cisChangeSchema } from './change.schemas';

/** Body of `POST /admin/changes`: a change made elsewhere in DWP to a person's record (BR-6). */
export class RecordChangeDto extends PersonReferenceDto {
  @ApiProperty(cisChangeSchema)
  @IsObject()
  change: Record<string, unknown>;
}

/** Body of `POST /admin/changes/generate`. */
export class GenerateChangesDto {
  @ApiProperty({
    example: 3,
    minimum: 1,
    maximum: 200,
    description: 'Changes to record of each of the 15 types',
  })
  @IsInt()
  @Min(1)
  @Max(200)
  perType: number;

  @ApiProperty({ example: 7, description: 'Seed: the same seed on the same data records the same changes' })
  @IsInt()
  seed: number;
}

/** How many changes of one type were recorded. */
export class ChangeTypeCountView {
  @ApiProperty({ enum: CIS_CHANGE_TYPES, example: 'ADDRESS_CHANGE' }) changeType: CisChangeType;
  @ApiProperty({ example: 3 }) count: number;
}

/** Answer of `POST /admin/changes/generate`. */
export class GenerateChangesResultView {
  @ApiProperty({ example: 45 }) recorded: number;
  @ApiProperty({ type: [ChangeTypeCountView] }) byType: ChangeTypeCountView[];
  @ApiProperty({
    type: [String],
    example: [],
    description: 'Types not recorded because no person fits (benefit changes need a paying parent interest)',
  })
  skippedTypes: CisChangeType[];
}
