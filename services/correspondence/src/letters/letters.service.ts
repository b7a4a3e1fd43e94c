import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  caseNumberProblem,
  DomainValidationError,
  issueModeFor,
  maskBankDetails,
  normaliseAddress,
  NotFoundError,
  requiresTlApproval,
  reviewBeforeSending,
  ukToday,
  validateAddress,
  type Actor,
  type BankDetails,
  type Clock,
  type FieldProblem,
  type IssueMode,
  type LetterCode,
} from '@cms/domain';
import { auditStatement, CLOCK, insertStatement, recordAudit } from '@cms/platform';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { BankDetailsCipher, canonicalJson } from '../crypto/bank-details-cipher';
import { DispatchService, pdfContext } from '../gateways/dispatch.service';
import { LetterRenderer } from '../rendering/letter-renderer';
import { checkPersonalisation, unprintable } from '../templates/personalisation';
import type { LetterBody, TemplateDefinition } from '../templates/template-content';
import { TemplatesService } from '../templates/templates.service';
import { ApprovalLookup } from './approvals';
import { CorrespondenceItem, LetterPdf } from './correspondence-item.entity';
import { CorrespondenceItemsService, type IssueOutcome } from './items.service';
import type { ChangeStatusDto, IssueLetterDto } from './letter.dto';
import { toLetterView, type LetterView } from './letter.view';
import {
  ApprovalMismatchError,
  ApprovalRequiredError,
  ClericalIssueRequiredError,
  idempotencyKeyProblem,
  ReviewNotRequiredError,
  SystemIssueNeedsSystemRoleError,
  SystemIssueRequiredError,
  TransferNotAuthorisedError,
} from './letters.errors';
import { carriesOtherPartyData, safeguardingProblems } from './safeguarding';

/** The domestic-violence letters, whose issue mode depends on the case stage (TD-11). */
const STAGE_DEPENDENT: readonly LetterCode[] = ['CMSL9660', 'CMSL9661', 'CMSL9662'];
/** How far in the future an approval time may be (clock skew between services). */
const APPROVAL_SKEW_MS = 5 * 60_000;

/** Context of a letter's sealed bank details (AES-GCM additional data). */
export function bankDetailsContext(itemId: string): string {
  return `letter:${itemId}:bank-details`;
}

/** A letter's view, and whether the request was a replay of an earlier one with the same key. */
export interface IssuedLetter {
  view: LetterView;
  replayed: boolean;
}

/**
 * Issues letters: validates the request against the template's declared fields, applies the
 * procedures' rules (TL approval for CMSL0406, TD-6/TD-8; safeguarding of other clients' details,
 * TD-1; issue mode by stage, TD-11; review before sending, X-3), renders the PDF with the template
 * version and the jurisdiction's letterhead (TD-14), stores it (sealed when it prints whole bank
 * details) with the letter, audits it and, for system issue, writes the dispatch job in the
 * same transaction. Idempotent on the `Idempotency-Key`.
 */
