import { serviceFullNameFor, type CaseStage, type Jurisdiction } from './cases';
import type { ClientRole } from './clients';

/** Letters the procedures name, by template code. `MOPF_BENEFIT_CLAIM` is this system's code for the BR-8 letter. */
export const LETTER_CODES = [
  'CMSL0405',
  'CMSL0406',
  'CMSL9660',
  'CMSL9661',
  'CMSL9662',
  'CMSL9800',
  'CMSL9801',
  'CMSL9802',
  'MOPF_BENEFIT_CLAIM',
] as const;
export type LetterCode = (typeof LETTER_CODES)[number];

/** How a letter is produced: by the system, or clerically (off system) by the caseworker. */
export const ISSUE_MODES = ['system', 'clerical'] as const;
export type IssueMode = (typeof ISSUE_MODES)[number];

/**
 * Status of one letter. `failed`: could not be produced or dispatched. `returned`: came back
 * undelivered (a client replying, e.g. returning the CMSL9800 form, is recorded on the SR, not here).
 */
export const LETTER_STATUSES = ['created', 'sent', 'delivered', 'failed', 'returned'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

/** Which status may follow which; `failed` and `returned` are final. */
export const LETTER_STATUS_TRANSITIONS: Readonly<Record<LetterStatus, readonly LetterStatus[]>> = {
  created: ['sent', 'failed'],
  sent: ['delivered', 'failed', 'returned'],
  delivered: ['returned'],
  failed: [],
  returned: [],
};

/** True when a letter may move from status `from` to `to` (see {@link LETTER_STATUS_TRANSITIONS}). */
export function canChangeLetterStatus(from: LetterStatus, to: LetterStatus): boolean {
  return LETTER_STATUS_TRANSITIONS[from].includes(to);
}

/** What the system knows about a letter template. */
export interface LetterTemplate {
  /** Title as the procedure gives it (or, for CMSL9660–9662 and the MOPF letter, a description of its purpose). */
  title: string;
  /** When and why it is sent. */
  purpose: string;
  /** Who receives it: a client role, or `client` when either parent may. */
  recipient: ClientRole | 'client';
  /** The letter cannot issue until a team leader approves the SR (TD-6, TD-8). */
  requiresTlApproval: boolean;
  /** All fields are system generated, and the caseworker reviews the letter before sending (SD-9, SD-10, SD-16). */
  reviewBeforeSending: boolean;
  /** An attachment is generated and pre-filled from the SR's data (TD-7). */
  hasAttachment: boolean;
  /** Requirement IDs that send or shape it. */
  requirementIds: readonly string[];
}

/** Every letter template by code. */
export const LETTER_TEMPLATES: Readonly<Record<LetterCode, LetterTemplate>> = {
  CMSL0405: {
    title: 'We need your contact details',
    purpose:
      'To a parent who has asked us to pass on their contact details: a form for the details and a signed declaration authorising us to pass them on.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-3', 'TD-4', 'TD-9'],
  },
  CMSL0406: {
    title: 'Contact details for other parent',
    purpose:
      "Sends the other parent's contact or bank details, in an attachment filled from the SR, once a team leader approves.",
    recipient: 'client',
    requiresTlApproval: true,
    reviewBeforeSending: false,
    hasAttachment: true,
    requirementIds: ['TD-6', 'TD-7', 'TD-8'],
  },
  CMSL9660: {
    title: 'How to give us your payment details safely',
    purpose:
      'Domestic violence: to the receiving parent who wants it in writing, explaining safe ways to be paid (such as an account with a central or national sort code) and asking for the details within 14 days.',
    recipient: 'PWC',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-11'],
  },
  CMSL9661: {
    title: "The receiving parent's payment details",
    purpose:
      'Domestic violence: to the paying parent with the payment details the receiving parent gave, to set up Direct Pay.',
    recipient: 'NRP',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-12'],
  },
  CMSL9662: {
    title: 'We have passed on your payment details',
    purpose:
      'Domestic violence: confirms to the receiving parent that their payment details have been passed to the paying parent.',
    recipient: 'PWC',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-12'],
  },
  CMSL9800: {
    title: 'We need to update your security details',
    purpose:
      'The client failed their security check or asked to give new security details in writing; encloses the change of security details form.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-9'],
  },
  CMSL9801: {
    title: 'Reminder – we need to update your security details',
    purpose:
      'Reminder after 7 days when the CMSL9800 form has not come back; without it the client cannot discuss their case.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-10'],
  },
  CMSL9802: {
    title: 'Thank you for updating your security details',
    purpose: 'Confirms the security details were updated, where an SMS is not appropriate.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-16'],
  },
  MOPF_BENEFIT_CLAIM: {
    title: 'Your benefit claim and how you pay child maintenance',
    purpose:
      'Automated, when CIS reports a benefit claim by the paying parent: a successful claim may lead us to change the method of payment to a deduction from benefit.',
    recipient: 'NRP',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['BR-8'],
  },
};

