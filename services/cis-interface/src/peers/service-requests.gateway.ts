import { Inject, Injectable } from '@nestjs/common';
import { serviceRequestsClient } from '@cms/clients';
import type {
  CisChange,
  CisChangeType,
  ClientRole,
  PersonalDetails,
  PersonReferenceKind,
  ReferenceStatus,
} from '@cms/domain';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { CisInterfaceConfig } from '../config';
import type { ClientPatch } from '../retrievals/rd3-rules';

/** One of a client's cases as service-requests lists it (`stage` when it says, else read from the case). */
export interface CmsClientCase {
  caseId: string;
  caseNumber: string;
  role: string;
  live: boolean;
  stage?: string;
  nationallySensitive?: boolean;
}

/** A client as service-requests holds them (`GET /clients/{id}`): CMS's personal details, NINO/CRN, cases. */
export interface CmsClient extends PersonalDetails {
  id: string;
  nino: string | null;
  crn: string | null;
  referenceStatus: ReferenceStatus;
  sensitiveCheck: boolean;
  nationallySensitive: boolean;
  cases: CmsClientCase[];
  version: number;
}

/** A case as `GET /cases/{id}` shows what cis-interface needs of it. */
export interface CmsCase {
  id: string;
  caseNumber: string;
  jurisdiction: 'GB' | 'NI';
  stage: string;
  live: boolean;
  nationallySensitive: boolean;
}

/** An SR as `GET /service-requests/{id}` shows what SU-4 needs of it. */
export interface CmsServiceRequest {
  id: string;
  srNumber: string;
  type: string;
  status: string;
  subStatus: string | null;
  subject: { clientId: string; role: string } | null;
  caseIds: string[];
  /** "Update CIS" is enabled: Sub Status CoC Accept with validations complete (SU-4). */
  cisUpdateEnabled: boolean;
}

/** `POST /cis-matches`: one reference's client and live cases (BR-5). */
export interface CisMatch {
  referenceKind: PersonReferenceKind;
  reference: string;
  clientId: string | null;
  cases: {
    caseId: string;
    caseNumber: string;
    stage: string;
    role: ClientRole;
    nationallySensitive: boolean;
  }[];
}

/** One SR for `POST /service-requests/batch`, idempotent on its key (the CIS transaction id). */
export interface SrBatchItem {
  idempotencyKey: string;
  type: 'CIS_CHANGE' | 'NATIONALLY_SENSITIVE_UPDATE';
  source: 'CIS';
  subject: { clientId: string; role: ClientRole };
  caseIds: string[];
  changeType: CisChangeType;
  change: CisChange;
  recordedAt: string;
}

/** What `POST /service-requests/batch` answers per item. */
export interface SrBatchResult {
  idempotencyKey: string;
  id: string;
  srNumber: string;
  created: boolean;
  queue: string;
  status: string;
}

/** Answer of the client flag endpoints. */
export interface FlagResult {
  caseIds: string[];
  serviceRequestId: string | null;
}

/**
 * service-requests as cis-interface uses it, through its generated client and PeerHttp (system
 * token, request id, time-out, retries for idempotent calls). Errors come back as DomainErrors
 * carrying service-requests' problem code (`unwrapPeer`).
 */
@Injectable()
export class ServiceRequestsGateway {
  private readonly client: ReturnType<typeof serviceRequestsClient>;

  constructor(@Inject(CONFIG) config: CisInterfaceConfig, http: PeerHttp) {
    this.client = serviceRequestsClient(config.SERVICE_REQUESTS_URL, http.fetch);
  }

  /** `GET /clients/{id}`. @throws NotFoundError-like DomainError (404) when there is no such client. */
  async getClient(id: string): Promise<CmsClient> {
    return unwrapPeer(
      await this.client.GET('/clients/{id}', { params: { path: { id } } }),
    ) as unknown as CmsClient;
  }

  /** The stages of the client's live cases (SU-3, SU-4), reading a case when the client view does not carry it. */
  async liveStages(client: CmsClient): Promise<string[]> {
    const live = client.cases.filter((c) => c.live);
    return Promise.all(
      live.map(async (c) => {
        if (c.stage) return c.stage;
        return (await this.getCase(c.caseId)).stage;
      }),
    );
  }

  /** `GET /cases/{id}`: what a letter needs of a case (number, jurisdiction, stage). */
  async getCase(id: string): Promise<CmsCase> {
    return unwrapPeer(
      await this.client.GET('/cases/{id}', { params: { path: { id } } }),
    ) as unknown as CmsCase;
  }

  /**
   * `PATCH /clients/{id}`: changes CMS's record with `patch` under optimistic concurrency
   * (audited in service-requests). @throws 409 STALE_VERSION, 400 with field problems.
   */
  async patchClient(id: string, version: number, patch: ClientPatch): Promise<CmsClient> {
    return unwrapPeer(
      await this.client.PATCH('/clients/{id}', {
        params: { path: { id } },
        body: { version, ...patch } as never,
      }),
    ) as unknown as CmsClient;
  }

  /** `GET /service-requests/{id}` (SU-4). */
  async getServiceRequest(id: string): Promise<CmsServiceRequest> {
    return unwrapPeer(
      await this.client.GET('/service-requests/{id}', { params: { path: { id } } }),
    ) as unknown as CmsServiceRequest;
  }

  /** `POST /cis-matches` (BR-5): each reference's client and live enquiries, applications and cases. */
  async match(references: { referenceKind: PersonReferenceKind; reference: string }[]): Promise<CisMatch[]> {
    const body = unwrapPeer(await this.client.POST('/cis-matches', { body: { references } })) as unknown as {
      matches: CisMatch[];
    };
    return body.matches;
  }

  /** `POST /service-requests/batch` (BR-6, BR-7, BR-9): idempotent per item key. */
  async raiseBatch(items: SrBatchItem[]): Promise<SrBatchResult[]> {
    const body = unwrapPeer(
      await this.client.POST('/service-requests/batch', {
        body: { items } as never,
        headers: { 'Idempotency-Key': items[0].idempotencyKey },
      }),
    ) as unknown as { results: SrBatchResult[] };
    return body.results;
  }

  /**
   * `POST /clients/{id}/sensitive-check` (RD-4): sets the Sensitive Check flag and raises the
   * sensitive case team's call back SR, idempotent on `idempotencyKey`.
   */
  async sensitiveCheck(id: string, reason: string, idempotencyKey: string): Promise<FlagResult> {
    return unwrapPeer(
      await this.client.POST('/clients/{id}/sensitive-check', {
        params: { path: { id }, header: { 'idempotency-key': idempotencyKey } },
        body: { reason },
      }),
    ) as unknown as FlagResult;
  }

  /** `POST /clients/{id}/nationally-sensitive` (SU-6): flags the client's live cases. */
  async markNationallySensitive(id: string, reason: string, idempotencyKey: string): Promise<FlagResult> {
    return unwrapPeer(
      await this.client.POST('/clients/{id}/nationally-sensitive', {
        params: { path: { id } },
        body: { sensitive: true, reason },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    ) as unknown as FlagResult;
  }
}
