import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyLine, copyText, INTAKE_COLUMNS, type IntakeRow } from '../src/broadcasts/broadcast-copy';

const server = process.env.TEST_DATABASE_URL;

/** A row with every awkward character COPY's text format gives a meaning, in text and in JSON. */
const awkward = 'tab\there, new\nline, cr\r, back\\slash \\N "quoted" {braced,} ü €';
const row = (over: Partial<IntakeRow> = {}): IntakeRow => ({
  id: randomUUID(),
  batchId: randomUUID(),
  seq: 7,
  chunk: 0,
  transactionId: awkward,
  duplicateOf: null,
  referenceKind: 'NINO',
  reference: 'QQ123456C',
  changeType: 'ADDRESS_CHANGE',
  item: 'address',
  recordedAt: new Date('2026-12-05T04:30:00.123Z'),
  recordedDay: '2026-12-05',
  payload: { type: 'ADDRESS_CHANGE', line1: awkward, nested: { list: [awkward, 1, null, true] } },
  interestTypes: ['NRP_GENERAL', 'NRP_MC'],
  outcome: 'pending',
  reason: awkward,
  problems: null,
  receivedAt: new Date('2026-12-05T04:31:00.000Z'),
  processedAt: null,
  ...over,
});

describe('broadcast intake rows in COPY text format', () => {
  it('escapes only what the format gives a meaning, and writes null as \\N', () => {
    expect(copyText('plain')).toBe('plain');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText(null)).toBe('\\N');
    const line = copyLine(row());
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
    expect(line.split('\t')).toHaveLength(INTAKE_COLUMNS.length);
  });
});

(server ? describe : describe.skip)('broadcast intake rows through COPY on PostgreSQL', () => {
  let c: pg.Client;
  beforeAll(async () => {
    c = new pg.Client({ connectionString: server });
    await c.connect();
    // broadcast_transaction's column types (a temporary table: this spec needs no migrated database).
    await c.query(`CREATE TEMP TABLE bt (
      id uuid, batch_id uuid, seq int, chunk int, transaction_id text, duplicate_of uuid, reference_kind text,
      reference text, change_type text, item text, recorded_at timestamptz, recorded_day date, payload jsonb,
      interest_types text[], outcome text, reason text, problems jsonb, received_at timestamptz, processed_at timestamptz)`);
    // An instant must not depend on the session's zone.
    await c.query(`SET TIME ZONE 'America/New_York'`);
  });
  afterAll(async () => {
    await c?.end();
  });

  it('reads back every value as written, awkward characters, nulls and arrays included', async () => {
    const rows = [
      row(),
      row({
        seq: 8,
        chunk: -1,
        duplicateOf: randomUUID(),
        referenceKind: null,
        reference: null,
        changeType: null,
        item: null,
        recordedAt: null,
        recordedDay: null,
        payload: null,
        interestTypes: [],
        outcome: 'failed',
        reason: null,
        problems: [{ field: 'transactions[8].payload', rule: 'required', message: awkward }],
        processedAt: new Date('2026-12-05T04:31:00.000Z'),
      }),
    ];
    await pipeline(
      Readable.from([rows.map(copyLine).join('')]),
      c.query(copyFrom(`COPY bt (${INTAKE_COLUMNS.join(', ')}) FROM STDIN`)),
    );
    const back = (
      await c.query(
        `SELECT id, batch_id, seq, chunk, transaction_id, duplicate_of, reference_kind, reference, change_type, item,
                recorded_at, recorded_day::text, payload, interest_types, outcome, reason, problems, received_at, processed_at
           FROM bt ORDER BY seq`,
      )
    ).rows;
    expect(back).toEqual(
      rows.map((r) => ({
        id: r.id,
        batch_id: r.batchId,
        seq: r.seq,
        chunk: r.chunk,
        transaction_id: r.transactionId,
        duplicate_of: r.duplicateOf,
        reference_kind: r.referenceKind,
        reference: r.reference,
        change_type: r.changeType,
        item: r.item,
        recorded_at: r.recordedAt,
        recorded_day: r.recordedDay,
        payload: r.payload,
        interest_types: r.interestTypes,
        outcome: r.outcome,
        reason: r.reason,
        problems: r.problems,
        received_at: r.receivedAt,
        processed_at: r.processedAt,
      })),
    );
  });
});
