import type { ServiceRequestsSchemas } from '@cms/clients';
import type { PeerHttp } from './peer-http';

/** Records service-requests owns, by kind, whose sensitivity another service needs. */
export interface SensitivityQuestion {
  cases?: string[];
  clients?: string[];
  representatives?: string[];
  serviceRequests?: string[];
}

/** The ones among the question's ids that are nationally sensitive, by kind. */
export type SensitivityAnswer = Required<SensitivityQuestion>;

/**
 * Where and how a service asks service-requests its sensitivity question: `POST
 * {serviceRequestsUrl}/access/sensitivity` through {@link PeerHttp.json} (the service token, request
 * id, time-out and retries of every peer call, without the WHATWG Request/Response of the generated
 * client: this call is on every check of a record another service owns, issue 17). The body and the
 * answer are typed by service-requests' OpenAPI document (libs/clients).
 */
export class SensitivityPeer {
  private readonly url: string;

  constructor(
    private readonly peer: PeerHttp,
    serviceRequestsUrl: string,
  ) {
    this.url = `${serviceRequestsUrl.replace(/\/+$/, '')}/access/sensitivity`;
  }

  /** One call: the sensitive ones among `body`'s ids. @throws DomainError as PeerHttp.json */
  ask(
    body: ServiceRequestsSchemas['SensitivityQueryDto'],
  ): Promise<ServiceRequestsSchemas['SensitivityView']> {
    return this.peer.json('POST', this.url, body);
  }
}

const CHUNK = 1000;

/**
 * asks service-requests, which owns cases, clients and their flags, which of the given records
 * are nationally sensitive, all kinds in one call (a call per 1,000 ids of a kind). An id it does not hold is not
 * sensitive (nothing to protect). Used by the access repositories of the services that hold a
 * case's or client's other records (cis-interface, client-security, correspondence).
 * @throws DomainError when service-requests answers otherwise or not at all (503: never an open door)
 */
export async function askSensitivity(
  serviceRequests: SensitivityPeer,
  question: SensitivityQuestion,
): Promise<SensitivityAnswer> {
  const answer: SensitivityAnswer = { cases: [], clients: [], representatives: [], serviceRequests: [] };
  const kinds = Object.keys(answer) as Array<keyof SensitivityAnswer>;
  const ids = Object.fromEntries(kinds.map((k) => [k, [...new Set(question[k] ?? [])]]));
  const rounds = Math.max(0, ...kinds.map((k) => Math.ceil(ids[k].length / CHUNK)));
  // Every kind in one call (up to 1,000 ids of each per call).
  for (let i = 0; i < rounds; i++) {
    const body = Object.fromEntries(kinds.map((k) => [k, ids[k].slice(i * CHUNK, (i + 1) * CHUNK)]));
    const res = await serviceRequests.ask(body);
    for (const k of kinds) answer[k].push(...res[k]);
  }
  return answer;
}
