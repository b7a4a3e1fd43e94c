import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { NotFoundError, type Jurisdiction } from '@cms/domain';
import { DataSource } from 'typeorm';
import type { LetterheadContent, TemplateDefinition } from './template-content';
import { LetterheadRecord, LetterTemplateRecord } from './template.entity';

/**
 * Reads templates and letterheads. Rows only ever arrive through migrations, which run before the
 * service starts, so they are loaded once at start and kept in memory (each version is immutable).
 */
@Injectable()
export class TemplatesService implements OnModuleInit {
  private templates = new Map<string, TemplateDefinition[]>();
  private letterheads = new Map<Jurisdiction, { version: number; content: LetterheadContent }>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
  }

  /** Reloads every template version and the latest letterhead of each jurisdiction from the database. */
  async reload(): Promise<void> {
    const rows = await this.db.manager.find(LetterTemplateRecord, { order: { code: 'ASC', version: 'ASC' } });
    const byCode = new Map<string, TemplateDefinition[]>();
    for (const r of rows) {
      const list = byCode.get(r.code) ?? [];
      list.push({
        code: r.code,
        version: r.version,
        channel: r.channel,
        title: r.title,
        purpose: r.purpose,
        recipient: r.recipient as TemplateDefinition['recipient'],
        requiresTlApproval: r.requiresTlApproval,
        reviewBeforeSending: r.reviewBeforeSending,
        hasAttachment: r.hasAttachment,
        requirementIds: r.requirementIds,
        fields: r.fields,
        body: r.body,
      });
      byCode.set(r.code, list);
    }
    this.templates = byCode;
    const heads = await this.db.manager.find(LetterheadRecord, { order: { version: 'ASC' } });
    this.letterheads = new Map(
      heads.map((h) => [h.jurisdiction, { version: h.version, content: h.content }]),
    );
  }

  /** The latest version of every template, by code. */
  latestAll(): TemplateDefinition[] {
    return [...this.templates.values()].map((versions) => versions[versions.length - 1]);
  }

  /** Every version of every template. */
  all(): TemplateDefinition[] {
    return [...this.templates.values()].flat();
  }

  /**
   * One template: the latest version, or `version`.
   * @throws NotFoundError when the code or version does not exist
   */
  get(code: string, version?: number): TemplateDefinition {
    const versions = this.templates.get(code);
    const found =
      versions &&
      (version === undefined ? versions[versions.length - 1] : versions.find((v) => v.version === version));
    if (!found)
      throw new NotFoundError('Template', version === undefined ? code : `${code} version ${version}`);
    return found;
  }

  /**
   * The latest letterhead of a jurisdiction (TD-14).
   * @throws NotFoundError when none is seeded
   */
  letterhead(jurisdiction: Jurisdiction): { version: number; content: LetterheadContent } {
    const head = this.letterheads.get(jurisdiction);
    if (!head) throw new NotFoundError('Letterhead', jurisdiction);
    return head;
  }
}
