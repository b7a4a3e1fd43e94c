import type { serviceRequestsClient } from '@cms/clients';
import { unwrapPeer } from './peer-http';

/** A case, or a client (sensitive when on any nationally sensitive case), that a request concerns. */
export interface SensitivityTarget {
  kind: 'case' | 'client';
  id: string;
}

/**
 * asks service-requests, which owns cases and their flag, whether `target` is nationally
 * sensitive. A case or client it does not hold has nothing sensitive to protect (false). Used by
 * the services that hold a case's other records (client-security, correspondence) before a caller
 * without sensitive access sees them.
 * @throws DomainError when service-requests answers otherwise or not at all (503: never an open door)
 */
export async function isNationallySensitive(
  serviceRequests: ReturnType<typeof serviceRequestsClient>,
  target: SensitivityTarget,
): Promise<boolean> {
  const res =
    target.kind === 'case'
      ? await serviceRequests.GET('/cases/{id}', { params: { path: { id: target.id } } })
      : await serviceRequests.GET('/clients/{id}', { params: { path: { id: target.id } } });
  if (res.response.status === 404) return false;
  return unwrapPeer(res).nationallySensitive;
}
