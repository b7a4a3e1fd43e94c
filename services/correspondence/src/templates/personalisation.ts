import {
  bankDetailsProblems,
  emailProblem,
  isoDateProblem,
  nameProblem,
  normaliseAddress,
  normaliseEmail,
  normalisePhone,
  normalisePostcode,
  normaliseSortCode,
  phoneProblem,
  postcodeProblem,
  transferItemProblems,
  validateAddress,
  type AddressInput,
  type FieldProblem,
  type TransferRoute,
} from '@cms/domain';
import type { PersonalisationField } from './template-content';

/** Largest amount a `money` field accepts, in pence (£1,000,000). */
const MAX_PENCE = 100_000_000;
const DEFAULT_MAX_LENGTH = 200;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Windows-1252 printable characters beyond Latin-1: what the built-in PDF fonts can print. */
const WIN_ANSI_EXTRAS = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** True when every character of `text` prints in the built-in Helvetica (Windows-1252). */
export function isWinAnsiPrintable(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || c === 0x0a) continue;
    if (!WIN_ANSI_EXTRAS.has(ch)) return false;
  }
  return true;
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function tidy(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

/** Result of checking personalisation: normalised values by field name, and every problem found. */
export interface PersonalisationCheck {
  values: Record<string, unknown>;
  problems: FieldProblem[];
}

/**
 * Checks `input` against a template's declared fields and normalises it (dates trimmed, addresses
 * and postcodes normalised, phones E.164, sort codes six digits…). A missing required field is rule
 * `required`; a field the template does not declare is `unknown-field`; each type has its own rules
 * (see {@link PersonalisationField}). Fields are named `personalisation.<name>[.<part>]`. When
 * `unicode` is false (built-in PDF fonts), text outside Windows-1252 is `unprintable-characters`.
 */
export function checkPersonalisation(
  fields: readonly PersonalisationField[],
  input: unknown,
  opts: { unicode: boolean; prefix?: string } = { unicode: false },
): PersonalisationCheck {
  const prefix = opts.prefix ?? 'personalisation';
  if (input === undefined || input === null) input = {};
  if (typeof input !== 'object' || Array.isArray(input)) {
    return {
      values: {},
      problems: [
        { field: prefix, rule: 'object', message: 'personalisation must be an object of named fields.' },
      ],
    };
  }
  const given = input as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const values: Record<string, unknown> = {};
  const declared = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(given)) {
    if (!declared.has(key)) {
      problems.push({
        field: `${prefix}.${key}`,
        rule: 'unknown-field',
        message: `${key} is not a field of this template. Fields: ${[...declared].join(', ') || 'none'}.`,
      });
    }
  }
  // Choice fields first: a transferItems field is checked against the route another field holds.
  const ordered = [...fields].sort(
    (a, b) => Number(a.type === 'transferItems') - Number(b.type === 'transferItems'),
  );
  for (const field of ordered) {
    const path = `${prefix}.${field.name}`;
    const raw = given[field.name];
    if (isAbsent(raw)) {
      if (field.required)
        problems.push({ field: path, rule: 'required', message: `Give ${field.label.toLowerCase()}.` });
      continue;
    }
    const result = checkField(field, raw, path, values);
    if (result.problems.length) problems.push(...result.problems);
    else values[field.name] = result.value;
  }
  if (!opts.unicode) {
    for (const [name, value] of Object.entries(values))
      problems.push(...unprintable(value, `${prefix}.${name}`));
  }
  return { values, problems };
}

/** Problems with text that the built-in fonts cannot print (rule `unprintable-characters`). */
export function unprintable(value: unknown, path: string): FieldProblem[] {
  if (typeof value === 'string') {
    return isWinAnsiPrintable(value)
      ? []
      : [
          {
            field: path,
            rule: 'unprintable-characters',
            message:
              'This text has characters the letter font cannot print. Check the spelling, or ask for letters to be set up with a Unicode font (LETTER_FONT_REGULAR/LETTER_FONT_BOLD).',
          },
        ];
  }
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      unprintable(v, `${path}.${k}`),
    );
  }
  return [];
}

