import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { ClientRole, Jurisdiction, UkAddress } from '@cms/domain';
import { outwardRoleName } from '@cms/domain';
import type {
  Block,
  LetterBody,
  LetterheadContent,
  PersonalisationField,
} from '../templates/template-content';
import {
  addressLines,
  fill,
  formatDate,
  formatPhone,
  formatSortCode,
  holds,
  TemplateFaultError,
  type FillContext,
} from './placeholders';

/** Everything needed to print one letter. */
export interface RenderInput {
  code: string;
  version: number;
  title: string;
  body: LetterBody;
  fields: readonly PersonalisationField[];
  letterhead: LetterheadContent;
  jurisdiction: Jurisdiction;
  recipient: { name: string; role: ClientRole; address: UkAddress };
  caseNumber: string;
  /** Date printed on the letter, `YYYY-MM-DD` (UK date of issue). */
  letterDate: string;
  /** Normalised personalisation values (see templates/personalisation.ts). */
  values: Record<string, unknown>;
}

/** A printed letter: the PDF bytes, its page count and SHA-256 (hex). */
export interface RenderedLetter {
  pdf: Buffer;
  pageCount: number;
  sha256: string;
}

/** TrueType fonts to embed (any Unicode text prints); without them the built-in Helvetica is used. */
export interface LetterFonts {
  regular: string;
  bold: string;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 48, bottom: 60, left: 56, right: 56 };
const TEXT_WIDTH = A4.width - MARGIN.left - MARGIN.right;
const LABEL_WIDTH = 170;
const BODY_SIZE = 11;
/** Names of the embedded fonts when configured. */
const REGULAR = 'letter-regular';
const BOLD = 'letter-bold';
/**
 * The built-in fonts, used by name: pdfkit builds each standard font's metrics per document, so
 * aliasing them (registerFont) would build Helvetica twice.
 */
const STANDARD = { regular: 'Helvetica', bold: 'Helvetica-Bold' };

/** What pdfkit keeps of its fonts on a document (its own fields, version 0.20). */
interface PdfkitFonts {
  _fontFamilies: Record<string, { name?: string; font?: { getKernPair?: unknown } } | undefined>;
  _fontCount: number;
}

/**
 * A standard font's metrics, built once per process instead of once per letter (issue 17: pdfkit
 * builds each standard font's AFM metrics, glyph widths and ~2,700 kerning pairs, for every
 * document: about a third of a letter's render time). The metrics are read-only lookups; each
 * document still gets its own font objects (own id and PDF dictionary), made in the order and with
 * the ids pdfkit would give them, so the bytes printed are the same (the rendering tests check it).
 * When pdfkit's fields are not what this expects (another version), nothing is shared.
 */
class StandardFontMetrics {
  private readonly fonts = new Map<string, object>();
  private usable = true;

  /** True when every one of `names` has its metrics built (so {@link seed} can start a document). */
  has(names: readonly string[]): boolean {
    return this.usable && names.every((n) => this.fonts.has(n));
  }

  /**
   * Gives `doc` (made with `font: null`) its own font objects over the built metrics, `names[0]`
   * current, as `new PDFDocument()` does with its default font: ids F1, F2, … in `names`' order.
   */
  seed(doc: PDFKit.PDFDocument, names: readonly string[]): void {
    const d = doc as unknown as PdfkitFonts;
    for (const name of names) {
      const font = Object.create(this.fonts.get(name)!) as Record<string, unknown>;
      font.document = doc;
      font.id = `F${++d._fontCount}`;
      d._fontFamilies[name] = font as PdfkitFonts['_fontFamilies'][string];
    }
    doc.font(names[0]);
  }

