import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A client representative: someone a client has asked CMS to deal with as a contact on a case
 * (SD-15). A representative has security details of their own in client-security; the client's
 * cannot be amended for them (SD-18). Removal keeps the record (removedAt) for the audit trail.
 */
@Entity('client_representative')
@Index('IDX_client_representative_client', ['clientId'])
export class ClientRepresentative {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_client_representative' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'first_name', type: 'text' })
  firstName: string;

  @Column({ name: 'last_name', type: 'text' })
  lastName: string;

  /** E.g. 'Power of attorney', 'Appointee', 'Solicitor', 'Friend or family member'. */
  @Column({ type: 'text' })
  relationship: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'added_by', type: 'text' })
  addedBy: string;

  @CreateDateColumn({ name: 'added_at', type: 'timestamptz' })
  addedAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @Column({ name: 'removed_by', type: 'text', nullable: true })
  removedBy: string | null;
}
