import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  askSensitivity,
  type AccessRepository,
  CONFIG,
  PeerHttp,
  type ResourceKind,
  SensitivityPeer,
} from '@cms/platform';
import { DataSource } from 'typeorm';
import type { CorrespondenceConfig } from '../config';

/** The channel each item kind names (an issue log entry is either). */
const ITEM_CHANNELS: Partial<Record<ResourceKind, readonly ('letter' | 'sms')[]>> = {
  letter: ['letter'],
  sms: ['sms'],
  'issue-log-entry': ['letter', 'sms'],
};

/**
 * correspondence's answers to the access policy. It owns no case or client: service-requests,
 * which owns them and their flags, is asked (`POST /access/sensitivity`, one call per question) at
 * the time of each request, so a flag set a moment ago (e.g. by CIS error code 1, SU-6) applies at
 * once. A letter, SMS or issue log entry is sensitive when its case is, or when the client it was
 * sent to is (their own flag, Sensitive Check RD-4, or any of their cases flagged): it carries that
 * client's name, address or mobile number. Its case and recipient come from `correspondence_item`
 * in one query for all the ids. An id of no item is not sensitive (the handler answers 404).
 * service-requests not answering is a 503 (never an open door).
 */
@Injectable()
export class CorrespondenceAccessRepository implements AccessRepository {
  readonly kinds: readonly ResourceKind[] = [
    'case',
    'client',
    'service-request',
    'letter',
    'sms',
    'issue-log-entry',
  ];
  private readonly serviceRequests: SensitivityPeer;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: CorrespondenceConfig,
    peer: PeerHttp,
  ) {
    this.serviceRequests = new SensitivityPeer(peer, config.SERVICE_REQUESTS_URL);
  }

  async sensitiveAmong(kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>> {
    if (!ids.length) return new Set();
    if (kind === 'case') {
      return new Set((await askSensitivity(this.serviceRequests, { cases: [...ids] })).cases);
    }
    if (kind === 'client') {
      return new Set((await askSensitivity(this.serviceRequests, { clients: [...ids] })).clients);
    }
    if (kind === 'service-request') {
      // The SR a letter is issued under (its approval, TD-6; a transfer of another client's details, TD-11).
      return new Set(
        (await askSensitivity(this.serviceRequests, { serviceRequests: [...ids] })).serviceRequests,
      );
    }
    const channels = ITEM_CHANNELS[kind];
    // Deny by default: a kind this service does not hold is sensitive.
    if (!channels) return new Set(ids);
    const items = await this.db.query<{ id: string; case_id: string; client_id: string }[]>(
      `SELECT id, case_id, recipient_client_id AS client_id FROM correspondence_item
        WHERE id = ANY($1::uuid[]) AND channel = ANY($2::text[])`,
      [ids, channels],
    );
    if (!items.length) return new Set();
    const answer = await askSensitivity(this.serviceRequests, {
      cases: items.map((i) => i.case_id),
      clients: items.map((i) => i.client_id),
    });
    const cases = new Set(answer.cases);
    const clients = new Set(answer.clients);
    return new Set(items.filter((i) => cases.has(i.case_id) || clients.has(i.client_id)).map((i) => i.id));
  }
}
