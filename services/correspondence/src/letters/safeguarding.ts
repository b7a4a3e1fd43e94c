import { scrubText } from '@cms/platform';
import type { FieldProblem } from '@cms/domain';
import type { TemplateDefinition } from '../templates/template-content';

/** Keys that name contact or bank details (a field a template does not declare). */
const CONTACT_KEY =
  /(address|post\s*code|postcode|phone|landline|mobile|telephone|e-?mail|bank|sort\s*code|sortcode|account\s*number|accountnumber|(other|their|paying|receiving|parent).*name)/i;
/** Keys of objects shaped like addresses or bank details. */
const CONTACT_SHAPE = new Set([
  'line1',
  'postcode',
  'sortcode',
  'accountnumber',
  'email',
  'mobile',
  'landline',
  'phone',
]);

/** True when a value looks like contact or bank details: an address or bank details object, or text holding a phone number, email, postcode, sort code, account number or NINO. */
export function looksLikeContactData(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return scrubText(value) !== value;
  if (!value || typeof value !== 'object' || depth > 4) return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([k, v]) => CONTACT_SHAPE.has(k.toLowerCase()) || looksLikeContactData(v, depth + 1),
  );
}

/** True when the template declares fields that carry another client's contact or bank details. */
export function carriesOtherPartyData(template: TemplateDefinition): boolean {
  return template.fields.some((f) => f.dataSubject === 'other-party');
}

/**
 * Safeguarding check of a letter's personalisation (TD-1): another client's contact or bank details
 * reach a letter only through the fields an approved transfer declares. Returns a problem for each
 * field the template does not declare whose name or value is contact or bank details, and — unless
 * this letter is an authorised transfer — for each free-text field whose text holds a phone number,
 * email address, postcode, sort code, account number or NINO. Fields are `personalisation.<name>`.
 */
export function safeguardingProblems(
  template: TemplateDefinition,
  personalisation: Record<string, unknown>,
  authorisedTransfer: boolean,
): FieldProblem[] {
  const declared = new Map(template.fields.map((f) => [f.name, f]));
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(personalisation)) {
    const field = declared.get(key);
    const path = `personalisation.${key}`;
    if (!field) {
      if (CONTACT_KEY.test(key) || looksLikeContactData(value)) {
        problems.push({
          field: path,
          rule: 'not-transferable',
          message: `${key} looks like contact or bank details, which ${template.code} does not carry. Another client's details are passed on only with CMSL0406 after team leader approval, or CMSL9661 on the domestic-violence route.`,
          requirementId: 'TD-1',
        });
      }
      continue;
    }
    if (
      !authorisedTransfer &&
      field.type === 'string' &&
      typeof value === 'string' &&
      scrubText(value) !== value
    ) {
      problems.push({
        field: path,
        rule: 'contact-details-in-text',
        message: `${field.label} must not hold a phone number, email address, postcode, bank details or NINO.`,
        requirementId: 'TD-1',
      });
    }
  }
  return problems;
}
