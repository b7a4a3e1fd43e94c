import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { INTEREST_TYPE_INFO, INTEREST_TYPES, PERSON_REFERENCE_KINDS } from '@cms/domain';
import type { InterestType, PersonReferenceKind } from '@cms/domain';
import type { Person } from '../persons/person.entity';
import type { InterestRegistration } from './interest.entity';

/** One of CMG's interests on a person's CIS record (RI-1), registered or deregistered (RI-2). */
@ApiSchema({ name: 'CisInterest' })
export class InterestView {
  @ApiProperty({ format: 'uuid', example: '0b8f0d0e-5a0e-4c2a-9a53-3e2f6f0c1a11' }) id: string;
  @ApiProperty({ enum: PERSON_REFERENCE_KINDS, example: 'NINO' }) referenceKind: PersonReferenceKind;
  @ApiProperty({ example: 'JK123456C' }) reference: string;
  @ApiProperty({ enum: INTEREST_TYPES, example: 'NRP_GENERAL' }) interestType: InterestType;
  @ApiProperty({ example: 'Paying parent general interest' }) label: string;
  @ApiProperty({ enum: ['registered', 'deregistered'], example: 'registered' }) status:
    'registered' | 'deregistered';
  @ApiProperty({ example: '2026-11-20T10:15:00.000Z' }) registeredAt: Date;
  @ApiProperty({ nullable: true, type: Date, example: null }) deregisteredAt: Date | null;
}

/** Answer of `POST /cis/interests`: the interest, and whether it was registered already (then nothing changed). */
export class RegisterInterestResultView {
  @ApiProperty({ type: InterestView }) interest: InterestView;
  @ApiProperty({ example: false, description: 'True when it was registered already (idempotent, HTTP 200)' })
  alreadyRegistered: boolean;
}

/** Answer of `POST /cis/interests/deregister`: the interest, and whether it was deregistered already (then nothing changed). */
export class DeregisterInterestResultView {
  @ApiProperty({ type: InterestView }) interest: InterestView;
  @ApiProperty({ example: false, description: 'True when it was deregistered already (idempotent)' })
  alreadyDeregistered: boolean;
}

/** Answer of `POST /cis/interests/list`. */
export class InterestListView {
  @ApiProperty({ type: [InterestView], description: 'Registered first, then deregistered, newest first' })
  interests: InterestView[];
}

/** Builds the API view of an interest. */
export function toInterestView(
  i: InterestRegistration,
  p: Pick<Person, 'referenceKind' | 'reference'>,
): InterestView {
  return {
    id: i.id,
    referenceKind: p.referenceKind,
    reference: p.reference,
    interestType: i.interestType,
    label: INTEREST_TYPE_INFO[i.interestType].label,
    status: i.deregisteredAt ? 'deregistered' : 'registered',
    registeredAt: i.registeredAt,
    deregisteredAt: i.deregisteredAt,
  };
}
