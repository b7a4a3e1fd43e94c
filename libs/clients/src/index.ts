import createClient, { type Client } from 'openapi-fetch';
import type { components as CisInterface, paths as CisInterfacePaths } from './generated/cis-interface';
import type { components as CisSimulator, paths as CisSimulatorPaths } from './generated/cis-simulator';
import type { components as ClientSecurity, paths as ClientSecurityPaths } from './generated/client-security';
import type { components as Correspondence, paths as CorrespondencePaths } from './generated/correspondence';
import type {
  components as ServiceRequests,
  paths as ServiceRequestsPaths,
} from './generated/service-requests';

export type {
  CisInterfacePaths,
  CisSimulatorPaths,
  ClientSecurityPaths,
  CorrespondencePaths,
  ServiceRequestsPaths,
};

/** The schemas (request and response bodies) of each service's document, e.g. `ServiceRequestsSchemas['ClientView']`. */
export type CisInterfaceSchemas = CisInterface['schemas'];
export type CisSimulatorSchemas = CisSimulator['schemas'];
export type ClientSecuritySchemas = ClientSecurity['schemas'];
export type CorrespondenceSchemas = Correspondence['schemas'];
export type ServiceRequestsSchemas = ServiceRequests['schemas'];

/** A fetch that adds identity, request id, timeouts and retries (libs/platform `PeerHttp.fetch`). */
export type PeerFetch = (input: Request) => Promise<Response>;

/** Typed client of service-requests, generated from docs/api/service-requests.json. */
export function serviceRequestsClient(baseUrl: string, fetch: PeerFetch): Client<ServiceRequestsPaths> {
  return createClient<ServiceRequestsPaths>({ baseUrl, fetch });
}

/** Typed client of cis-interface, generated from docs/api/cis-interface.json. */
export function cisInterfaceClient(baseUrl: string, fetch: PeerFetch): Client<CisInterfacePaths> {
  return createClient<CisInterfacePaths>({ baseUrl, fetch });
}

/** Typed client of client-security, generated from docs/api/client-security.json. */
export function clientSecurityClient(baseUrl: string, fetch: PeerFetch): Client<ClientSecurityPaths> {
  return createClient<ClientSecurityPaths>({ baseUrl, fetch });
}

/** Typed client of correspondence, generated from docs/api/correspondence.json. */
export function correspondenceClient(baseUrl: string, fetch: PeerFetch): Client<CorrespondencePaths> {
  return createClient<CorrespondencePaths>({ baseUrl, fetch });
}

/** Typed client of the CIS simulator (CIS's web service as cis-interface sees it). */
export function cisClient(baseUrl: string, fetch: PeerFetch): Client<CisSimulatorPaths> {
  return createClient<CisSimulatorPaths>({ baseUrl, fetch });
}
