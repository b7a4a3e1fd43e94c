import { recordAudit } from '@cms/platform';
import { EntityManager, In } from 'typeorm';
import { Case } from './case.entity';

/** Sets the nationally sensitive flag on a client's live cases and their open SRs (SU-6, BR-6). */
export async function markCasesSensitive(
  m: EntityManager,
  clientId: string,
  source: string,
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
  await m.query(
    `UPDATE service_request SET nationally_sensitive = true, queue = 'sensitive-case-team'
      WHERE status NOT IN ('Closed', 'Cancelled') AND id IN (SELECT sr_id FROM sr_case_link WHERE case_id = ANY($1))`,
    [ids],
  );
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
  return ids;
}
