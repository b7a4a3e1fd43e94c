import type { FieldProblem } from '@cms/domain';

/**
 * The rules of the security details themselves (Change - Security Details, introduction and
 * step 12). Pure functions; the service turns problems into a DomainValidationError (400).
 */

/** A PIN is exactly seven ASCII digits (SD-1). */
export const PIN_PATTERN = /^[0-9]{7}$/;

/**
 * Special password length, in Unicode code points after NFC normalisation. Six is the least that
 * still resists guessing over the phone with three tries before a block; thirty is long enough for
 * a memorable phrase and short enough for a caseworker to type while the client spells it.
 */
export const PASSWORD_MIN_LENGTH = 6;
export const PASSWORD_MAX_LENGTH = 30;

/** Consecutive failed checks that block the account (SD-2). */
export const FAILURES_BEFORE_BLOCK = 3;

/**
 * The seven memorable questions are no longer collected: each answer is stored as `X`
 * (Change - Security Details, step 12; SD-14).
 */
export const MEMORABLE_QUESTION_COUNT = 7;
export const NOT_COLLECTED = 'X';
export const MEMORABLE_ANSWERS_NOT_COLLECTED: readonly string[] = Object.freeze(
  Array.from({ length: MEMORABLE_QUESTION_COUNT }, () => NOT_COLLECTED),
);

/**
 * The problem with a PIN, or null when valid: seven digits (rule `pin-format`), not all zeroes
 * (rule `pin-not-all-zeroes`). Both carry requirement SD-1.
 */
export function pinProblem(raw: unknown, field = 'pin'): FieldProblem | null {
  if (typeof raw !== 'string' || !PIN_PATTERN.test(raw)) {
    return {
      field,
      rule: 'pin-format',
      message: 'The PIN must be exactly seven digits (0-9), with no letters, spaces or other characters.',
      requirementId: 'SD-1',
    };
  }
  if (/^0+$/.test(raw)) {
    return {
      field,
      rule: 'pin-not-all-zeroes',
      message: 'The PIN cannot be all zeroes.',
      requirementId: 'SD-1',
    };
  }
  return null;
}

/**
 * The problem with a special password the client has chosen, or null when valid:
 * {@link PASSWORD_MIN_LENGTH}–{@link PASSWORD_MAX_LENGTH} characters (rule `password-length`), no
 * control characters (rule `password-characters`), no spaces at the start or end
 * (rule `password-surrounding-spaces`, since a caseworker cannot hear them on the phone).
 * Otherwise any characters: it is the client's own choosing (SD-1).
 */
export function passwordProblem(raw: unknown, field = 'password'): FieldProblem | null {
  const value = typeof raw === 'string' ? raw.normalize('NFC') : '';
  const length = [...value].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return {
      field,
      rule: 'password-length',
      message: `The special password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
      requirementId: 'SD-1',
    };
  }
  if (/\p{Cc}/u.test(value)) {
    return {
      field,
      rule: 'password-characters',
      message: 'The special password cannot contain control characters such as tabs or line breaks.',
      requirementId: 'SD-1',
    };
  }
  if (value.trim() !== value) {
    return {
      field,
      rule: 'password-surrounding-spaces',
      message: 'The special password cannot start or end with a space.',
      requirementId: 'SD-1',
    };
  }
  return null;
}

/**
 * The exact form of a special password, compared on the self-service portal (case sensitive,
 * SD-19): only Unicode NFC normalisation, so that the same visible text typed on different
 * keyboards matches.
 */
export function exactPassword(value: string): string {
  return value.normalize('NFC');
}

/**
 * The case-folded form of a special password, compared on the phone where a caseworker types what
 * the client spells out (not strictly case sensitive, SD-19): compatibility-normalised (NFKC) and
 * case-folded locale-independently (upper then lower case, so `ß` and `SS` match).
 */
export function foldedPassword(value: string): string {
  return value.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** The items of security details a change can replace (SD-14). */
export const SECURITY_ITEMS = ['pin', 'password'] as const;
export type SecurityItem = (typeof SECURITY_ITEMS)[number];

/** Channels of a security check (SD-19): the phone (caseworker) or the self-service portal. */
export const CHECK_CHANNELS = ['phone', 'self-service'] as const;
export type CheckChannel = (typeof CHECK_CHANNELS)[number];

/**
 * How a caseworker satisfied themselves of the caller's identity before unblocking (SD-3):
 * the client's PIN/password, three transactional questions, or the returned CMSL9800 form (SD-11).
 */
export const UNBLOCK_VERIFICATIONS = [
  'PIN/password',
  'transactional questions',
  'CMSL9800 returned',
] as const;
export type UnblockVerification = (typeof UNBLOCK_VERIFICATIONS)[number];

/**
 * The items a check must supply per channel: the self-service portal asks for both PIN and special
 * password (rule `required`); on the phone the caseworker asks for the password or the PIN (Change -
 * Security Details, step 2), so one is enough and every item given must match
 * (rule `pin-or-password-required`). Returns the problems, [] when the items suffice.
 */
export function checkItemsProblems(
  channel: CheckChannel,
  supplied: { pin?: string; password?: string },
): FieldProblem[] {
  if (channel === 'self-service') {
    return (['pin', 'password'] as const)
      .filter((k) => supplied[k] === undefined)
      .map((k) => ({
        field: k,
        rule: 'required',
        message: `The self-service portal check needs the ${k === 'pin' ? 'PIN' : 'special password'}.`,
        requirementId: 'SD-19',
      }));
  }
  if (supplied.pin === undefined && supplied.password === undefined) {
    return [
      {
        field: 'pin',
        rule: 'pin-or-password-required',
        message: 'Give the PIN, the special password, or both.',
      },
    ];
  }
  return [];
}
