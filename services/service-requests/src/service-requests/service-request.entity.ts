import type { ClientRole, ResolutionCode, SrSource, SrStatus, SrSubStatus, SrTypeCode } from '@cms/domain';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { Case } from '../cases/case.entity';

/**
 * A service request: taxonomy (Process / Area / Sub Area), Status / Sub Status / Resolution Code
 * (changed only through libs/sr-rules), source and reporting person (SD-4), subject (SD-6), linked
 * cases, activity plan, notes, next action due (Wait), queue and owner.
 */
@Entity('service_request')
@Index('IDX_sr_queue_open', ['queue', 'slaDueAt', 'id'], { where: `"status" NOT IN ('Closed', 'Cancelled')` })
@Index('IDX_sr_wait_due', ['nextActionDue'], { where: `"status" = 'Wait'` })
@Index('IDX_sr_subject', ['subjectClientId'])
export class ServiceRequest {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_service_request' })
  id: string;

  @Index('UQ_sr_number', { unique: true })
  @Column({ name: 'sr_number', type: 'text' })
  srNumber: string;

  @Column({ type: 'text' })
  type: SrTypeCode;

  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'text' })
  process: string;

  @Column({ type: 'text' })
  area: string;

  @Column({ name: 'sub_area', type: 'text' })
  subArea: string;

  @Column({ type: 'text' })
  status: SrStatus;

  @Column({ name: 'sub_status', type: 'text', nullable: true })
  subStatus: SrSubStatus | null;

  @Column({ name: 'resolution_code', type: 'text', nullable: true })
  resolutionCode: ResolutionCode | null;

  @Column({ type: 'text' })
  source: SrSource;

  /** The person reporting the change (SD-4: Last Name / First Name of the SR's Source). */
  @Column({ name: 'reported_by_first_name', type: 'text', nullable: true })
  reportedByFirstName: string | null;

  @Column({ name: 'reported_by_last_name', type: 'text', nullable: true })
  reportedByLastName: string | null;

  /** Subject details: the person the change relates to and their role (SD-6). */
  @Column({ name: 'subject_client_id', type: 'uuid', nullable: true })
  subjectClientId: string | null;

  @Column({ name: 'subject_role', type: 'text', nullable: true })
  subjectRole: ClientRole | null;

  /** For SRs raised from CIS: the BR-6 change type. */
  @Column({ name: 'change_type', type: 'text', nullable: true })
  changeType: string | null;

  /** Type-specific data entered in the SR (a CIS change, transfer items…). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;

  @Column({ name: 'read_only', type: 'boolean', default: false })
  readOnly: boolean;

  @Column({ name: 'submitted_for_approval_by', type: 'text', nullable: true })
  submittedForApprovalBy: string | null;

  @Column({ name: 'approved_by', type: 'text', nullable: true })
  approvedBy: string | null;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'next_action_due', type: 'timestamptz', nullable: true })
  nextActionDue: Date | null;

  /** Set when a wait expired and the SR came back to its queue needing a caseworker. */
  @Column({ name: 'flag', type: 'text', nullable: true })
  flag: string | null;

  @Column({ type: 'text' })
  queue: string;

  @Column({ type: 'text', nullable: true })
  owner: string | null;

  /** Copied from the linked cases, kept in step when a case's flag changes (X-1, BR-7). */
  @Column({ name: 'nationally_sensitive', type: 'boolean', default: false })
  nationallySensitive: boolean;

  /** When the SR breaches its service level (libs/sr-rules slaFor); orders the work queues. */
  @Column({ name: 'sla_due_at', type: 'timestamptz', nullable: true })
  slaDueAt: Date | null;

  /** Caller's idempotency key (e.g. a CIS transaction id): the same key never raises two SRs. */
  @Index('UQ_sr_idempotency_key', { unique: true, where: '"idempotency_key" IS NOT NULL' })
  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** A case linked to an SR (an SR may link several). */
@Entity('sr_case_link')
@Index('IDX_sr_case_link_case', ['caseId'])
export class SrCaseLink {
  @PrimaryColumn({ name: 'sr_id', type: 'uuid', primaryKeyConstraintName: 'PK_sr_case_link' })
  srId: string;

  @PrimaryColumn({ name: 'case_id', type: 'uuid', primaryKeyConstraintName: 'PK_sr_case_link' })
  caseId: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sr_id', foreignKeyConstraintName: 'FK_sr_case_link_sr' })
  sr?: ServiceRequest;

  @ManyToOne(() => Case, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'FK_sr_case_link_case' })
  case?: Case;
}

/** One step of an SR's activity plan, generated at In Progress (SD-7), with its outcome. */
@Entity('sr_activity_step')
@Index('UQ_sr_activity_step', ['srId', 'key'], { unique: true })
export class SrActivityStep {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sr_activity_step' })
  id: string;

  @Column({ name: 'sr_id', type: 'uuid' })
  srId: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sr_id', foreignKeyConstraintName: 'FK_sr_activity_step_sr' })
  sr?: ServiceRequest;

  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'text' })
  key: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true })
  recordedAt: Date | null;
}

/** An SR note. Append-only: notes are never edited or deleted. */
@Entity('sr_note')
@Index('IDX_sr_note_sr', ['srId', 'createdAt'])
export class SrNote {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sr_note' })
  id: string;

  @Column({ name: 'sr_id', type: 'uuid' })
  srId: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'sr_id', foreignKeyConstraintName: 'FK_sr_note_sr' })
  sr?: ServiceRequest;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text' })
  author: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
