import { parsePhoneNumberFromString, type NumberType } from 'libphonenumber-js/max';
import { isValid as isValidPostcodeFormat, toNormalised } from 'postcode';
import { DomainValidationError, type FieldProblem } from './errors';

/**
 * Contact data CMS and CIS hold for a client (RD-2, RD-3) and that may pass between clients (TD-1):
 * UK postcode and address, telephone numbers and email address.
 */

function throwIfProblem(problem: FieldProblem | null): void {
  if (problem) throw new DomainValidationError([problem]);
}

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

// ---------------------------------------------------------------------------------------------
// Postcode

/**
 * The problem with a UK postcode, or null when it is valid. Format only (package `postcode`):
 * `AA9A 9AA`, `A9A 9AA`, `A9 9AA`, `A99 9AA`, `AA9 9AA`, `AA99 9AA`; any case and spacing.
 * Rule names `required`, `postcode-format`.
 */
export function postcodeProblem(raw: unknown, field = 'postcode'): FieldProblem | null {
  if (isBlank(raw)) return { field, rule: 'required', message: 'Enter a postcode.' };
  if (typeof raw !== 'string' || !isValidPostcodeFormat(raw.trim())) {
    return { field, rule: 'postcode-format', message: 'Enter a real UK postcode, for example SW1A 2AA.' };
  }
  return null;
}

/** True when `raw` is a UK postcode in any case and spacing. */
export function isValidPostcode(raw: unknown): boolean {
  return postcodeProblem(raw) === null;
}

/**
 * Normalises a UK postcode to upper case with one space before the inward code: ` sw1a2aa ` →
 * `SW1A 2AA`. Throws DomainValidationError (rule `required` or `postcode-format`).
 */
export function normalisePostcode(raw: unknown, field = 'postcode'): string {
  throwIfProblem(postcodeProblem(raw, field));
  return toNormalised((raw as string).trim()) as string;
}

// ---------------------------------------------------------------------------------------------
// Telephone

/**
 * What a telephone number is: `mobile`, `landline` (fixed line) or `other` (non-geographic 03/08,
 * VoIP, pager, or a number that could be either, such as North American ones).
 */
export const PHONE_KINDS = ['mobile', 'landline', 'other'] as const;
export type PhoneKind = (typeof PHONE_KINDS)[number];

/** Default region for numbers given without an international prefix. */
const DEFAULT_REGION = 'GB';
/** Characters a caseworker or client may type in a number; letters are rejected, not silently stripped. */
const PHONE_CHARACTERS = /^[+\d\s().-]+$/;

/**
 * Ofcom's ranges reserved for drama (07700 900000–900999 mobile, 01632 960000–960999 landline).
 * libphonenumber treats them as invalid, but they are accepted here so that demo and test data
 * never needs a real person's number.
 */
const OFCOM_DRAMA_RANGES: readonly { prefix: string; kind: PhoneKind }[] = [
  { prefix: '+447700900', kind: 'mobile' },
  { prefix: '+441632960', kind: 'landline' },
];

interface ParsedPhone {
  e164: string;
  kind: PhoneKind;
  /** True when the number could be a mobile or a landline (libphonenumber FIXED_LINE_OR_MOBILE). */
  ambiguous: boolean;
}

function kindOf(type: NumberType): PhoneKind {
  if (type === 'MOBILE') return 'mobile';
  if (type === 'FIXED_LINE') return 'landline';
  return 'other';
}

function parsePhone(raw: string): ParsedPhone | null {
  if (!PHONE_CHARACTERS.test(raw)) return null;
  const parsed = parsePhoneNumberFromString(raw, DEFAULT_REGION);
  if (!parsed) return null;
  const drama = OFCOM_DRAMA_RANGES.find(
    (r) => parsed.number.startsWith(r.prefix) && parsed.number.length === 13,
  );
  if (drama) return { e164: parsed.number, kind: drama.kind, ambiguous: false };
  if (!parsed.isValid()) return null;
  const type = parsed.getType();
  return { e164: parsed.number, kind: kindOf(type), ambiguous: type === 'FIXED_LINE_OR_MOBILE' };
}

/** Options for phone validation: `expect` `mobile` requires a mobile; `landline` requires a non-mobile number. */
export interface PhoneOptions {
  expect?: 'mobile' | 'landline';
}

/**
 * The problem with a telephone number, or null when it is valid. UK numbers may be national
 * (`07911 123456`, `020 7946 0123`) or international (`+44 7911 123456`, `0044…`); other countries
 * need their `+` code. Spaces, brackets, dots and hyphens are allowed; letters are not.
 * Rule names `required`, `phone-format`, `phone-not-mobile`, `phone-not-landline`.
 */
