import type { PersonReferenceKind } from '@cms/domain';
import { recordAudit } from '@cms/platform';
import type { EntityManager } from 'typeorm';
import type { CisSensitivitySource } from './cis-sensitive-client.entity';

/** What CIS said about a client, and where. */
export interface CisSensitivity {
  clientId: string;
  referenceKind: PersonReferenceKind;
  reference: string;
  requirementId: CisSensitivitySource;
  /** The retrieval or update CIS answered. */
  sourceId: string;
  reason: string;
  since: Date;
}

/**
 * Records, with `m` (the transaction that stores CIS's answer), that CIS treats the client as
 * nationally sensitive (RD-4, SU-6): from this commit on, every view of the client's records in
 * cis-interface is closed to callers without sensitive access, before service-requests hears
 * of it. Audited once; a client already recorded keeps their first record.
 * @returns true when the client was not recorded before
 */
export async function recordCisSensitivity(m: EntityManager, s: CisSensitivity): Promise<boolean> {
  const inserted = await m.query<{ client_id: string }[]>(
    `INSERT INTO cis_sensitive_client (client_id, reference_kind, reference, requirement_id, source_id, reason, since)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (client_id) DO NOTHING
     RETURNING client_id`,
    [s.clientId, s.referenceKind, s.reference, s.requirementId, s.sourceId, s.reason, s.since],
  );
  if (!inserted.length) return false;
  await recordAudit(m, {
    entityType: 'client',
    entityId: s.clientId,
    action: 'cis-nationally-sensitive-recorded',
    after: { requirementId: s.requirementId, sourceId: s.sourceId, reason: s.reason },
    source: 'cis',
  });
  return true;
}
