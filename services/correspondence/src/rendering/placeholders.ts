import {
  maskBankDetails,
  type BankDetails,
  type ClientRole,
  type Jurisdiction,
  type UkAddress,
} from '@cms/domain';
import type { Condition, FieldType, PersonalisationField } from '../templates/template-content';

/**
 * Placeholders in template text: `{{p.<field>}}` or `{{p.<field>.<part>}}` for personalisation, and
 * the letter's own values (`{{service.full}}`, `{{recipient.name}}`, `{{otherParent.role}}`, …).
 * A placeholder the template cannot fill is a fault in the template, never silently left blank.
 */

/** Thrown when a template names a placeholder that does not exist or a value that is absent. */
export class TemplateFaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateFaultError';
  }
}

/** What text placeholders are filled from. */
export interface FillContext {
  /** Normalised personalisation, by field name. */
  values: Record<string, unknown>;
  fields: ReadonlyMap<string, PersonalisationField>;
  jurisdiction: Jurisdiction;
  recipientRole: ClientRole;
  /** Letter values: `service.full`, `recipient.name`, `caseNumber`, `letterDate`, `contact.phone`… */
  vars: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `2026-12-05` → `5 December 2026`. */
export function formatDate(iso: string): string {
  return LONG_DATE.format(new Date(`${iso}T00:00:00Z`));
}

/** Whole pence → `£1,234.50`. */
export function formatMoney(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** E.164 → the way a UK number is written: `+447700900123` → `07700 900123`; others unchanged. */
export function formatPhone(e164: string): string {
  if (!e164.startsWith('+44')) return e164;
  const national = `0${e164.slice(3)}`;
  if (national.startsWith('02'))
    return `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`;
  return `${national.slice(0, 5)} ${national.slice(5)}`;
}

/** `123456` → `12-34-56`. */
export function formatSortCode(sortCode: string): string {
  return sortCode.replace(/^(\d{2})(\d{2})(\d{2})$/, '$1-$2-$3');
}

/** The printed lines of an address, blank lines left out. */
export function addressLines(a: UkAddress): string[] {
  return [a.line1, a.line2, a.line3, a.town, a.postcode].filter((l): l is string => !!l);
}

/** A value printed by its field type; `multiline` keeps an address on several lines. */
export function formatValue(type: FieldType, value: unknown, multiline = false): string {
  switch (type) {
    case 'date':
      return formatDate(value as string);
    case 'money':
      return formatMoney(value as number);
    case 'address':
      return addressLines(value as UkAddress).join(multiline ? '\n' : ', ');
    case 'phone':
    case 'mobile':
    case 'landline':
      return formatPhone(value as string);
    case 'personName': {
      const n = value as { firstName: string; lastName: string };
      return `${n.firstName} ${n.lastName}`;
    }
    case 'bankDetails':
    case 'transferItems':
      throw new TemplateFaultError(`A ${type} value is printed part by part, not whole`);
    default:
      return String(value);
  }
}

function bankDetailsPart(bd: BankDetails, part: string): string {
  const masked = maskBankDetails(bd);
  switch (part) {
    case 'sortCode':
      return formatSortCode(bd.sortCode);
    case 'accountNumber':
      return bd.accountNumber;
    case 'accountName':
      return bd.accountName;
    case 'sortCodeMasked':
      return masked.sortCode;
    case 'accountNumberMasked':
      return masked.accountNumber;
    default:
      throw new TemplateFaultError(`Bank details have no part "${part}"`);
  }
}

/** The text of one placeholder path. @throws TemplateFaultError for an unknown path or absent value */
export function resolvePlaceholder(path: string, ctx: FillContext, multiline = false): string {
  if (!path.startsWith('p.')) {
    const v = ctx.vars[path];
    if (v === undefined) throw new TemplateFaultError(`Unknown placeholder {{${path}}}`);
    return v;
  }
  const [name, part, ...rest] = path.slice(2).split('.');
  const field = ctx.fields.get(name);
  if (!field || rest.length) throw new TemplateFaultError(`Unknown placeholder {{${path}}}`);
  const value = ctx.values[name];
  if (value === undefined || value === null) {
    throw new TemplateFaultError(`{{${path}}} is printed but has no value: guard it with "when"`);
  }
  if (part === undefined) return formatValue(field.type, value, multiline);
  if (field.type === 'bankDetails') return bankDetailsPart(value as BankDetails, part);
  if (field.type === 'personName' || field.type === 'address') {
    const v = (value as Record<string, unknown>)[part];
    if (typeof v !== 'string') throw new TemplateFaultError(`Unknown placeholder {{${path}}}`);
    return v;
  }
  throw new TemplateFaultError(`Unknown placeholder {{${path}}}`);
}

/** Text with every placeholder filled. @throws TemplateFaultError */
export function fill(text: string, ctx: FillContext, multiline = false): string {
  return text.replace(PLACEHOLDER, (_m, path: string) => resolvePlaceholder(path, ctx, multiline));
}

/** Every placeholder path named in `text` (for template checks). */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** True when a block's condition holds (no condition: always). */
export function holds(when: Condition | undefined, ctx: FillContext): boolean {
  if (!when) return true;
  if ('recipientRole' in when) return ctx.recipientRole === when.recipientRole;
  if ('jurisdiction' in when) return ctx.jurisdiction === when.jurisdiction;
  // A dotted field (`transferredDetails.bankDetails`) looks inside an object value.
  const value = when.field
    .split('.')
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      ctx.values,
    );
  const present = value !== undefined && value !== null && value !== '';
  if (when.present !== undefined && present !== when.present) return false;
  if (when.equals !== undefined) {
    const allowed = Array.isArray(when.equals) ? when.equals : [when.equals];
    return present && allowed.includes(String(value));
  }
  return true;
}
