import createClient, { type Client } from 'openapi-fetch';
import type { paths as ServiceRequestsPaths } from './generated/service-requests';

export type { ServiceRequestsPaths };

/** A fetch that adds identity, request id, timeouts and retries (libs/platform `PeerHttp.fetch`). */
export type PeerFetch = (input: Request) => Promise<Response>;

/** Typed client of service-requests, generated from docs/api/service-requests.json. */
export function serviceRequestsClient(baseUrl: string, fetch: PeerFetch): Client<ServiceRequestsPaths> {
  return createClient<ServiceRequestsPaths>({ baseUrl, fetch });
}
