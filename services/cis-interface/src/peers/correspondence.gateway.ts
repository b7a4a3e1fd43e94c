import { Inject, Injectable } from '@nestjs/common';
import { correspondenceClient, type CorrespondenceSchemas } from '@cms/clients';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { CisInterfaceConfig } from '../config';

/** Body of correspondence's `POST /letters` (its generated type; cis-interface sends the BR-8 MOPF letter). */
export type IssueLetterRequest = CorrespondenceSchemas['IssueLetterDto'];

/**
 * correspondence as cis-interface uses it: the automated letter to the paying parent when CIS
 * reports a benefit claim (BR-8), idempotent on the CIS transaction id.
 */
@Injectable()
export class CorrespondenceGateway {
  private readonly client: ReturnType<typeof correspondenceClient>;

  constructor(@Inject(CONFIG) config: CisInterfaceConfig, http: PeerHttp) {
    this.client = correspondenceClient(config.CORRESPONDENCE_URL, http.fetch);
  }

  /**
   * `POST /letters` with `Idempotency-Key: idempotencyKey` (the same key returns the letter issued
   * before). @returns the letter's id. @throws DomainError with correspondence's problem code.
   */
  async issueLetter(body: IssueLetterRequest, idempotencyKey: string): Promise<{ id: string }> {
    return unwrapPeer(
      await this.client.POST('/letters', {
        params: { header: { 'Idempotency-Key': idempotencyKey } },
        body,
      }),
    );
  }
}
