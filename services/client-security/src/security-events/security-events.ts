import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { serviceRequestsClient, type ServiceRequestsPaths } from '@cms/clients';
import { CONFIG, JobQueue, PeerHttp, unwrapPeer } from '@cms/platform';
import type { EntityManager } from 'typeorm';
import type { ClientSecurityConfig } from '../config';

/** Queue of security events delivered to service-requests (pg-boss, this service's database). */
export const SECURITY_EVENT_JOBS = 'client-security.security-event';

/**
 * Body of `POST {SERVICE_REQUESTS_URL}/security-events` as service-requests publishes it
 * (docs/api/service-requests.json), sent with `Idempotency-Key: <job id>`:
 * `{ clientId, event: 'tam-account-blocked', occurredAt }`. service-requests raises the Change -
 * Security Details SR with a note to call the client back on the number held, or to trace one
 * through CIS/CRA (SD-3); that SR sends CMSL9800 (step 7). Letters are not sent from here.
 */
export type SecurityEventBody = NonNullable<
  ServiceRequestsPaths['/security-events']['post']['requestBody']
>['content']['application/json'];
export type SecurityEventName = SecurityEventBody['event'];

/**
 * Writes security events in the caller's transaction (an outbox: the event exists if and only if
 * the block committed) and delivers them to service-requests with retries and backoff, through
 * the generated service-requests client.
 */
@Injectable()
export class SecurityEvents implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(SecurityEvents.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly peer: PeerHttp,
    @Inject(CONFIG) private readonly config: ClientSecurityConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.declare(SECURITY_EVENT_JOBS, { retryLimit: 20, retryDelaySeconds: 2 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<SecurityEventBody>(SECURITY_EVENT_JOBS, (body, job) => this.deliver(body, job.id));
  }

  /** Writes one event job with `manager` (must be inside a transaction). Returns the job id. */
  async send(manager: EntityManager, body: SecurityEventBody): Promise<string | null> {
    return this.jobs.sendInTransaction(manager, SECURITY_EVENT_JOBS, body);
  }

  /**
   * Delivers one event with the job id as `Idempotency-Key` (service-requests answers a replay
   * with the SR it raised the first time). A 2xx or 409 completes the job; anything else throws
   * the peer's problem as a DomainError, so pg-boss retries with backoff (20 times, from 2 s).
   */
  async deliver(body: SecurityEventBody, jobId: string): Promise<void> {
    const client = serviceRequestsClient(this.config.SERVICE_REQUESTS_URL, this.peer.fetch);
    const result = await client.POST('/security-events', {
      params: { header: { 'idempotency-key': jobId } },
      body: { clientId: body.clientId, event: body.event, occurredAt: body.occurredAt },
    });
    if (result.response.status !== 409) unwrapPeer(result);
    this.logger.log({
      msg: 'security event delivered',
      jobId,
      event: body.event,
      status: result.response.status,
      serviceRequestId: result.data?.serviceRequestId,
    });
  }
}
