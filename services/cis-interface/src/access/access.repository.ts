import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AccessRepository,
  askSensitivity,
  CONFIG,
  PeerHttp,
  type ResourceKind,
  SensitivityPeer,
} from '@cms/platform';
import { DataSource } from 'typeorm';
import type { CisInterfaceConfig } from '../config';

/** The kinds of record whose owner is one client, by table (fixed names, never from a request). */
const CLIENT_RECORDS = {
  interest: { table: 'interest_registration' },
  'cis-data': { table: 'cis_personal_data' },
  retrieval: { table: 'retrieval' },
  discrepancy: { table: 'discrepancy' },
  // SU-6: an update CIS answered with error code 1 is sensitive in itself.
  'cis-update': { table: 'cis_update', own: `response_code = '1'` },
} as const satisfies Partial<Record<ResourceKind, { table: string; own?: string }>>;

const KINDS: readonly ResourceKind[] = [
  'client',
  ...(Object.keys(CLIENT_RECORDS) as ResourceKind[]),
  'broadcast-transaction',
  'unmatched-transaction',
];

/**
 * cis-interface's answers to the access policy. A client is nationally sensitive when
 * service-requests says so (a flagged case, the client's own flag after SU-6, Sensitive Check
 * after RD-4; asked in one call) or when cis-interface holds its own record that CIS treats the
 * person as sensitive (`cis_sensitive_client`, written with CIS's answer: RD-4, SU-6), so that what
 * CIS said stays protected here even when no CMS case is flagged. Every other record is its client's:
 * - interest, CIS data, retrieval, discrepancy: their client;
 * - CIS update: its client, or CIS's error code 1 on it (SU-6);
 * - broadcast transaction, matched or not (BR-5, BR-7): its own flag (a nationally sensitive
 *   status update, or a matched case flagged when it was processed), its matched client, and every
 *   client cis-interface knows by the transaction's NINO/CRN (its interests, BR-1, and its record of
 *   CIS's word), so an unmatched transaction about a person CIS or CMS holds sensitive is withheld.
 * An id of no record is not sensitive (the handler answers 404); a kind not listed is (deny by default).
 */
@Injectable()
export class CisInterfaceAccessRepository implements AccessRepository {
  readonly kinds = KINDS;
  private readonly serviceRequests: SensitivityPeer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: CisInterfaceConfig,
    peer: PeerHttp,
  ) {
    this.serviceRequests = new SensitivityPeer(peer, config.SERVICE_REQUESTS_URL);
  }

  async sensitiveAmong(kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (!ids.length) return new Set();
    if (kind === 'client') return this.sensitiveClients(ids);
    if (kind === 'broadcast-transaction' || kind === 'unmatched-transaction') return this.transactions(ids);
    const records = (CLIENT_RECORDS as Partial<Record<ResourceKind, { table: string; own?: string }>>)[kind];
    if (!records) return new Set(ids);
    const rows = await this.db.query<{ id: string; client_id: string; own: boolean }[]>(
      `SELECT id, client_id, ${records.own ?? 'false'} AS own FROM "${records.table}" WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const clients = await this.sensitiveClients([...new Set(rows.map((r) => r.client_id))]);
    return new Set(rows.filter((r) => r.own || clients.has(r.client_id)).map((r) => r.id));
  }

  /** Clients CIS treats as sensitive (cis-interface's own record), then service-requests for the rest. */
  private async sensitiveClients(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const local = await this.db.query<{ client_id: string }[]>(
      `SELECT client_id FROM cis_sensitive_client WHERE client_id = ANY($1::uuid[])`,
      [ids],
    );
    const sensitive = new Set(local.map((r) => r.client_id));
    const rest = ids.filter((id) => !sensitive.has(id));
    if (rest.length) {
      const answer = await askSensitivity(this.serviceRequests, { clients: rest });
      answer.clients.forEach((id) => sensitive.add(id));
    }
    return sensitive;
  }

  private async transactions(ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.db.query<
      {
        id: string;
        own: boolean;
        client_ids: string[];
      }[]
    >(
      `SELECT t.id,
              t.nationally_sensitive
                OR EXISTS (SELECT 1 FROM cis_sensitive_client s
                            WHERE s.reference_kind = t.reference_kind AND s.reference = t.reference) AS own,
              array_remove(
                array_cat(ARRAY[t.client_id],
                          ARRAY(SELECT DISTINCT i.client_id FROM interest_registration i
                                 WHERE i.reference_kind = t.reference_kind AND i.reference = t.reference)),
                NULL)::text[] AS client_ids
         FROM broadcast_transaction t
        WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    const clients = await this.sensitiveClients([...new Set(rows.flatMap((r) => r.client_ids))]);
    return new Set(rows.filter((r) => r.own || r.client_ids.some((c) => clients.has(c))).map((r) => r.id));
  }
}
