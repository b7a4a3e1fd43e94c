import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Actor,
  CisChange,
  cisChangeMatchesRecord,
  Clock,
  DomainValidationError,
  FieldProblem,
  PersonalDetails,
} from '@cms/domain';
import { auditStatement, CLOCK, combineWrites, type SqlStatement, timeOrderedUuid } from '@cms/platform';
import { decideTransition, resolvePath, SR_TYPES } from '@cms/sr-rules';
import { DataSource, EntityManager } from 'typeorm';
import { markCasesSensitive } from '../cases/case-sensitivity';
import { Case } from '../cases/case.entity';
import { caseLinksInsert, notesInsert, serviceRequestsInsert } from './bulk-insert';
import type { BatchServiceRequestItemDto } from './service-request.dto';
import { ServiceRequest } from './service-request.entity';
import type { BatchResultView } from './service-request.view';
import { nextSrNumbers } from './service-request-raising.service';
import { applyNext, auditShape, reroute, snapshotOf, stageOf, taxonomy } from './service-request.state';

/** An SR raised before under an item's key: what the batch answers for it, and its subject. */
export interface EarlierSr {
  id: string;
  srNumber: string;
  queue: string;
  status: string;
  subjectClientId: string | null;
  subjectRole: string | null;
}

/**
 * The columns of a client's personal details (PersonalDetails: every key, the compiler checks), as
 * SQL select expressions; dates as text, as TypeORM hydrates a `date` column.
 */
const DETAIL_COLUMNS: Readonly<Record<keyof PersonalDetails, string>> = {
  firstName: 'first_name',
  lastName: 'last_name',
  dateOfBirth: 'date_of_birth::text',
  dateOfBirthVerified: 'date_of_birth_verified',
  dateOfDeath: 'date_of_death::text',
  dateOfDeathVerified: 'date_of_death_verified',
  sex: 'sex',
  address: 'address',
  addressStartDate: 'address_start_date::text',
  homePhone: 'home_phone',
  businessPhone: 'business_phone',
  mobilePhone: 'mobile_phone',
  homeEmail: 'home_email',
};
/**
 * Rows by primary key for a batch's ids, one index look-up per id (LATERAL … LIMIT 1): with
 * `id = ANY($1)` the planner scanned the whole table for 500 ids (issue 17).
 */
const byIds = (table: string, columns: string) =>
  `SELECT t.* FROM unnest($1::uuid[]) AS u(id)
     JOIN LATERAL (SELECT ${columns} FROM ${table} WHERE id = u.id LIMIT 1) t ON true`;
const CLIENT_DETAILS_SQL = byIds(
  'client',
  `id, ${Object.entries(DETAIL_COLUMNS)
    .map(([k, c]) => `${c} AS "${k}"`)
    .join(', ')}`,
);
const CASES_SQL = byIds('"case"', 'id, stage, nationally_sensitive');

/**
 * The SRs raised before under `keys` (idempotency keys), by key, read in `m`'s transaction: one
 * query, one look-up of the unique index a key (LATERAL … LIMIT 1). With `idempotency_key = ANY($1)`
 * the planner, without statistics for a table that grows by a broadcast's SRs, scanned the whole
 * table for every chunk (issue 17: 10 µs a key at 100,000 SRs, against 2.4 µs this way).
 * For {@link ServiceRequestBatchService.createBatch}'s `earlier`.
 */
export async function earlierSrs(m: EntityManager, keys: readonly string[]): Promise<Map<string, EarlierSr>> {
  const rows = await m.query<(EarlierSr & { key: string })[]>(
    `SELECT sr.* FROM unnest($1::text[]) AS k(key)
       JOIN LATERAL (
         SELECT idempotency_key AS key, id, sr_number AS "srNumber", queue, status,
                subject_client_id AS "subjectClientId", subject_role AS "subjectRole"
           FROM service_request WHERE idempotency_key = k.key LIMIT 1) sr ON true`,
    [keys],
  );
  return new Map(rows.map(({ key, ...sr }) => [key, sr]));
}

