import type { IsoDate, PersonReferenceKind, ReferenceStatus, Sex, UkAddress } from '@cms/domain';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';

/**
 * A client as CMS holds them: the personal, address and contact details of CMS's own record
 * (CIS-sourced data is kept apart, in cis-interface: RD-6), and the NINO/CRN with its status.
 */
@Entity('client')
@Index('UQ_client_reference', ['referenceKind', 'reference'], {
  unique: true,
  where: '"reference" IS NOT NULL',
})
export class Client {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_client' })
  id: string;

  @Column({ name: 'reference_kind', type: 'text', nullable: true })
  referenceKind: PersonReferenceKind | null;

  /** NINO (adults) or CRN (children), normalised. */
  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ name: 'reference_status', type: 'text', default: 'Unverified' })
  referenceStatus: ReferenceStatus;

  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName: string;

  @Column({ name: 'date_of_birth', type: 'date', nullable: true })
  dateOfBirth: IsoDate | null;

  @Column({ name: 'date_of_birth_verified', type: 'boolean', default: false })
  dateOfBirthVerified: boolean;

  @Column({ name: 'date_of_death', type: 'date', nullable: true })
  dateOfDeath: IsoDate | null;

  @Column({ name: 'date_of_death_verified', type: 'boolean', default: false })
  dateOfDeathVerified: boolean;

  @Column({ type: 'text', nullable: true })
  sex: Sex | null;

  @Column({ type: 'jsonb', nullable: true })
  address: UkAddress | null;

  @Column({ name: 'address_start_date', type: 'date', nullable: true })
  addressStartDate: IsoDate | null;

  @Column({ name: 'home_phone', type: 'text', nullable: true })
  homePhone: string | null;

  @Column({ name: 'business_phone', type: 'text', nullable: true })
  businessPhone: string | null;

  @Column({ name: 'mobile_phone', type: 'text', nullable: true })
  mobilePhone: string | null;

  @Column({ name: 'home_email', type: 'text', nullable: true })
  homeEmail: string | null;

  /** RD-4: CIS answered "Insufficient access level"; a sensitive case team call back is arranged. */
  @Column({ name: 'sensitive_check', type: 'boolean', default: false })
  sensitiveCheck: boolean;

  /** SU-6: CIS answered error code 1 for this person; they are nationally sensitive with or without a case. */
  @Column({ name: 'nationally_sensitive', type: 'boolean', default: false })
  nationallySensitive: boolean;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
