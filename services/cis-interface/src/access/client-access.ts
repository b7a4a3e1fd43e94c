import { Injectable } from '@nestjs/common';
import { type Actor, hasSensitiveAccess, InsufficientAccessError } from '@cms/domain';
import { CmsClient, ServiceRequestsGateway } from '../peers/service-requests.gateway';

/**
 * Refuses a caller without sensitive access when the client is nationally sensitive (X-1, SU-6).
 * service-requests sees only cis-interface's own `system` token, so this service must check.
 * @throws InsufficientAccessError (403 "Insufficient Access")
 */
export function assertMaySee(
  actor: Actor,
  client: Pick<CmsClient, 'nationallySensitive'>,
  requirementId = 'X-1',
): void {
  if (client.nationallySensitive && !hasSensitiveAccess(actor)) {
    throw new InsufficientAccessError(undefined, requirementId);
  }
}

/** Reads clients from service-requests on behalf of a caller, applying X-1. */
@Injectable()
export class ClientAccess {
  constructor(private readonly srs: ServiceRequestsGateway) {}

  /**
   * The client, when the caller may see them. @throws 404 (no such client), InsufficientAccessError.
   */
  async load(actor: Actor, clientId: string): Promise<CmsClient> {
    const client = await this.srs.getClient(clientId);
    assertMaySee(actor, client);
    return client;
  }

  /** Checks X-1 only; skips the call for callers with sensitive access (they may see every client). */
  async check(actor: Actor, clientId: string): Promise<void> {
    if (hasSensitiveAccess(actor)) return;
    await this.load(actor, clientId);
  }
}
