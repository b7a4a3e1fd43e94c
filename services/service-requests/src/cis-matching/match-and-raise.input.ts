import {
  CIS_CHANGE_TYPES,
  type CisChangeType,
  type FieldProblem,
  PERSON_REFERENCE_KINDS,
  type PersonReferenceKind,
} from '@cms/domain';
import { compileBodyCheck, problemsPipe } from '@cms/platform';

/** Most transactions in one `POST /cis-matches/raise` call. */
export const MAX_MATCH_AND_RAISE_ITEMS = 1000;

/** One CIS transaction to match (BR-5) and, when it raises one, to raise an SR for (BR-6). */
export interface MatchAndRaiseItem {
  /** The CIS transaction id: the SR's idempotency key. */
  idempotencyKey: string;
  referenceKind: PersonReferenceKind;
  reference: string;
  changeType: CisChangeType;
  /** The CIS change payload (a CisChange, checked by cis-interface at intake); `type` equals `changeType`. */
  change: Record<string, unknown> & { type: CisChangeType };
  /** When CIS recorded the change (ISO 8601 instant). */
  recordedAt: string;
}

/** Body of `POST /cis-matches/raise`. */
export interface MatchAndRaiseInput {
  items: MatchAndRaiseItem[];
}

const ISO_INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$';

/** The JSON schema of the body: the shape class-validator would check, compiled once by ajv. */
export const MATCH_AND_RAISE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_MATCH_AND_RAISE_ITEMS,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['idempotencyKey', 'referenceKind', 'reference', 'changeType', 'change', 'recordedAt'],
        properties: {
          idempotencyKey: { type: 'string', minLength: 1, maxLength: 200 },
          referenceKind: { type: 'string', enum: [...PERSON_REFERENCE_KINDS] },
          reference: { type: 'string', minLength: 1, maxLength: 20 },
          changeType: { type: 'string', enum: [...CIS_CHANGE_TYPES] },
          change: {
            type: 'object',
            required: ['type'],
            properties: { type: { type: 'string', enum: [...CIS_CHANGE_TYPES] } },
          },
          recordedAt: { type: 'string', pattern: ISO_INSTANT, maxLength: 40 },
        },
      },
    },
  },
} as const;

// Compiled once, when the module loads: one generated function checks a whole call of 1,000 items
// (class-validator and class-transformer cost ~9 ms a call of 500 nested items).
const checkShape = compileBodyCheck<MatchAndRaiseInput>(MATCH_AND_RAISE_SCHEMA);

/**
 * Checks the body of `POST /cis-matches/raise` with the compiled schema, then what a schema cannot
 * say: each idempotency key once, `change.type` equal to `changeType`, `recordedAt` a real instant.
 * Pure. @returns the problems (empty when the body is good), fields named `items[i].name`
 */
export function matchAndRaiseProblems(body: unknown): FieldProblem[] {
  const shape = checkShape(body);
  if (!shape.ok) return shape.problems;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  shape.value.items.forEach((item, i) => {
    if (seen.has(item.idempotencyKey)) {
      problems.push({
        field: `items[${i}].idempotencyKey`,
        rule: 'unique-keys',
        message: 'Each item needs its own idempotencyKey.',
      });
    }
    seen.add(item.idempotencyKey);
    if (item.change.type !== item.changeType) {
      problems.push({
        field: `items[${i}].change.type`,
        rule: 'change-type-mismatch',
        message: 'change.type must equal changeType.',
      });
    }
    if (Number.isNaN(Date.parse(item.recordedAt))) {
      problems.push({ field: `items[${i}].recordedAt`, rule: 'date-time', message: 'Not a date and time.' });
    }
  });
  return problems;
}

/**
 * The body pipe of `POST /cis-matches/raise`: the compiled check instead of class-validator (the
 * route's parameter is typed with an interface, so the global ValidationPipe leaves it alone).
 * @throws DomainValidationError (400 problem+json naming each field) for a bad body
 */
export const MatchAndRaisePipe = problemsPipe<MatchAndRaiseInput>(matchAndRaiseProblems);
