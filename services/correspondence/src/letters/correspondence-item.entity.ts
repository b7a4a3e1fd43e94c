import type { CaseStage, ClientRole, IssueMode, Jurisdiction, LetterStatus, UkAddress } from '@cms/domain';
import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  VersionColumn,
} from 'typeorm';
import { LetterTemplateRecord } from '../templates/template.entity';

/** The team leader approval that lets CMSL0406 issue (TD-6, TD-8). */
export interface ApprovalReference {
  serviceRequestId: string;
  approvedBy: string;
  /** ISO date-time. */
  approvedAt: string;
}

/**
 * One issued letter or SMS: which template version, to whom, on which case, how (system or
 * clerical), its status, and the personalisation with bank details masked (the whole values are
 * sealed in `bankDetailsSealed`). Idempotent on (channel, idempotency key).
 */
@Entity('correspondence_item')
@Index('UQ_correspondence_item_idempotency', ['channel', 'idempotencyKey'], { unique: true })
@Index('IDX_correspondence_item_client', ['recipientClientId', 'createdAt', 'id'])
@Index('IDX_correspondence_item_case', ['caseId', 'createdAt', 'id'])
export class CorrespondenceItem {
  /** Made by the service before insert: it binds the sealed values to this row. */
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_correspondence_item' })
  id: string;

  @Column({ type: 'text' })
  channel: 'letter' | 'sms';

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  /** Keyed HMAC of the request body: the same key with a different body is a conflict. */
  @Column({ name: 'request_fingerprint', type: 'text' })
  requestFingerprint: string;

  @Column({ name: 'template_code', type: 'text' })
  templateCode: string;

  @Column({ name: 'template_version', type: 'integer' })
  templateVersion: number;

  @ManyToOne(() => LetterTemplateRecord, { onDelete: 'NO ACTION', onUpdate: 'NO ACTION' })
  @JoinColumn([
    {
      name: 'template_code',
      referencedColumnName: 'code',
      foreignKeyConstraintName: 'FK_correspondence_item_template',
    },
    {
      name: 'template_version',
      referencedColumnName: 'version',
      foreignKeyConstraintName: 'FK_correspondence_item_template',
    },
  ])
  template?: LetterTemplateRecord;

  @Column({ name: 'letterhead_version', type: 'integer', nullable: true })
  letterheadVersion: number | null;

  @Column({ type: 'text' })
  mode: IssueMode;

  @Column({ type: 'text' })
  status: LetterStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'recipient_client_id', type: 'uuid' })
  recipientClientId: string;

  @Column({ name: 'recipient_role', type: 'text', nullable: true })
  recipientRole: ClientRole | null;

  @Column({ name: 'recipient_name', type: 'text', nullable: true })
  recipientName: string | null;

  @Column({ name: 'recipient_address', type: 'jsonb', nullable: true })
  recipientAddress: UkAddress | null;

  /** SMS only: E.164. */
  @Column({ name: 'mobile_phone', type: 'text', nullable: true })
  mobilePhone: string | null;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'case_number', type: 'text', nullable: true })
  caseNumber: string | null;

  @Column({ type: 'text' })
  jurisdiction: Jurisdiction;

  @Column({ type: 'text', nullable: true })
  stage: CaseStage | null;

  @Column({ name: 'service_request_id', type: 'uuid', nullable: true })
  serviceRequestId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  approval: ApprovalReference | null;

  @Column({ name: 'transfer_reference', type: 'text', nullable: true })
  transferReference: string | null;

  /** Personalisation as printed, with every bank details value masked. */
  @Column({ type: 'jsonb' })
  personalisation: Record<string, unknown>;

  /** AES-256-GCM of `{ "<field path>": BankDetails }`, bound to this row (null without bank details). */
  @Column({ name: 'bank_details_sealed', type: 'bytea', nullable: true })
  bankDetailsSealed: Buffer | null;

  @Column({ name: 'sms_text', type: 'text', nullable: true })
  smsText: string | null;

  /** The caseworker must review the letter before it is sent (CMSL9800/9801/9802, X-3). */
  @Column({ name: 'review_required', type: 'boolean', default: false })
  reviewRequired: boolean;

  @Column({ name: 'reviewed_by', type: 'text', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt: Date;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @VersionColumn()
  version: number;
}

/** The rendered PDF of a letter, kept as sent; sealed (AES-256-GCM) when it prints whole bank details. */
@Entity('letter_pdf')
export class LetterPdf {
  @PrimaryColumn({ name: 'item_id', type: 'uuid', primaryKeyConstraintName: 'PK_letter_pdf' })
  itemId: string;

  @OneToOne(() => CorrespondenceItem, { onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'FK_letter_pdf_item' })
  item?: CorrespondenceItem;

  @Column({ type: 'bytea' })
  content: Buffer;

  @Column({ type: 'boolean' })
  encrypted: boolean;

  /** SHA-256 (hex) of the plain PDF. */
  @Column({ type: 'text' })
  sha256: string;

  @Column({ name: 'page_count', type: 'integer' })
  pageCount: number;

  @Column({ name: 'byte_length', type: 'integer' })
  byteLength: number;
}
