import { Inject, Injectable } from '@nestjs/common';
import { clientSecurityClient } from '@cms/clients';
import { DomainError, DomainValidationError } from '@cms/domain';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { ServiceRequestsConfig } from '../config';

/** The SR type whose subject must have security details set up before it is raised or re-aimed (SD-22). */
export const NEEDS_SECURITY_SET_UP = 'SECURITY_DETAILS';

/**
 * Change - Security Details, step 1 (SD-22): "Check if the client has set up their security details
 * prior to raising an SR; if this has not been done, see Security set up". Asks client-security
 * (`GET /clients/{clientId}/security-details`, with the generated client over PeerHttp) whether the
 * SR's subject has security details. The same for every channel: a caseworker on the phone, the Self
 * Service Site (SD-5) and our own services.
 */
@Injectable()
export class SecuritySetUpCheck {
  private readonly security: ReturnType<typeof clientSecurityClient>;

  constructor(@Inject(CONFIG) config: ServiceRequestsConfig, peer: PeerHttp) {
    this.security = clientSecurityClient(config.CLIENT_SECURITY_URL, peer.fetch);
  }

  /**
   * Refuses a Change Contact/Security Info SR whose subject (the client the change relates to; SR
   * subjects are always clients — a representative's own details are changed under the SR of the
   * client they act for, SD-18) has no security details. Other SR types are not asked about.
   * @param type the SR type; @param subject the SR's subject, required for SECURITY_DETAILS
   * @throws DomainValidationError (400: no subject named, so no one to check);
   *   DomainError SECURITY_DETAILS_NOT_SET_UP (422, SD-22: do security set-up first);
   *   DomainError PEER_UNAVAILABLE or a 5xx from client-security (503: never raised on a guess);
   *   client-security's own refusal otherwise (e.g. 403 Insufficient Access)
   */
  async assertSetUp(type: string, subject: { clientId: string } | undefined | null): Promise<void> {
    if (type !== NEEDS_SECURITY_SET_UP) return;
    if (!subject) {
      throw new DomainValidationError([
        {
          field: 'subject',
          rule: 'required',
          message:
            'Name the client the change relates to: their security set-up is checked before this SR is raised.',
          requirementId: 'SD-22',
        },
      ]);
    }
    const status = unwrapPeer(
      await this.security.GET('/clients/{clientId}/security-details', {
        params: { path: { clientId: subject.clientId } },
      }),
    );
    if (status.setUp) return;
    const message =
      'This client has not set up their security details: do security set-up first (client-security ' +
      '`POST /clients/{clientId}/security-details`), then raise the Change Contact/Security Info SR.';
    throw new DomainError('SECURITY_DETAILS_NOT_SET_UP', 'precondition', message, {
      requirementId: 'SD-22',
      errors: [{ field: 'subject', rule: 'security-set-up', message, requirementId: 'SD-22' }],
    });
  }
}
