import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MatchResponseView, MatchView, ReferenceDto } from './cis-matching.controller';

/** Matches CIS transactions' NINOs/CRNs to live enquiries, applications or cases (BR-5). */
@Injectable()
export class CisMatchingService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** For each NINO/CRN, in order: the client and their live cases with their roles. One query for the batch. */
  async match(references: ReferenceDto[]): Promise<MatchResponseView> {
    const refs = references.map((r) => ({
      kind: r.referenceKind,
      value: r.reference.replace(/\s+/g, '').toUpperCase(),
    }));
    const rows = await this.db.query<
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
      `SELECT r.kind, r.value, c.id AS client_id, k.id AS case_id, k.case_number, k.stage, p.role, k.nationally_sensitive AS sensitive
         FROM unnest($1::text[], $2::text[]) AS r(kind, value)
         LEFT JOIN client c ON c.reference_kind = r.kind AND c.reference = r.value
         LEFT JOIN case_participant p ON p.client_id = c.id
         LEFT JOIN "case" k ON k.id = p.case_id AND k.live = true`,
      [refs.map((r) => r.kind), refs.map((r) => r.value)],
    );
    const byRef = new Map<string, MatchView>();
    for (const r of refs)
      byRef.set(`${r.kind}|${r.value}`, {
        referenceKind: r.kind,
        reference: r.value,
        clientId: null,
        cases: [],
      });
    for (const row of rows) {
      const m = byRef.get(`${row.kind}|${row.value}`)!;
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
    return { matches: [...byRef.values()] };
  }
}
