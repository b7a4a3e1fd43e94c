import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import type {
  CisAddressChange,
  CisBenefitChange,
  CisBenefitClaim,
  CisDateOfBirthChange,
  CisDateOfDeathChange,
  CisDateOfDeathRemoval,
  CisNameChange,
  CisSensitivityChange,
} from '@cms/domain';
import { UkAddressDto } from '../persons/person.dto';

/*
 * OpenAPI schemas of the `CisChange` union from @cms/domain (BR-6), one class per payload shape, so
 * that generated clients get a typed union. Documentation only: payloads are validated by
 * `validateCisChange` from @cms/domain, never twice.
 */

@ApiSchema({
  name: 'CisNameChange',
  description: 'Change of name 1, or correction of name 1 or 2: both names as they now stand.',
})
export class CisNameChangeSchema implements CisNameChange {
  @ApiProperty({ enum: ['NAME_1_CHANGE', 'NAME_CORRECTION'], example: 'NAME_1_CHANGE' })
  type: 'NAME_1_CHANGE' | 'NAME_CORRECTION';
  @ApiProperty({ example: 'Sarah', description: 'CIS name 1' }) firstName: string;
  @ApiProperty({ example: 'Okafor-Reed', description: 'CIS name 2' }) lastName: string;
}

@ApiSchema({
  name: 'CisAddressChange',
  description: 'Address change: the new address and the date the person started living there.',
})
export class CisAddressChangeSchema implements CisAddressChange {
  @ApiProperty({ enum: ['ADDRESS_CHANGE'], example: 'ADDRESS_CHANGE' }) type: 'ADDRESS_CHANGE';
  @ApiProperty({ type: UkAddressDto }) address: UkAddressDto;
  @ApiProperty({ example: '2026-11-01', description: 'ISO date' }) addressStartDate: string;
}

@ApiSchema({
  name: 'CisDateOfBirthChange',
  description:
    'Verification of date of birth (verified true), its correction (true), or correction of an unverified one (false).',
})
export class CisDateOfBirthChangeSchema implements CisDateOfBirthChange {
  @ApiProperty({
    enum: ['DOB_VERIFICATION', 'DOB_VERIFICATION_CORRECTION', 'DOB_UNVERIFIED_CORRECTION'],
    example: 'DOB_VERIFICATION',
  })
  type: 'DOB_VERIFICATION' | 'DOB_VERIFICATION_CORRECTION' | 'DOB_UNVERIFIED_CORRECTION';
  @ApiProperty({ example: '1988-04-17', description: 'ISO date' }) dateOfBirth: string;
  @ApiProperty({ example: true, description: 'Must match the type' }) verified: boolean;
}

@ApiSchema({
  name: 'CisDateOfDeathChange',
  description:
    'Notification (verified either way), verification (true), correction of an unverified (false) or verified (true) date of death.',
})
export class CisDateOfDeathChangeSchema implements CisDateOfDeathChange {
  @ApiProperty({
    enum: ['DOD_NOTIFICATION', 'DOD_VERIFICATION', 'DOD_UNVERIFIED_CORRECTION', 'DOD_VERIFIED_CORRECTION'],
    example: 'DOD_NOTIFICATION',
  })
  type: 'DOD_NOTIFICATION' | 'DOD_VERIFICATION' | 'DOD_UNVERIFIED_CORRECTION' | 'DOD_VERIFIED_CORRECTION';
  @ApiProperty({ example: '2026-11-18', description: 'ISO date' }) dateOfDeath: string;
  @ApiProperty({ example: false }) verified: boolean;
}

@ApiSchema({ name: 'CisDateOfDeathRemoval', description: 'The date of death was removed from the record.' })
export class CisDateOfDeathRemovalSchema implements CisDateOfDeathRemoval {
  @ApiProperty({ enum: ['DOD_REMOVAL'], example: 'DOD_REMOVAL' }) type: 'DOD_REMOVAL';
}

@ApiSchema({
  name: 'CisBenefitChange',
  description: 'The paying parent (or their partner) went on or came off a benefit.',
})
export class CisBenefitChangeSchema implements CisBenefitChange {
  @ApiProperty({ enum: ['NRP_BENEFIT_ON_OFF', 'NRP_PARTNER_BENEFIT_ON_OFF'], example: 'NRP_BENEFIT_ON_OFF' })
  type: 'NRP_BENEFIT_ON_OFF' | 'NRP_PARTNER_BENEFIT_ON_OFF';
  @ApiProperty({ example: true }) onBenefit: boolean;
  @ApiProperty({ example: 'Universal Credit', maxLength: 50 }) benefitType: string;
  @ApiPropertyOptional({ example: '2026-11-10', nullable: true, type: String, description: 'ISO date' })
  effectiveDate?: string | null;
}

@ApiSchema({
  name: 'CisBenefitClaim',
  description: 'The paying parent claimed a benefit (BR-8: no SR, an automated letter).',
})
export class CisBenefitClaimSchema implements CisBenefitClaim {
  @ApiProperty({ enum: ['NRP_BENEFIT_CLAIM'], example: 'NRP_BENEFIT_CLAIM' }) type: 'NRP_BENEFIT_CLAIM';
  @ApiProperty({ example: "Jobseeker's Allowance (income-based)", maxLength: 50 }) benefitType: string;
  @ApiProperty({ example: '2026-11-12', description: 'ISO date' }) claimDate: string;
}

@ApiSchema({
  name: 'CisSensitivityChange',
  description: 'The nationally sensitive status was set or cleared (BR-7).',
})
export class CisSensitivityChangeSchema implements CisSensitivityChange {
  @ApiProperty({ enum: ['NATIONALLY_SENSITIVE_STATUS'], example: 'NATIONALLY_SENSITIVE_STATUS' })
  type: 'NATIONALLY_SENSITIVE_STATUS';
  @ApiProperty({ example: true }) nationallySensitive: boolean;
}

/** The classes above, for `@ApiExtraModels`. */
export const CIS_CHANGE_SCHEMAS = [
  CisNameChangeSchema,
  CisAddressChangeSchema,
  CisDateOfBirthChangeSchema,
  CisDateOfDeathChangeSchema,
  CisDateOfDeathRemovalSchema,
  CisBenefitChangeSchema,
  CisBenefitClaimSchema,
  CisSensitivityChangeSchema,
];

/** `oneOf` schema of a `CisChange`, for `@ApiProperty(cisChangeSchema)`. */
export const cisChangeSchema = {
  oneOf: CIS_CHANGE_SCHEMAS.map((s) => ({ $ref: getSchemaPath(s) })),
  description:
    'A CisChange (@cms/domain): `type` is one of the 15 BR-6 change types; the other fields depend on it.',
  example: {
    type: 'ADDRESS_CHANGE',
    address: { line1: '3 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
    addressStartDate: '2026-11-01',
  },
};
