import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';

/** Whose security details: a client, or a client representative with details of their own (SD-18). */
export const SUBJECT_TYPES = ['client', 'representative'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

/** Why a set of security details was written. */
export const CREDENTIAL_REASONS = ['set-up', 'change'] as const;
export type CredentialReason = (typeof CREDENTIAL_REASONS)[number];

/**
 * One person whose security details this service holds: a client (id from service-requests) or a
 * client representative acting for a client. Carries the account state: the TAM account (clients
 * only; none on manually built CSA Arrears Only cases, SD-21), consecutive failed checks and the
 * block (SD-2), and which version of the details is current.
 */
@Entity('security_subject')
@Check('CHK_security_subject_type', `"subject_type" IN ('client', 'representative')`)
@Check(
  'CHK_security_subject_representative',
  `("subject_type" = 'representative') = ("acting_for_client_id" IS NOT NULL)`,
)
export class SecuritySubject {
  /** The client's or representative's id; one id is one subject, of one type. */
  @PrimaryColumn('uuid', { name: 'subject_id', primaryKeyConstraintName: 'PK_security_subject' })
  subjectId: string;

  @Column({ name: 'subject_type', type: 'text' })
  subjectType: SubjectType;

  /** For a representative: the client they act for. Null for a client. */
  @Column({ name: 'acting_for_client_id', type: 'uuid', nullable: true })
  actingForClientId: string | null;

  /** The client is on a manually built CSA Arrears Only case (SD-21). */
  @Column({ name: 'csa_arrears_only', type: 'boolean', default: false })
  csaArrearsOnly: boolean;

  /** The client has a TAM (self-service portal) account: created at set-up unless CSA Arrears Only. */
  @Column({ name: 'tam_account', type: 'boolean', default: false })
  tamAccount: boolean;

  @Column({ name: 'tam_account_created_at', type: 'timestamptz', nullable: true })
  tamAccountCreatedAt: Date | null;

  /** Failed checks since the last success, unblock or change (SD-2). */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  /** When the account was blocked by the third consecutive failure; null when not blocked. */
  @Column({ name: 'blocked_at', type: 'timestamptz', nullable: true })
  blockedAt: Date | null;

  @Column({ name: 'last_check_at', type: 'timestamptz', nullable: true })
  lastCheckAt: Date | null;

  @Column({ name: 'last_check_result', type: 'text', nullable: true })
  lastCheckResult: 'pass' | 'fail' | null;

  /** Version of the current {@link SecurityCredential}. */
  @Column({ name: 'current_version', type: 'integer' })
  currentVersion: number;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/**
 * One version of a subject's security details, append-only (SD-20: new answers never silently
 * overwrite; the previous ones stay as history). Holds only argon2id hashes (peppered) of the PIN,
 * the exact special password and its case-folded form (SD-19), and the seven memorable answers as
 * `X` (SD-14). A database trigger refuses any change to a written version except marking it
 * superseded.
 */
@Entity('security_credential')
@Index('UQ_security_credential_version', ['subjectId', 'version'], { unique: true })
@Check(
  'CHK_security_credential_memorable',
  `"memorable_answers" = ARRAY['X','X','X','X','X','X','X']::text[]`,
)
@Check('CHK_security_credential_reason', `"reason" IN ('set-up', 'change')`)
export class SecurityCredential {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_security_credential' })
  id: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId: string;

  @ManyToOne(() => SecuritySubject, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'subject_id',
    referencedColumnName: 'subjectId',
    foreignKeyConstraintName: 'FK_security_credential_subject',
  })
  subject?: SecuritySubject;

  /** 1 at set-up, +1 per change. */
  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'pin_hash', type: 'text' })
  pinHash: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash: string;

  @Column({ name: 'password_folded_hash', type: 'text' })
  passwordFoldedHash: string;

  /** The seven memorable answers, each `X`: not collected (SD-14). */
  @Column({ name: 'memorable_answers', type: 'text', array: true })
  memorableAnswers: string[];

  @Column({ type: 'text' })
  reason: CredentialReason;

  /** Which items this version set: `pin`, `password` (both at set-up). */
  @Column({ name: 'changed_items', type: 'text', array: true })
  changedItems: string[];

  /** The SR this change was made under (Change - Security Details), when given. */
  @Column({ name: 'service_request_id', type: 'uuid', nullable: true })
  serviceRequestId: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When a newer version replaced this one; null for the current version. */
  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;
}
