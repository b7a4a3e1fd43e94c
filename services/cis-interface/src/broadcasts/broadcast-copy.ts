import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** One broadcast_transaction row as the intake writes it (the columns it sets; the rest take their defaults). */
export interface IntakeRow {
  id: string;
  batchId: string;
  seq: number;
  chunk: number;
  transactionId: string;
  duplicateOf: string | null;
  referenceKind: string | null;
  reference: string | null;
  changeType: string | null;
  item: string | null;
  recordedAt: Date | null;
  recordedDay: string | null;
  payload: unknown;
  interestTypes: readonly string[];
  outcome: string;
  reason: string | null;
  problems: unknown;
  receivedAt: Date;
  processedAt: Date | null;
}

/** The columns of {@link copyLine}'s lines, in order. */
export const INTAKE_COLUMNS = [
  'id',
  'batch_id',
  'seq',
  'chunk',
  'transaction_id',
  'duplicate_of',
  'reference_kind',
  'reference',
  'change_type',
  'item',
  'recorded_at',
  'recorded_day',
  'payload',
  'interest_types',
  'outcome',
  'reason',
  'problems',
  'received_at',
  'processed_at',
] as const;

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * A text value as a field of PostgreSQL's COPY text format: backslash, newline, carriage return and
 * tab escaped (the only characters the format gives a meaning); null is `\N`. Pure.
 */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** A JSON value (jsonb column) as a COPY text field; null and undefined are SQL NULL. Pure. */
function copyJson(value: unknown): string {
  return value === null || value === undefined ? '\\N' : copyText(JSON.stringify(value));
}

/** A text[] as a COPY text field: an array literal with every element quoted. Pure. */
function copyTextArray(values: readonly string[]): string {
  const elements = values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`);
  return copyText(`{${elements.join(',')}}`);
}

/**
 * One row as a line of COPY's text format (tab-separated, newline-terminated) in the order of
 * {@link INTAKE_COLUMNS}; instants as ISO 8601 UTC, so the session's time zone does not matter. Pure.
 */
export function copyLine(r: IntakeRow): string {
  return (
    `${r.id}\t${r.batchId}\t${r.seq}\t${r.chunk}\t${copyText(r.transactionId)}\t${r.duplicateOf ?? '\\N'}\t` +
    `${copyText(r.referenceKind)}\t${copyText(r.reference)}\t${copyText(r.changeType)}\t${copyText(r.item)}\t` +
    `${r.recordedAt ? r.recordedAt.toISOString() : '\\N'}\t${r.recordedDay ?? '\\N'}\t${copyJson(r.payload)}\t` +
    `${copyTextArray(r.interestTypes)}\t${copyText(r.outcome)}\t${copyText(r.reason)}\t${copyJson(r.problems)}\t` +
    `${r.receivedAt.toISOString()}\t${r.processedAt ? r.processedAt.toISOString() : '\\N'}\n`
  );
}

/** Rows per piece written to the COPY stream (about 300 bytes a row: ~300 kB a piece). */
const LINES_PER_PIECE = 1_000;

/**
 * Writes the intake's rows into broadcast_transaction with `COPY ... FROM STDIN` (pg-copy-streams)
 * on the connection of `m`'s open transaction, so they commit or roll back with it (the outbox:
 * the batch, its rows and its chunk jobs together). Issue 17: PostgreSQL parses COPY's text
 * directly, where json_to_recordset parsed one 30 MB JSON text and converted every field.
 * @throws the COPY's error (a constraint violated, the connection lost); the transaction is then aborted
 */
export async function copyIntakeRows(m: EntityManager, rows: readonly IntakeRow[]): Promise<void> {
  if (!rows.length) return;
  if (!m.queryRunner?.isTransactionActive) throw new Error('copyIntakeRows needs an open transaction');
  const client = (await m.queryRunner.connect()) as PoolClient;
  const copy = client.query(copyFrom(`COPY broadcast_transaction (${INTAKE_COLUMNS.join(', ')}) FROM STDIN`));
  function* pieces(): Generator<string> {
    for (let i = 0; i < rows.length; i += LINES_PER_PIECE) {
      let piece = '';
      const end = Math.min(rows.length, i + LINES_PER_PIECE);
      for (let j = i; j < end; j++) piece += copyLine(rows[j]);
      yield piece;
    }
  }
  await pipeline(Readable.from(pieces(), { objectMode: false }), copy);
}
