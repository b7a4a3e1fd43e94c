/**
 * Redaction of citizens' data from logs (brief non-negotiable 4): NINO, CRN, bank details, PIN,
 * password, phone, email and addresses never reach a log line, whether they sit under a known key
 * or inside free text.
 */
const SENSITIVE_KEYS = new Set(
  [
    'nino',
    'crn',
    'reference',
    'pin',
    'newpin',
    'password',
    'specialpassword',
    'newpassword',
    'secret',
    'pepper',
    'token',
    'authorization',
    'cookie',
    'sortcode',
    'accountnumber',
    'bankdetails',
    'rollnumber',
    'iban',
    'phone',
    'homephone',
    'businessphone',
    'mobilephone',
    'landline',
    'mobile',
    'telephone',
    'email',
    'homeemail',
    'address',
    'line1',
    'line2',
    'line3',
    'postcode',
  ].map((k) => k.toLowerCase()),
);

const PATTERNS: Array<[RegExp, string]> = [
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]+/g, '[token]'],
  [/\b[A-Za-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-Da-d]\b/g, '[nino]'],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '[email]'],
  [/(\+44\s?|\b0)\d(?:[\s-]?\d){8,9}\b/g, '[phone]'],
  [/\b\d{2}-\d{2}-\d{2}\b/g, '[sort-code]'],
  [/\b\d{8}\b/g, '[account-number]'],
  [/\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b/g, '[postcode]'],
];

/** Replaces sensitive patterns inside a free-text string. */
export function scrubText(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/**
 * Returns a deep copy of `value` with sensitive keys replaced by `[redacted]` and sensitive
 * patterns scrubbed from every string. Depth-limited to keep logging cheap.
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubText(value.message),
      stack: value.stack ? scrubText(value.stack) : undefined,
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      SENSITIVE_KEYS.has(k.toLowerCase()) && v !== null && v !== undefined
        ? '[redacted]'
        : redactDeep(v, depth + 1);
  }
  return out;
}
