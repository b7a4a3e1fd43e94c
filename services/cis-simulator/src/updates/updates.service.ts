import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CIS_UPDATE_RESPONSE_INFO,
  DomainError,
  type Actor,
  type CisUpdateResponseCode,
  type Clock,
} from '@cms/domain';
import { CLOCK } from '@cms/platform';
import { DataSource, IsNull } from 'typeorm';
import { ChangesService } from '../changes/changes.service';
import { changeForUpdate, parseCisUpdate } from '../changes/cis-change-rules';
import { InterestRegistration } from '../interests/interest.entity';
import { findPerson, referenceOf } from '../persons/persons.service';
import { CisUpdateRecord } from './cis-update.entity';
import type { CisUpdateRequestDto, UpdateResponseView } from './update.dto';

function toView(u: CisUpdateRecord, replayed: boolean): UpdateResponseView {
  const info = CIS_UPDATE_RESPONSE_INFO[u.responseCode];
  return {
    updateId: u.id,
    updateType: u.updateType,
    responseCode: u.responseCode,
    responseName: info.name,
    message: info.message,
    applied: info.applied,
    appliedAt: u.appliedAt,
    requirementId: info.requirementId,
    replayed,
  };
}

/**
 * Updates from CMG (CIS - Send Update, steps 1-8): validated (SU-2), refused without an interest (SU-1, code
 * 2), refused for a nationally sensitive record (SU-6, code 1), refused when the NINO/CRN is not
 * identified (code 3: not held, deleted or superseded), otherwise applied to the record at once
 * (SU-5) and answered with code 0 (SU-7). An applied update is recorded as a change of origin CMG,
 * which is never broadcast back to CMG. Idempotent on the `Idempotency-Key` header.
 */
@Injectable()
export class UpdatesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly changes: ChangesService,
  ) {}

  /**
   * Handles one update and returns CIS's update response. A repeated Idempotency-Key returns the
   * stored response (`replayed`) without applying anything again.
   * @throws DomainValidationError (400, fields `update.*`); DomainError IDEMPOTENCY_KEY_REUSED (409) for a key reused with another request
   */
  async apply(
    dto: CisUpdateRequestDto,
    idempotencyKey: string | undefined,
    actor: Actor,
  ): Promise<UpdateResponseView> {
    const ref = referenceOf(dto);
    const hash = createHash('sha256')
      .update(JSON.stringify([ref.kind, ref.value, dto.update]))
      .digest('hex');
    const key = idempotencyKey?.trim() || null;
    if (key) {
      const replay = await this.replay(key, hash);
      if (replay) return replay;
    }
    const now = this.clock.now();
    try {
      return await this.db.transaction(async (m) => {
        const person = await findPerson(m, ref, true);
        const live = person && !person.deleted && !person.supersededByNino ? person : null;
        const update = parseCisUpdate(dto.update, live, now);
        let code: CisUpdateResponseCode = '0';
        if (!live) code = '3';
        else if (!(await m.existsBy(InterestRegistration, { personId: live.id, deregisteredAt: IsNull() })))
          code = '2';
        else if (live.nationallySensitive) code = '1';
        const record = await m.save(
          m.create(CisUpdateRecord, {
            idempotencyKey: key,
            requestHash: hash,
            referenceKind: ref.kind,
            reference: ref.value,
            personId: person?.id ?? null,
            updateType: update.type,
            payload: update as unknown as Record<string, unknown>,
            responseCode: code,
            appliedAt: code === '0' ? now : null,
            receivedAt: now,
            caller: actor.id,
          }),
        );
        if (live && code === '0') {
          await this.changes.record(m, live, changeForUpdate(update, live), 'CMG', now, record.id);
        }
        return toView(record, false);
      });
    } catch (e) {
      // Two requests with the same key at once: the loser answers with the winner's response.
      if (key && (e as { code?: string }).code === '23505') {
        const replay = await this.replay(key, hash);
        if (replay) return replay;
      }
      throw e;
    }
  }

  private async replay(key: string, hash: string): Promise<UpdateResponseView | null> {
    const previous = await this.db.manager.findOneBy(CisUpdateRecord, { idempotencyKey: key });
    if (!previous) return null;
    if (previous.requestHash !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'conflict',
        'This Idempotency-Key was used for a different update; use a new key for a new update.',
      );
    }
    return toView(previous, true);
  }
}
