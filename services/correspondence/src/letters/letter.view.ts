import { ApiField } from '@cms/platform';
import { ApiProperty } from '@nestjs/swagger';
import {
  CASE_STAGES,
  CLIENT_ROLES,
  ISSUE_MODES,
  JURISDICTIONS,
  LETTER_STATUSES,
  maskPhone,
  outwardRoleName,
  type CaseStage,
  type ClientRole,
  type IssueMode,
  type Jurisdiction,
  type LetterStatus,
} from '@cms/domain';
import type { CorrespondenceItem, LetterPdf } from './correspondence-item.entity';

export class UkAddressView {
  @ApiProperty({ example: '1 High Street' }) line1: string;
  @ApiField({ type: 'string', nullable: true, example: null }) line2: string | null;
  @ApiField({ type: 'string', nullable: true, example: null }) line3: string | null;
  @ApiProperty({ example: 'Leeds' }) town: string;
  @ApiProperty({ example: 'LS6 3AB' }) postcode: string;
}

export class LetterRecipientView {
  @ApiProperty({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' }) clientId: string;
  @ApiProperty({ enum: CLIENT_ROLES, example: 'NRP' }) role: ClientRole;
  @ApiProperty({ example: 'paying parent', description: 'The outward name of the role' }) roleName: string;
  @ApiProperty({ example: 'Daniel Price' }) name: string;
  @ApiProperty({ type: UkAddressView }) address: UkAddressView;
}

export class ApprovalView {
  @ApiProperty({ format: 'uuid', example: '9d2c4b8e-1f0a-4c3b-8e7d-6a5b4c3d2e1f' }) serviceRequestId: string;
  @ApiProperty({ example: 'tl-2001' }) approvedBy: string;
  @ApiProperty({ example: '2026-11-22T10:15:00.000Z' }) approvedAt: string;
}

/** A letter as the API shows it (bank details masked). */
export class LetterView {
  @ApiProperty({ format: 'uuid', example: '0b6f7a52-5d7e-4c1a-9f55-0c8d7e6f5a41' }) id: string;
  @ApiProperty({ enum: ['letter'], example: 'letter' }) channel: 'letter';
  @ApiProperty({ example: 'CMSL0406' }) templateCode: string;
  @ApiProperty({ example: 1, description: 'Template version the letter was printed from' })
  templateVersion: number;
  @ApiProperty({ example: 'Contact details for other parent' }) title: string;
  @ApiProperty({ enum: LETTER_STATUSES, example: 'created' }) status: LetterStatus;
  @ApiField({ type: 'string', nullable: true, example: null }) statusReason: string | null;
  @ApiProperty({ enum: ISSUE_MODES, example: 'system' }) mode: IssueMode;
  @ApiProperty({ type: LetterRecipientView }) recipient: LetterRecipientView;
  @ApiProperty({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' }) caseId: string;
  @ApiProperty({ example: '120034567891' }) caseNumber: string;
  @ApiProperty({ enum: JURISDICTIONS, example: 'GB' }) jurisdiction: Jurisdiction;
  @ApiProperty({ enum: CASE_STAGES, nullable: true, example: 'maintenance' }) stage: CaseStage | null;
  @ApiField({ type: 'uuid', nullable: true, example: '9d2c4b8e-1f0a-4c3b-8e7d-6a5b4c3d2e1f' })
  serviceRequestId: string | null;
  @ApiProperty({ type: ApprovalView, nullable: true }) approval: ApprovalView | null;
  @ApiField({ type: 'string', nullable: true, example: null }) transferReference: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Personalisation as printed; bank details masked',
    example: { paymentDetails: { sortCode: '**-**-99', accountNumber: '****4958', accountName: 'S Okafor' } },
  })
  personalisation: Record<string, unknown>;
  @ApiProperty({ example: false, description: 'Held until a caseworker reviews it (X-3)' })
  reviewRequired: boolean;
  @ApiField({ type: 'string', nullable: true, example: null }) reviewedBy: string | null;
  @ApiField({ type: 'date-time', nullable: true, example: null }) reviewedAt: Date | null;
  @ApiProperty({ example: '/letters/0b6f7a52-5d7e-4c1a-9f55-0c8d7e6f5a41/pdf' }) pdfUrl: string;
  @ApiProperty({ example: 2 }) pageCount: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' })
  pdfSha256: string;
  @ApiField({ type: 'date-time', nullable: true, example: null }) sentAt: Date | null;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) statusChangedAt: Date;
  @ApiProperty({ example: 'service-requests' }) createdBy: string;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) updatedAt: Date;
}

