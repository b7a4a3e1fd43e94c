import type { MigrationInterface, QueryRunner } from 'typeorm';
import type {
  Block,
  LetterBody,
  LetterheadContent,
  PersonalisationField,
  SmsBody,
} from '../templates/template-content';

/*
 * Version 1 of every template and of the letterheads (TD-14). This file is a snapshot: a new
 * wording is a NEW migration inserting version 2, never an edit here, so that each issued letter
 * keeps pointing at the exact text it was printed from.
 *
 * Wording: plain English in the GOV.UK style; always "receiving parent" / "paying parent"; the
 * service is named through {{service.full}} so that Northern Ireland letters say NICMS and never
 * CMG (TD-14).
 */

interface SeedTemplate {
  code: string;
  channel: 'letter' | 'sms';
  title: string;
  purpose: string;
  recipient: string;
  requiresTlApproval: boolean;
  reviewBeforeSending: boolean;
  hasAttachment: boolean;
  requirementIds: string[];
  fields: PersonalisationField[];
  body: LetterBody | SmsBody;
}

const QUESTIONS: Block = {
  kind: 'paragraph',
  text: 'If you have any questions, call us on {{contact.phone}} ({{contact.hours}}).',
};

/** The change of security details form sent with CMSL9800 and CMSL9801 (SD-9, SD-10). */
const SECURITY_FORM = {
  kind: 'form' as const,
  title: 'Form: change your security details',
  blocks: [
    {
      kind: 'paragraph',
      text: 'Write clearly in capital letters, apart from your special password: write that exactly as you want it, including any capital letters.',
    },
    {
      kind: 'form',
      fields: [
        { label: 'Your full name', value: '{{recipient.name}}' },
        { label: 'Case number', value: '{{caseNumber}}' },
        { label: 'Your date of birth' },
        { label: 'Your new 7-digit PIN (it cannot be 0000000)' },
        { label: 'Your new special password' },
      ],
    },
    {
      kind: 'declaration',
      text: 'I ask the {{service.full}} to change my security details to the ones on this form.',
    },
    { kind: 'paragraph', text: 'Send this form back by {{p.returnByDate}} to: {{contact.returnAddress}}' },
  ] as Block[],
};

