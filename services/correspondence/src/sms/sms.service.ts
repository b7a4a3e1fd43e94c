import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DomainValidationError,
  normalisePhone,
  outwardRoleName,
  phoneProblem,
  type Actor,
  type Clock,
} from '@cms/domain';
import { auditStatement, CLOCK } from '@cms/platform';
import { DataSource } from 'typeorm';
import { BankDetailsCipher, canonicalJson } from '../crypto/bank-details-cipher';
import { DispatchService } from '../gateways/dispatch.service';
import { fill } from '../rendering/placeholders';
import { checkPersonalisation } from '../templates/personalisation';
import type { SmsBody } from '../templates/template-content';
import { TemplatesService } from '../templates/templates.service';
import { CorrespondenceItem } from '../letters/correspondence-item.entity';
import { CorrespondenceItemsService } from '../letters/items.service';
import type { ChangeStatusDto } from '../letters/letter.dto';
import { idempotencyKeyProblem, TransferNotAuthorisedError } from '../letters/letters.errors';
import { toSmsView, type SmsView } from '../letters/letter.view';
import { safeguardingProblems } from '../letters/safeguarding';
import type { SendSmsDto } from './sms.dto';

/**
 * Text messages the procedures name, e.g. the confirmation that security details were updated
 * after a returned CMSL9800 (Change - Security Details step 17, SD-16). The text names the
 * jurisdiction's service (TD-14) and holds no personal data. Idempotent on the `Idempotency-Key`;
 * delivered to the SMS gateway by the dispatch job written in the same transaction.
 */
@Injectable()
export class SmsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly templates: TemplatesService,
    private readonly items: CorrespondenceItemsService,
    private readonly cipher: BankDetailsCipher,
    private readonly dispatch: DispatchService,
  ) {}

  /**
   * Sends one SMS.
   * @throws DomainValidationError (400: bad number, unknown or bad personalisation),
   *   IdempotencyKeyReusedError (409), TransferNotAuthorisedError (422, TD-1)
   */
  async send(
    dto: SendSmsDto,
    idempotencyKey: string | undefined,
    actor: Actor,
  ): Promise<{ view: SmsView; replayed: boolean }> {
    const keyProblem = idempotencyKeyProblem(idempotencyKey);
    if (keyProblem) throw keyProblem;
    const key = idempotencyKey!;
    const fingerprint = this.cipher.fingerprint(canonicalJson(dto));
    const earlier = await this.items.replayOf('sms', key, fingerprint);
    if (earlier) return { view: toSmsView(earlier), replayed: true };

    const template = this.templates.get(dto.templateCode);
    const personalisation = dto.personalisation ?? {};
    const unsafe = safeguardingProblems(template, personalisation, false);
    if (unsafe.length) {
      throw new TransferNotAuthorisedError('A text message never carries contact or bank details.', unsafe);
    }
    const check = checkPersonalisation(template.fields, personalisation, { unicode: true });
    const phone = phoneProblem(dto.recipient.mobilePhone, 'recipient.mobilePhone', { expect: 'mobile' });
    const problems = [...(phone ? [phone] : []), ...check.problems];
    if (problems.length) throw new DomainValidationError(problems);

    const letterhead = this.templates.letterhead(dto.jurisdiction).content;
    const text = fill((template.body as SmsBody).text, {
      values: check.values,
      fields: new Map(template.fields.map((f) => [f.name, f])),
      jurisdiction: dto.jurisdiction,
      recipientRole: 'PWC',
      vars: {
        'service.full': letterhead.serviceFull,
        'service.short': letterhead.serviceShort,
        'service.brand': letterhead.brand,
        'contact.phone': letterhead.phone,
        'otherParent.role': outwardRoleName('NRP'),
      },
    });
    const now = this.clock.now();
    const id = randomUUID();
    const item = this.db.manager.create(CorrespondenceItem, {
      id,
      channel: 'sms',
      idempotencyKey: key,
      requestFingerprint: fingerprint,
      templateCode: template.code,
      templateVersion: template.version,
      letterheadVersion: null,
      mode: 'system',
      status: 'created',
      statusReason: null,
      recipientClientId: dto.recipient.clientId,
      recipientRole: null,
      recipientName: null,
      recipientAddress: null,
      mobilePhone: normalisePhone(dto.recipient.mobilePhone, 'recipient.mobilePhone', { expect: 'mobile' }),
      caseId: dto.caseId,
      caseNumber: null,
      jurisdiction: dto.jurisdiction,
      stage: null,
      serviceRequestId: null,
      approval: null,
      transferReference: null,
      personalisation: check.values,
      bankDetailsSealed: null,
      smsText: text,
      reviewRequired: false,
      reviewedBy: null,
      reviewedAt: null,
      sentAt: null,
      statusChangedAt: now,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    const outcome = await this.items.insertIdempotently(item, [
      auditStatement(this.db.manager, [
        {
          entityType: 'sms',
          entityId: id,
          action: 'issued',
          after: {
            templateCode: template.code,
            templateVersion: template.version,
            status: 'created',
            recipientClientId: item.recipientClientId,
            caseId: item.caseId,
            text,
          },
          actorId: actor.id,
          actorRoles: actor.roles,
        },
      ]),
      await this.dispatch.enqueueStatement(id),
    ]);
    return { view: toSmsView(outcome.item), replayed: outcome.replayed };
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<SmsView> {
    return toSmsView(await this.items.get('sms', id));
  }

  /** Changes an SMS's status (e.g. `delivered` or `failed` reported by the gateway). */
  async changeStatus(id: string, dto: ChangeStatusDto, actor: Actor): Promise<SmsView> {
    return toSmsView(await this.items.changeStatus('sms', id, dto, actor));
  }
}
