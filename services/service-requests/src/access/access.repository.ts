import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Actor } from '@cms/domain';
import { type AccessRepository, maySeeSensitive, preparedQuery, type ResourceKind } from '@cms/platform';
import { DataSource } from 'typeorm';

/** How every access query below names its ids. */
const ANY_ID = '= ANY($1::uuid[])';

/**
 * The same query for exactly one id (`$1` a uuid, not an array): issue 17. For `= ANY($1::uuid[])`
 * PostgreSQL's generic plan assumes a longer array than the one usually given, so it never trusts
 * that plan and plans the query again on every execution (pg_stat_statements: 1,486 plans for
 * 1,478 calls of `POST /access/sensitivity`, 0.5 ms of planning against 0.04 ms of execution a
 * call). With a single uuid the generic plan is the custom one, kept after five executions.
 * @throws Error at start-up when a query does not name its ids as {@link ANY_ID}
 */
function forOneId(sql: string): string {
  if (sql.split(ANY_ID).length !== 2) throw new Error(`access query without exactly one ${ANY_ID}: ${sql}`);
  return sql.replace(ANY_ID, '= $1::uuid');
}

/**
 * SQL that finds the nationally sensitive ones among `$1` (uuid[]) for each kind service-requests
 * owns. A client is sensitive when flagged itself (SU-6 without a live case), under Sensitive
 * Check (RD-4), or on any flagged case; an SR when flagged, on a flagged case, or about a sensitive
 * client; a representative as the client they act for; an audit trail as the audited record.
 */
const SENSITIVE_CLIENT = `(c.nationally_sensitive OR c.sensitive_check OR EXISTS (
    SELECT 1 FROM case_participant p JOIN "case" k ON k.id = p.case_id
     WHERE p.client_id = c.id AND k.nationally_sensitive))`;
const CASES = `SELECT id FROM "case" WHERE id = ANY($1::uuid[]) AND nationally_sensitive`;
const CLIENTS = `SELECT c.id FROM client c WHERE c.id = ANY($1::uuid[]) AND ${SENSITIVE_CLIENT}`;
/** An SR row `sr` is nationally sensitive (for queries that count or page SRs, e.g. work queues). */
export const SENSITIVE_SR = `(sr.nationally_sensitive
    OR EXISTS (SELECT 1 FROM sr_case_link l JOIN "case" k ON k.id = l.case_id
                WHERE l.sr_id = sr.id AND k.nationally_sensitive)
    OR EXISTS (SELECT 1 FROM client c WHERE c.id = sr.subject_client_id AND ${SENSITIVE_CLIENT}))`;
const SERVICE_REQUESTS = `SELECT sr.id FROM service_request sr WHERE sr.id = ANY($1::uuid[]) AND ${SENSITIVE_SR}`;
const REPRESENTATIVES = `SELECT r.id FROM client_representative r JOIN client c ON c.id = r.client_id
   WHERE r.id = ANY($1::uuid[]) AND ${SENSITIVE_CLIENT}`;

const QUERIES: Partial<Record<ResourceKind, readonly string[]>> = {
  case: [CASES],
  client: [CLIENTS],
  'service-request': [SERVICE_REQUESTS],
  representative: [REPRESENTATIVES],
  // An audit trail's id is the audited case's, client's or SR's.
  'audit-trail': [CASES, CLIENTS, SERVICE_REQUESTS],
};
/** {@link QUERIES} for exactly one id ({@link forOneId}). */
const QUERIES_ONE: Partial<Record<ResourceKind, readonly string[]>> = Object.fromEntries(
  Object.entries(QUERIES).map(([kind, sqls]) => [kind, sqls.map(forOneId)]),
);

/** A kind's queries and parameter for these ids: the one-id form when there is exactly one. */
function queriesFor(
  kind: ResourceKind,
  ids: readonly string[],
): { queries: readonly string[]; param: string | readonly string[]; one: boolean } | undefined {
  const queries = QUERIES[kind];
  if (!queries) return undefined;
  return ids.length === 1
    ? { queries: QUERIES_ONE[kind]!, param: ids[0], one: true }
    : { queries, param: ids, one: false };
}

/**
 * The SQL condition that keeps an SR query (alias `sr`) to what `actor` may see: everything for
 * sensitive access, otherwise no nationally sensitive SR — so a page or a count never includes one.
 */
export function visibleServiceRequests(actor: Actor): string {
  return maySeeSensitive(actor) ? 'true' : `NOT ${SENSITIVE_SR}`;
}

/**
 * The kinds asked about as one UNION ALL: each kind's queries (the one-id form for exactly one id,
 * {@link queriesFor}) read their ids from the kind's own parameter, each wrapped by `part(sql, k)`
 * (`k` the kind's index in `labels`). `names` tells the kinds apart, and which had one id, for the
 * prepared statement's name. Kinds with no ids are left out.
 * @throws Error for a kind without queries (callers answer those themselves)
 */