export const TEMPLATES_V1: SeedTemplate[] = [
  {
    code: 'CMSL0405',
    channel: 'letter',
    title: 'We need your contact details',
    purpose:
      'To a parent who has asked us to pass on their contact details: a form for the details and a signed declaration authorising us to pass them on.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-3', 'TD-4', 'TD-9'],
    fields: [
      {
        name: 'replyByDate',
        type: 'date',
        required: true,
        label: 'Date to send the form back by',
        description: '14 days after the letter is sent (TD-3).',
        example: '2026-12-06',
      },
      {
        name: 'requestDate',
        type: 'date',
        required: false,
        label: 'Date the client asked us to pass on their details',
        example: '2026-11-20',
      },
    ],
    body: {
      subject: 'We need your contact details',
      blocks: [
        {
          kind: 'paragraph',
          text: 'On {{p.requestDate}} you asked us to pass your contact details to the {{otherParent.role}}.',
          when: { field: 'requestDate', present: true },
        },
        {
          kind: 'paragraph',
          text: 'You asked us to pass your contact details to the {{otherParent.role}}.',
          when: { field: 'requestDate', present: false },
        },
        {
          kind: 'paragraph',
          text: 'We can only do this if you give us your permission in writing. Fill in the form with this letter, sign the declaration and send it back to us by {{p.replyByDate}}.',
        },
        { kind: 'heading', text: 'What we can pass on' },
        { kind: 'paragraph', text: 'We can pass on only these details:' },
        {
          kind: 'bullets',
          items: [
            'your name, including a new name if you have changed it',
            'your address and postcode',
            'your landline phone number',
            'your mobile phone number',
            'your email address',
            {
              text: 'your bank details, so that the paying parent can pay you by Direct Pay',
              when: { recipientRole: 'PWC' },
            },
          ],
        },
        {
          kind: 'paragraph',
          text: 'Fill in only the parts of the form you want us to pass on. We will send everything you write on the form to the {{otherParent.role}}, so do not write anything you want to keep private.',
        },
        {
          kind: 'paragraph',
          text: 'We cannot pass on anything else, such as notes, letters, birthday cards or gifts.',
        },
        { kind: 'heading', text: 'What happens next' },
        {
          kind: 'paragraph',
          text: 'When we get your form, we will check it. If the declaration is not signed, or something is missing or hard to read, we will call you to tell you which parts to complete. A team leader checks the details before we send them on.',
        },
        {
          kind: 'paragraph',
          text: 'If you change your mind, you do not need to send the form back.',
        },
        QUESTIONS,
      ],
      signOff: 'Yours sincerely',
      sections: [
        {
          kind: 'form',
          title: 'Form: details to pass to the {{otherParent.role}}',
          blocks: [
            {
              kind: 'paragraph',
              text: 'Fill in only the details you want us to pass on. Write clearly in capital letters.',
            },
            {
              kind: 'form',
              fields: [
                { label: 'Your full name' },
                { label: 'Your new name, if you have changed your name' },
                { label: 'Your address', lines: 3 },
                { label: 'Postcode' },
                { label: 'Landline phone number' },
                { label: 'Mobile phone number' },
                { label: 'Email address' },
              ],
            },
            {
              kind: 'heading',
              text: 'Bank details for Direct Pay',
              when: { recipientRole: 'PWC' },
            },
            {
              kind: 'form',
              fields: [{ label: 'Name on the account' }, { label: 'Sort code' }, { label: 'Account number' }],
              when: { recipientRole: 'PWC' },
            },
            { kind: 'heading', text: 'Declaration' },
            {
              kind: 'declaration',
              text: 'I give the {{service.full}} permission to pass the details I have written on this form to the {{otherParent.role}}. I understand that the {{otherParent.role}} will be able to use them to contact me.',
            },
            {
              kind: 'paragraph',
              text: 'Send this form back by {{p.replyByDate}} to: {{contact.returnAddress}}',
            },
          ],
        },
      ],
    },
  },
  {
    code: 'CMSL0406',
    channel: 'letter',
    title: 'Contact details for other parent',
    purpose:
      "Sends the other parent's contact or bank details, in an attachment filled from the SR, once a team leader approves.",
    recipient: 'client',
    requiresTlApproval: true,
    reviewBeforeSending: false,
    hasAttachment: true,
    requirementIds: ['TD-6', 'TD-7', 'TD-8'],
    fields: [
      {
        name: 'transferRoute',
        type: 'choice',
        required: true,
        label: 'How the details were given',
        description:
          '`contact-details`: on a signed CMSL0405 form (TD-3, TD-4); `verbal-bank-details`: bank details by phone with the consent statement (TD-9).',
        options: ['contact-details', 'verbal-bank-details'],
        example: 'contact-details',
      },
      {
        name: 'transferredDetails',
        type: 'transferItems',
        required: true,
        label: 'The details entered in the SR',
        description:
          'Only name, newName, address, postcode, landline, mobile, email and bankDetails (TD-1); printed whole on the attachment (TD-7).',
        routeField: 'transferRoute',
        dataSubject: 'other-party',
        example: {
          name: { firstName: 'Sarah', lastName: 'Okafor' },
          address: { line1: '1 High Street', town: 'Leeds', postcode: 'LS1 4AB' },
          mobile: '07700 900123',
          email: 'sarah@example.com',
        },
      },
      {
        name: 'paymentReference',
        type: 'string',
        required: false,
        label: 'Reference to use with each Direct Pay payment',
        maxLength: 18,
        example: 'CM 1200 3456',
      },
    ],
    body: {
      subject: 'Details from the {{otherParent.role}}',
      blocks: [
        {
          kind: 'paragraph',
          text: 'The {{otherParent.role}} asked us to pass their details to you and gave us their written permission to do so. You will find the details on the attachment with this letter.',
          when: { field: 'transferRoute', equals: 'contact-details' },
        },
        {
          kind: 'paragraph',
          text: 'The {{otherParent.role}} has asked to be paid child maintenance by Direct Pay and gave us their permission to pass their bank details to you. You will find the details on the attachment with this letter.',
          when: { field: 'transferRoute', equals: 'verbal-bank-details' },
        },
        {
          kind: 'heading',
          text: 'Paying by Direct Pay',
          when: { field: 'transferredDetails.bankDetails', present: true },
        },
        {
          kind: 'paragraph',
          text: "Direct Pay means you pay child maintenance straight into the receiving parent's bank account. Set up a standing order with your bank using the details on the attachment, so that each payment is made in full and on time.",
          when: { field: 'transferredDetails.bankDetails', present: true },
        },
        {
          kind: 'paragraph',
          text: 'Use this reference with each payment: {{p.paymentReference}}',
          when: { field: 'paymentReference', present: true },
        },
        {
          kind: 'paragraph',
          text: 'Keep a record of every payment you make.',
          when: { field: 'transferredDetails.bankDetails', present: true },
        },
        { kind: 'heading', text: 'Keep these details safe' },
        {
          kind: 'paragraph',
          text: 'Use these details only for the reason they were given to you. Do not share them with anyone else.',
        },
        QUESTIONS,
      ],
      signOff: 'Yours sincerely',
      sections: [
        {
          kind: 'attachment',
          title: 'Details from the {{otherParent.role}}',
          blocks: [
            {
              kind: 'paragraph',
              text: 'These are the details the {{otherParent.role}} asked us to pass on to you.',
            },
            { kind: 'transferItems', field: 'transferredDetails' },
            {
              kind: 'details',
              rows: [
                {
                  label: 'Payment reference',
                  value: '{{p.paymentReference}}',
                  when: { field: 'paymentReference', present: true },
                },
              ],
            },
          ],
        },
      ],
    },
  },
  {
    code: 'CMSL9660',
    channel: 'letter',
    title: 'How to give us your payment details safely',
    purpose:
      'Domestic violence: to the receiving parent who wants it in writing, explaining safe ways to be paid (such as an account with a central or national sort code) and asking for the details within 14 days.',
    recipient: 'PWC',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-11'],
    fields: [
      {
        name: 'replyByDate',
        type: 'date',
        required: true,
        label: 'Date to give us the details by',
        description: '14 days after the letter is sent (TD-11).',
        example: '2026-12-06',
      },
    ],
    body: {
      subject: 'How to give us your payment details safely',
      blocks: [
        {
          kind: 'paragraph',
          text: 'You told us you are worried about giving your bank details to the paying parent. This letter explains other ways to get child maintenance paid to you without the paying parent knowing where you live or where you bank.',
        },
        { kind: 'heading', text: 'Ways to be paid safely' },
        {
          kind: 'bullets',
          items: [
            "Open a bank account with a 'central' or 'national' sort code. The sort code of these accounts does not show which branch or area the account is in.",
            'Use a money transfer service, such as PayPal or MoneyGram. We do not recommend any particular service.',
          ],
        },
        {
          kind: 'paragraph',
          text: 'Choose whichever option suits you best. You do not need to sign a form.',
        },
        { kind: 'heading', text: 'What you need to do' },
        {
          kind: 'paragraph',
          text: 'Call us on {{contact.phone}} by {{p.replyByDate}} with the details of the account or service you choose. We will pass them to the paying parent so that they can pay you directly.',
        },
        {
          kind: 'paragraph',
          text: 'If we do not hear from you by then, we will call you. Without these details, the paying parent cannot pay you by Direct Pay.',
        },
        { kind: 'heading', text: 'Your safety' },
        {
          kind: 'paragraph',
          text: 'We will not give the paying parent your address or tell them where you live. If you are in immediate danger, call 999.',
        },
      ],
      signOff: 'Yours sincerely',
    },
  },
  {
    code: 'CMSL9661',
    channel: 'letter',
    title: "The receiving parent's payment details",
    purpose:
      'Domestic violence: to the paying parent with the payment details the receiving parent gave, to set up Direct Pay.',
    recipient: 'NRP',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-12'],
    fields: [
      {
        name: 'paymentDetails',
        type: 'bankDetails',
        required: true,
        label: "The receiving parent's account",
        description:
          'As given by the receiving parent and recorded in contact notes (TD-12); central or national sort codes are allowed (TD-11). Printed whole.',
        dataSubject: 'other-party',
        example: { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'S Okafor' },
      },
      {
        name: 'paymentReference',
        type: 'string',
        required: false,
        label: 'Reference to use with each payment',
        maxLength: 18,
        example: 'CM 1200 3456',
      },
      {
        name: 'amount',
        type: 'money',
        required: false,
        label: 'Amount of each payment (pence)',
        example: 4550,
      },
      {
        name: 'frequency',
        type: 'choice',
        required: false,
        label: 'How often to pay',
        options: ['every week', 'every 2 weeks', 'every 4 weeks', 'every month'],
        example: 'every month',
      },
      {
        name: 'firstPaymentDate',
        type: 'date',
        required: false,
        label: 'Date the first payment is due',
        example: '2026-12-15',
      },
    ],
    body: {
      subject: 'Payment details for Direct Pay',
      blocks: [
        {
          kind: 'paragraph',
          text: 'The receiving parent has asked to be paid child maintenance by Direct Pay. This means you pay child maintenance straight to them. These are the details to pay into:',
        },
        {
          kind: 'details',
          rows: [
            { label: 'Name on the account', value: '{{p.paymentDetails.accountName}}' },
            { label: 'Sort code', value: '{{p.paymentDetails.sortCode}}' },
            { label: 'Account number', value: '{{p.paymentDetails.accountNumber}}' },
            {
              label: 'Payment reference',
              value: '{{p.paymentReference}}',
              when: { field: 'paymentReference', present: true },
            },
            { label: 'Amount to pay', value: '{{p.amount}}', when: { field: 'amount', present: true } },
            { label: 'How often', value: '{{p.frequency}}', when: { field: 'frequency', present: true } },
            {
              label: 'First payment due',
              value: '{{p.firstPaymentDate}}',
              when: { field: 'firstPaymentDate', present: true },
            },
          ],
        },
        { kind: 'heading', text: 'What you need to do' },
        {
          kind: 'paragraph',
          text: 'Set up a standing order with your bank using these details, so that each payment is made in full and on time. Keep a record of every payment you make.',
        },
        { kind: 'heading', text: 'Keep these details safe' },
        {
          kind: 'paragraph',
          text: 'Use these details only to pay child maintenance. Do not share them with anyone else.',
        },
        {
          kind: 'paragraph',
          text: 'If you cannot pay, or you have any questions, call us on {{contact.phone}}. If payments are not made, the receiving parent can ask us to collect child maintenance from you instead.',
        },
      ],
      signOff: 'Yours sincerely',
    },
  },
  {
    code: 'CMSL9662',
    channel: 'letter',
    title: 'We have passed on your payment details',
    purpose:
      'Domestic violence: confirms to the receiving parent that their payment details have been passed to the paying parent.',
    recipient: 'PWC',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['TD-12'],
    fields: [
      {
        name: 'dateDetailsPassedOn',
        type: 'date',
        required: true,
        label: 'Date the details were sent to the paying parent',
        example: '2026-11-22',
      },
      {
        name: 'paymentDetails',
        type: 'bankDetails',
        required: false,
        label: 'The account passed on (printed with only its last digits)',
        dataSubject: 'recipient',
        example: { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'S Okafor' },
      },
    ],
    body: {
      subject: 'We have passed on your payment details',
      blocks: [
        {
          kind: 'paragraph',
          text: 'We sent your payment details to the paying parent on {{p.dateDetailsPassedOn}}, so that they can pay you child maintenance by Direct Pay.',
        },
        {
          kind: 'paragraph',
          text: 'We passed on the account with sort code {{p.paymentDetails.sortCodeMasked}} and account number {{p.paymentDetails.accountNumberMasked}}. We show only the last digits here to keep your details safe.',
          when: { field: 'paymentDetails', present: true },
        },
        {
          kind: 'paragraph',
          text: 'We did not give the paying parent your address or any other information about you.',
        },
        { kind: 'heading', text: 'What happens next' },
        {
          kind: 'paragraph',
          text: 'The paying parent should now pay child maintenance straight into your account. Keep a record of the payments you get.',
        },
        {
          kind: 'paragraph',
          text: 'Call us on {{contact.phone}} if payments do not arrive, if your account details change, or if you are worried about your safety.',
        },
      ],
      signOff: 'Yours sincerely',
    },
  },
  {
    code: 'CMSL9800',
    channel: 'letter',
    title: 'We need to update your security details',
    purpose:
      'The client failed their security check or asked to give new security details in writing; encloses the change of security details form.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-9'],
    fields: [
      {
        name: 'reason',
        type: 'choice',
        required: true,
        label: 'Why the letter is sent',
        description: '`account-blocked` after three failed security checks (SD-2), or `client-request`.',
        options: ['account-blocked', 'client-request'],
        example: 'account-blocked',
      },
      {
        name: 'returnByDate',
        type: 'date',
        required: true,
        label: 'Date to send the form back by',
        description: '7 days after the letter is sent (SD-9).',
        example: '2026-11-29',
      },
    ],
    body: {
      subject: 'We need to update your security details',
      blocks: [
        {
          kind: 'paragraph',
          text: 'We have locked your account because the security check was not passed 3 times in a row. We do this to protect your information.',
          when: { field: 'reason', equals: 'account-blocked' },
        },
        {
          kind: 'paragraph',
          text: 'You asked to give us new security details in writing.',
          when: { field: 'reason', equals: 'client-request' },
        },
        {
          kind: 'paragraph',
          text: 'Until we have updated your security details, we cannot talk to you about your case on the phone.',
        },
        { kind: 'heading', text: 'What you need to do' },
        {
          kind: 'paragraph',
          text: 'Fill in the form with this letter and send it back to us by {{p.returnByDate}}.',
        },
        {
          kind: 'bullets',
          items: [
            'Choose a new 7-digit PIN. It cannot be 0000000.',
            'Choose a special password you will remember. Write it exactly as you will use it, including any capital letters.',
          ],
        },
        {
          kind: 'paragraph',
          text: 'When we get your form, we will update your security details and let you know by text message or letter.',
        },
        QUESTIONS,
      ],
      signOff: 'Yours sincerely',
      sections: [SECURITY_FORM],
    },
  },
  {
    code: 'CMSL9801',
    channel: 'letter',
    title: 'Reminder – we need to update your security details',
    purpose:
      'Reminder after 7 days when the CMSL9800 form has not come back; without it the client cannot discuss their case.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-10'],
    fields: [
      {
        name: 'originalLetterDate',
        type: 'date',
        required: true,
        label: 'Date CMSL9800 was sent',
        example: '2026-11-22',
      },
      {
        name: 'returnByDate',
        type: 'date',
        required: true,
        label: 'Date to send the form back by',
        description: 'A further 7 days (SD-10).',
        example: '2026-12-06',
      },
    ],
    body: {
      subject: 'Reminder – we need to update your security details',
      blocks: [
        {
          kind: 'paragraph',
          text: 'We wrote to you on {{p.originalLetterDate}} and asked you to send us new security details. We have not had your form back yet.',
        },
        {
          kind: 'paragraph',
          text: 'Until we get it, we cannot talk to you about your case on the phone.',
        },
        { kind: 'heading', text: 'What you need to do' },
        {
          kind: 'paragraph',
          text: 'Fill in the form with this letter and send it back to us by {{p.returnByDate}}. If you have already sent it, you do not need to do anything.',
        },
        {
          kind: 'paragraph',
          text: 'If we do not get your form by then, we will not be able to change your security details.',
        },
        QUESTIONS,
      ],
      signOff: 'Yours sincerely',
      sections: [SECURITY_FORM],
    },
  },
  {
    code: 'CMSL9802',
    channel: 'letter',
    title: 'Thank you for updating your security details',
    purpose: 'Confirms the security details were updated, where an SMS is not appropriate.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: true,
    hasAttachment: false,
    requirementIds: ['SD-16'],
    fields: [
      {
        name: 'dateUpdated',
        type: 'date',
        required: true,
        label: 'Date the security details were updated',
        example: '2026-11-25',
      },
    ],
    body: {
      subject: 'Thank you for updating your security details',
      blocks: [
        { kind: 'paragraph', text: 'We updated your security details on {{p.dateUpdated}}.' },
        {
          kind: 'paragraph',
          text: 'You will need your new PIN and special password every time you contact us. Keep them safe and do not share them with anyone.',
        },
        {
          kind: 'paragraph',
          text: 'When you use the online service, enter your special password exactly as you gave it to us, including any capital letters.',
        },
        {
          kind: 'paragraph',
          text: 'If you did not ask for this change, call us straight away on {{contact.phone}}.',
        },
      ],
      signOff: 'Yours sincerely',
    },
  },
  {
    code: 'MOPF_BENEFIT_CLAIM',
    channel: 'letter',
    title: 'Your benefit claim and how you pay child maintenance',
    purpose:
      'Automated, when CIS reports a benefit claim by the paying parent: a successful claim may lead us to change the method of payment to a deduction from benefit.',
    recipient: 'NRP',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['BR-8'],
    fields: [
      {
        name: 'claimDate',
        type: 'date',
        required: true,
        label: 'Date of the benefit claim (from CIS)',
        example: '2026-11-18',
      },
      {
        name: 'benefitName',
        type: 'string',
        required: false,
        label: 'Benefit claimed',
        maxLength: 60,
        example: 'Universal Credit',
      },
      {
        name: 'currentPaymentMethod',
        type: 'string',
        required: false,
        label: 'How the paying parent pays now',
        maxLength: 60,
        example: 'Direct Pay',
      },
    ],
    body: {
      subject: 'Your benefit claim and how you pay child maintenance',
      blocks: [
        {
          kind: 'paragraph',
          text: 'We have been told that you made a claim for {{p.benefitName}} on {{p.claimDate}}.',
          when: { field: 'benefitName', present: true },
        },
        {
          kind: 'paragraph',
          text: 'We have been told that you made a claim for a benefit on {{p.claimDate}}.',
          when: { field: 'benefitName', present: false },
        },
        { kind: 'heading', text: 'What this could mean for your child maintenance' },
        {
          kind: 'paragraph',
          text: 'At the moment you pay child maintenance by {{p.currentPaymentMethod}}.',
          when: { field: 'currentPaymentMethod', present: true },
        },
        {
          kind: 'paragraph',
          text: 'If your claim is successful, we may change how you pay. Instead of you making payments, we may take your child maintenance straight from your benefit. This is called a deduction from benefit.',
        },
        {
          kind: 'paragraph',
          text: 'We will write to you before we make any change and tell you how much we will take.',
        },
        { kind: 'heading', text: 'What you need to do' },
        {
          kind: 'paragraph',
          text: 'Keep paying your child maintenance in the same way until we tell you otherwise.',
        },
        {
          kind: 'paragraph',
          text: 'If your claim is not successful, or you have any questions, call us on {{contact.phone}}.',
        },
      ],
      signOff: 'Yours sincerely',
    },
  },
  {
    code: 'SMS_SECURITY_DETAILS_UPDATED',
    channel: 'sms',
    title: 'Security details updated',
    purpose: 'Confirms the security details were updated after the client returned CMSL9800.',
    recipient: 'client',
    requiresTlApproval: false,
    reviewBeforeSending: false,
    hasAttachment: false,
    requirementIds: ['SD-16'],
    fields: [],
    body: {
      text: '{{service.full}}: we have updated your security details. Keep them safe – you will need them every time you call us. If you did not ask for this change, call us.',
    },
  },
];

