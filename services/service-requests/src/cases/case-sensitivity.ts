import { recordAudit } from '@cms/platform';
import { EntityManager, In } from 'typeorm';
import { attachLoaded } from '../service-requests/service-request-reads.service';
import { ServiceRequest } from '../service-requests/service-request.entity';
import { auditShape, rerouteLoaded } from '../service-requests/service-request.state';
import { Case } from './case.entity';

/**
 * BR-7 when cases become nationally sensitive: their open SRs are flagged and routed by the SR rules
 * (the sensitive case team's queue, SLA recomputed), each saved with a new version and audited with
 * before and after, in the caller's transaction.
 */
export async function routeCaseSrsToSensitiveTeam(
  m: EntityManager,
  caseIds: readonly string[],
  source: string,
  now: Date,
): Promise<void> {
  if (!caseIds.length) return;
  const srs = await m
    .createQueryBuilder(ServiceRequest, 'sr')
    .where(`sr.status NOT IN ('Closed', 'Cancelled')`)
    .andWhere('sr.id IN (SELECT sr_id FROM sr_case_link WHERE case_id = ANY(:caseIds))', { caseIds })
    .orderBy('sr.id')
    .setLock('pessimistic_write')
    .getMany();
  for (const loaded of await attachLoaded(m, srs)) {
    const before = auditShape(loaded.sr);
    loaded.sr.nationallySensitive = true;
    rerouteLoaded(loaded, now);
    await m.save(loaded.sr);
    await recordAudit(m, {
      entityType: 'service-request',
      entityId: loaded.sr.id,
      action: 'marked-nationally-sensitive',
      before: { ...before, nationallySensitive: false },
      after: { ...auditShape(loaded.sr), nationallySensitive: true },
      source,
    });
  }
}

/** Sets the nationally sensitive flag on a client's live cases and routes their open SRs (SU-6, BR-7). */
export async function markCasesSensitive(
  m: EntityManager,
  clientId: string,
  source: string,
  now: Date,
): Promise<string[]> {
  const cases = await m
    .createQueryBuilder(Case, 'c')
    .where('c.id IN (SELECT case_id FROM case_participant WHERE client_id = :clientId)', { clientId })
    .andWhere('c.live = true')
    .andWhere('c.nationally_sensitive = false')
    .setLock('pessimistic_write')
    .getMany();
  if (!cases.length) return [];
  const ids = cases.map((c) => c.id);
  await m.update(Case, { id: In(ids) }, { nationallySensitive: true });
  await recordAudit(
    m,
    ...ids.map((id) => ({
      entityType: 'case',
      entityId: id,
      action: 'marked-nationally-sensitive',
      before: { nationallySensitive: false },
      after: { nationallySensitive: true },
      source,
    })),
  );
  await routeCaseSrsToSensitiveTeam(m, ids, source, now);
  return ids;
}
