import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type Actor, CIS_CHANGE_TYPE_INFO, DomainValidationError, matchTransaction } from '@cms/domain';
import { DataSource, EntityManager } from 'typeorm';
import { earlierSrs, ServiceRequestBatchService } from '../service-requests/service-request-batch.service';
import type { BatchServiceRequestItemDto } from '../service-requests/service-request.dto';
import type { BatchResultView } from '../service-requests/service-request.view';
import type {
  MatchAndRaiseResultView,
  MatchResponseView,
  MatchView,
  ReferenceDto,
} from './cis-matching.controller';
import type { MatchAndRaiseItem } from './match-and-raise.input';

/**
 * Matches CIS transactions' NINOs/CRNs to live enquiries, applications or cases (BR-5) and, for
 * cis-interface's broadcast chunks, raises their SRs in the same call and transaction (BR-6).
 */
@Injectable()
export class CisMatchingService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly batch: ServiceRequestBatchService,
  ) {}

  /** For each NINO/CRN, in order: the client and their live cases with their roles. One query for the batch. */
  match(references: ReferenceDto[], manager: EntityManager = this.db.manager): Promise<MatchResponseView> {
    return this.matchWith(manager, references).then((byRef) => ({ matches: [...byRef.values()] }));
  }

  /**
   * CIS - Receive Broadcast Updates, steps 2–4 for a chunk of transactions, in one transaction:
   * one match query for every reference (BR-5, `matchTransaction`), then one SR batch
   * (`ServiceRequestBatchService.createBatch`: idempotent per key, BR-7 routing, BR-9 close) for
   * the matched ones whose change type raises an SR. A key that raised an SR before answers that
   * SR even when the transaction would no longer match (a chunk retried after its SRs were raised).
   * A benefit claim (BR-8) is matched and answered without an SR: cis-interface issues the letter.
   * @returns one result per item, in order
   * @throws DomainValidationError when the SR batch refuses an item (fields `items[i]…` of the call)
   */
  async matchAndRaise(items: MatchAndRaiseItem[], actor: Actor): Promise<MatchAndRaiseResultView[]> {
    return this.db.transaction(async (m) => {
      const byRef = await this.matchWith(m, items);
      // One look-up of the keys for both this answer and the SR batch (in this transaction).
      const earlier = await earlierSrs(
        m,
        items.map((i) => i.idempotencyKey),
      );
      const results: MatchAndRaiseResultView[] = [];
      const toRaise: { at: number; item: BatchServiceRequestItemDto }[] = [];
      items.forEach((item, at) => {
        const info = CIS_CHANGE_TYPE_INFO[item.changeType];
        const found = matchTransaction(
          item.changeType,
          byRef.get(refKey(item.referenceKind, item.reference)),
        );
        const before = earlier.get(item.idempotencyKey);
        const result: MatchAndRaiseResultView =
          'unmatched' in found
            ? {
                idempotencyKey: item.idempotencyKey,
                clientId: before?.subjectClientId ?? null,
                role: before?.subjectRole ?? null,
                caseIds: [],
                // An unmatched sensitivity change still says the person is nationally sensitive.
                nationallySensitive: info.sensitiveCaseTeam,
                unmatched: before ? null : found.unmatched,
                serviceRequest: null,
              }
            : {
                idempotencyKey: item.idempotencyKey,
                clientId: found.clientId,
                role: found.role,
                caseIds: found.caseIds,
                nationallySensitive: found.nationallySensitive,
                unmatched: null,
                serviceRequest: null,
              };
        results.push(result);
        if (!info.raisesSr || (!before && 'unmatched' in found)) return;
        toRaise.push({
          at,
          item: {
            idempotencyKey: item.idempotencyKey,
            type: info.sensitiveCaseTeam ? 'NATIONALLY_SENSITIVE_UPDATE' : 'CIS_CHANGE',
            source: 'CIS',
            // A key seen before is answered with its SR; subject and cases are not read again.
            subject: { clientId: result.clientId!, role: result.role as never },
            caseIds: result.caseIds,
            changeType: item.changeType,
            change: item.change,
            recordedAt: item.recordedAt,
          },
        });
      });
      let raised: BatchResultView[] = [];
      try {
        raised = toRaise.length
          ? await this.batch.createBatch(
              toRaise.map((t) => t.item),
              actor,
              m,
              earlier,
            )
          : [];
      } catch (e) {
        // Name the fields as this call's items, not the batch's.
        if (!(e instanceof DomainValidationError)) throw e;
        throw new DomainValidationError(
          e.errors.map((p) => ({
            ...p,
            field: p.field.replace(/^items\[(\d+)\]/, (_, i: string) => `items[${toRaise[Number(i)].at}]`),
          })),
        );
      }
      raised.forEach((sr, j) => {
        const { idempotencyKey, id, srNumber, created, queue, status } = sr;
        results[toRaise[j].at].serviceRequest = { idempotencyKey, id, srNumber, created, queue, status };
      });
      return results;
    });
  }

  /** The match query: each distinct reference's client and live cases, keyed `kind|REFERENCE`. */
  private async matchWith(
    m: EntityManager,
    references: { referenceKind: string; reference: string }[],
  ): Promise<Map<string, MatchView>> {
    const byRef = new Map<string, MatchView>();
    for (const r of references) {
      const value = r.reference.replace(/\s+/g, '').toUpperCase();
      const key = refKey(r.referenceKind, value);
      if (!byRef.has(key))
        byRef.set(key, { referenceKind: r.referenceKind, reference: value, clientId: null, cases: [] });
    }
    const refs = [...byRef.values()];
    const rows = await m.query<
      {
        kind: string;
        value: string;
        client_id: string | null;
        case_id: string | null;
        case_number: string;
        stage: string;
        role: string;
        sensitive: boolean;
      }[]
    >(
      // The client by a LATERAL look-up (its unique reference index, once per reference): as a plain
      // join the planner hashed the whole client table for every chunk (issue 17: 45 ms a chunk of
      // 500 against 6 ms with 50,000 clients, and it grows with the table).
      `SELECT r.kind, r.value, c.id AS client_id, k.id AS case_id, k.case_number, k.stage, p.role, k.nationally_sensitive AS sensitive
         FROM unnest($1::text[], $2::text[]) AS r(kind, value)
         LEFT JOIN LATERAL (
           SELECT id FROM client WHERE reference_kind = r.kind AND reference = r.value LIMIT 1
         ) c ON true
         LEFT JOIN case_participant p ON p.client_id = c.id
         LEFT JOIN "case" k ON k.id = p.case_id AND k.live = true`,
      [refs.map((r) => r.referenceKind), refs.map((r) => r.reference)],
    );
    for (const row of rows) {
      const m = byRef.get(refKey(row.kind, row.value))!;
      m.clientId = row.client_id;
      if (row.case_id && !m.cases.some((c) => c.caseId === row.case_id && c.role === row.role)) {
        m.cases.push({
          caseId: row.case_id,
          caseNumber: row.case_number,
          stage: row.stage,
          role: row.role,
          nationallySensitive: row.sensitive,
        });
      }
    }
    return byRef;
  }
}

const refKey = (kind: string, reference: string) => `${kind}|${reference.replace(/\s+/g, '').toUpperCase()}`;