/**
 * Letterheads (TD-14): Great Britain's Child Maintenance Service (run by the Child Maintenance
 * Group) and Northern Ireland's NICMS. Contact details are the services' published ones as known
 * when written; confirm them with the business before go-live (a change is a new version row).
 */
export const LETTERHEADS_V1: Record<'GB' | 'NI', LetterheadContent> = {
  GB: {
    brand: 'Child Maintenance Service',
    serviceFull: 'Child Maintenance Group',
    serviceShort: 'CMG',
    returnAddress: ['Child Maintenance Service', 'PO Box 249', 'Mitcheldean', 'GL14 9AJ'],
    phone: '0800 171 2345',
    relay: 'Relay UK: 18001 then 0800 171 2345',
    openingHours: 'Monday to Friday, 8am to 6pm',
    website: 'www.gov.uk/child-maintenance-service',
  },
  NI: {
    brand: 'Northern Ireland Child Maintenance Service',
    serviceFull: 'Northern Ireland Child Maintenance Service',
    serviceShort: 'NICMS',
    returnAddress: [
      'Child Maintenance Service',
      'Great Northern Tower',
      '17 Great Victoria Street',
      'Belfast',
      'BT2 7AD',
    ],
    phone: '0800 232 1271',
    relay: 'Relay UK: 18001 then 0800 232 1271',
    openingHours: 'Monday to Friday, 9am to 5pm',
    website: 'www.nidirect.gov.uk/child-maintenance',
  },
};

/** Seeds version 1 of every template and letterhead. */
export class TemplatesV11764300000001 implements MigrationInterface {
  name = 'TemplatesV11764300000001';

  async up(q: QueryRunner): Promise<void> {
    for (const t of TEMPLATES_V1) {
      await q.query(
        `INSERT INTO "letter_template" ("code", "version", "channel", "title", "purpose", "recipient",
           "requires_tl_approval", "review_before_sending", "has_attachment", "requirement_ids", "fields", "body")
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          t.code,
          t.channel,
          t.title,
          t.purpose,
          t.recipient,
          t.requiresTlApproval,
          t.reviewBeforeSending,
          t.hasAttachment,
          t.requirementIds,
          JSON.stringify(t.fields),
          JSON.stringify(t.body),
        ],
      );
    }
    for (const [jurisdiction, content] of Object.entries(LETTERHEADS_V1)) {
      await q.query(`INSERT INTO "letterhead" ("jurisdiction", "version", "content") VALUES ($1, 1, $2)`, [
        jurisdiction,
        JSON.stringify(content),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "letterhead" WHERE "version" = 1`);
    await q.query(`DELETE FROM "letter_template" WHERE "version" = 1`);
  }
}