  /**
   * Keeps the metrics of `names`' fonts as `doc` built them, when it built them all in `names`'
   * order (F1, F2, …, as {@link seed} numbers them).
   */
  keep(doc: PDFKit.PDFDocument, names: readonly string[]): void {
    const d = doc as unknown as PdfkitFonts;
    const built = names.map((n) => d._fontFamilies?.[n] as Record<string, unknown> | undefined);
    if (!built.every((f, i) => f && f.id === `F${i + 1}`)) return;
    for (const [i, font] of built.entries()) {
      const metrics = font!.font as { getKernPair?: unknown } | undefined;
      if (font!.name !== names[i] || typeof metrics?.getKernPair !== 'function') {
        this.usable = false; // not the pdfkit this was written for: share nothing
        return;
      }
      // A prototype holding the font's fields but its document, id and PDF objects.
      const proto = Object.getPrototypeOf(font) as StandardFontMethods;
      const template = Object.create(proto) as Record<string, unknown>;
      for (const [k, v] of Object.entries(font!)) {
        if (!['document', 'id', 'dictionary', 'embedded'].includes(k)) template[k] = v;
      }
      Object.assign(template, memoisedLayout(proto));
      this.fonts.set(names[i], template);
    }
  }
}

/** The two layout methods of pdfkit's standard (AFM) fonts that {@link memoisedLayout} wraps. */
interface StandardFontMethods {
  encode(this: object, text: string, features?: unknown): [string[], object[]];
  widthOfString(this: object, text: string, size: number, features?: unknown): number;
}

/** Entries a memo keeps before it starts again (words and lines of letters: a few MB at most). */
const LAYOUT_MEMO_LIMIT = 20_000;

/**
 * A standard font's `encode` (a line's glyph codes and advances) and `widthOfString` (a word's
 * width) remembered per text, for the fonts built once per process: both are pure functions of the
 * text for a standard font (no OpenType features), and letters repeat the same words and lines,
 * where pdfkit looks up every glyph's width and kerning pair again (issue 17: over a third of a
 * letter's render time). Widths are kept in font units and scaled. What `encode` returns is frozen, so
 * that a pdfkit that wrote into it would fail loudly instead of spoiling the next letter.
 */
function memoisedLayout(proto: StandardFontMethods): StandardFontMethods {
  const encoded = new Map<string, [string[], object[]]>();
  const widths = new Map<string, number>();
  return {
    encode(text, features) {
      if (features !== undefined && features !== null) return proto.encode.call(this, text, features);
      let hit = encoded.get(text);
      if (!hit) {
        const [codes, positions] = proto.encode.call(this, text);
        positions.forEach((p) => Object.freeze(p));
        hit = Object.freeze([Object.freeze(codes), Object.freeze(positions)]) as [string[], object[]];
        if (encoded.size >= LAYOUT_MEMO_LIMIT) encoded.clear();
        encoded.set(text, hit);
      }
      return hit;
    },
    widthOfString(text, size, features) {
      if (features !== undefined && features !== null)
        return proto.widthOfString.call(this, text, size, features);
      // Kept in the font's own units (size 1000 scales by exactly 1) and scaled as pdfkit does, so
      // every width is the same number to the last bit and lines break where they always did.
      let units = widths.get(text);
      if (units === undefined) {
        units = proto.widthOfString.call(this, text, 1000);
        if (widths.size >= LAYOUT_MEMO_LIMIT) widths.clear();
        widths.set(text, units);
      }
      return units * (size / 1000);
    },
  };
}

/** The other parent, by the recipient's role: receiving parent ↔ paying parent. */
export function otherParentRole(role: ClientRole): ClientRole {
  return role === 'NRP' ? 'PWC' : 'NRP';
}

/**
 * Prints letters to PDF with pdfkit (A4, GOV.UK-style plain layout): letterhead and contact
 * details of the jurisdiction's service (TD-14), the recipient's address where a window envelope
 * shows it, date and case number, the subject, the blocks of the template with placeholders filled,
 * the sign-off, then each section (attachment filled from the SR, TD-7, or a form) on a new page,
 * and a footer on every page with the template code, version and page number.
 *
 * Pure and deterministic: the same input gives the same bytes (the PDF dates are the letter date).
 * @throws TemplateFaultError when the template names a placeholder it cannot fill
 */
export class LetterRenderer {
  private readonly metrics = new StandardFontMetrics();

  constructor(private readonly fonts?: LetterFonts) {}

  /** True when letters embed a Unicode font (so personalisation is not limited to Windows-1252). */
  get unicode(): boolean {
    return !!this.fonts;
  }