export class SmsRecipientView {
  @ApiProperty({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' }) clientId: string;
  @ApiProperty({ example: '+44*******123', description: 'Masked' }) mobilePhone: string;
}

/** An SMS as the API shows it (number masked). */
export class SmsView {
  @ApiProperty({ format: 'uuid', example: '5a4c2b1e-8d7f-4e6a-9b3c-1d2e3f4a5b6c' }) id: string;
  @ApiProperty({ enum: ['sms'], example: 'sms' }) channel: 'sms';
  @ApiProperty({ example: 'SMS_SECURITY_DETAILS_UPDATED' }) templateCode: string;
  @ApiProperty({ example: 1 }) templateVersion: number;
  @ApiProperty({ enum: LETTER_STATUSES, example: 'sent' }) status: LetterStatus;
  @ApiField({ type: 'string', nullable: true, example: null }) statusReason: string | null;
  @ApiProperty({ type: SmsRecipientView }) recipient: SmsRecipientView;
  @ApiProperty({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' }) caseId: string;
  @ApiProperty({ enum: JURISDICTIONS, example: 'GB' }) jurisdiction: Jurisdiction;
  @ApiProperty({
    example:
      'Child Maintenance Group: we have updated your security details. Keep them safe – you will need them every time you call us. If you did not ask for this change, call us.',
  })
  text: string;
  @ApiField({ type: 'date-time', nullable: true, example: null }) sentAt: Date | null;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) statusChangedAt: Date;
  @ApiProperty({ example: 'service-requests' }) createdBy: string;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) createdAt: Date;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) updatedAt: Date;
}

/** One line of the issue log of a client or case. */
export class IssueLogEntryView {
  @ApiProperty({ format: 'uuid', example: '0b6f7a52-5d7e-4c1a-9f55-0c8d7e6f5a41' }) id: string;
  @ApiProperty({ enum: ['letter', 'sms'], example: 'letter' }) channel: 'letter' | 'sms';
  @ApiProperty({ example: 'CMSL9800' }) templateCode: string;
  @ApiProperty({ example: 1 }) templateVersion: number;
  @ApiProperty({ example: 'We need to update your security details' }) title: string;
  @ApiProperty({ enum: LETTER_STATUSES, example: 'sent' }) status: LetterStatus;
  @ApiProperty({ enum: ISSUE_MODES, example: 'system' }) mode: IssueMode;
  @ApiProperty({ format: 'uuid', example: '3b0f3d0e-8a51-4a7e-9a35-2d1c7b2f9e10' }) recipientClientId: string;
  @ApiProperty({ enum: CLIENT_ROLES, nullable: true, example: 'PWC' }) recipientRole: ClientRole | null;
  @ApiProperty({ format: 'uuid', example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11' }) caseId: string;
  @ApiField({ type: 'string', nullable: true, example: '120034567891' }) caseNumber: string | null;
  @ApiField({ type: 'uuid', nullable: true, example: null }) serviceRequestId: string | null;
  @ApiProperty({ example: '/letters/0b6f7a52-5d7e-4c1a-9f55-0c8d7e6f5a41' }) url: string;
  @ApiField({ type: 'string', nullable: true, example: '/letters/0b6f7a52-5d7e-4c1a-9f55-0c8d7e6f5a41/pdf' })
  pdfUrl: string | null;
  @ApiField({ type: 'date-time', nullable: true, example: '2026-11-22T10:15:03.000Z' }) sentAt: Date | null;
  @ApiProperty({ example: '2026-11-22T10:15:02.000Z' }) createdAt: Date;
}

/** A page of the issue log, newest first. */
export class IssueLogPageView {
  @ApiProperty({ type: [IssueLogEntryView] }) items: IssueLogEntryView[];
  @ApiField({
    type: 'string',
    nullable: true,
    optional: true,
    example: null,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor: string | null;
}

/** API view of a letter. */
export function toLetterView(
  item: CorrespondenceItem,
  pdf: Pick<LetterPdf, 'pageCount' | 'sha256'>,
  title: string,
): LetterView {
  const a = item.recipientAddress!;
  return {
    id: item.id,
    channel: 'letter',
    templateCode: item.templateCode,
    templateVersion: item.templateVersion,
    title,
    status: item.status,
    statusReason: item.statusReason,
    mode: item.mode,
    recipient: {
      clientId: item.recipientClientId,
      role: item.recipientRole!,
      roleName: outwardRoleName(item.recipientRole!),
      name: item.recipientName!,
      address: {
        line1: a.line1,
        line2: a.line2 ?? null,
        line3: a.line3 ?? null,
        town: a.town,
        postcode: a.postcode,
      },
    },
    caseId: item.caseId,
    caseNumber: item.caseNumber!,
    jurisdiction: item.jurisdiction,
    stage: item.stage,
    serviceRequestId: item.serviceRequestId,
    approval: item.approval,
    transferReference: item.transferReference,
    personalisation: item.personalisation,
    reviewRequired: item.reviewRequired,
    reviewedBy: item.reviewedBy,
    reviewedAt: item.reviewedAt,
    pdfUrl: `/letters/${item.id}/pdf`,
    pageCount: pdf.pageCount,
    pdfSha256: pdf.sha256,
    sentAt: item.sentAt,
    statusChangedAt: item.statusChangedAt,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

/** API view of an SMS (the number masked). */
export function toSmsView(item: CorrespondenceItem): SmsView {
  return {
    id: item.id,
    channel: 'sms',
    templateCode: item.templateCode,
    templateVersion: item.templateVersion,
    status: item.status,
    statusReason: item.statusReason,
    recipient: { clientId: item.recipientClientId, mobilePhone: maskPhone(item.mobilePhone!) },
    caseId: item.caseId,
    jurisdiction: item.jurisdiction,
    text: item.smsText!,
    sentAt: item.sentAt,
    statusChangedAt: item.statusChangedAt,
    createdBy: item.createdBy,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}
