import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  canChangeLetterStatus,
  DomainValidationError,
  LETTER_STATUS_TRANSITIONS,
  NotFoundError,
  type Actor,
  type Clock,
  type LetterStatus,
} from '@cms/domain';
import { CLOCK, combineWrites, insertStatement, recordAudit, type SqlStatement } from '@cms/platform';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { DataSource, QueryFailedError } from 'typeorm';
import { TemplatesService } from '../templates/templates.service';
import { CorrespondenceItem } from './correspondence-item.entity';
import type { ChangeStatusDto, IssueLogQuery } from './letter.dto';
import { IdempotencyKeyReusedError, IllegalStatusChangeError, SentByGatewayError } from './letters.errors';
import type { IssueLogEntryView, IssueLogPageView } from './letter.view';

/** Outcome of an idempotent issue: the item, and whether it was issued before with the same key. */
export interface IssueOutcome {
  item: CorrespondenceItem;
  replayed: boolean;
}

/**
 * What letters and SMS share: idempotent insert, reading, status changes by the letter status rules
 * (`canChangeLetterStatus`), and the issue log of a client or case.
 */
@Injectable()
export class CorrespondenceItemsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly templates: TemplatesService,
  ) {}

  /**
   * The item issued before with `key` on `channel`, or null. Same key and same body fingerprint →
   * the item (a replay); same key and a different body → IdempotencyKeyReusedError (409).
   */
  async replayOf(
    channel: 'letter' | 'sms',
    key: string,
    fingerprint: string,
  ): Promise<CorrespondenceItem | null> {
    // The key's row by plain SQL first (almost always none: a new letter), the entity only for a replay.
    const [found] = await this.db.query<{ id: string; fingerprint: string }[]>(
      `SELECT id, request_fingerprint AS fingerprint FROM correspondence_item WHERE channel = $1 AND idempotency_key = $2`,
      [channel, key],
    );
    if (!found) return null;
    if (found.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError(key, found.id);
    return this.db.manager.findOneByOrFail(CorrespondenceItem, { id: found.id });
  }

  /**
   * Writes `item` with what goes with it (its PDF, audit row and dispatch job: `writes`) in ONE
   * statement, atomic on its own (issue 17: a transaction of seven round trips). When a concurrent
   * request with the same key committed first, the unique index refuses this one and the first item
   * is returned instead (or 409 when its body differed).
   */
  async insertIdempotently(item: CorrespondenceItem, writes: readonly SqlStatement[]): Promise<IssueOutcome> {
    try {
      const { sql, params } = combineWrites([
        insertStatement(
          this.db.manager,
          CorrespondenceItem,
          item as QueryDeepPartialEntity<CorrespondenceItem>,
        ),
        ...writes,
      ]);
      await this.db.query(sql, params);
      return { item, replayed: false };
    } catch (e) {
      const code = e instanceof QueryFailedError ? (e.driverError as { code?: string }).code : undefined;
      if (code !== '23505') throw e;
      const first = await this.replayOf(item.channel, item.idempotencyKey, item.requestFingerprint);
      if (!first) throw e;
      return { item: first, replayed: true };
    }
  }

  /** @throws NotFoundError */
  async get(channel: 'letter' | 'sms', id: string): Promise<CorrespondenceItem> {
    const item = await this.db.manager.findOneBy(CorrespondenceItem, { id, channel });
    if (!item) throw new NotFoundError(channel === 'letter' ? 'Letter' : 'SMS', id);
    return item;
  }

  /**
   * Changes the status of a letter or SMS (e.g. `returned` when the post comes back), audited.
   * Items issued by the system become `sent` only through the gateway; a reason is required for
   * `failed` and `returned`.
   * @throws NotFoundError, DomainValidationError (reason missing), IllegalStatusChangeError (422),
   *   SentByGatewayError (422)
   */
  async changeStatus(
    channel: 'letter' | 'sms',
    id: string,
    dto: ChangeStatusDto,
    actor: Actor,
  ): Promise<CorrespondenceItem> {
    if ((dto.status === 'failed' || dto.status === 'returned') && !dto.reason?.trim()) {
      throw new DomainValidationError([
        { field: 'reason', rule: 'required', message: `Give the reason the item is ${dto.status}.` },
      ]);
    }
    return this.db.transaction(async (m) => {
      const item = await m.findOne(CorrespondenceItem, {
        where: { id, channel },
        lock: { mode: 'pessimistic_write' },
      });
      if (!item) throw new NotFoundError(channel === 'letter' ? 'Letter' : 'SMS', id);
      const from = item.status;
      if (!canChangeLetterStatus(from, dto.status)) {
        throw new IllegalStatusChangeError(from, dto.status, LETTER_STATUS_TRANSITIONS[from]);
      }
      if (dto.status === 'sent' && item.mode === 'system') throw new SentByGatewayError();
      const now = this.clock.now();
      item.status = dto.status as LetterStatus;
      item.statusReason = dto.reason?.trim() ?? null;
      item.statusChangedAt = now;
      item.updatedAt = now;
      if (dto.status === 'sent') item.sentAt = now;
      const saved = await m.save(item);
      await recordAudit(m, {
        entityType: channel,
        entityId: item.id,
        action: 'status-changed',
        before: { status: from },
        after: { status: saved.status, reason: saved.statusReason },
        actorId: actor.id,
        actorRoles: actor.roles,
      });
      return saved;
    });
  }

  /**
   * The issue log of a client (`clientId`: items sent to them) or a case (`caseId`), letters and
   * SMS together, newest first, `limit` per page (default 20, at most 100) with a keyset cursor.
   * @throws DomainValidationError unless exactly one of clientId and caseId is given, or for a bad cursor
   */
  async issueLog(q: IssueLogQuery): Promise<IssueLogPageView> {
    if (!!q.clientId === !!q.caseId) {
      throw new DomainValidationError([
        {
          field: q.clientId ? 'caseId' : 'clientId',
          rule: 'one-of',
          message: 'Give exactly one of clientId and caseId.',
        },
      ]);
    }
    const limit = q.limit ?? 20;
    const qb = this.db.manager
      .createQueryBuilder(CorrespondenceItem, 'i')
      .orderBy('i.createdAt', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .take(limit + 1);
    if (q.clientId) qb.where('i.recipientClientId = :clientId', { clientId: q.clientId });
    else qb.where('i.caseId = :caseId', { caseId: q.caseId });
    if (q.channel) qb.andWhere('i.channel = :channel', { channel: q.channel });
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      qb.andWhere('(i.createdAt, i.id) < (:at, :id)', { at, id });
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((i) => this.logEntry(i)),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  private logEntry(i: CorrespondenceItem): IssueLogEntryView {
    const base = i.channel === 'letter' ? `/letters/${i.id}` : `/sms/${i.id}`;
    return {
      id: i.id,
      channel: i.channel,
      templateCode: i.templateCode,
      templateVersion: i.templateVersion,
      title: this.templates.get(i.templateCode, i.templateVersion).title,
      status: i.status,
      mode: i.mode,
      recipientClientId: i.recipientClientId,
      recipientRole: i.recipientRole,
      caseId: i.caseId,
      caseNumber: i.caseNumber,
      serviceRequestId: i.serviceRequestId,
      url: base,
      pdfUrl: i.channel === 'letter' ? `${base}/pdf` : null,
      sentAt: i.sentAt,
      createdAt: i.createdAt,
    };
  }
}

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      !Number.isNaN(Date.parse(at)) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return [at, id];
    }
  } catch {
    // fall through
  }
  throw new DomainValidationError([
    { field: 'cursor', rule: 'cursor', message: 'The cursor is not one this service returned.' },
  ]);
}
