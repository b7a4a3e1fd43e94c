import type { serviceRequestsClient } from '@cms/clients';
import { unwrapPeer } from './peer-http';

/** Records service-requests owns, by kind, whose sensitivity another service needs. */
export interface SensitivityQuestion {
  cases?: string[];
  clients?: string[];
  representatives?: string[];
  serviceRequests?: string[];
}

/** The ones among the question's ids that are nationally sensitive, by kind. */
export type SensitivityAnswer = Required<SensitivityQuestion>;

const CHUNK = 1000;

/**
 * asks service-requests, which owns cases, clients and their flags, which of the given records
 * are nationally sensitive, all kinds in one call (a call per 1,000 ids of a kind). An id it does not hold is not
 * sensitive (nothing to protect). Used by the access repositories of the services that hold a
 * case's or client's other records (cis-interface, client-security, correspondence).
 * @throws DomainError when service-requests answers otherwise or not at all (503: never an open door)
 */
export async function askSensitivity(
  serviceRequests: ReturnType<typeof serviceRequestsClient>,
  question: SensitivityQuestion,
): Promise<SensitivityAnswer> {
  const answer: SensitivityAnswer = { cases: [], clients: [], representatives: [], serviceRequests: [] };
  const kinds = Object.keys(answer) as Array<keyof SensitivityAnswer>;
  const ids = Object.fromEntries(kinds.map((k) => [k, [...new Set(question[k] ?? [])]]));
  const rounds = Math.max(0, ...kinds.map((k) => Math.ceil(ids[k].length / CHUNK)));
  // Every kind in one call (up to 1,000 ids of each per call).
  for (let i = 0; i < rounds; i++) {
    const body = Object.fromEntries(kinds.map((k) => [k, ids[k].slice(i * CHUNK, (i + 1) * CHUNK)]));
    const res = unwrapPeer(await serviceRequests.POST('/access/sensitivity', { body }));
    for (const k of kinds) answer[k].push(...res[k]);
  }
  return answer;
}