export function phoneProblem(raw: unknown, field = 'phone', options: PhoneOptions = {}): FieldProblem | null {
  if (isBlank(raw)) return { field, rule: 'required', message: 'Enter a telephone number.' };
  const parsed = typeof raw === 'string' ? parsePhone(raw.trim()) : null;
  if (!parsed) {
    return {
      field,
      rule: 'phone-format',
      message: 'Enter a real telephone number, like 01632 960 001, 07700 900 982 or +44 20 7946 0123.',
    };
  }
  if (options.expect === 'mobile' && parsed.kind !== 'mobile' && !parsed.ambiguous) {
    return {
      field,
      rule: 'phone-not-mobile',
      message: 'Enter a mobile telephone number, for example 07700 900 982.',
    };
  }
  if (options.expect === 'landline' && parsed.kind === 'mobile') {
    return { field, rule: 'phone-not-landline', message: 'Enter a landline number, not a mobile number.' };
  }
  return null;
}

/** True when `raw` is a valid telephone number meeting `options`; see {@link phoneProblem}. */
export function isValidPhone(raw: unknown, options: PhoneOptions = {}): boolean {
  return phoneProblem(raw, 'phone', options) === null;
}

/**
 * Normalises a telephone number to E.164: `07911 123456` → `+447911123456`. Throws
 * DomainValidationError as described by {@link phoneProblem}.
 */
export function normalisePhone(raw: unknown, field = 'phone', options: PhoneOptions = {}): string {
  throwIfProblem(phoneProblem(raw, field, options));
  return (parsePhone((raw as string).trim()) as ParsedPhone).e164;
}

/** Classifies a telephone number (any accepted form) as mobile, landline or other; null when invalid. */
export function phoneKind(raw: string): PhoneKind | null {
  return parsePhone(raw.trim())?.kind ?? null;
}

/**
 * Masks a telephone number for display and logs, keeping the country code and last three digits:
 * `07911 123456` → `+44*******456`. An invalid number keeps only its last three characters.
 */
export function maskPhone(raw: string): string {
  const parsed = parsePhone(raw.trim());
  if (!parsed) return raw.length <= 3 ? '*'.repeat(raw.length) : '*'.repeat(raw.length - 3) + raw.slice(-3);
  const national = parsePhoneNumberFromString(parsed.e164)!;
  const code = `+${national.countryCallingCode}`;
  const rest = parsed.e164.slice(code.length);
  return code + '*'.repeat(Math.max(rest.length - 3, 0)) + rest.slice(-3);
}

/**
 * A valid UK number in Ofcom's drama ranges for test and demo data, E.164: mobile
 * `+447700900nnn`, landline `+441632960nnn`. `random` returns numbers in [0, 1) like Math.random.
 */
export function generateUkPhone(random: () => number, kind: 'mobile' | 'landline'): string {
  const n = Math.floor(Math.min(Math.max(Number(random()) || 0, 0), 0.999999) * 1000);
  const prefix = OFCOM_DRAMA_RANGES.find((r) => r.kind === kind)!.prefix;
  return prefix + String(n).padStart(3, '0');
}

// ---------------------------------------------------------------------------------------------
// Email

/**
 * Pragmatic email check: dot-atom local part (no leading, trailing or double dots), domain of
 * letter/digit/hyphen labels with an alphabetic top-level domain. Quoted local parts and IP
 * literals are deliberately not accepted.
 */
const EMAIL_PATTERN =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * The problem with an email address, or null when it is valid (see the pattern above; at most 254
 * characters with a local part of at most 64). Rule names `required`, `email-format`.
 */
export function emailProblem(raw: unknown, field = 'email'): FieldProblem | null {
  if (isBlank(raw)) return { field, rule: 'required', message: 'Enter an email address.' };
  const value = typeof raw === 'string' ? raw.trim() : '';
  const local = value.slice(0, value.lastIndexOf('@'));
  if (!EMAIL_PATTERN.test(value) || value.length > 254 || local.length > 64) {
    return {
      field,
      rule: 'email-format',
      message: 'Enter an email address in the correct format, like name@example.com.',
    };
  }
  return null;
}

/** True when `raw` is a valid email address; see {@link emailProblem}. */
export function isValidEmail(raw: unknown): boolean {
  return emailProblem(raw) === null;
}

/**
 * Normalises an email address: trims it and lower-cases the domain (the local part is kept as
 * given, since mail servers may treat it as case sensitive). `Jo.Bloggs@Example.COM` →
 * `Jo.Bloggs@example.com`. Throws DomainValidationError (rule `required` or `email-format`).
 */
