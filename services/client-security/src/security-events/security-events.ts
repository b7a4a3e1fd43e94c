import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DomainError } from '@cms/domain';
import { CONFIG, JobQueue, PeerHttp } from '@cms/platform';
import type { EntityManager } from 'typeorm';
import type { ClientSecurityConfig } from '../config';

/** Queue of security events delivered to service-requests (pg-boss, this service's database). */
export const SECURITY_EVENT_JOBS = 'client-security.security-event';

/** Events client-security tells service-requests about. */
export const SECURITY_EVENTS = ['tam-account-blocked', 'representative-blocked'] as const;
export type SecurityEventName = (typeof SECURITY_EVENTS)[number];

/**
 * Body of `POST {SERVICE_REQUESTS_URL}/security-events`, sent with `Idempotency-Key: <job id>`.
 * - `tam-account-blocked`: a client failed three consecutive checks (SD-2). service-requests
 *   arranges the call back on the number held (SD-3) and raises the Change - Security Details SR
 *   that sends CMSL9800 (step 7). `tamAccount` false means a manually built CSA Arrears Only
 *   client with no TAM account (SD-21): the caseworker raises an incident with AAC instead.
 * - `representative-blocked`: a client representative failed three consecutive checks of their
 *   own details (SD-18); `clientId` is the client they act for.
 */
export interface SecurityEventBody {
  clientId: string;
  representativeId: string | null;
  event: SecurityEventName;
  tamAccount: boolean;
  /** ISO 8601 instant of the block. */
  occurredAt: string;
}

/**
 * Writes security events in the caller's transaction (an outbox: the event exists if and only if
 * the block committed) and delivers them to service-requests with retries and backoff.
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
   * Delivers one event: 2xx (or 409, already received under this key) completes the job; anything
   * else throws so pg-boss retries with backoff. The job id is the `Idempotency-Key`.
   * @throws DomainError PEER_REFUSED_SECURITY_EVENT on a non-2xx answer (the job is retried)
   */
  async deliver(body: SecurityEventBody, jobId: string): Promise<void> {
    const url = new URL('/security-events', this.config.SERVICE_REQUESTS_URL);
    const res = await this.peer.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': jobId },
      body: JSON.stringify(body),
    });
    await res.body?.cancel();
    if (res.ok || res.status === 409) {
      this.logger.log({ msg: 'security event delivered', jobId, event: body.event, status: res.status });
      return;
    }
    throw new DomainError(
      'PEER_REFUSED_SECURITY_EVENT',
      'unavailable',
      `service-requests answered ${res.status} to a security event; it will be retried.`,
    );
  }
}
