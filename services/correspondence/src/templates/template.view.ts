import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { FIELD_TYPES, type FieldType, type TemplateDefinition } from './template-content';

const ANY_VALUE = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'object', additionalProperties: true },
  ],
};

/** One personalisation field a template declares. */
export class TemplateFieldView {
  @ApiProperty({ example: 'replyByDate' }) name: string;
  @ApiProperty({ enum: FIELD_TYPES, example: 'date' }) type: FieldType;
  @ApiProperty({ example: true }) required: boolean;
  @ApiProperty({ example: 'Date to send the form back by' }) label: string;
  @ApiPropertyOptional({ example: '14 days after the letter is sent (TD-3).' }) description?: string;
  @ApiPropertyOptional({ type: [String], example: ['contact-details', 'verbal-bank-details'] })
  options?: string[];
  @ApiPropertyOptional({ example: 60 }) maxLength?: number;
  @ApiPropertyOptional({
    example: 'transferRoute',
    description: 'transferItems: the field holding the route',
  })
  routeField?: string;
  @ApiPropertyOptional({
    enum: ['recipient', 'other-party'],
    example: 'other-party',
    description: "Whose data: 'other-party' is another client's contact or bank details (TD-1)",
  })
  dataSubject?: 'recipient' | 'other-party';
  @ApiProperty({ ...ANY_VALUE, example: '2026-12-06', description: 'An example value' } as ApiPropertyOptions)
  example: unknown;
}

/** A template version as `GET /templates` shows it. */
export class TemplateView {
  @ApiProperty({ example: 'CMSL0405' }) code: string;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty({ enum: ['letter', 'sms'], example: 'letter' }) channel: 'letter' | 'sms';
  @ApiProperty({ example: 'We need your contact details' }) title: string;
  @ApiProperty({ example: 'To a parent who has asked us to pass on their contact details…' }) purpose: string;
  @ApiProperty({ example: 'client', description: "PWC, NRP, or 'client' (either parent)" }) recipient: string;
  @ApiProperty({ example: false, description: 'Cannot issue before team leader approval (TD-6)' })
  requiresTlApproval: boolean;
  @ApiProperty({ example: false, description: 'A caseworker reviews it before it is sent (X-3)' })
  reviewBeforeSending: boolean;
  @ApiProperty({ example: false, description: 'Carries an attachment filled from the SR (TD-7)' })
  hasAttachment: boolean;
  @ApiProperty({ type: [String], example: ['TD-3', 'TD-4'] }) requirementIds: string[];
  @ApiProperty({ type: [TemplateFieldView] }) fields: TemplateFieldView[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The wording: subject, blocks with {{placeholders}}, sign-off and sections (letters) or text (SMS)',
    example: {
      subject: 'We need your contact details',
      blocks: [{ kind: 'paragraph', text: '…' }],
      signOff: 'Yours sincerely',
    },
  })
  body: Record<string, unknown>;
}

/** API view of a template version. */
export function toTemplateView(t: TemplateDefinition): TemplateView {
  return {
    code: t.code,
    version: t.version,
    channel: t.channel,
    title: t.title,
    purpose: t.purpose,
    recipient: t.recipient,
    requiresTlApproval: t.requiresTlApproval,
    reviewBeforeSending: t.reviewBeforeSending,
    hasAttachment: t.hasAttachment,
    requirementIds: t.requirementIds,
    fields: t.fields.map((f) => ({ ...f })),
    body: t.body as unknown as Record<string, unknown>,
  };
}
