import { Inject, Injectable } from '@nestjs/common';
import { serviceRequestsClient } from '@cms/clients';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { ClientSecurityConfig } from '../config';
import {
  ClientNotFoundError,
  RepresentativeNotActingForClientError,
  ServiceRequestNotApplicableError,
  ServiceRequestNotFoundError,
  SubjectTypeMismatchError,
} from './security-details.errors';

/** The SR type of Change - Security Details: CofC / Change Personal Info / Change Contact/Security Info (SD-4). */
export const SECURITY_DETAILS_SR_TYPE = 'SECURITY_DETAILS';
/** SR statuses no transition leaves (libs/sr-rules): nothing more is done under them. */
const FINAL_STATUSES: ReadonlySet<string> = new Set(['Closed', 'Cancelled']);

/** What client-security needs to know about a client, as service-requests holds it. */
export interface ClientFacts {
  id: string;
  /** Every case service-requests links the client to is a manually built CSA Arrears Only case (SD-21). */
  csaArrearsOnly: boolean;
}

/**
 * What client-security learns from service-requests, never from the caller (issue #12; SD-4, SD-18,
 * SD-21): whether a client exists and whether their only cases are CSA Arrears Only, whom a
 * representative acts for, and whether an SR is an open Change Contact/Security Info SR about a
 * client. Asked with this service's own (system) identity through the typed client; when
 * service-requests cannot answer, the caller gets 503 and nothing changes (fails closed).
 */
@Injectable()
export class SubjectFacts {
  private readonly serviceRequests: ReturnType<typeof serviceRequestsClient>;

  constructor(@Inject(CONFIG) config: ClientSecurityConfig, peer: PeerHttp) {
    this.serviceRequests = serviceRequestsClient(config.SERVICE_REQUESTS_URL, peer.fetch);
  }

  /**
   * The client as service-requests holds them, with SD-21 worked out from their cases.
   * @throws ClientNotFoundError (404) when service-requests does not know the id
   */
  async client(clientId: string, field = 'clientId'): Promise<ClientFacts> {
    const res = await this.serviceRequests.GET('/clients/{id}', { params: { path: { id: clientId } } });
    if (res.response.status === 404) throw new ClientNotFoundError(clientId, field);
    const client = unwrapPeer(res);
    // GET /cases/{id} documents no response schema; read only the flag it carries.
    const cases = await Promise.all(
      client.cases.map(async (c) =>
        unwrapPeer(await this.serviceRequests.GET('/cases/{id}', { params: { path: { id: c.caseId } } })),
      ),
    );
    return {
      id: client.id,
      csaArrearsOnly: cases.length > 0 && cases.every((c) => c.csaArrearsOnly === true),
    };
  }

  /**
   * Refuses unless `representativeId` is a current (not removed) representative of `clientId` in
   * service-requests (SD-15, SD-18).
   * @throws ClientNotFoundError (404, the client); SubjectTypeMismatchError (422: the id is a
   *   client's); RepresentativeNotActingForClientError (422)
   */
  async assertRepresentativeOf(representativeId: string, clientId: string): Promise<void> {
    const res = await this.serviceRequests.GET('/clients/{clientId}/representatives', {
      params: { path: { clientId } },
    });
    if (res.response.status === 404) throw new ClientNotFoundError(clientId, 'actingForClientId');
    const current = unwrapPeer(res).find((r) => r.id === representativeId && !r.removedAt);
    if (current) return;
    const asClient = await this.serviceRequests.GET('/clients/{id}', {
      params: { path: { id: representativeId } },
    });
    if (asClient.response.ok) throw new SubjectTypeMismatchError(representativeId, 'client');
    if (asClient.response.status !== 404) unwrapPeer(asClient);
    throw new RepresentativeNotActingForClientError(representativeId, clientId);
  }

  /**
   * Refuses unless `serviceRequestId` is an open Change Contact/Security Info SR whose subject is
   * `clientId` (SD-4, SD-6).
   * @throws ServiceRequestNotFoundError (404); ServiceRequestNotApplicableError (422)
   */
  async assertOpenSecuritySr(serviceRequestId: string, clientId: string): Promise<void> {
    const res = await this.serviceRequests.GET('/service-requests/{id}', {
      params: { path: { id: serviceRequestId } },
    });
    if (res.response.status === 404) throw new ServiceRequestNotFoundError(serviceRequestId);
    const sr = unwrapPeer(res);
    if (sr.type !== SECURITY_DETAILS_SR_TYPE) {
      throw new ServiceRequestNotApplicableError(
        serviceRequestId,
        `is a ${sr.type} SR, not Change Contact/Security Info`,
      );
    }
    if (FINAL_STATUSES.has(sr.status)) {
      throw new ServiceRequestNotApplicableError(serviceRequestId, `is ${sr.status}`);
    }
    if (sr.subject?.clientId !== clientId) {
      throw new ServiceRequestNotApplicableError(serviceRequestId, 'is about another client');
    }
  }
}
