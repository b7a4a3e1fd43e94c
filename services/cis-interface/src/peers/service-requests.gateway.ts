import { Inject, Injectable } from '@nestjs/common';
import { serviceRequestsClient, type ServiceRequestsSchemas } from '@cms/clients';
import type { PersonReferenceKind } from '@cms/domain';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { CisInterfaceConfig } from '../config';
import type { ClientPatch } from '../retrievals/rd3-rules';

type Sr = ServiceRequestsSchemas;

/** One of a client's cases as service-requests lists it. */
export type CmsClientCase = Sr['ClientCaseView'];

/** A client as service-requests holds them (`GET /clients/{id}`): CMS's personal details, NINO/CRN, cases. */
export type CmsClient = Sr['ClientView'];

/** A case as `GET /cases/{id}` shows it. */
export type CmsCase = Sr['CaseView'];

/** An SR as `GET /service-requests/{id}` shows it (`cisUpdateEnabled`: SU-4). */
export type CmsServiceRequest = Sr['ServiceRequestView'];

/** `POST /cis-matches`: one reference's client and live cases (BR-5). */
export type CisMatch = Sr['MatchView'];

/** One SR for `POST /service-requests/batch`, idempotent on its key (the CIS transaction id). */
export type SrBatchItem = Sr['BatchServiceRequestItemDto'];

/** What `POST /service-requests/batch` answers per item. */
export type SrBatchResult = Sr['BatchResultView'];

/** Answer of the client flag endpoints. */
export type FlagResult = Sr['FlagResultView'];

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
    return unwrapPeer(await this.client.GET('/clients/{id}', { params: { path: { id } } }));
  }

  /** The stages of the client's live cases (SU-3, SU-4), reading a case when the client view does not carry it. */
  async liveStages(client: CmsClient): Promise<string[]> {
    const live = client.cases.filter((c) => c.live);
    return Promise.all(live.map(async (c) => (await this.getCase(c.caseId)).stage));
  }

  /** `GET /cases/{id}`: what a letter needs of a case (number, jurisdiction, stage). */
  async getCase(id: string): Promise<CmsCase> {
    return unwrapPeer(await this.client.GET('/cases/{id}', { params: { path: { id } } }));
  }

  /**
   * `PATCH /clients/{id}`: changes CMS's record with `patch` under optimistic concurrency
   * (audited in service-requests). @throws 409 STALE_VERSION, 400 with field problems.
   */
  async patchClient(id: string, version: number, patch: ClientPatch): Promise<CmsClient> {
    return unwrapPeer(
      await this.client.PATCH('/clients/{id}', {
        params: { path: { id } },
        body: { version, ...patch },
      }),
    );
  }

  /** `GET /service-requests/{id}` (SU-4). */
  async getServiceRequest(id: string): Promise<CmsServiceRequest> {
    return unwrapPeer(await this.client.GET('/service-requests/{id}', { params: { path: { id } } }));
  }

  /** `POST /cis-matches` (BR-5): each reference's client and live enquiries, applications and cases. */
  async match(references: { referenceKind: PersonReferenceKind; reference: string }[]): Promise<CisMatch[]> {
    return unwrapPeer(await this.client.POST('/cis-matches', { body: { references } })).matches;
  }

  /** `POST /service-requests/batch` (BR-6, BR-7, BR-9): idempotent per item key. */
  async raiseBatch(items: SrBatchItem[]): Promise<SrBatchResult[]> {
    const body = unwrapPeer(
      await this.client.POST('/service-requests/batch', {
        body: { items },
        headers: { 'Idempotency-Key': items[0].idempotencyKey },
      }),
    );
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
    );
  }

  /** `POST /clients/{id}/nationally-sensitive` (SU-6): flags the client's live cases. */
  async markNationallySensitive(id: string, reason: string, idempotencyKey: string): Promise<FlagResult> {
    return unwrapPeer(
      await this.client.POST('/clients/{id}/nationally-sensitive', {
        params: { path: { id } },
        body: { sensitive: true, reason },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    );
  }
}
