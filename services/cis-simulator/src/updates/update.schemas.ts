import { ApiProperty, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type {
  CisAddressUpdate,
  CisDateOfBirthUpdate,
  CisDateOfDeathUpdate,
  CisNameUpdate,
} from '@cms/domain';
import { UkAddressDto } from '../persons/person.dto';

/*
 * OpenAPI schemas of the `CisUpdate` union from @cms/domain (SU-2), for typed clients.
 * Documentation only: updates are validated by `validateCisUpdate` from @cms/domain.
 */

@ApiSchema({ name: 'CisNameUpdate', description: 'Name change: CIS name 1 and name 2.' })
export class CisNameUpdateSchema implements CisNameUpdate {
  @ApiProperty({ enum: ['NAME_CHANGE'], example: 'NAME_CHANGE' }) type: 'NAME_CHANGE';
  @ApiProperty({ example: 'Sarah', description: 'CIS name 1' }) firstName: string;
  @ApiProperty({ example: 'Reed', description: 'CIS name 2' }) lastName: string;
}

@ApiSchema({
  name: 'CisAddressUpdate',
  description: 'Change of address, with the date the person started living there.',
})
export class CisAddressUpdateSchema implements CisAddressUpdate {
  @ApiProperty({ enum: ['ADDRESS_CHANGE'], example: 'ADDRESS_CHANGE' }) type: 'ADDRESS_CHANGE';
  @ApiProperty({ type: UkAddressDto }) address: UkAddressDto;
  @ApiProperty({ example: '2026-10-01', description: 'ISO date' }) addressStartDate: string;
}

@ApiSchema({
  name: 'CisDateOfBirthUpdate',
  description: 'Notification of a date of birth, verified or not verified (by type).',
})
export class CisDateOfBirthUpdateSchema implements CisDateOfBirthUpdate {
  @ApiProperty({ enum: ['DOB_VERIFIED', 'DOB_NOT_VERIFIED'], example: 'DOB_VERIFIED' })
  type: 'DOB_VERIFIED' | 'DOB_NOT_VERIFIED';
  @ApiProperty({ example: '1988-04-17', description: 'ISO date, not in the future' }) dateOfBirth: string;
}

@ApiSchema({
  name: 'CisDateOfDeathUpdate',
  description: 'Notification of a date of death, verified or not verified (by type).',
})
export class CisDateOfDeathUpdateSchema implements CisDateOfDeathUpdate {
  @ApiProperty({ enum: ['DOD_VERIFIED', 'DOD_NOT_VERIFIED'], example: 'DOD_NOT_VERIFIED' })
  type: 'DOD_VERIFIED' | 'DOD_NOT_VERIFIED';
  @ApiProperty({
    example: '2026-11-15',
    description: 'ISO date, not in the future nor before the date of birth',
  })
  dateOfDeath: string;
}

/** The classes above, for `@ApiExtraModels`. */
export const CIS_UPDATE_SCHEMAS = [
  CisNameUpdateSchema,
  CisAddressUpdateSchema,
  CisDateOfBirthUpdateSchema,
  CisDateOfDeathUpdateSchema,
];

/** `oneOf` schema of a `CisUpdate`, for `@ApiProperty(cisUpdateSchema)`. */
export const cisUpdateSchema = {
  oneOf: CIS_UPDATE_SCHEMAS.map((s) => ({ $ref: getSchemaPath(s) })),
  description:
    'A CisUpdate (@cms/domain): `type` is one of the six SU-2 update types; the other fields depend on it.',
  example: { type: 'NAME_CHANGE', firstName: 'Sarah', lastName: 'Reed' },
};