function unionOfKinds(
  asks: ReadonlyArray<{ kind: ResourceKind; ids: readonly string[] }>,
  part: (sql: string, k: number) => string,
): { parts: string[]; params: (string | readonly string[])[]; labels: ResourceKind[]; names: string[] } {
  const parts: string[] = [];
  const params: (string | readonly string[])[] = [];
  const labels: ResourceKind[] = [];
  const names: string[] = [];
  for (const { kind, ids } of asks) {
    if (!ids.length) continue;
    const q = queriesFor(kind, ids);
    if (!q) throw new Error(`no sensitivity query for ${kind}`);
    params.push(q.param);
    labels.push(kind);
    names.push(q.one ? `${kind}1` : kind);
    for (const sql of q.queries)
      parts.push(part(sql.replace(/\$1\b/g, `$${params.length}`), labels.length - 1));
  }
  return { parts, params, labels, names };
}

/**
 * The one prepared statement that answers, for kinds that have queries, which of the asked ids are
 * nationally sensitive: each kind's queries in a UNION ALL, a row's kind the index `k` into
 * `labels`; a kind asked about with exactly one id uses the one-id form ({@link forOneId}).
 * Undefined when nothing is asked. Used by `sensitiveByKind` (`POST /access/sensitivity`).
 * @throws Error for a kind without queries (the caller answers those: all sensitive)
 */
export function sensitivityStatement(
  asks: ReadonlyArray<{ kind: ResourceKind; ids: readonly string[] }>,
): { name: string; sql: string; params: (string | readonly string[])[]; labels: ResourceKind[] } | undefined {
  // The kind as a parameter's index, not as text in the SQL: our queries alone make the statement.
  const { parts, params, labels, names } = unionOfKinds(
    asks,
    (sql, k) => `SELECT ${k} AS k, q.id FROM (${sql}) q`,
  );
  if (!parts.length) return undefined;
  return { name: `access_by_kind_${names.join('_')}`, sql: parts.join(' UNION ALL '), params, labels };
}

/** service-requests' answers to the access policy: it owns cases, clients, SRs and their flags. */
@Injectable()
export class ServiceRequestsAccessRepository implements AccessRepository {
  readonly kinds: readonly ResourceKind[] = [...(Object.keys(QUERIES) as ResourceKind[]), 'work-queue'];

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async sensitiveAmong(kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>> {
    // BR-7: the sensitive case team's queue is itself sensitive; a queue is named, not numbered.
    if (kind === 'work-queue') return new Set(ids.filter((q) => q === 'sensitive-case-team'));
    const q = queriesFor(kind, ids);
    // Deny by default: a kind without a query is sensitive.
    if (!q) return new Set(ids);
    const found = new Set<string>();
    for (const [i, sql] of q.queries.entries()) {
      // Prepared (parsed and planned once per connection): asked before nearly every read.
      const name = `access_${kind}_${i}${q.one ? '_one' : ''}`;
      const rows = await preparedQuery<{ id: string }>(this.db, name, sql, [q.param]);
      rows.forEach((r) => found.add(r.id));
    }
    return found;
  }

  /**
   * Of the records asked about, several kinds at once, the nationally sensitive ones by kind: every
   * kind's query in one prepared UNION ALL, one round trip (X-1; what `POST /access/sensitivity`
   * answers the other services on nearly every read of theirs). Same answers as
   * {@link sensitiveAmong} kind by kind; a kind without a query is all sensitive (deny by default).
   * @returns a set for every kind asked about (empty when none is sensitive)
   */
  async sensitiveByKind(
    asks: ReadonlyArray<{ kind: ResourceKind; ids: readonly string[] }>,
  ): Promise<Map<ResourceKind, Set<string>>> {
    const found = new Map<ResourceKind, Set<string>>(asks.map((a) => [a.kind, new Set<string>()]));
    const withQueries: Array<{ kind: ResourceKind; ids: readonly string[] }> = [];
    for (const { kind, ids } of asks) {
      if (!ids.length) continue;
      if (QUERIES[kind]) withQueries.push({ kind, ids });
      else (await this.sensitiveAmong(kind, ids)).forEach((id) => found.get(kind)!.add(id));
    }
    const statement = sensitivityStatement(withQueries);
    if (!statement) return found;
    const { name, sql, params, labels } = statement;
    const rows = await preparedQuery<{ k: number; id: string }>(this.db, name, sql, params);
    rows.forEach((r) => found.get(labels[r.k])!.add(r.id));
    return found;
  }

  /**
   * Whether any of the records asked about is nationally sensitive: every kind's query in one
   * UNION ALL, stopping at the first row (X-1; the guard asks this when a route names a client and
   * its cases, as raising an SR does). A kind without a query is sensitive (deny by default).
   */
  async anySensitive(asks: ReadonlyArray<{ kind: ResourceKind; ids: readonly string[] }>): Promise<boolean> {
    const withQueries: Array<{ kind: ResourceKind; ids: readonly string[] }> = [];
    for (const { kind, ids } of asks) {
      if (!ids.length) continue;
      if (kind === 'work-queue') {
        if ((await this.sensitiveAmong(kind, ids)).size) return true;
        continue;
      }
      if (!QUERIES[kind]) return true;
      withQueries.push({ kind, ids });
    }
    const { parts, params, names } = unionOfKinds(withQueries, (sql) => `(${sql})`);
    if (!parts.length) return false;
    // Prepared like the others: the kinds asked about (and whether each is one id) make the statement.
    const rows = await preparedQuery<unknown>(
      this.db,
      `access_any_${names.join('_')}`,
      `${parts.join(' UNION ALL ')} LIMIT 1`,
      params,
    );
    return rows.length > 0;
  }
}
