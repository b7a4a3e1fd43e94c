import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LetterBody, LetterheadContent, PersonalisationField, SmsBody } from './template-content';

/**
 * One version of a letter or SMS template, seeded by migration; never updated in place: a new
 * wording is a new version, and every issued item records the version it used.
 */
@Entity('letter_template')
export class LetterTemplateRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_letter_template' })
  code: string;

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_letter_template' })
  version: number;

  @Column({ type: 'text' })
  channel: 'letter' | 'sms';

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text' })
  purpose: string;

  /** A client role (`PWC`, `NRP`) or `client` when either parent may receive it. */
  @Column({ type: 'text' })
  recipient: string;

  @Column({ name: 'requires_tl_approval', type: 'boolean' })
  requiresTlApproval: boolean;

  @Column({ name: 'review_before_sending', type: 'boolean' })
  reviewBeforeSending: boolean;

  @Column({ name: 'has_attachment', type: 'boolean' })
  hasAttachment: boolean;

  @Column({ name: 'requirement_ids', type: 'text', array: true })
  requirementIds: string[];

  @Column({ type: 'jsonb' })
  fields: PersonalisationField[];

  @Column({ type: 'jsonb' })
  body: LetterBody | SmsBody;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}

/** One version of a jurisdiction's letterhead and contact details (TD-14). */
@Entity('letterhead')
export class LetterheadRecord {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_letterhead' })
  jurisdiction: 'GB' | 'NI';

  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'PK_letterhead' })
  version: number;

  @Column({ type: 'jsonb' })
  content: LetterheadContent;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