/** True when `value` is one of {@link LETTER_CODES}. */
export function isLetterCode(value: unknown): value is LetterCode {
  return typeof value === 'string' && (LETTER_CODES as readonly string[]).includes(value);
}

/** True when the letter cannot issue before team leader approval: CMSL0406 (TD-6). */
export function requiresTlApproval(code: LetterCode): boolean {
  return LETTER_TEMPLATES[code].requiresTlApproval;
}

/** True when the caseworker must review the letter before sending: CMSL9800, CMSL9801, CMSL9802. */
export function reviewBeforeSending(code: LetterCode): boolean {
  return LETTER_TEMPLATES[code].reviewBeforeSending;
}

/** The domestic-violence letters, system issue except at application and new case stage (TD-11). */
const CLERICAL_BEFORE_MAINTENANCE: readonly LetterCode[] = ['CMSL9660', 'CMSL9661', 'CMSL9662'];

/**
 * How a letter is issued at a case stage: CMSL9660, CMSL9661 and CMSL9662 are issued clerically at
 * `application` and `new case` stage (their template needs a change of service type SR there, TD-11);
 * everything else is issued by the system.
 */
export function issueModeFor(code: LetterCode, stage: CaseStage): IssueMode {
  const early = stage === 'application' || stage === 'new case';
  return early && CLERICAL_BEFORE_MAINTENANCE.includes(code) ? 'clerical' : 'system';
}

/** SMS texts the procedures name, by this system's code. */
export const SMS_CODES = ['SMS_SECURITY_DETAILS_UPDATED'] as const;
export type SmsCode = (typeof SMS_CODES)[number];

/** Each SMS: what it is for, the letter to send instead when an SMS is not appropriate, and its requirement. */
export const SMS_TEMPLATES: Readonly<
  Record<SmsCode, { purpose: string; fallbackLetter: LetterCode; requirementIds: readonly string[] }>
> = {
  SMS_SECURITY_DETAILS_UPDATED: {
    purpose: 'Confirms the security details were updated after the client returned CMSL9800.',
    fallbackLetter: 'CMSL9802',
    requirementIds: ['SD-16'],
  },
};

/** True when `value` is one of {@link SMS_CODES}. */
export function isSmsCode(value: unknown): value is SmsCode {
  return typeof value === 'string' && (SMS_CODES as readonly string[]).includes(value);
}

/**
 * The text of an SMS, naming the service for the jurisdiction (CMG or NICMS, TD-14). It holds no
 * personal data, since a text can be read by anyone holding the phone.
 */
export function smsText(code: SmsCode, jurisdiction: Jurisdiction): string {
  const service = serviceFullNameFor(jurisdiction);
  switch (code) {
    case 'SMS_SECURITY_DETAILS_UPDATED':
      return `${service}: we have updated your security details. Keep them safe – you will need them every time you call us. If you did not ask for this change, call us.`;
  }
}
