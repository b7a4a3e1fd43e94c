import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { serviceRequestsClient } from '@cms/clients';
import { Actor, hasSensitiveAccess, InsufficientAccessError } from '@cms/domain';
import { CONFIG, isNationallySensitive, PeerHttp } from '@cms/platform';
import { isUUID } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import type { ClientSecurityConfig } from '../config';
import { SecuritySubject } from '../security-details/security-subject.entity';

/**
 * X-1 for security details: a nationally sensitive client (or a representative acting for one) is
 * open only to callers with sensitive access. service-requests owns the cases, so it is asked
 * whether the client is nationally sensitive; callers with sensitive access (and our own
 * services) are not slowed by the question. An id that is not a UUID is left to the route's own
 * validation (400), never looked up.
 * @throws InsufficientAccessError (403 "Insufficient Access")
 */
@Injectable()
export class SensitiveClientGuard implements CanActivate {
  private readonly serviceRequests: ReturnType<typeof serviceRequestsClient>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CONFIG) config: ClientSecurityConfig,
    peer: PeerHttp,
  ) {
    this.serviceRequests = serviceRequestsClient(config.SERVICE_REQUESTS_URL, peer.fetch);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context
      .switchToHttp()
      .getRequest<FastifyRequest & { actor?: Actor; params: Record<string, string> }>();
    if (!req.actor || hasSensitiveAccess(req.actor)) return true;
    let clientId = req.params.clientId;
    const representativeId = req.params.representativeId;
    if ((clientId && !isUUID(clientId)) || (representativeId && !isUUID(representativeId))) return true;
    if (!clientId && representativeId) {
      const rep = await this.db.manager.findOne(SecuritySubject, {
        where: { subjectId: representativeId },
      });
      clientId = rep?.actingForClientId ?? '';
    }
    if (!clientId) return true;
    if (await isNationallySensitive(this.serviceRequests, { kind: 'client', id: clientId })) {
      throw new InsufficientAccessError(undefined, 'X-1');
    }
    return true;
  }
}
