import type { ClientRole, Jurisdiction } from '@cms/domain';

/**
 * The shape of a template as stored in `letter_template` (seeded by migration, one row per code
 * and version). Letters are described as data — blocks of plain-English text with `{{placeholders}}`
 * — so that a new wording is a new version row, and an issued letter keeps the version it used.
 */

/** Types a personalisation field can have; each has its own check and print format. */
export const FIELD_TYPES = [
  'string',
  'date',
  'address',
  'postcode',
  'money',
  'bankDetails',
  'phone',
  'mobile',
  'landline',
  'email',
  'personName',
  'choice',
  'transferItems',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * One personalisation field of a template.
 * - `string`: plain text, at most `maxLength` (default 200) characters.
 * - `date`: `YYYY-MM-DD`, printed "5 December 2026".
 * - `address`: a UK address `{ line1, line2?, line3?, town, postcode }`.
 * - `postcode`, `phone`, `mobile`, `landline`, `email`: checked as in @cms/domain.
 * - `money`: whole pence, an integer ≥ 0, printed "£12.50".
 * - `bankDetails`: `{ sortCode, accountNumber, accountName }` with the modulus check (TD-5); encrypted
 *   at rest, masked in responses.
 * - `personName`: `{ firstName, lastName }`.
 * - `choice`: one of `options`.
 * - `transferItems`: the items a client passes to the other party, checked per route (TD-1, TD-9);
 *   `routeField` names the `choice` field that holds the route.
 */
export interface PersonalisationField {
  name: string;
  type: FieldType;
  required: boolean;
  /** Short label for screens and the OpenAPI description. */
  label: string;
  description?: string;
  /** For `choice`: allowed values. */
  options?: string[];
  /** For `string`: longest value allowed. */
  maxLength?: number;
  /** For `transferItems`: the field holding the transfer route. */
  routeField?: string;
  /**
   * Whose data the field carries. `other-party`: another client's contact or bank details, allowed
   * only on an approved transfer (TD-1, TD-6) or the domestic-violence route (TD-11, TD-12).
   */
  dataSubject?: 'recipient' | 'other-party';
  /** An example value (documentation and tests). */
  example: unknown;
}

/** When a block is printed: a field's value, the recipient's role, or the jurisdiction (TD-14). */
export type Condition =
  | { field: string; equals?: string | string[]; present?: boolean }
  | { recipientRole: ClientRole }
  | { jurisdiction: Jurisdiction };

/** A piece of text in a letter. Text may hold `{{placeholders}}` (see rendering/placeholders.ts). */
export type Block =
  | { kind: 'heading'; text: string; when?: Condition }
  | { kind: 'paragraph'; text: string; when?: Condition }
  | { kind: 'bullets'; items: Array<string | { text: string; when?: Condition }>; when?: Condition }
  | {
      kind: 'details';
      rows: Array<{ label: string; value: string; when?: Condition }>;
      when?: Condition;
    }
  | { kind: 'form'; fields: Array<{ label: string; value?: string; lines?: number }>; when?: Condition }
  | { kind: 'declaration'; text: string; when?: Condition }
  | { kind: 'transferItems'; field: string; when?: Condition };

/** A part of the letter that starts on a new page: an attachment filled from the SR (TD-7) or a form. */
export interface LetterSection {
  kind: 'attachment' | 'form';
  title: string;
  blocks: Block[];
}

/** Body of a letter template. */
export interface LetterBody {
  /** The heading under the address, e.g. "We need your contact details". May hold placeholders. */
  subject: string;
  blocks: Block[];
  /** Printed above the service's name, e.g. "Yours sincerely". */
  signOff: string;
  /** Later pages: the attachment (TD-7) or a form to fill in and return. */
  sections?: LetterSection[];
}

/** Body of an SMS template: one text with placeholders. */
export interface SmsBody {
  text: string;
}

/** A template as the service uses it (one version). */
export interface TemplateDefinition {
  code: string;
  version: number;
  channel: 'letter' | 'sms';
  title: string;
  purpose: string;
  recipient: ClientRole | 'client';
  requiresTlApproval: boolean;
  reviewBeforeSending: boolean;
  hasAttachment: boolean;
  requirementIds: string[];
  fields: PersonalisationField[];
  body: LetterBody | SmsBody;
}

/** The service's details printed on a letter, per jurisdiction (TD-14). */
export interface LetterheadContent {
  /** Name at the top of the letter, e.g. "Child Maintenance Service". */
  brand: string;
  /** Full name of the service in the text, e.g. "Child Maintenance Group" (GB) or NICMS (NI). */
  serviceFull: string;
  serviceShort: string;
  /** Where to send forms back to. */
  returnAddress: string[];
  phone: string;
  /** Text relay (Relay UK) instructions. */
  relay: string;
  openingHours: string;
  website: string;
}
