import { Inject, Injectable } from '@nestjs/common';
import { serviceRequestsClient, type ServiceRequestsSchemas } from '@cms/clients';
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

/** One transaction for `POST /cis-matches/raise`, idempotent on its key (the CIS transaction id). */
export type MatchAndRaiseItem = Sr['MatchAndRaiseItemDoc'];

/** What `POST /cis-matches/raise` answers per transaction: its match (BR-5) and the SR raised, if any. */
export type MatchAndRaiseResult = Sr['MatchAndRaiseResultView'];

/** The SR a transaction raised (or raised before under its key). */
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

  /** The stages of the client's live cases (SU-3, SU-4), as the client view carries them. */
  liveStages(client: CmsClient): string[] {
    return client.cases.filter((c) => c.live).map((c) => c.stage);
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

  /**
   * `POST /cis-matches/raise` (BR-5, BR-6, BR-7, BR-9): each transaction matched with live cases
   * and, when it raises one, its SR raised, in one call and one transaction of service-requests;
   * idempotent per item key (so PeerHttp retries it). @returns one result per item, in order
   */
  async matchAndRaise(items: MatchAndRaiseItem[]): Promise<MatchAndRaiseResult[]> {
    const body = unwrapPeer(
      await this.client.POST('/cis-matches/raise', {
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
