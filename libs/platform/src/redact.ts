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

/**
 * Ids that free text carries and no pattern may touch: UUIDs (request ids, entity ids; a UUID's
 * first group can be eight digits, which is an account number's shape) and SR numbers (`1-1000001`;
 * eight digits after the dash from SR 10,000,000 on).
 */
const ID_IN_TEXT = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b\d-\d{7,}\b/gi;

/** Keys whose value is an id: kept as it is when it is one token, unless that token is wholly a NINO, phone… */
const ID_KEYS = new Set(
  [
    'id',
    'requestId',
    'reqId',
    'srNumber',
    'caseNumber',
    'idempotencyKey',
    'batchId',
    'jobId',
    'correlationId',
  ].map((k) => k.toLowerCase()),
);
const ID_TOKEN = /^[A-Za-z0-9._:-]{1,128}$/;
const ONE_PLACEHOLDER = /^\[[a-z-]+\]$/;

function scrubPart(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Replaces sensitive patterns inside a free-text string, leaving ids (UUIDs, SR numbers) as they are. */
export function scrubText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(ID_IN_TEXT)) {
    out += scrubPart(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + scrubPart(text.slice(last));
}

/**
 * The value of an id key (`requestId`, `id`…): a caller-chosen request id such as `req-12345678` is
 * kept whole; a value that is wholly a NINO, phone or account number is still scrubbed, and free text
 * is scrubbed as anywhere else.
 */
function scrubId(value: string): string {
  const scrubbed = scrubText(value);
  return ID_TOKEN.test(value) && !ONE_PLACEHOLDER.test(scrubbed) ? value : scrubbed;
}

/**
 * Returns a deep copy of `value` with sensitive keys replaced by `[redacted]` and sensitive
 * patterns scrubbed from every string (ids left as they are). Depth-limited to keep logging cheap.
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
    const key = k.toLowerCase();
    out[k] =
      SENSITIVE_KEYS.has(key) && v !== null && v !== undefined
        ? '[redacted]'
        : ID_KEYS.has(key) && typeof v === 'string'
          ? scrubId(v)
          : redactDeep(v, depth + 1);
  }
  return out;
}
