import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AccessRepository,
  askSensitivity,
  CONFIG,
  PeerHttp,
  preparedQuery,
  rememberBounded,
  type ResourceKind,
  SensitivityPeer,
} from '@cms/platform';
import { DataSource } from 'typeorm';
import type { ClientSecurityConfig } from '../config';

/** Kinds whose id names a security subject here: a client's or a representative's id. */
const SUBJECT_KINDS: ReadonlySet<ResourceKind> = new Set([
  'client',
  'representative',
  'security-details',
  'security-audit-trail',
]);

/**
 * client-security's answers to the access policy. It owns no flag of its own: every record it
 * holds (security details, their history and audit trail) is about one subject, a client or a
 * client representative, whose sensitivity service-requests knows (`POST /access/sensitivity`).
 *
 * An id is asked about as a client AND as a representative, whatever the route calls it: the guard
 * runs before the handler has asked service-requests what the id is (a client route may be given a
 * representative's id, an audit trail names its entity type in the path), and asking both costs
 * nothing in correctness. A
 * representative is also sensitive when the client this service recorded them acting for is
 * (`security_subject.acting_for_client_id`; set-up checks it with service-requests, SD-18).
 * A service request named by a change or unblock is asked about as one.
 * Fails closed: when service-requests cannot answer, the caller gets 503, never the record.
 */
@Injectable()
export class ClientSecurityAccessRepository implements AccessRepository {
  /** The most subjects whose identity is remembered at once (~100 bytes each); the oldest goes first. */
  static readonly REMEMBER_MAX = 100_000;
  readonly kinds: readonly ResourceKind[] = [...SUBJECT_KINDS, 'service-request'];
  /** Subject id → the client it acts for (null for a client), for subjects that exist: fixed at set-up. */
  private readonly identities = new Map<string, string | null>();
  private readonly serviceRequests: SensitivityPeer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: ClientSecurityConfig,
    peer: PeerHttp,
  ) {
    this.serviceRequests = new SensitivityPeer(peer, config.SERVICE_REQUESTS_URL);
  }

  async sensitiveAmong(kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (!ids.length) return new Set();
    if (kind === 'service-request') {
      const answer = await askSensitivity(this.serviceRequests, { serviceRequests: [...ids] });
      return new Set(answer.serviceRequests);
    }
    // Deny by default: a kind this service does not know is sensitive.
    if (!SUBJECT_KINDS.has(kind)) return new Set(ids);

    const actingFor = await this.actingFor(ids);

    const answer = await askSensitivity(this.serviceRequests, {
      clients: [...ids, ...actingFor.values()],
      representatives: [...ids],
    });
    const sensitiveClients = new Set(answer.clients);
    const sensitiveRepresentatives = new Set(answer.representatives);
    return new Set(
      ids.filter((id) => {
        const client = actingFor.get(id);
        return (
          sensitiveClients.has(id) ||
          sensitiveRepresentatives.has(id) ||
          (client !== undefined && sensitiveClients.has(client))
        );
      }),
    );
  }

  /**
   * The client each of `ids` acts for, for those that are representatives set up here
   * (`security_subject.acting_for_client_id`). A subject's type and acting-for client are fixed at
   * set-up (the database refuses a change: migration SubjectIdentityFixed1765300000000), so what was
   * read for a subject that exists is remembered and not read again (issue 17: one query fewer on
   * every security check). An id with no subject is read every time: it may be set up later.
   */
  private async actingFor(ids: readonly string[]): Promise<Map<string, string>> {
    const unknown = ids.filter((id) => !this.identities.has(id));
    if (unknown.length) {
      const rows = await preparedQuery<{ subject_id: string; acting_for_client_id: string | null }>(
        this.db,
        'access_subject_identity',
        `SELECT subject_id, acting_for_client_id FROM security_subject WHERE subject_id = ANY($1::uuid[])`,
        [unknown],
      );
      for (const r of rows)
        rememberBounded(
          this.identities,
          r.subject_id,
          r.acting_for_client_id,
          ClientSecurityAccessRepository.REMEMBER_MAX,
        );
    }
    const actingFor = new Map<string, string>();
    for (const id of ids) {
      const client = this.identities.get(id);
      if (client) actingFor.set(id, client);
    }
    return actingFor;
  }
}
