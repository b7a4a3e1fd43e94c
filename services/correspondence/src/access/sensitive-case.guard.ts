import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { serviceRequestsClient } from '@cms/clients';
import { Actor, hasSensitiveAccess, InsufficientAccessError } from '@cms/domain';
import { CONFIG, isNationallySensitive, PeerHttp, type SensitivityTarget } from '@cms/platform';
import { isUUID } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { CorrespondenceConfig } from '../config';

type GuardedRequest = FastifyRequest & {
  actor?: Actor;
  params: Record<string, string | undefined>;
  query: Record<string, unknown>;
  body: unknown;
};

/**
 * X-1 (and SU-6) for correspondence: the letters, SMS and issue log of a nationally sensitive case
 * are open only to callers with sensitive access ("Insufficient Access" otherwise). service-requests
 * owns cases and their sensitive flag, so it is asked at the time of each request (the flag can be
 * set at any moment, e.g. by CIS error code 1); callers with sensitive access and our own services
 * skip the question. What the request is about comes from the route: the letter or SMS `:id` (its
 * case), `caseId` / `clientId` of the issue log, or `caseId` of a letter being issued clerically.
 * An id that is not a UUID is left to the route's own validation (400). A case or client that
 * service-requests does not hold has nothing sensitive to protect. service-requests not answering
 * is a 503 (never an open door).
 * @throws InsufficientAccessError (403 "Insufficient Access", requirement X-1)
 */
@Injectable()
export class SensitiveCaseGuard implements CanActivate {
  private readonly serviceRequests: ReturnType<typeof serviceRequestsClient>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: CorrespondenceConfig,
    peer: PeerHttp,
  ) {
    this.serviceRequests = serviceRequestsClient(config.SERVICE_REQUESTS_URL, peer.fetch);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<GuardedRequest>();
    if (!req.actor || hasSensitiveAccess(req.actor)) return true;
    const target = await this.targetOf(req);
    if (target && (await isNationallySensitive(this.serviceRequests, target)))
      throw new InsufficientAccessError(undefined, 'X-1');
    return true;
  }

  /** The case or client a request concerns, or null when it names none (or names it badly). */
  private async targetOf(req: GuardedRequest): Promise<SensitivityTarget | null> {
    const itemId = req.params.id;
    if (itemId !== undefined) {
      if (!isUUID(itemId)) return null;
      const rows = await this.db.query<{ case_id: string }[]>(
        `SELECT case_id FROM correspondence_item WHERE id = $1`,
        [itemId],
      );
      return rows[0] ? { kind: 'case', id: rows[0].case_id } : null;
    }
    const source =
      req.method === 'POST' && req.body && typeof req.body === 'object'
        ? (req.body as Record<string, unknown>)
        : req.query;
    const caseId = source.caseId;
    if (typeof caseId === 'string' && isUUID(caseId)) return { kind: 'case', id: caseId };
    const clientId = source.clientId;
    if (typeof clientId === 'string' && isUUID(clientId)) return { kind: 'client', id: clientId };
    return null;
  }
}