export function normaliseEmail(raw: unknown, field = 'email'): string {
  throwIfProblem(emailProblem(raw, field));
  const value = (raw as string).trim();
  const at = value.lastIndexOf('@');
  return value.slice(0, at + 1) + value.slice(at + 1).toLowerCase();
}

/** Masks an email address for display and logs: `jo.bloggs@example.com` → `j********@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return '*'.repeat(email.length);
  const local = email.slice(0, at);
  const masked = local.length <= 1 ? '*' : local[0] + '*'.repeat(local.length - 1);
  return masked + email.slice(at);
}

// ---------------------------------------------------------------------------------------------
// Address

/** A UK postal address as CMS and CIS hold it; `postcode` normalised, e.g. `SW1A 2AA`. */
export interface UkAddress {
  line1: string;
  line2?: string | null;
  line3?: string | null;
  town: string;
  postcode: string;
}

/** Longest address line or town this system accepts (fits a window envelope and CIS's fixed-width lines). */
export const ADDRESS_LINE_MAX_LENGTH = 35;

const ADDRESS_TEXT_FIELDS = ['line1', 'line2', 'line3', 'town'] as const;
const REQUIRED_ADDRESS_FIELDS: readonly string[] = ['line1', 'town'];
// Printable text only: control characters would break letters and the CIS fixed-width record.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function tidy(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** An address as it may arrive in a request: any field may be missing or of the wrong type. */
export type AddressInput = { [K in keyof UkAddress]?: unknown };

/**
 * Every problem with an address, [] when it is valid. `line1`, `town` and `postcode` are required;
 * lines and town at most {@link ADDRESS_LINE_MAX_LENGTH} characters of printable text; postcode as
 * {@link postcodeProblem}. Fields are reported as `${fieldPrefix}.line1` etc.
 * Rule names `required`, `text`, `max-length`, `postcode-format`.
 */
export function validateAddress(
  addr: AddressInput | null | undefined,
  fieldPrefix = 'address',
): FieldProblem[] {
  if (addr === null || addr === undefined || typeof addr !== 'object') {
    return [{ field: fieldPrefix, rule: 'required', message: 'Enter an address.' }];
  }
  const problems: FieldProblem[] = [];
  for (const key of ADDRESS_TEXT_FIELDS) {
    const field = `${fieldPrefix}.${key}`;
    const value = addr[key];
    const label = key === 'town' ? 'town or city' : `address line ${key.slice(-1)}`;
    if (isBlank(value)) {
      if (REQUIRED_ADDRESS_FIELDS.includes(key))
        problems.push({ field, rule: 'required', message: `Enter the ${label}.` });
    } else if (typeof value !== 'string' || CONTROL_CHARACTERS.test(value)) {
      problems.push({ field, rule: 'text', message: `The ${label} must be plain text.` });
    } else if (tidy(value).length > ADDRESS_LINE_MAX_LENGTH) {
      problems.push({
        field,
        rule: 'max-length',
        message: `The ${label} must be ${ADDRESS_LINE_MAX_LENGTH} characters or fewer.`,
      });
    }
  }
  const postcode = postcodeProblem(addr.postcode, `${fieldPrefix}.postcode`);
  if (postcode) problems.push(postcode);
  return problems;
}

/**
 * Validates and normalises an address: whitespace trimmed and collapsed, blank optional lines
 * become null, postcode normalised. Throws DomainValidationError with every problem found by
 * {@link validateAddress}.
 */
export function normaliseAddress(addr: AddressInput | null | undefined, fieldPrefix = 'address'): UkAddress {
  const problems = validateAddress(addr, fieldPrefix);
  if (problems.length > 0) throw new DomainValidationError(problems);
  const a = addr as UkAddress;
  const optional = (v: string | null | undefined): string | null => (isBlank(v) ? null : tidy(v as string));
  return {
    line1: tidy(a.line1),
    line2: optional(a.line2),
    line3: optional(a.line3),
    town: tidy(a.town),
    postcode: normalisePostcode(a.postcode, `${fieldPrefix}.postcode`),
  };
}

/** True when two addresses are the same once normalised (case-insensitive), e.g. to test "differs" in RD-3. */
export function sameAddress(a: UkAddress, b: UkAddress): boolean {
  const key = (x: UkAddress) =>
    [x.line1, x.line2 ?? '', x.line3 ?? '', x.town, toNormalised(x.postcode.trim()) ?? x.postcode]
      .map((part) => tidy(part).toUpperCase())
      .join('|');
  return key(a) === key(b);
}
