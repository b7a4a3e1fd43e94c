import { Inject, Injectable } from '@nestjs/common';
import { serviceRequestsClient } from '@cms/clients';
import { CONFIG, PeerHttp, unwrapPeer } from '@cms/platform';
import type { CorrespondenceConfig } from '../config';
import { ApprovalNotConfirmedError } from './letters.errors';

/** The SR type of Transfer Data Between Clients (TD-2). */
const TRANSFER_SR_TYPE = 'DATA_TRANSFER';
/** Where the `approve` transition leaves a transfer SR (libs/sr-rules, docs/sr-status-rules.md; TD-6, TD-8). */
export const APPROVED_TL = { status: 'In Progress', subStatus: 'Approved TL' } as const;

/** What a CMSL0406 request says about its approval. */
export interface ClaimedApproval {
  serviceRequestId: string;
  approvedBy: string;
  caseId: string;
}

/**
 * Looks up the team leader approval a CMSL0406 request carries in service-requests, which owns the
 * SR (TD-6, TD-8), instead of taking the caller's word for it (issue #12). The approver's role is
 * service-requests' to check: only a team leader can make the `approve` transition that records
 * `approvedBy` (and never the submitter), so an SR at Approved TL whose `approvedBy` is the approver
 * named is a team leader's approval. Asked with this service's own (system) identity; when
 * service-requests cannot answer, the letter is refused with 503 and its sender retries.
 */
@Injectable()
export class ApprovalLookup {
  private readonly serviceRequests: ReturnType<typeof serviceRequestsClient>;

  constructor(@Inject(CONFIG) config: CorrespondenceConfig, peer: PeerHttp) {
    this.serviceRequests = serviceRequestsClient(config.SERVICE_REQUESTS_URL, peer.fetch);
  }

  /**
   * Confirms the approval: the SR exists, is a transfer at In Progress / Approved TL, was approved by
   * the approver named who did not submit it, and is linked to the letter's case. Returns when the
   * SR says it was approved, if it says.
   * @throws ApprovalNotConfirmedError (422, TD-6)
   */
  async confirm(claim: ClaimedApproval): Promise<{ approvedAt: string | null }> {
    const id = claim.serviceRequestId;
    const res = await this.serviceRequests.GET('/service-requests/{id}', { params: { path: { id } } });
    if (res.response.status === 404)
      throw new ApprovalNotConfirmedError(id, 'service-requests holds no SR ' + id);
    const sr = unwrapPeer(res);
    if (sr.type !== TRANSFER_SR_TYPE) {
      throw new ApprovalNotConfirmedError(id, `it is a ${sr.type} SR, not Transfer Data Between Clients`);
    }
    if (sr.status !== APPROVED_TL.status || sr.subStatus !== APPROVED_TL.subStatus) {
      throw new ApprovalNotConfirmedError(
        id,
        `it is at ${sr.status}${sr.subStatus ? ` / ${sr.subStatus}` : ''}, not Approved TL`,
      );
    }
    if (!sr.approvedBy) throw new ApprovalNotConfirmedError(id, 'it records no approver');
    if (sr.submittedForApprovalBy && sr.approvedBy === sr.submittedForApprovalBy) {
      throw new ApprovalNotConfirmedError(id, 'its approver is the caseworker who submitted it');
    }
    if (sr.approvedBy !== claim.approvedBy) {
      throw new ApprovalNotConfirmedError(
        id,
        `it was approved by ${sr.approvedBy}, not by ${claim.approvedBy} as the request says`,
      );
    }
    if (!sr.caseIds.includes(claim.caseId)) {
      throw new ApprovalNotConfirmedError(id, `it is not linked to case ${claim.caseId}, the letter's case`);
    }
    return { approvedAt: sr.approvedAt ?? null };
  }
}