@Injectable()
export class LettersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly templates: TemplatesService,
    private readonly items: CorrespondenceItemsService,
    private readonly cipher: BankDetailsCipher,
    private readonly renderer: LetterRenderer,
    private readonly dispatch: DispatchService,
    private readonly approvals: ApprovalLookup,
  ) {}

  /**
   * Issues one letter (Transfer Data Between Clients steps 4 and 8; Change - Security Details steps
   * 7, 8 and 17; CIS - Receive Broadcast Updates step 5).
   * @throws DomainValidationError (400: a missing or bad field, named), SystemIssueNeedsSystemRoleError
   *   (403), IdempotencyKeyReusedError (409), ApprovalRequiredError / ApprovalMismatchError /
   *   ApprovalNotConfirmedError (422, TD-6: the approval is looked up in service-requests),
   *   TransferNotAuthorisedError (422, TD-1), ClericalIssueRequiredError (422, TD-11)
   */
  async issue(dto: IssueLetterDto, idempotencyKey: string | undefined, actor: Actor): Promise<IssuedLetter> {
    const keyProblem = idempotencyKeyProblem(idempotencyKey);
    if (keyProblem) throw keyProblem;
    const key = idempotencyKey!;
    const fingerprint = this.cipher.fingerprint(canonicalJson(dto));
    const earlier = await this.items.replayOf('letter', key, fingerprint);
    if (earlier) return { view: await this.view(earlier), replayed: true };

    const template = this.templates.get(dto.templateCode);
    const code = dto.templateCode;
    const mode = this.resolveMode(code, dto);
    if (mode === 'system' && !actor.roles.includes('system')) throw new SystemIssueNeedsSystemRoleError();

    // Procedure rules before field checks: an unapproved CMSL0406 is refused whatever it holds.
    const now = this.clock.now();
    let confirmedApprovedAt: string | null = null;
    if (requiresTlApproval(code)) {
      if (!dto.approval) throw new ApprovalRequiredError(code);
      if (dto.serviceRequestId && dto.serviceRequestId !== dto.approval.serviceRequestId) {
        throw new ApprovalMismatchError(
          `The approval is for SR ${dto.approval.serviceRequestId}, not this letter's SR ${dto.serviceRequestId}.`,
        );
      }
      if (Date.parse(dto.approval.approvedAt) > now.getTime() + APPROVAL_SKEW_MS) {
        throw new ApprovalMismatchError('The approval is dated in the future.');
      }
      // The approval is service-requests' to confirm, never the caller's say-so (TD-6, TD-8).
      const confirmed = await this.approvals.confirm({
        serviceRequestId: dto.approval.serviceRequestId,
        approvedBy: dto.approval.approvedBy,
        caseId: dto.caseId,
      });
      confirmedApprovedAt = confirmed.approvedAt;
    }
    const otherParty = carriesOtherPartyData(template);
    if (otherParty && !requiresTlApproval(code) && !dto.transferReference) {
      throw new TransferNotAuthorisedError(
        `${code} passes another client's details: give the transferReference of the SR under which they were given (domestic-violence route, TD-11, TD-12).`,
      );
    }
    const authorisedTransfer = otherParty;
    const personalisation = dto.personalisation ?? {};
    const unsafe = safeguardingProblems(template, personalisation, authorisedTransfer);
    if (unsafe.length) {
      throw new TransferNotAuthorisedError(
        "The letter would carry contact or bank details that this template does not pass on. Another client's details reach a letter only through an approved transfer.",
        unsafe,
      );
    }

    const check = checkPersonalisation(template.fields, personalisation, { unicode: this.renderer.unicode });
    const problems: FieldProblem[] = [...this.recipientProblems(dto, template), ...check.problems];
    if (problems.length) throw new DomainValidationError(problems);
    const values = check.values;
    const transferred = values.transferredDetails as { bankDetails?: BankDetails } | undefined;
    if (transferred?.bankDetails && dto.recipient.role !== 'NRP') {
      throw new DomainValidationError([
        {
          field: 'recipient.role',
          rule: 'direct-pay-recipient',
          message: 'Bank details are passed on only to the paying parent (NRP), to set up Direct Pay.',
          requirementId: 'TD-1',
        },
      ]);
    }

    const id = randomUUID();
    const address = normaliseAddress(dto.recipient.address, 'recipient.address');
    const recipientName = dto.recipient.name.trim().replace(/\s+/g, ' ');
    const caseNumber = dto.caseNumber.replace(/\s+/g, '');
    const letterhead = this.templates.letterhead(dto.jurisdiction);
    const rendered = await this.renderer.render({
      code,
      version: template.version,
      title: template.title,
      body: template.body as LetterBody,
      fields: template.fields,
      letterhead: letterhead.content,
      jurisdiction: dto.jurisdiction,
      recipient: { name: recipientName, role: dto.recipient.role, address },
      caseNumber,
      letterDate: ukToday(now),
      values,
    });
    const { masked, bank } = maskBankDetailsIn(template, values);
    const hasBank = Object.keys(bank).length > 0;
    const reviewRequired = mode === 'system' && reviewBeforeSending(code);

    const item = this.db.manager.create(CorrespondenceItem, {
      id,
      channel: 'letter',
      idempotencyKey: key,
      requestFingerprint: fingerprint,
      templateCode: code,
      templateVersion: template.version,
      letterheadVersion: letterhead.version,
      mode,
      status: 'created',
      statusReason: null,
      recipientClientId: dto.recipient.clientId,
      recipientRole: dto.recipient.role,
      recipientName,
      recipientAddress: address,
      mobilePhone: null,
      caseId: dto.caseId,
      caseNumber,
      jurisdiction: dto.jurisdiction,
      stage: dto.stage ?? null,
      serviceRequestId: dto.serviceRequestId ?? dto.approval?.serviceRequestId ?? null,
      approval: dto.approval
        ? {
            serviceRequestId: dto.approval.serviceRequestId,
            approvedBy: dto.approval.approvedBy,
            approvedAt: new Date(confirmedApprovedAt ?? dto.approval.approvedAt).toISOString(),
          }
        : null,
      transferReference: dto.transferReference ?? null,
      personalisation: masked,
      bankDetailsSealed: hasBank ? this.cipher.sealJson(bank, bankDetailsContext(id)) : null,
      smsText: null,
      reviewRequired,
      reviewedBy: null,
      reviewedAt: null,
      sentAt: null,
      statusChangedAt: now,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    const pdf: LetterPdf = {
      itemId: id,
      content: hasBank ? this.cipher.seal(rendered.pdf, pdfContext(id)) : rendered.pdf,
      encrypted: hasBank,
      sha256: rendered.sha256,
      pageCount: rendered.pageCount,
      byteLength: rendered.pdf.length,
    };
    const outcome: IssueOutcome = await this.items.insertIdempotently(item, [
      insertStatement(this.db.manager, LetterPdf, pdf as QueryDeepPartialEntity<LetterPdf>),
      auditStatement(this.db.manager, [
        {
          entityType: 'letter',
          entityId: id,
          action: 'issued',
          after: {
            templateCode: code,
            templateVersion: template.version,
            mode,
            status: 'created',
            recipientClientId: item.recipientClientId,
            recipientRole: item.recipientRole,
            caseId: item.caseId,
            serviceRequestId: item.serviceRequestId,
            approval: item.approval,
            transferReference: item.transferReference,
            reviewRequired,
            personalisation: masked,
            pdfSha256: rendered.sha256,
          },
          actorId: actor.id,
          actorRoles: actor.roles,
        },
      ]),
      ...(mode === 'system' && !reviewRequired ? [await this.dispatch.enqueueStatement(id)] : []),
    ]);
    if (outcome.replayed) return { view: await this.view(outcome.item), replayed: true };
    return { view: toLetterView(item, pdf, template.title), replayed: false };
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<LetterView> {
    return this.view(await this.items.get('letter', id));
  }

  /**
   * The PDF as it was issued (opened when sealed). Reading a PDF that prints whole bank details is
   * audited. @throws NotFoundError
   */
  async pdf(id: string, actor: Actor): Promise<{ bytes: Buffer; filename: string }> {
    const item = await this.items.get('letter', id);
    const pdf = await this.db.manager.findOneByOrFail(LetterPdf, { itemId: id });
    if (pdf.encrypted) {
      await recordAudit(this.db.manager, {
        entityType: 'letter',
        entityId: id,
        action: 'pdf-read',
        after: { templateCode: item.templateCode, reason: 'the PDF prints whole bank details' },
        actorId: actor.id,
        actorRoles: actor.roles,
      });
    }
    return {
      bytes: pdf.encrypted ? this.cipher.open(pdf.content, pdfContext(id)) : pdf.content,
      filename: `${item.templateCode}-${item.caseNumber}-${id.slice(0, 8)}.pdf`,
    };
  }

  /**
   * Records that a caseworker reviewed a letter that waits for review (CMSL9800, CMSL9801, CMSL9802:
   * "Review the letter before sending", X-3) and releases it to the print gateway. Reviewing again
   * returns the letter unchanged.
   * @throws NotFoundError, ReviewNotRequiredError (422), IllegalStatusChangeError (422: no longer created)
   */
  async review(id: string, actor: Actor): Promise<LetterView> {
    const item = await this.db.transaction(async (m) => {
      const it = await m.findOne(CorrespondenceItem, {
        where: { id, channel: 'letter' },
        lock: { mode: 'pessimistic_write' },
      });
      if (!it) throw new NotFoundError('Letter', id);
      if (!it.reviewRequired) throw new ReviewNotRequiredError(id);
      if (it.reviewedBy) return it;
      if (it.status !== 'created') throw new ReviewNotRequiredError(id);
      const now = this.clock.now();
      it.reviewedBy = actor.id;
      it.reviewedAt = now;
      it.updatedAt = now;
      const saved = await m.save(it);
      await recordAudit(m, {
        entityType: 'letter',
        entityId: id,
        action: 'reviewed',
        before: { reviewedBy: null },
        after: { reviewedBy: actor.id, reviewedAt: now.toISOString() },
        actorId: actor.id,
        actorRoles: actor.roles,
      });
      await this.dispatch.enqueue(m, id);
      return saved;
    });
    return this.view(item);
  }

  /** Changes a letter's status (see CorrespondenceItemsService.changeStatus). */
  async changeStatus(id: string, dto: ChangeStatusDto, actor: Actor): Promise<LetterView> {
    return this.view(await this.items.changeStatus('letter', id, dto, actor));
  }

  /** The view of a stored letter. */
  async view(item: CorrespondenceItem): Promise<LetterView> {
    const pdf = await this.db.manager.findOne(LetterPdf, {
      where: { itemId: item.id },
      select: { itemId: true, pageCount: true, sha256: true },
    });
    return toLetterView(item, pdf!, this.templates.get(item.templateCode, item.templateVersion).title);
  }

  /**
   * The issue mode: as the caller asks, within what the procedure allows at the stage (TD-11:
   * CMSL9660/9661/9662 are clerical at application and new case stage). Those three need the stage
   * unless the caller issues clerically. CMSL0406 is never clerical (TD-8).
   * @throws DomainValidationError, ClericalIssueRequiredError, SystemIssueRequiredError
   */
  private resolveMode(code: LetterCode, dto: IssueLetterDto): IssueMode {
    const stageDependent = STAGE_DEPENDENT.includes(code);
    if (stageDependent && !dto.stage && dto.mode !== 'clerical') {
      throw new DomainValidationError([
        {
          field: 'stage',
          rule: 'required',
          message: `Give the case stage: ${code} is issued clerically at application and new case stage.`,
          requirementId: 'TD-11',
        },
      ]);
    }
    const procedural = dto.stage ? issueModeFor(code, dto.stage) : 'system';
    if (procedural === 'clerical' && dto.mode === 'system')
      throw new ClericalIssueRequiredError(code, dto.stage!);
    // After TL approval the system issues the letter (TD-8), so its approval is never a caller's own.
    if (requiresTlApproval(code) && dto.mode === 'clerical') throw new SystemIssueRequiredError(code);
    return dto.mode ?? procedural;
  }

  private recipientProblems(dto: IssueLetterDto, template: TemplateDefinition): FieldProblem[] {
    const problems: FieldProblem[] = [];
    const caseNumber = caseNumberProblem(dto.caseNumber, 'caseNumber');
    if (caseNumber) problems.push(caseNumber);
    problems.push(...validateAddress(dto.recipient.address, 'recipient.address'));
    if (!dto.recipient.name.trim()) {
      problems.push({
        field: 'recipient.name',
        rule: 'required',
        message: 'Give the name to print on the letter.',
      });
    }
    if (!this.renderer.unicode) {
      problems.push(...unprintable(dto.recipient.name, 'recipient.name'));
      problems.push(...unprintable({ ...dto.recipient.address }, 'recipient.address'));
    }
    const expected = template.recipient;
    if (expected !== 'client' && dto.recipient.role !== expected) {
      problems.push({
        field: 'recipient.role',
        rule: 'template-recipient',
        message: `${template.code} goes to the ${expected === 'PWC' ? 'receiving parent (PWC)' : 'paying parent (NRP)'}.`,
        requirementId: template.requirementIds[0],
      });
    } else if (expected === 'client' && dto.recipient.role !== 'PWC' && dto.recipient.role !== 'NRP') {
      problems.push({
        field: 'recipient.role',
        rule: 'template-recipient',
        message: `${template.code} goes to a parent: the receiving parent (PWC) or the paying parent (NRP).`,
      });
    }
    return problems;
  }
}

/**
 * Personalisation with every bank details value masked (`**-**-56`, `****1234`), and the whole
 * values by field path (`paymentDetails`, `transferredDetails.bankDetails`) for sealing.
 */
export function maskBankDetailsIn(
  template: TemplateDefinition,
  values: Record<string, unknown>,
): { masked: Record<string, unknown>; bank: Record<string, BankDetails> } {
  const masked: Record<string, unknown> = {};
  const bank: Record<string, BankDetails> = {};
  for (const field of template.fields) {
    const v = values[field.name];
    if (v === undefined) continue;
    if (field.type === 'bankDetails') {
      bank[field.name] = v as BankDetails;
      masked[field.name] = maskBankDetails(v as BankDetails);
    } else if (field.type === 'transferItems' && (v as { bankDetails?: BankDetails }).bankDetails) {
      const items = v as { bankDetails: BankDetails };
      bank[`${field.name}.bankDetails`] = items.bankDetails;
      masked[field.name] = { ...items, bankDetails: maskBankDetails(items.bankDetails) };
    } else {
      masked[field.name] = v;
    }
  }
  return { masked, bank };
}
