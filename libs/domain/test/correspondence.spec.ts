import { CASE_STAGES } from '../src/cases';
import {
  canChangeLetterStatus,
  issueModeFor,
  isLetterCode,
  isSmsCode,
  LETTER_CODES,
  LETTER_STATUSES,
  LETTER_TEMPLATES,
  requiresTlApproval,
  reviewBeforeSending,
  SMS_TEMPLATES,
  smsText,
} from '../src/correspondence';

describe('letters', () => {
  it.each([
    ['TD-3', 'CMSL0405', 'We need your contact details'],
    ['TD-7', 'CMSL0406', 'Contact details for other parent'],
    ['SD-9', 'CMSL9800', 'We need to update your security details'],
    ['SD-10', 'CMSL9801', 'Reminder – we need to update your security details'],
    ['SD-16', 'CMSL9802', 'Thank you for updating your security details'],
  ] as const)('[%s] %s is titled "%s"', (_id, code, title) => {
    expect(LETTER_TEMPLATES[code].title).toBe(title);
  });

  it('[X-3] has every letter the procedures name, each with a title and purpose', () => {
    expect(LETTER_CODES).toEqual([
      'CMSL0405',
      'CMSL0406',
      'CMSL9660',
      'CMSL9661',
      'CMSL9662',
      'CMSL9800',
      'CMSL9801',
      'CMSL9802',
      'MOPF_BENEFIT_CLAIM',
    ]);
    for (const code of LETTER_CODES) {
      expect(LETTER_TEMPLATES[code].title).not.toBe('');
      expect(LETTER_TEMPLATES[code].purpose).not.toBe('');
      expect(isLetterCode(code)).toBe(true);
    }
    expect(isLetterCode('CMSL9999')).toBe(false);
  });

  it.each([
    ['TD-11', 'CMSL9660', 'PWC'],
    ['TD-12', 'CMSL9661', 'NRP'],
    ['TD-12', 'CMSL9662', 'PWC'],
    ['BR-8', 'MOPF_BENEFIT_CLAIM', 'NRP'],
  ] as const)('[%s] %s goes to the %s', (_id, code, recipient) => {
    expect(LETTER_TEMPLATES[code].recipient).toBe(recipient);
  });

  it('[TD-6] only CMSL0406 needs team leader approval', () => {
    expect(LETTER_CODES.filter(requiresTlApproval)).toEqual(['CMSL0406']);
  });

  it('[TD-7] only CMSL0406 carries an attachment', () => {
    expect(LETTER_CODES.filter((c) => LETTER_TEMPLATES[c].hasAttachment)).toEqual(['CMSL0406']);
  });

  it('[X-3] CMSL9800, CMSL9801 and CMSL9802 are reviewed before sending', () => {
    expect(LETTER_CODES.filter(reviewBeforeSending)).toEqual(['CMSL9800', 'CMSL9801', 'CMSL9802']);
  });

  it.each(
    CASE_STAGES.flatMap((stage) =>
      LETTER_CODES.map((code) => {
        const clerical =
          ['CMSL9660', 'CMSL9661', 'CMSL9662'].includes(code) && ['application', 'new case'].includes(stage);
        return [code, stage, clerical ? 'clerical' : 'system'] as const;
      }),
    ),
  )('[TD-11] %s at %s stage is issued by %s', (code, stage, mode) => {
    expect(issueModeFor(code, stage)).toBe(mode);
  });
});

describe('letter status', () => {
  it.each([
    ['created', 'sent', true],
    ['created', 'failed', true],
    ['sent', 'delivered', true],
    ['sent', 'returned', true],
    ['delivered', 'returned', true],
    ['created', 'delivered', false],
    ['delivered', 'sent', false],
    ['failed', 'sent', false],
    ['returned', 'delivered', false],
  ] as const)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canChangeLetterStatus(from, to)).toBe(allowed);
  });

  it('has the five statuses', () => {
    expect(LETTER_STATUSES).toEqual(['created', 'sent', 'delivered', 'failed', 'returned']);
  });
});

describe('SMS', () => {
  it('[SD-16] confirms updated security details, falling back to CMSL9802', () => {
    expect(SMS_TEMPLATES.SMS_SECURITY_DETAILS_UPDATED.fallbackLetter).toBe('CMSL9802');
    expect(isSmsCode('SMS_SECURITY_DETAILS_UPDATED')).toBe(true);
    expect(isSmsCode('SMS_OTHER')).toBe(false);
  });

  it.each([
    ['GB', 'Child Maintenance Group'],
    ['NI', 'Northern Ireland Child Maintenance Service'],
  ] as const)('[TD-14] names the service in %s as %s', (jurisdiction, service) => {
    const text = smsText('SMS_SECURITY_DETAILS_UPDATED', jurisdiction);
    expect(text.startsWith(`${service}:`)).toBe(true);
    expect(text).toContain('security details');
  });

  it('[TD-14] never says CMG in Northern Ireland', () => {
    expect(smsText('SMS_SECURITY_DETAILS_UPDATED', 'NI')).not.toMatch(/Child Maintenance Group|CMG/);
  });
});
