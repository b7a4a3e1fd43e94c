import type { InterestType } from '@cms/domain';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Person } from '../persons/person.entity';

/**
 * CMG's interest of one type on a person's CIS record (RI-1), from registration until
 * deregistration (RI-2). At most one registered (not deregistered) interest per person and type;
 * deregistered ones stay as history.
 */
@Entity('interest')
@Index('UQ_interest_active', ['personId', 'interestType'], {
  unique: true,
  where: '"deregistered_at" IS NULL',
})
export class InterestRegistration {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_interest' })
  id: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @ManyToOne(() => Person, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'FK_interest_person' })
  person: Person;

  @Column({ name: 'interest_type', type: 'text' })
  interestType: InterestType;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt: Date;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy: string;

  @Column({ name: 'deregistered_at', type: 'timestamptz', nullable: true })
  deregisteredAt: Date | null;

  @Column({ name: 'deregistered_by', type: 'text', nullable: true })
  deregisteredBy: string | null;
}
