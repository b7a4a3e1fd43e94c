import type { CisUpdateResponseCode, CisUpdateType, PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An update CMG sent to CIS (SU-2) and CIS's answer (SU-5, SU-7): kept so that a retried request
 * with the same `Idempotency-Key` gets the same answer without being applied twice.
 */
@Entity('cis_update')
@Index('UQ_cis_update_idempotency_key', ['idempotencyKey'], {
  unique: true,
  where: '"idempotency_key" IS NOT NULL',
})
@Index('IDX_cis_update_reference', ['referenceKind', 'reference', 'receivedAt'])
export class CisUpdateRecord {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_cis_update' })
  id: string;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  /** SHA-256 of the request, to refuse an idempotency key reused for a different request. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'person_id', type: 'uuid', nullable: true })
  personId: string | null;

  @Column({ name: 'update_type', type: 'text' })
  updateType: CisUpdateType;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ name: 'response_code', type: 'text' })
  responseCode: CisUpdateResponseCode;

  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt: Date | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  /** Who called (the token's subject, e.g. `cis-interface`). */
  @Column({ type: 'text' })
  caller: string;
}