function checkField(
  field: PersonalisationField,
  raw: unknown,
  path: string,
  values: Record<string, unknown>,
): { value?: unknown; problems: FieldProblem[] } {
  const one = (p: FieldProblem | null, value: () => unknown) =>
    p ? { problems: [p] } : { value: value(), problems: [] };
  switch (field.type) {
    case 'string': {
      if (typeof raw !== 'string' || CONTROL_CHARACTERS.test(raw)) {
        return { problems: [{ field: path, rule: 'text', message: `${field.label} must be plain text.` }] };
      }
      const max = field.maxLength ?? DEFAULT_MAX_LENGTH;
      if (tidy(raw).length > max) {
        return {
          problems: [
            {
              field: path,
              rule: 'max-length',
              message: `${field.label} must be ${max} characters or fewer.`,
            },
          ],
        };
      }
      return { value: tidy(raw), problems: [] };
    }
    case 'date':
      return one(isoDateProblem(raw, path), () => (raw as string).trim());
    case 'address': {
      const problems = validateAddress(raw as AddressInput, path);
      return problems.length
        ? { problems }
        : { value: normaliseAddress(raw as AddressInput, path), problems: [] };
    }
    case 'postcode':
      return one(postcodeProblem(raw, path), () => normalisePostcode(raw, path));
    case 'money':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_PENCE
        ? { value: raw, problems: [] }
        : {
            problems: [
              {
                field: path,
                rule: 'money',
                message: `${field.label} must be a whole number of pence from 0 to ${MAX_PENCE} (e.g. 4550 for £45.50).`,
              },
            ],
          };
    case 'bankDetails': {
      const problems = bankDetailsProblems(raw, path);
      return problems.length ? { problems } : { value: normaliseBankDetails(raw), problems: [] };
    }
    case 'phone':
    case 'mobile':
    case 'landline': {
      const expect = field.type === 'phone' ? {} : { expect: field.type };
      return one(phoneProblem(raw, path, expect), () => normalisePhone(raw, path, expect));
    }
    case 'email':
      return one(emailProblem(raw, path), () => normaliseEmail(raw, path));
    case 'personName': {
      const n = (raw && typeof raw === 'object' ? raw : {}) as { firstName?: unknown; lastName?: unknown };
      const problems = [
        nameProblem(n.firstName, `${path}.firstName`, 'first name'),
        nameProblem(n.lastName, `${path}.lastName`, 'last name'),
      ].filter((p): p is FieldProblem => p !== null);
      return problems.length
        ? { problems }
        : {
            value: { firstName: tidy(n.firstName as string), lastName: tidy(n.lastName as string) },
            problems: [],
          };
    }
    case 'choice':
      return typeof raw === 'string' && (field.options ?? []).includes(raw)
        ? { value: raw, problems: [] }
        : {
            problems: [
              {
                field: path,
                rule: 'isIn',
                message: `${field.label} must be one of ${(field.options ?? []).join(', ')}.`,
              },
            ],
          };
    case 'transferItems': {
      const route = values[field.routeField ?? ''] as TransferRoute | undefined;
      if (!route) return { problems: [] }; // the route field's own problem is reported
      const problems = transferItemProblems(raw, route).map((p) => ({
        ...p,
        field: p.field === 'items' ? path : p.field.replace(/^items\./, `${path}.`),
      }));
      return problems.length
        ? { problems }
        : { value: normaliseTransferItems(raw as Record<string, unknown>), problems: [] };
    }
  }
}

function normaliseBankDetails(raw: unknown): {
  sortCode: string;
  accountNumber: string;
  accountName: string;
} {
  const bd = raw as { sortCode: string; accountNumber: string; accountName: string };
  return {
    sortCode: normaliseSortCode(bd.sortCode),
    accountNumber: bd.accountNumber.replace(/\s/g, ''),
    accountName: tidy(bd.accountName),
  };
}

/** Items passed to the other party (TD-1), normalised; keys as in @cms/domain TRANSFERABLE_ITEMS. */
function normaliseTransferItems(items: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const name = (n: unknown) => {
    const v = n as { firstName: string; lastName: string };
    return { firstName: tidy(v.firstName), lastName: tidy(v.lastName) };
  };
  if (items.name !== undefined) out.name = name(items.name);
  if (items.newName !== undefined) out.newName = name(items.newName);
  if (items.address !== undefined) out.address = normaliseAddress(items.address as AddressInput);
  if (items.postcode !== undefined) out.postcode = normalisePostcode(items.postcode);
  if (items.landline !== undefined)
    out.landline = normalisePhone(items.landline, 'landline', { expect: 'landline' });
  if (items.mobile !== undefined) out.mobile = normalisePhone(items.mobile, 'mobile', { expect: 'mobile' });
  if (items.email !== undefined) out.email = normaliseEmail(items.email);
  if (items.bankDetails !== undefined) out.bankDetails = normaliseBankDetails(items.bankDetails);
  return out;
}
