import { CIS_CHANGE_TYPE_INFO, type CisChangeType } from './cis';
import { type ClientRole, outwardRoleName } from './clients';

/** Most cases one SR links (the batch's limit). */
export const MAX_CASES_PER_SR = 10;

/** A reference's client and live cases, as the match query finds them. */
export interface ReferenceMatch {
  clientId: string | null;
  cases: { caseId: string; role: string; nationallySensitive: boolean }[];
}

/** A transaction matched to a client and live cases, ready to raise or to write to (BR-5). */
export interface MatchedTransaction {
  clientId: string;
  role: ClientRole;
  caseIds: string[];
  nationallySensitive: boolean;
}

/**
 * BR-5 for one CIS transaction (CIS - Receive Broadcast Updates, step 2): the client and live
 * cases it concerns, or why it matched nothing. A change that concerns only the paying parent
 * (benefits) needs a live case where the client is the paying parent. The subject's role is that
 * of the first eligible case; at most {@link MAX_CASES_PER_SR} cases are linked. A nationally
 * sensitive status update (BR-7) is sensitive whatever the cases say. Pure; never throws.
 */
export function matchTransaction(
  changeType: CisChangeType,
  match: ReferenceMatch | undefined,
): MatchedTransaction | { unmatched: string } {
  if (!match?.clientId) return { unmatched: 'BR-5: CMS holds no client with this NINO/CRN' };
  if (!match.cases.length) return { unmatched: 'BR-5: no live enquiry, application or case for this client' };
  const info = CIS_CHANGE_TYPE_INFO[changeType];
  const eligible = match.cases.filter((c) => info.roles.includes(c.role as ClientRole));
  if (!eligible.length) {
    return {
      unmatched: `BR-5: no live enquiry, application or case where the client is the ${info.roles.map(outwardRoleName).join(' or ')}`,
    };
  }
  return {
    clientId: match.clientId,
    role: eligible[0].role as ClientRole,
    caseIds: [...new Set(eligible.map((c) => c.caseId))].slice(0, MAX_CASES_PER_SR),
    nationallySensitive: eligible.some((c) => c.nationallySensitive) || info.sensitiveCaseTeam,
  };
}
