import type { IsoDate, PersonReferenceKind, Sex, UkAddress } from '@cms/domain';
import { Column, Entity, Index, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';

/**
 * A person's record as CIS holds it, keyed by NINO (adults) or CRN (children): name 1 and 2, dates
 * of birth and death with their verification status, sex, current address and its start date,
 * contact details, and the states that make CIS refuse or reject calls: nationally sensitive
 * (SU-6, RD-4), deleted and superseded (RD-5). Times come from the simulator's clock.
 */
@Entity('person')
@Index('UQ_person_reference', ['referenceKind', 'reference'], { unique: true })
export class Person {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_person' })
  id: string;

  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  /** NINO or CRN, normalised (`AB123456C`). */
  @Column({ type: 'text' })
  reference: string;

  /** CIS name 1. */
  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  /** CIS name 2. */
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

  /** Updates answer error code 1 (SU-6); retrievals answer "Insufficient access level" (RD-4). */
  @Column({ name: 'nationally_sensitive', type: 'boolean', default: false })
  nationallySensitive: boolean;

  /** The NINO that replaced this one; retrievals answer "NINO superseded" with it (RD-5). */
  @Column({ name: 'superseded_by_nino', type: 'text', nullable: true })
  supersededByNino: string | null;

  /** Retrievals answer "NINO deleted" (RD-5); updates answer code 3. */
  @Column({ type: 'boolean', default: false })
  deleted: boolean;

  @VersionColumn()
  version: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