  async render(input: RenderInput): Promise<RenderedLetter> {
    const issued = new Date(`${input.letterDate}T00:00:00Z`);
    // pdfkit's default font is Helvetica, F1: with the metrics built, the document starts without
    // it and is given both standard fonts over those metrics (same ids, so the same bytes).
    const standard = [STANDARD.regular, STANDARD.bold];
    const seeded = !this.fonts && this.metrics.has(standard);
    const doc = new PDFDocument({
      ...(seeded ? { font: null as unknown as string } : {}),
      size: 'A4',
      margins: MARGIN,
      bufferPages: true,
      autoFirstPage: true,
      info: {
        Title: `${input.code} ${input.title}`,
        Author: input.letterhead.brand,
        Subject: input.title,
        CreationDate: issued,
        ModDate: issued,
      },
    });
    if (seeded) this.metrics.seed(doc, standard);
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const finished = new Promise<void>((resolve, reject) => {
      doc.on('end', resolve);
      doc.on('error', reject);
    });
    let pageCount = 0;
    try {
      const fonts = this.fonts;
      if (fonts) {
        doc.registerFont(REGULAR, fonts.regular);
        doc.registerFont(BOLD, fonts.bold);
      }
      pageCount = new LetterWriter(doc, input, fonts ? { regular: REGULAR, bold: BOLD } : STANDARD).write();
      if (!fonts && !seeded) this.metrics.keep(doc, standard);
    } catch (e) {
      doc.end();
      await finished.catch(() => undefined);
      throw e;
    }
    doc.end();
    await finished;
    const pdf = Buffer.concat(chunks);
    return { pdf, pageCount, sha256: createHash('sha256').update(pdf).digest('hex') };
  }
}

