import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { LETTER_CODES, type Jurisdiction, type LetterCode } from '@cms/domain';
import { LETTERHEADS_V1, TEMPLATES_V1 } from '../src/migrations/1764300000001-templates-v1';
import { LetterRenderer, type RenderInput } from '../src/rendering/letter-renderer';
import { checkPersonalisation } from '../src/templates/personalisation';
import type { LetterBody } from '../src/templates/template-content';
import {
  bodyFor,
  downloadPdf,
  issue,
  LETTER_CASES,
  letterBody,
  pdfPages,
  pdfText,
  startCorrespondence,
  type TestCorrespondence,
} from './helpers';

/** System role codes and names that must never reach a citizen (glossary: outward text says receiving / paying parent). */
const SYSTEM_TERMS = /\bPWC\b|\bPeWC\b|\bNRP\b|parent with care|person with care|non[- ]resident parent/i;

describe('letters rendered to PDF', () => {
  let s: TestCorrespondence;
  beforeAll(async () => (s = await startCorrespondence({ WORKERS_ENABLED: 'false' })));
  afterAll(() => s.close());

  const cases = LETTER_CODES.flatMap((code) =>
    (['GB', 'NI'] as Jurisdiction[]).map((j) => [code, j] as [LetterCode, Jurisdiction]),
  );

  it.each(cases)(
    '[X-3][TD-14] %s (%s) prints its personalisation, the service of the jurisdiction, and never PWC/NRP',
    async (code, jurisdiction) => {
      const res = await issue(s.url, await bodyFor(s.serviceRequestsUrl, code, { jurisdiction }));
      expect(res.status).toBe(201);
      const pdf = await downloadPdf(s.url, res.body.id);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const bytes = pdf.body as Buffer;
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(res.body.pdfSha256);
      const text = await pdfText(bytes);
      for (const value of [
        ...LETTER_CASES[code].expect,
        'Daniel Price',
        '14 Mill Lane',
        'LS6 3AB',
        '120034567891',
      ]) {
        expect(text).toContain(value);
      }
      expect(text).toContain(`${code} version 1`);
      if (jurisdiction === 'NI') {
        expect(text).toContain('Northern Ireland Child Maintenance Service');
        expect(text).toContain('0800 232 1271');
        expect(text).not.toMatch(/Child Maintenance Group|\bCMG\b/);
      } else {
        expect(text).toContain('Child Maintenance Group');
        expect(text).toContain('0800 171 2345');
        expect(text).not.toMatch(/Northern Ireland|NICMS/);
      }
      expect(text).not.toMatch(SYSTEM_TERMS);
      expect(text).not.toContain('{{');
    },
  );

  it.each(LETTER_CODES)('[X-3] %s renders with only its required fields', async (code) => {
    const res = await issue(s.url, await bodyFor(s.serviceRequestsUrl, code, {}, 'required'));
    expect(res.status).toBe(201);
    const text = await pdfText((await downloadPdf(s.url, res.body.id)).body as Buffer);
    expect(text).toContain('Dear Daniel Price');
    expect(text).not.toMatch(SYSTEM_TERMS);
  });

  it('[TD-7] CMSL0406 carries an attachment, filled from the SR data, on its own page: every transferred item, bank details whole', async () => {
    const res = await issue(s.url, await bodyFor(s.serviceRequestsUrl, 'CMSL0406'));
    expect(res.status).toBe(201);
    expect(res.body.pageCount).toBe(2);
    const [letter, attachment] = await pdfPages((await downloadPdf(s.url, res.body.id)).body as Buffer);
    expect(attachment).toContain('Attachment to letter CMSL0406');
    expect(attachment).toContain('Details from the receiving parent');
    for (const item of [
      'Name Sarah Okafor',
      'New name Sarah Bennett',
      'Address 1 High Street York YO1 7HH',
      'Postcode YO1 7HH',
      'Landline 01632 960123',
      'Mobile 07700 900123',
      'Email sarah@example.com',
      'Name on the account Sarah Okafor',
      'Sort code 08-99-99',
      'Account number 66374958',
    ]) {
      expect(attachment).toContain(item);
    }
    // The letter itself names no details: they are only on the attachment.
    expect(letter).not.toContain('66374958');
    expect(letter).not.toContain('sarah@example.com');
    expect(letter).toContain('attachment with this letter');
  });

  it('[TD-9] CMSL0406 on the verbal bank details route says so and carries only the bank details', async () => {
    const res = await issue(s.url, await bodyFor(s.serviceRequestsUrl, 'CMSL0406', {}, 'required'));
    const [letter, attachment] = await pdfPages((await downloadPdf(s.url, res.body.id)).body as Buffer);
    expect(letter).toContain('has asked to be paid child maintenance by Direct Pay');
    expect(attachment).toContain('Account number 66374958');
    expect(attachment).not.toMatch(/Email|Mobile|Landline/);
  });

  it('[TD-12] CMSL9662 confirms to the receiving parent with only the last digits of the account', async () => {
    const res = await issue(s.url, letterBody('CMSL9662'));
    const text = await pdfText((await downloadPdf(s.url, res.body.id)).body as Buffer);
    expect(text).toContain('****4958');
    expect(text).not.toContain('66374958');
    expect(text).not.toContain('08-99-99');
  });

  it('[SD-9] CMSL9800 encloses the change of security details form, prefilled with name and case number', async () => {
    const res = await issue(s.url, letterBody('CMSL9800'));
    const pages = await pdfPages((await downloadPdf(s.url, res.body.id)).body as Buffer);
    const form = pages[pages.length - 1];
    expect(form).toContain('Form: change your security details');
    expect(form).toContain('Daniel Price');
    expect(form).toContain('120034567891');
    expect(form).toContain('cannot be 0000000');
  });

  it('prints the same bytes whether the standard fonts and their layouts are built for the letter or shared from earlier ones (issue 17)', async () => {
    const inputFor = (code: LetterCode, jurisdiction: Jurisdiction): RenderInput => {
      const template = TEMPLATES_V1.find((t) => t.code === code)!;
      const check = checkPersonalisation(template.fields, LETTER_CASES[code].full, { unicode: false });
      expect(check.problems).toEqual([]);
      return {
        code,
        version: 1,
        title: template.title,
        body: template.body as LetterBody,
        fields: template.fields,
        letterhead: LETTERHEADS_V1[jurisdiction],
        jurisdiction,
        recipient: {
          name: 'Daniel Price',
          role: LETTER_CASES[code].role,
          address: { line1: '14 Mill Lane', line2: null, line3: null, town: 'Leeds', postcode: 'LS6 3AB' },
        },
        caseNumber: '120034567891',
        letterDate: '2026-11-22',
        values: check.values,
      };
    };
    const shared = new LetterRenderer();
    await shared.render(inputFor('MOPF_BENEFIT_CLAIM', 'GB')); // builds the metrics once
    for (const [code, jurisdiction] of cases) {
      const input = inputFor(code, jurisdiction);
      const alone = await new LetterRenderer().render(input);
      const again = await shared.render(input);
      expect(again.sha256).toBe(alone.sha256);
      expect(again.pageCount).toBe(alone.pageCount);
      expect(Buffer.compare(again.pdf, alone.pdf)).toBe(0);
      // A second time every word's width and every line's layout come from the shared memo.
      expect((await shared.render(input)).sha256).toBe(alone.sha256);
    }
  });

  const fonts = {
    regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
    bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  };
  (existsSync(fonts.regular) && existsSync(fonts.bold) ? it : it.skip)(
    'with a Unicode font configured (LETTER_FONT_REGULAR/BOLD), names outside Windows-1252 print as given',
    async () => {
      const template = TEMPLATES_V1.find((t) => t.code === 'CMSL9802')!;
      const letter = await new LetterRenderer(fonts).render({
        code: 'CMSL9802',
        version: 1,
        title: template.title,
        body: template.body as LetterBody,
        fields: template.fields,
        letterhead: LETTERHEADS_V1.GB,
        jurisdiction: 'GB',
        recipient: {
          name: 'Łukasz Wróbel',
          role: 'NRP',
          address: { line1: '2 Żurawia Court', line2: null, line3: null, town: 'Leeds', postcode: 'LS6 3AB' },
        },
        caseNumber: '120034567891',
        letterDate: '2026-11-22',
        values: { dateUpdated: '2026-11-25' },
      });
      const text = await pdfText(letter.pdf);
      expect(text).toContain('Dear Łukasz Wróbel');
      expect(text).toContain('2 Żurawia Court');
      expect(text).toContain('25 November 2026');
    },
  );
});
