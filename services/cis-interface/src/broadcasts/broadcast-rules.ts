import {
  CIS_CHANGE_TYPE_INFO,
  type CisChangeItem,
  type CisChangeType,
  crnProblem,
  type FieldProblem,
  isCisChangeType,
  isInterestType,
  ninoProblem,
  type PersonReferenceKind,
  ukToday,
  validateCisChange,
} from '@cms/domain';

/**
 * Pure rules of receiving a broadcast batch (CIS - Receive Broadcast Updates): checking each
 * transaction, ignoring ones seen before (a batch sent twice raises nothing new), and applying
 * BR-3 again defensively (the same item of the same person changed twice in one day: only the
 * latest counts).
 */

/** A transaction as checked at intake. Invalid ones keep whatever could be read, and their problems. */
export interface ParsedTransaction {
  seq: number;
  transactionId: string;
  valid: boolean;
  problems: FieldProblem[];
  referenceKind: PersonReferenceKind | null;
  reference: string | null;
  changeType: CisChangeType | null;
  item: CisChangeItem | null;
  payload: Record<string, unknown> | null;
  recordedAt: Date | null;
  /** UK calendar day of `recordedAt` (BR-3 compares days as CIS does). */
  recordedDay: string | null;
  interestTypes: string[];
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Checks one transaction of a batch: `transactionId` (1–200 characters), `referenceKind` NINO/CRN
 * with a valid reference, `changeType` one of BR-6's fifteen, `payload` a valid CisChange of that
 * type (`validateCisChange`), `recordedAt` an ISO instant, `interestTypes` interest types. Fields
 * are `transactions[seq].<name>`. Never throws.
 */
export function parseTransaction(raw: unknown, seq: number, batchId: string): ParsedTransaction {
  const t = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const f = (name: string) => `transactions[${seq}].${name}`;
  const problems: FieldProblem[] = [];
  const txId =
    typeof t.transactionId === 'string' && t.transactionId.trim() !== '' && t.transactionId.length <= 200
      ? t.transactionId.trim()
      : null;
  if (!txId) {
    problems.push({
      field: f('transactionId'),
      rule: 'required',
      message: 'A transaction id of 1 to 200 characters is needed.',
    });
  }
  let referenceKind: PersonReferenceKind | null = null;
  let reference: string | null = null;
  if (t.referenceKind === 'NINO' || t.referenceKind === 'CRN') {
    referenceKind = t.referenceKind;
    const problem = (referenceKind === 'NINO' ? ninoProblem : crnProblem)(t.reference, f('reference'));
    if (problem) problems.push(problem);
    else reference = String(t.reference).replace(/\s+/g, '').toUpperCase();
  } else {
    problems.push({
      field: f('referenceKind'),
      rule: 'reference-kind',
      message: 'The reference kind must be NINO or CRN.',
    });
  }
  let changeType: CisChangeType | null = null;
  if (isCisChangeType(t.changeType)) changeType = t.changeType;
  else {
    problems.push({
      field: f('changeType'),
      rule: 'change-type',
      message: 'The change type must be one of the BR-6 types.',
      requirementId: 'BR-6',
    });
  }
  const payload =
    typeof t.payload === 'object' && t.payload !== null ? (t.payload as Record<string, unknown>) : null;
  if (!payload)
    problems.push({ field: f('payload'), rule: 'required', message: 'The change payload is missing.' });
  else {
    problems.push(...validateCisChange(payload, { fieldPrefix: f('payload') }));
    if (changeType && payload.type !== changeType) {
      problems.push({
        field: f('payload.type'),
        rule: 'change-type-mismatch',
        message: 'payload.type must equal changeType.',
      });
    }
  }
  let recordedAt: Date | null = null;
  if (
    typeof t.recordedAt === 'string' &&
    ISO_INSTANT.test(t.recordedAt) &&
    !Number.isNaN(Date.parse(t.recordedAt))
  ) {
    recordedAt = new Date(t.recordedAt);
  } else {
    problems.push({
      field: f('recordedAt'),
      rule: 'date-time',
      message: 'recordedAt must be an ISO 8601 date and time.',
    });
  }
  const interestTypes = Array.isArray(t.interestTypes) ? t.interestTypes : [];
  if (
    t.interestTypes !== undefined &&
    (!Array.isArray(t.interestTypes) || !interestTypes.every(isInterestType))
  ) {
    problems.push({
      field: f('interestTypes'),
      rule: 'interest-type',
      message: 'interestTypes must be interest types.',
      requirementId: 'BR-1',
    });
  }
  return {
    seq,
    transactionId: txId ?? `invalid:${batchId}:${seq}`,
    valid: problems.length === 0,
    problems,
    referenceKind,
    reference,
    changeType,
    item: changeType ? CIS_CHANGE_TYPE_INFO[changeType].item : null,
    payload,
    recordedAt,
    recordedDay: recordedAt ? ukDayOf(recordedAt) : null,
    interestTypes: interestTypes.filter(isInterestType),
  };
}

/** From 1972 on, Europe/London's offsets from UTC are whole hours, so its day changes only on a UTC hour. */
const WHOLE_HOUR_OFFSETS_FROM = Date.UTC(1972, 0, 1);
const HOUR_MS = 3_600_000;
const ukDayByHour = new Map<number, string>();

/**
 * The UK calendar day (`YYYY-MM-DD`, Europe/London) of `at`: {@link ukToday}, remembered per UTC
 * hour since the day cannot change within one (issue 17: a batch's 100,000 transactions formatted
 * the same few days through Intl again and again). At most 10,000 hours are kept. Pure.
 */
export function ukDayOf(at: Date): string {
  const ms = at.getTime();
  if (!(ms >= WHOLE_HOUR_OFFSETS_FROM)) return ukToday(at);
  const hour = Math.floor(ms / HOUR_MS);
  let day = ukDayByHour.get(hour);
  if (day === undefined) {
    if (ukDayByHour.size >= 10_000) ukDayByHour.clear();
    day = ukToday(at);
    ukDayByHour.set(hour, day);
  }
  return day;
}

/** The BR-3 key: the same item of the same person on the same UK day. */
export function itemDayKey(
  t: Pick<ParsedTransaction, 'referenceKind' | 'reference' | 'item' | 'recordedDay'>,
): string {
  return `${t.referenceKind}|${t.reference}|${t.item}|${t.recordedDay}`;
}

/** What intake decides for one transaction. */
export interface IntakeDecision {
  seq: number;
  outcome: 'pending' | 'duplicate-ignored' | 'failed';
  reason: string | null;
  /** For a transaction id seen before: the seq in this batch, or the stored row id, of its first occurrence. */
  duplicateOfSeq: number | null;
  duplicateOfRowId: string | null;
}

/**
 * Decides each transaction's fate at intake:
 * 1. invalid → `failed` (kept with its problems, never dropped);
 * 2. a transaction id stored before (`seenBefore`: id → row id) or earlier in this batch →
 *    `duplicate-ignored` (a batch sent twice raises nothing new);
 * 3. BR-3: of valid transactions with the same person, item and UK day, only the latest
 *    `recordedAt` (then the last in the batch) stays `pending`; so does a stored one
 *    (`latestStored`: key → latest recordedAt) that is as late or later, which makes this one
 *    `duplicate-ignored`.
 */
export function decideIntake(
  txs: readonly ParsedTransaction[],
  seenBefore: ReadonlyMap<string, string>,
  latestStored: ReadonlyMap<string, Date>,
): IntakeDecision[] {
  const decisions: IntakeDecision[] = txs.map((t) => ({
    seq: t.seq,
    outcome: 'pending',
    reason: null,
    duplicateOfSeq: null,
    duplicateOfRowId: null,
  }));
  const firstSeq = new Map<string, number>();
  txs.forEach((t, i) => {
    const d = decisions[i];
    const stored = seenBefore.get(t.transactionId);
    if (stored) {
      Object.assign(d, {
        outcome: 'duplicate-ignored',
        reason: 'Transaction id received before',
        duplicateOfRowId: stored,
      });
      return;
    }
    const earlier = firstSeq.get(t.transactionId);
    if (earlier !== undefined) {
      Object.assign(d, {
        outcome: 'duplicate-ignored',
        reason: 'Transaction id repeated in the batch',
        duplicateOfSeq: earlier,
      });
      return;
    }
    firstSeq.set(t.transactionId, t.seq);
    if (!t.valid) Object.assign(d, { outcome: 'failed', reason: 'Invalid transaction' });
  });

  const latest = new Map<string, number>();
  txs.forEach((t, i) => {
    if (decisions[i].outcome !== 'pending') return;
    const key = itemDayKey(t);
    const j = latest.get(key);
    if (j === undefined || txs[j].recordedAt!.getTime() <= t.recordedAt!.getTime()) latest.set(key, i);
  });
  txs.forEach((t, i) => {
    if (decisions[i].outcome !== 'pending') return;
    const key = itemDayKey(t);
    const keep = latest.get(key)!;
    if (keep !== i) {
      Object.assign(decisions[i], {
        outcome: 'duplicate-ignored',
        reason: `BR-3: a later change to the same item on the same day (transaction ${txs[keep].transactionId}) replaces it`,
      });
      return;
    }
    const stored = latestStored.get(key);
    if (stored && stored.getTime() >= t.recordedAt!.getTime()) {
      Object.assign(decisions[i], {
        outcome: 'duplicate-ignored',
        reason:
          'BR-3: a change to the same item on the same day, recorded as late or later, was received before',
      });
    }
  });
  return decisions;
}
