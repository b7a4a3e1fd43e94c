import type { InterestType, PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * CMG's interest of one type on a client's CIS record (RI-1), from registration until
 * deregistration (RI-2), as this service registered it with CIS. At most one registered interest
 * per client and type; deregistered ones stay as history.
 */
@Entity('interest_registration')
@Index('UQ_interest_registration_active', ['clientId', 'interestType'], {
  unique: true,
  where: `"status" = 'registered'`,
})
@Index('IDX_interest_registration_reference', ['referenceKind', 'reference'])
export class InterestRegistration {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_interest_registration' })
  id: string;

  /** The client in service-requests. */
  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  /** NINO or CRN the interest was registered on, normalised. */
  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'interest_type', type: 'text' })
  interestType: InterestType;

  /** The client's role the type was checked against (RI-1). */
  @Column({ name: 'client_role', type: 'text' })
  clientRole: string;

  @Column({ type: 'text' })
  status: 'registered' | 'deregistered';

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy: string;

  @Column({ name: 'deregistered_at', type: 'timestamptz', nullable: true })
  deregisteredAt: Date | null;

  @Column({ name: 'deregistered_by', type: 'text', nullable: true })
  deregisteredBy: string | null;
}
