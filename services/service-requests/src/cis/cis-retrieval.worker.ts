import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { cisInterfaceClient } from '@cms/clients';
import { CONFIG, JobQueue, PeerHttp, unwrapPeer } from '@cms/platform';
import type { ServiceRequestsConfig } from '../config';

/** Queue of CIS retrievals to request from cis-interface (RD-1). */
export const CIS_RETRIEVAL_JOBS = 'sr.cis-retrieval';

/** A retrieval to request: whose, and why ('reference-verified' or, for an applicant, 'applicant-verified'). */
export interface CisRetrievalJob {
  clientId: string;
  trigger: 'reference-verified' | 'applicant-verified';
}

/**
 * Delivers RD-1: when a client's NINO/CRN becomes Verified, cis-interface retrieves their personal,
 * address and contact data from CIS (CIS - Retrieve Personal Data From, steps 1–2). The job is
 * written with the status change; its id is the Idempotency-Key, so retries retrieve once.
 */
@Injectable()
export class CisRetrievalWorker implements OnModuleInit, OnApplicationBootstrap {
  private readonly cisInterface: ReturnType<typeof cisInterfaceClient>;

  constructor(
    @Inject(CONFIG) config: ServiceRequestsConfig,
    peer: PeerHttp,
    private readonly jobs: JobQueue,
  ) {
    this.cisInterface = cisInterfaceClient(config.CIS_INTERFACE_URL, peer.fetch);
  }

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(CIS_RETRIEVAL_JOBS, { retryLimit: 20, retryDelaySeconds: 2 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<CisRetrievalJob>(CIS_RETRIEVAL_JOBS, async (job, meta) => {
      unwrapPeer(
        await this.cisInterface.POST('/retrievals', {
          params: { header: { 'idempotency-key': meta.id } },
          body: { clientId: job.clientId, trigger: job.trigger },
        } as never),
      );
    });
  }
}
