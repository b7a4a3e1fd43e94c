import type { CaseStage, ClientRole, Jurisdiction } from '@cms/domain';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';

/**
 * A child maintenance case (or a live enquiry / application: `stage`), in Great Britain (CMG) or
 * Northern Ireland (NICMS). `nationallySensitive` restricts it to the sensitive case team.
 */
@Entity('case')
export class Case {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_case' })
  id: string;

  @Index('UQ_case_number', { unique: true })
  @Column({ name: 'case_number', type: 'text' })
  caseNumber: string;

  @Column({ type: 'text' })
  jurisdiction: Jurisdiction;

  @Column({ type: 'text' })
  stage: CaseStage;

  /** Live (open) or closed. Only live cases match CIS broadcasts (BR-5). */
  @Column({ type: 'boolean', default: true })
  live: boolean;

  @Column({ name: 'nationally_sensitive', type: 'boolean', default: false })
  nationallySensitive: boolean;

  /** Manually built CSA Arrears Only case: no TAM account (SD-21). */
  @Column({ name: 'csa_arrears_only', type: 'boolean', default: false })
  csaArrearsOnly: boolean;

  @OneToMany(() => CaseParticipant, (p) => p.case)
  participants: CaseParticipant[];

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A client's role on a case: receiving parent (PWC), paying parent (NRP), QC or ROC. */
@Entity('case_participant')
@Index('UQ_case_participant', ['caseId', 'clientId', 'role'], { unique: true })
@Index('IDX_case_participant_client', ['clientId'])
export class CaseParticipant {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_case_participant' })
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @ManyToOne(() => Case, (c) => c.participants, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_case_participant_case' })
  case: Case;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id', foreignKeyConstraintName: 'FK_case_participant_client' })
  client: Client;

  @Column({ type: 'text' })
  role: ClientRole;
}

/** A client's roles on their live cases (enquiries, applications, cases), read in `m`'s transaction. */
export function liveParticipations(m: EntityManager, clientId: string): Promise<CaseParticipant[]> {
  return m
    .createQueryBuilder(CaseParticipant, 'p')
    .innerJoin('p.case', 'c')
    .where('p.client_id = :clientId AND c.live = true', { clientId })
    .getMany();
}