/** Writes one letter into a pdfkit document. */
class LetterWriter {
  private readonly ctx: FillContext;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly input: RenderInput,
    private readonly fontNames: { regular: string; bold: string },
  ) {
    const lh = input.letterhead;
    const other = otherParentRole(input.recipient.role);
    this.ctx = {
      values: input.values,
      fields: new Map(input.fields.map((f) => [f.name, f])),
      jurisdiction: input.jurisdiction,
      recipientRole: input.recipient.role,
      vars: {
        'service.full': lh.serviceFull,
        'service.short': lh.serviceShort,
        'service.brand': lh.brand,
        'recipient.name': input.recipient.name,
        'recipient.role': outwardRoleName(input.recipient.role),
        'otherParent.role': outwardRoleName(other),
        caseNumber: input.caseNumber,
        letterDate: formatDate(input.letterDate),
        'contact.phone': lh.phone,
        'contact.relay': lh.relay,
        'contact.hours': lh.openingHours,
        'contact.website': lh.website,
        'contact.returnAddress': lh.returnAddress.join(', '),
      },
    };
  }

  /** Writes the letter; returns its number of pages. */
  write(): number {
    const { doc, input } = this;
    this.letterhead();
    this.addressAndDate();
    doc.x = MARGIN.left;
    doc.y = 240;
    this.text(fill(input.body.subject, this.ctx), { font: 'bold', size: 14, gap: 10 });
    this.text(`Dear ${input.recipient.name}`, { gap: 8 });
    for (const block of input.body.blocks) this.block(block);
    this.ensureSpace(60);
    doc.moveDown(0.5);
    this.text(input.body.signOff, { gap: 18 });
    this.text(input.letterhead.brand, { font: 'bold', gap: 2 });
    if (input.letterhead.serviceFull !== input.letterhead.brand) this.text(input.letterhead.serviceFull);
    for (const section of input.body.sections ?? []) {
      doc.addPage();
      this.text(fill(section.title, this.ctx), { font: 'bold', size: 14, gap: 4 });
      this.text(
        `${section.kind === 'attachment' ? `Attachment to letter ${input.code}` : `Form sent with letter ${input.code}`} – ${input.recipient.name}, case number ${input.caseNumber}`,
        { size: 9, gap: 12 },
      );
      for (const block of section.blocks) this.block(block);
    }
    return this.footers();
  }

  private letterhead(): void {
    const { doc, input } = this;
    const lh = input.letterhead;
    doc.font(this.fontNames.bold).fontSize(16).text(lh.brand, MARGIN.left, MARGIN.top, { width: 280 });
    if (lh.serviceFull !== lh.brand)
      doc.font(this.fontNames.regular).fontSize(9).text(`Part of the ${lh.serviceFull}`, { width: 280 });
    const x = 340;
    const width = A4.width - MARGIN.right - x;
    doc.font(this.fontNames.regular).fontSize(9);
    doc.text(`Phone: ${lh.phone}`, x, MARGIN.top, { width });
    doc.text(lh.relay, { width });
    doc.text(lh.openingHours, { width });
    doc.text(lh.website, { width });
  }

  private addressAndDate(): void {
    const { doc, input } = this;
    doc.font(this.fontNames.regular).fontSize(BODY_SIZE);
    doc.text([input.recipient.name, ...addressLines(input.recipient.address)].join('\n'), MARGIN.left, 140, {
      width: 250,
    });
    const x = 340;
    const width = A4.width - MARGIN.right - x;
    doc.text(`Date: ${formatDate(input.letterDate)}`, x, 140, { width });
    doc.text(`Case number: ${input.caseNumber}`, x, doc.y, { width });
    doc.text(`Letter: ${input.code}`, x, doc.y, { width });
  }

  private block(block: Block): void {
    if (!holds(block.when, this.ctx)) return;
    switch (block.kind) {
      case 'heading':
        this.ensureSpace(50);
        this.doc.moveDown(0.3);
        this.text(fill(block.text, this.ctx), { font: 'bold', size: 13, gap: 4 });
        return;
      case 'paragraph':
        this.text(fill(block.text, this.ctx), { gap: 8 });
        return;
      case 'bullets':
        for (const item of block.items) {
          const text = typeof item === 'string' ? item : holds(item.when, this.ctx) ? item.text : null;
          if (text !== null) this.bullet(fill(text, this.ctx));
        }
        this.doc.moveDown(0.4);
        return;
      case 'details':
        for (const row of block.rows) {
          if (holds(row.when, this.ctx)) this.row(fill(row.label, this.ctx), fill(row.value, this.ctx, true));
        }
        this.doc.moveDown(0.4);
        return;
      case 'form':
        for (const f of block.fields)
          this.formField(fill(f.label, this.ctx), f.value ? fill(f.value, this.ctx) : '', f.lines ?? 1);
        this.doc.moveDown(0.4);
        return;
      case 'declaration':
        this.declaration(fill(block.text, this.ctx));
        return;
      case 'transferItems':
        this.transferItems(block.field);
        return;
    }
  }

  private text(
    value: string,
    opts: { font?: 'regular' | 'bold'; size?: number; gap?: number; x?: number; width?: number } = {},
  ): void {
    const { doc } = this;
    doc.font(this.fontNames[opts.font ?? 'regular']).fontSize(opts.size ?? BODY_SIZE);
    const width = opts.width ?? TEXT_WIDTH;
    // Up to 120 pt of the text is kept together: measured (a second layout of it) only near the
    // foot of the page, where that can start a new page.
    if (doc.y + 120 > A4.height - MARGIN.bottom)
      this.ensureSpace(Math.min(doc.heightOfString(value, { width }), 120));
    doc.text(value, opts.x ?? MARGIN.left, doc.y, { width, lineGap: 1.5 });
    if (opts.gap) doc.y += opts.gap;
  }

  private bullet(value: string): void {
    const { doc } = this;
    doc.font(this.fontNames.regular).fontSize(BODY_SIZE);
    const width = TEXT_WIDTH - 16;
    this.ensureSpace(doc.heightOfString(value, { width }));
    const y = doc.y;
    doc.text('•', MARGIN.left + 2, y, { width: 12, lineBreak: false });
    doc.text(value, MARGIN.left + 16, y, { width, lineGap: 1.5 });
    doc.y += 2;
  }

  private row(label: string, value: string): void {
    const { doc } = this;
    doc.fontSize(BODY_SIZE);
    const valueWidth = TEXT_WIDTH - LABEL_WIDTH - 10;
    const h = Math.max(
      doc.font(this.fontNames.bold).heightOfString(label, { width: LABEL_WIDTH }),
      doc.font(this.fontNames.regular).heightOfString(value, { width: valueWidth }),
    );
    this.ensureSpace(h + 6);
    const y = doc.y;
    doc.font(this.fontNames.bold).text(label, MARGIN.left, y, { width: LABEL_WIDTH });
    doc.font(this.fontNames.regular).text(value, MARGIN.left + LABEL_WIDTH + 10, y, { width: valueWidth });
    doc.y = y + h + 6;
  }

  private formField(label: string, value: string, lines: number): void {
    const { doc } = this;
    const boxHeight = 20 * lines;
    doc.font(this.fontNames.bold).fontSize(10);
    this.ensureSpace(doc.heightOfString(label, { width: TEXT_WIDTH }) + boxHeight + 10);
    doc.text(label, MARGIN.left, doc.y, { width: TEXT_WIDTH });
    const y = doc.y + 2;
    doc.rect(MARGIN.left, y, TEXT_WIDTH, boxHeight).lineWidth(0.75).stroke();
    if (value)
      doc
        .font(this.fontNames.regular)
        .fontSize(BODY_SIZE)
        .text(value, MARGIN.left + 6, y + 5, { width: TEXT_WIDTH - 12 });
    doc.x = MARGIN.left;
    doc.y = y + boxHeight + 8;
  }

  private declaration(text: string): void {
    const { doc } = this;
    this.text(text, { gap: 24 });
    this.ensureSpace(40);
    const y = doc.y;
    doc.font(this.fontNames.regular).fontSize(BODY_SIZE);
    doc.text('Signature', MARGIN.left, y, { width: 60 });
    doc
      .moveTo(MARGIN.left + 62, y + 11)
      .lineTo(MARGIN.left + 290, y + 11)
      .lineWidth(0.75)
      .stroke();
    doc.text('Date', MARGIN.left + 310, y, { width: 40 });
    doc
      .moveTo(MARGIN.left + 345, y + 11)
      .lineTo(MARGIN.left + TEXT_WIDTH, y + 11)
      .stroke();
    doc.x = MARGIN.left;
    doc.y = y + 30;
  }

  /** The items passed on, whole (the procedure needs them: TD-7), from a `transferItems` field. */
  private transferItems(fieldName: string): void {
    const items = this.input.values[fieldName] as Record<string, unknown> | undefined;
    if (!items) throw new TemplateFaultError(`transferItems block names ${fieldName}, which has no value`);
    const name = (n: unknown) => {
      const v = n as { firstName: string; lastName: string };
      return `${v.firstName} ${v.lastName}`;
    };
    const rows: Array<[string, string]> = [];
    if (items.name) rows.push(['Name', name(items.name)]);
    if (items.newName) rows.push(['New name', name(items.newName)]);
    if (items.address) rows.push(['Address', addressLines(items.address as UkAddress).join('\n')]);
    if (items.postcode) rows.push(['Postcode', String(items.postcode)]);
    if (items.landline) rows.push(['Landline', formatPhone(String(items.landline))]);
    if (items.mobile) rows.push(['Mobile', formatPhone(String(items.mobile))]);
    if (items.email) rows.push(['Email', String(items.email)]);
    if (items.bankDetails) {
      const bd = items.bankDetails as { sortCode: string; accountNumber: string; accountName: string };
      rows.push(['Name on the account', bd.accountName]);
      rows.push(['Sort code', formatSortCode(bd.sortCode)]);
      rows.push(['Account number', bd.accountNumber]);
    }
    for (const [label, value] of rows) this.row(label, value);
    this.doc.moveDown(0.4);
  }

  private ensureSpace(height: number): void {
    const { doc } = this;
    if (doc.y + height > A4.height - MARGIN.bottom) {
      doc.addPage();
      doc.x = MARGIN.left;
      doc.y = MARGIN.top;
    }
  }

  private footers(): number {
    const { doc, input } = this;
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0; // writing in the margin must not start a new page
      doc.font(this.fontNames.regular).fontSize(8).fillColor('#505a5f');
      const y = A4.height - 44;
      doc.text(`${input.code} version ${input.version}`, MARGIN.left, y, { width: 200, lineBreak: false });
      doc.text(`Page ${i + 1} of ${range.count}`, A4.width - MARGIN.right - 120, y, {
        width: 120,
        align: 'right',
        lineBreak: false,
      });
      doc.fillColor('black');
      doc.page.margins.bottom = bottom;
    }
    return range.count;
  }
}
