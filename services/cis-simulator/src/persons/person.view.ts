import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { PERSON_REFERENCE_KINDS, SEXES } from '@cms/domain';
import type { IsoDate, PersonalDetails, PersonReferenceKind, Sex } from '@cms/domain';
import { ChangeView } from '../changes/change.view';
import { InterestView } from '../interests/interest.view';
import { UkAddressDto } from './person.dto';
import type { Person } from './person.entity';

/**
 * A person's personal, address and contact data exactly as CIS holds it (RD-2), with the
 * verification status of each date. CMS applies RD-3's "only where verified / different" rules.
 */
@ApiSchema({ name: 'CisPersonalData' })
export class CisPersonalDataView implements PersonalDetails {
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C' }) reference: string;
  @ApiProperty({ example: 'Sarah', description: 'CIS name 1' }) firstName: string;
  @ApiProperty({ example: 'Okafor', description: 'CIS name 2' }) lastName: string;
  @ApiProperty({ nullable: true, type: String, example: '1988-04-17' }) dateOfBirth: IsoDate | null;
  @ApiProperty({ example: true }) dateOfBirthVerified: boolean;
  @ApiProperty({ nullable: true, type: String, example: null }) dateOfDeath: IsoDate | null;
  @ApiProperty({ example: false }) dateOfDeathVerified: boolean;
  @ApiProperty({ enum: SEXES, nullable: true, example: 'F' }) sex: Sex | null;
  @ApiProperty({ type: UkAddressDto, nullable: true }) address: UkAddressDto | null;
  @ApiProperty({ nullable: true, type: String, example: '2021-06-01' }) addressStartDate: IsoDate | null;
  @ApiProperty({ nullable: true, type: String, example: '+441632960001', description: 'E.164' }) homePhone:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'E.164' }) businessPhone:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: '+447700900123', description: 'E.164' }) mobilePhone:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: 'sarah.okafor@example.com' }) homeEmail:
    string | null;
}

/** A person as the admin API shows it: CIS's data, its states and CMG's interests. */
export class PersonAdminView extends CisPersonalDataView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: false }) nationallySensitive: boolean;
  @ApiProperty({ example: false }) deleted: boolean;
  @ApiProperty({ nullable: true, type: String, example: null }) supersededByNino: string | null;
  @ApiProperty({ type: [InterestView] }) interests: InterestView[];
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) updatedAt: Date;
}

/** A person with the changes recorded on them (newest first, at most 100). */
export class PersonDetailView extends PersonAdminView {
  @ApiProperty({ type: [ChangeView] }) changes: ChangeView[];
}

/** One page of `GET /admin/persons`. */
export class PersonPageView {
  @ApiProperty({ type: [PersonAdminView] }) items: PersonAdminView[];
  @ApiProperty({ example: 120 }) total: number;
}

/** A created person's key and the interests registered on them. */
export class SeededPersonView {
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C' }) reference: string;
  @ApiProperty({ example: ['NRP_GENERAL'], isArray: true, type: String }) interestTypes: string[];
}

/** Answer of `POST /admin/seed`. */
export class SeedResultView {
  @ApiProperty({ example: 50 }) created: number;
  @ApiProperty({ type: [SeededPersonView] }) persons: SeededPersonView[];
}

/** CIS's personal data of a person. */
export function personalDataOf(p: Person): CisPersonalDataView {
  return {
    referenceKind: p.referenceKind,
    reference: p.reference,
    firstName: p.firstName,
    lastName: p.lastName,
    dateOfBirth: p.dateOfBirth,
    dateOfBirthVerified: p.dateOfBirthVerified,
    dateOfDeath: p.dateOfDeath,
    dateOfDeathVerified: p.dateOfDeathVerified,
    sex: p.sex,
    address: p.address,
    addressStartDate: p.addressStartDate,
    homePhone: p.homePhone,
    businessPhone: p.businessPhone,
    mobilePhone: p.mobilePhone,
    homeEmail: p.homeEmail,
  };
}