/**
 * The batch import: many SRs raised for another system (CIS broadcasts, Sensitive Check) in one
 * transaction, idempotent per item key, with BR-9's auto-closing of a CIS change CMS already holds.
 */
@Injectable()
export class ServiceRequestBatchService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Raises many SRs for another system in one transaction, idempotent per item key: a key seen
   * before returns the SR it raised (a CIS batch sent twice raises nothing new). BR-9: a CIS change
   * that matches CMS's record is closed at once with a note; BR-6/BR-7: a nationally sensitive
   * status update flags the client's live cases and goes to the sensitive case team.
   * @param manager the caller's transaction (default: one of its own)
   * @param earlier the SRs raised before under these items' keys, when the caller has just read
   *   them in `manager`'s transaction ({@link earlierSrs}); read here otherwise
   * @throws DomainValidationError (repeated keys, no such client or case)
   */
  async createBatch(
    items: BatchServiceRequestItemDto[],
    actor: Actor,
    manager?: EntityManager,
    earlier?: ReadonlyMap<string, EarlierSr>,
  ): Promise<BatchResultView[]> {
    const keys = items.map((i) => i.idempotencyKey);
    if (new Set(keys).size !== keys.length) {
      throw new DomainValidationError([
        { field: 'items', rule: 'unique-keys', message: 'Each item needs its own idempotencyKey.' },
      ]);
    }
    const run = <T>(fn: (m: EntityManager) => Promise<T>) =>
      manager ? fn(manager) : this.db.transaction(fn);
    return run(async (m) => {
      // Plain SQL for the wide reads (issue 17: TypeORM's In() of 500 and its hydration of every
      // column cost more than the queries): only what is answered or decided on.
      const byKey = earlier ?? (await earlierSrs(m, keys));
      const fresh = items.filter((i) => !byKey.has(i.idempotencyKey));
      const caseIds = [...new Set(fresh.flatMap((i) => i.caseIds))];
      const cases: Pick<Case, 'id' | 'stage' | 'nationallySensitive'>[] = caseIds.length
        ? (
            await m.query<{ id: string; stage: Case['stage']; nationally_sensitive: boolean }[]>(CASES_SQL, [
              caseIds,
            ])
          ).map((c) => ({ id: c.id, stage: c.stage, nationallySensitive: c.nationally_sensitive }))
        : [];
      const caseById = new Map(cases.map((c) => [c.id, c]));
      const clientIds = [...new Set(fresh.map((i) => i.subject.clientId))];
      const clients = clientIds.length
        ? await m.query<(PersonalDetails & { id: string })[]>(CLIENT_DETAILS_SQL, [clientIds])
        : [];
      const clientById = new Map(clients.map(({ id, ...details }) => [id, details as PersonalDetails]));
      const problems: FieldProblem[] = [];
      fresh.forEach((item) => {
        const idx = items.indexOf(item);
        if (!clientById.has(item.subject.clientId)) {
          problems.push({
            field: `items[${idx}].subject.clientId`,
            rule: 'exists',
            message: 'No such client.',
          });
        }
        item.caseIds.forEach((cid, j) => {
          if (!caseById.has(cid))
            problems.push({ field: `items[${idx}].caseIds[${j}]`, rule: 'exists', message: 'No such case.' });
        });
      });
      if (problems.length) throw new DomainValidationError(problems);

      // BR-6/BR-7: a nationally sensitive status update flags the client's live cases first, so the
      // SRs raised in this batch already route to the sensitive case team.
      for (const item of fresh.filter(
        (i) => i.type === 'NATIONALLY_SENSITIVE_UPDATE' && i.change?.nationallySensitive === true,
      )) {
        const flagged = await markCasesSensitive(m, item.subject.clientId, 'cis-broadcast', this.clock.now());
        flagged.forEach((id) => {
          const c = caseById.get(id);
          if (c) c.nationallySensitive = true;
        });
      }

      const numbers = await nextSrNumbers(m, fresh.length);
      const now = this.clock.now();
      const system: Actor = actor;
      const rows = fresh.map((item, n) => {
        const def = SR_TYPES[item.type];
        const path = resolvePath(def, { path: null, source: item.source })!;
        const linked = item.caseIds.map((id) => caseById.get(id)!);
        const initial = def.paths.find((p) => p.key === path)!.initial;
        // A plain entity (TypeORM's create() deep-merges every field, measurably slow at 500 a call).
        const sr = Object.assign(new ServiceRequest(), {
          id: timeOrderedUuid(),
          srNumber: numbers[n],
          type: item.type,
          path,
          ...taxonomy(item.type),
          status: initial.status,
          subStatus: initial.subStatus,
          resolutionCode: null,
          source: item.source,
          subjectClientId: item.subject.clientId,
          subjectRole: item.subject.role,
          changeType: item.changeType ?? null,
          details: {
            ...(item.change ? { change: item.change } : {}),
            ...(item.recordedAt ? { recordedAt: item.recordedAt } : {}),
          },
          nationallySensitive: linked.some((c) => c.nationallySensitive),
          idempotencyKey: item.idempotencyKey,
          createdBy: system.id,
          queue: '',
          readOnly: false,
          reportedByFirstName: null,
          reportedByLastName: null,
          submittedForApprovalBy: null,
          approvedBy: null,
          approvedAt: null,
          nextActionDue: null,
          flag: null,
          owner: null,
          closedAt: null,
          slaDueAt: null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        } satisfies Partial<ServiceRequest>);
        let note: string | null = null;
        const client = clientById.get(item.subject.clientId)!;
        if (
          item.type === 'CIS_CHANGE' &&
          item.change &&
          cisChangeMatchesRecord(item.change as unknown as CisChange, client)
        ) {
          note = 'Closed without change: the information CIS sent matches what CMS already holds (BR-9).';
          const decision = decideTransition(snapshotOf(sr, [], stageOf(linked), true), {
            to: { status: 'Cancelled', subStatus: null },
            resolutionCode: 'No Change Required',
            reason: note,
            actor: system,
            now,
          });
          if (decision.allowed) applyNext(sr, decision.next, now);
          else note = null;
        }
        reroute(sr, [], stageOf(linked), true, now);
        return { sr, item, note };
      });
      if (rows.length) {
        // The SRs, their case links, their notes and their audit rows (X-2) as ONE statement of
        // multi-row INSERTs (bulk-insert.ts, as a single raise writes them): no round trip each.
        const links = rows.flatMap((r) => r.item.caseIds.map((caseId) => ({ srId: r.sr.id, caseId })));
        const notes = rows
          .filter((r) => r.note)
          .map((r) => ({ srId: r.sr.id, text: r.note!, author: system.id }));
        const writes: SqlStatement[] = [serviceRequestsInsert(rows.map((r) => r.sr))];
        if (links.length) writes.push(caseLinksInsert(links));
        if (notes.length) writes.push(notesInsert(m, notes));
        writes.push(
          auditStatement(
            m,
            rows.map((r) => ({
              entityType: 'service-request',
              entityId: r.sr.id,
              action: r.note ? 'raised-and-closed-no-change' : 'raised',
              after: auditShape(r.sr),
              source: 'cis-broadcast',
            })),
          ),
        );
        const { sql, params } = combineWrites(writes);
        await m.query(sql, params);
      }
      const fromRows = new Map(rows.map((r) => [r.item.idempotencyKey, r.sr]));
      return items.map((i) => {
        const sr = byKey.get(i.idempotencyKey) ?? fromRows.get(i.idempotencyKey)!;
        return {
          idempotencyKey: i.idempotencyKey,
          id: sr.id,
          srNumber: sr.srNumber,
          created: !byKey.has(i.idempotencyKey),
          queue: sr.queue,
          status: sr.status,
        };
      });
    });
  }
}
