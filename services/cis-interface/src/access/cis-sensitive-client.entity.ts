import type { PersonReferenceKind } from '@cms/domain';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Why cis-interface holds a client as nationally sensitive on CIS's word. */
export const CIS_SENSITIVITY_SOURCES = ['RD-4', 'SU-6'] as const;
export type CisSensitivitySource = (typeof CIS_SENSITIVITY_SOURCES)[number];

/**
 * cis-interface's own record that CIS treats a client as nationally sensitive: CIS withheld
 * their record at standard access, "Insufficient access level" (RD-4), or answered an update with
 * error code 1 (SU-6). Written in the same transaction as that answer, so this service's views of
 * the client (interests, CIS data, retrievals, discrepancies, updates, broadcast transactions) are
 * closed to callers without sensitive access from the moment the answer is stored, whatever
 * service-requests holds. The first answer is kept; nothing clears it (CIS's word stands).
 */
@Entity('cis_sensitive_client')
@Index('IDX_cis_sensitive_client_reference', ['referenceKind', 'reference'])
export class CisSensitiveClient {
  /** The client in service-requests. */
  @PrimaryColumn('uuid', { name: 'client_id', primaryKeyConstraintName: 'PK_cis_sensitive_client' })
  clientId: string;

  /** The NINO/CRN CIS answered for: a broadcast transaction with it is sensitive too, matched or not. */
  @Column({ name: 'reference_kind', type: 'text' })
  referenceKind: PersonReferenceKind;

  @Column({ type: 'text' })
  reference: string;

  /** RD-4 (a retrieval) or SU-6 (an update). */
  @Column({ name: 'requirement_id', type: 'text' })
  requirementId: CisSensitivitySource;

  /** The retrieval or update CIS answered. */
  @Column({ name: 'source_id', type: 'uuid' })
  sourceId: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'timestamptz' })
  since: Date;
}
