import { SR_TYPE_TAXONOMY } from '@cms/domain';
import type { ActivityStepTemplate, SrTypeDefinition } from '../model';
import {
  CANCELLED,
  CANCEL_CODES,
  CLOSED_COMPLETE,
  SYSTEM_ONLY,
  TEAM_LEADERS,
  WORKERS,
  WORKERS_OR_SYSTEM,
  from,
  sd,
  st,
  transition,
} from './common';

const P = 'Transfer Data Between Clients';
const CONTACT = 'contact-details';
const VERBAL = 'verbal-bank-details';
const DV = 'domestic-violence';
const APPROVAL_PATHS = [CONTACT, VERBAL];

const OPEN = st('Open');
const IN_PROGRESS = st('In Progress');
const WAITING = st('Wait');
const AWAITING_NEW_CASE = st('In Progress', 'Awaiting New Case Caseworker');
const PENDING_TL = st('Pending Approval', 'Pending Approval TL');
const APPROVED = st('In Progress', 'Approved TL');
const REJECTED = st('In Progress', 'Rejected TL');
const LETTER_NOT_ISSUED = st('In Progress', 'Letter Not Issued');

const CONTACT_PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'confirm-request',
    title: 'Confirm the request and advise that everything given will be passed to the other party',
    allowedOutcomes: ['Confirmed'],
    requirementIds: ['TD-1'],
    procedureStep: `${P}, step 3`,
  },
  {
    key: 'cmsl0405',
    title: 'Issue CMSL0405 (details and signed declaration) and Wait 14 days',
    allowedOutcomes: ['Issued'],
    systemOnly: true,
    requirementIds: ['TD-3'],
    procedureStep: `${P}, step 4`,
  },
  {
    key: 'form-checked',
    title: 'Returned form: declaration signed, complete and legible, only information we pass on',
    allowedOutcomes: [
      'Complete And Signed',
      'Incomplete - Client Called',
      'Not Transferable - Client Called',
    ],
    requirementIds: ['TD-4', 'TD-1'],
    procedureStep: `${P}, step 5`,
  },
  {
    key: 'bank-details-checked',
    title: 'Check the bank details in Bank Wizard and enter them in the SR',
    allowedOutcomes: ['Bank Wizard Passed', 'Bank Wizard Failed', 'No Bank Details'],
    requirementIds: ['TD-5'],
    procedureStep: `${P}, step 6`,
  },
];

/**
 * What the SR Notes must record before a verbal bank details transfer goes further (Verbally Collecting
 * and Transferring Bank Details, step 5; TD-9): written when the caseworker records `Consent Given`.
 */
export const TD9_CONSENT_NOTE =
  "The client's request is to share their bank details with the paying parent in writing, to enable Direct Pay. The verbatim consent statement was read to the client and accepted, so that the details can be transferred to the other party (TD-9).";

const VERBAL_PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'consent',
    title: 'Read the consent statement; Notes record the request and that the statement was accepted',
    allowedOutcomes: ['Consent Given', 'Consent Refused'],
    noteOnOutcome: { 'Consent Given': TD9_CONSENT_NOTE },
    requirementIds: ['TD-9'],
    procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, steps 1, 4–5`,
  },
  {
    key: 'bank-details-checked',
    title: 'Record the bank details in the SR and check them in Bank Wizard',
    allowedOutcomes: ['Bank Wizard Passed', 'Bank Wizard Failed'],
    requirementIds: ['TD-5'],
    procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, steps 3, 5`,
  },
  {
    key: 'call-paying-parent',
    title: 'Call the paying parent: Direct Pay requested, bank details to follow in writing',
    allowedOutcomes: ['Paying Parent Told', 'No Contact'],
    requirementIds: ['TD-10'],
    procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, step 6`,
  },
];

const DV_PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'discuss-options',
    title: "Discuss other ways to be paid and 'central'/'national' sort code accounts; 14 days to call in",
    allowedOutcomes: ['Discussed'],
    requirementIds: ['TD-11'],
    procedureStep: `${P}, domestic violence, step 1`,
  },
  {
    key: 'cmsl9660',
    title:
      'CMSL9660 if the receiving parent wants it in writing (clerical at application and new case stage)',
    allowedOutcomes: ['Issued', 'Not Requested'],
    requirementIds: ['TD-11'],
    procedureStep: `${P}, domestic violence, step 1`,
  },
  {
    key: 'record-bank-details',
    title: 'Record the details the receiving parent gives in contact notes',
    allowedOutcomes: ['Details Received'],
    optional: true,
    requirementIds: ['TD-12'],
    procedureStep: `${P}, domestic violence, step 2`,
  },
  {
    key: 'cmsl9661',
    title: 'CMSL9661 to the paying parent with the details',
    allowedOutcomes: ['Issued'],
    optional: true,
    systemOnly: true,
    requirementIds: ['TD-12'],
    procedureStep: `${P}, domestic violence, step 2`,
  },
  {
    key: 'cmsl9662',
    title: 'CMSL9662 confirming to the receiving parent that the details were passed on',
    allowedOutcomes: ['Issued'],
    optional: true,
    systemOnly: true,
    requirementIds: ['TD-12'],
    procedureStep: `${P}, domestic violence, step 4`,
  },
];

/** Added when the 14 days pass with no details (TD-13): call the receiving parent, then the paying parent. */
const DV_FOLLOW_UP_STEPS: readonly ActivityStepTemplate[] = [
  {
    key: 'call-receiving-parent',
    title: 'Call the receiving parent: without the details they cannot receive payments',
    allowedOutcomes: ['Details Received', 'Unsuccessful'],
    requirementIds: ['TD-13'],
    procedureStep: `${P}, domestic violence, step 3`,
  },
  {
    key: 'call-paying-parent-put-aside',
    title: 'Call the paying parent: put payments aside as per the promise to pay schedule',
    allowedOutcomes: ['Told To Put Payments Aside', 'Not Required'],
    requirementIds: ['TD-13'],
    procedureStep: `${P}, domestic violence, step 3`,
  },
];

/**
 * Before the verbal route goes further (hand-over, TL submission): the bank details entered with the
 * consent accepted, and the Notes recording the request and the accepted statement (step 5; TD-9).
 */
const VERBAL_CONSENT = [
  { kind: 'transfer-items-entered', requirementId: 'TD-9' },
  { kind: 'consent-accepted', requirementId: 'TD-9' },
  { kind: 'note-recorded', text: TD9_CONSENT_NOTE, requirementId: 'TD-9' },
] as const;

const PLANS: Record<string, readonly ActivityStepTemplate[]> = {
  [CONTACT]: CONTACT_PLAN,
  [VERBAL]: VERBAL_PLAN,
  [DV]: DV_PLAN,
};

/**
 * Transfer Data Between Clients (TD-1 … TD-13). Paths:
 * - `contact-details`: CMSL0405 and a 14-day Wait, the form checked, TL approval, CMSL0406 (TD-3 … TD-8);
 * - `verbal-bank-details`: bank details taken on the phone with consent, TL approval, CMSL0406; at
 *   application stage the applications caseworker stops after recording (TD-9, TD-10); without consent
 *   the SR moves to the CMSL0405 route;
 * - on both: when correspondence refuses CMSL0406 for good after approval, the system moves the SR to
 *   `Letter Not Issued`, editable, for correction and resubmission to the team leader (TD-8);
 * - `domestic-violence`: no declaration and no TL approval; 14 days for the details, then CMSL9661 and
 *   CMSL9662, or calls to both parents (TD-11 … TD-13).
 */
export const DATA_TRANSFER_SR: SrTypeDefinition = {
  code: 'DATA_TRANSFER',
  title: 'Transfer Data Between Clients',
  procedure: 'procedures/004_59940bfb985ffa6a.txt',
  taxonomy: SR_TYPE_TAXONOMY.DATA_TRANSFER,
  paths: [
    {
      key: CONTACT,
      title: 'Sending contact details (CMSL0405, signed declaration, TL approval, CMSL0406)',
      initial: OPEN,
      waitDays: 14,
      waitRequirementId: 'TD-3',
      requirementIds: ['TD-2', 'TD-3'],
    },
    {
      key: VERBAL,
      title: 'Verbally collecting and transferring bank details (consent, TL approval, CMSL0406)',
      initial: OPEN,
      waitDays: 14,
      waitRequirementId: 'TD-3',
      requirementIds: ['TD-9', 'TD-10'],
    },
    {
      key: DV,
      title: 'Receiving parent has notified domestic violence (no declaration, CMSL9661/CMSL9662)',
      initial: OPEN,
      waitDays: 14,
      waitRequirementId: 'TD-11',
      requirementIds: ['TD-11', 'TD-12', 'TD-13'],
    },
  ],
  states: [
    sd('Open', null, 'SR created: Outbound Contact / Send Generic Correspondence (step 1).'),
    sd('In Progress', null, 'Case linked, activity plan generated (step 2); details being gathered.'),
    sd('Wait', null, 'Waiting 14 days for the form (CMSL0405, TD-3) or the bank details (TD-11).'),
    sd(
      'In Progress',
      'Awaiting New Case Caseworker',
      'Application stage: recorded; the new case caseworker continues (TD-10).',
    ),
    sd(
      'Pending Approval',
      'Pending Approval TL',
      'Submitted to a team leader; CMSL0406 cannot issue yet (TD-6).',
    ),
    sd('In Progress', 'Approved TL', 'Approved: read-only, the system issues CMSL0406 (TD-8).', {
      readOnly: true,
    }),
    sd('In Progress', 'Rejected TL', 'Rejected: editable for correction and resubmission (TD-8).'),
    sd(
      'In Progress',
      'Letter Not Issued',
      'Correspondence refused CMSL0406 after approval: editable for correction and resubmission (TD-8).',
    ),
    sd('Closed', 'Complete', 'Closed: Letter Issued, Details Passed On or No Response.', { final: true }),
    sd('Cancelled', null, 'Cancelled with a note.', { final: true }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress and link the case',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: WORKERS,
      guards: [{ kind: 'case-linked', requirementId: 'TD-2' }],
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['TD-2'],
      procedureStep: `${P}, step 2`,
    }),
    transition({
      name: 'request-details',
      title: 'Issue CMSL0405 for the details and a signed declaration; Wait 14 days',
      from: from(IN_PROGRESS),
      to: WAITING,
      paths: [CONTACT],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'confirm-request', requirementId: 'TD-1' },
        { kind: 'next-action-due', days: 14, requirementId: 'TD-3' },
      ],
      effects: [
        { kind: 'issue-letter', letter: 'CMSL0405', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl0405', outcome: 'Issued' },
      ],
      requirementIds: ['TD-3', 'TD-4'],
      procedureStep: `${P}, steps 4–5`,
    }),
    transition({
      name: 'request-details',
      title: 'No consent to take bank details verbally: CMSL0405 route, Wait 14 days',
      from: from(IN_PROGRESS),
      to: WAITING,
      paths: [VERBAL],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'consent', oneOf: ['Consent Refused'], requirementId: 'TD-9' },
        { kind: 'next-action-due', days: 14, requirementId: 'TD-3' },
      ],
      effects: [
        { kind: 'set-path', path: CONTACT },
        { kind: 'generate-activity-plan' },
        { kind: 'issue-letter', letter: 'CMSL0405', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl0405', outcome: 'Issued' },
      ],
      requirementIds: ['TD-9', 'TD-3'],
      procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, step 4`,
    }),
    transition({
      name: 'resume',
      title: 'Form or details returned (or wait over): back to In Progress',
      from: from(WAITING),
      to: IN_PROGRESS,
      paths: [CONTACT, DV],
      roles: WORKERS_OR_SYSTEM,
      requirementIds: ['TD-4', 'TD-12'],
      procedureStep: `${P}, step 5; domestic violence, step 2`,
    }),
    transition({
      name: 'hand-over',
      title: 'Application stage: stop after recording; the new case caseworker continues',
      from: from(IN_PROGRESS),
      to: AWAITING_NEW_CASE,
      paths: [VERBAL],
      roles: WORKERS,
      guards: [
        { kind: 'stage-in', stages: ['application'], requirementId: 'TD-10' },
        { kind: 'step-outcome', step: 'consent', oneOf: ['Consent Given'], requirementId: 'TD-9' },
        {
          kind: 'step-outcome',
          step: 'bank-details-checked',
          oneOf: ['Bank Wizard Passed'],
          requirementId: 'TD-5',
        },
        ...VERBAL_CONSENT,
      ],
      requirementIds: ['TD-10', 'TD-9'],
      procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, step 5`,
    }),
    transition({
      name: 'submit-for-approval',
      title: 'Status Pending Approval, Sub Status Pending Approval TL',
      from: from(IN_PROGRESS, REJECTED, LETTER_NOT_ISSUED),
      to: PENDING_TL,
      paths: [CONTACT],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'form-checked', oneOf: ['Complete And Signed'], requirementId: 'TD-4' },
        {
          kind: 'step-outcome',
          step: 'bank-details-checked',
          oneOf: ['Bank Wizard Passed', 'No Bank Details'],
          requirementId: 'TD-5',
        },
        // The stored form, not only the caseworker's step outcome (step 5).
        { kind: 'transfer-items-entered', requirementId: 'TD-4' },
        { kind: 'declaration-signed', requirementId: 'TD-4' },
      ],
      effects: [{ kind: 'record-submitter' }],
      requirementIds: ['TD-6', 'TD-4', 'TD-5'],
      procedureStep: `${P}, step 7`,
    }),
    transition({
      name: 'submit-for-approval',
      title: 'Status Pending Approval, Sub Status Pending Approval TL (new case caseworker)',
      from: from(IN_PROGRESS, REJECTED, AWAITING_NEW_CASE, LETTER_NOT_ISSUED),
      to: PENDING_TL,
      paths: [VERBAL],
      roles: WORKERS,
      guards: [
        { kind: 'stage-not-in', stages: ['application'], requirementId: 'TD-10' },
        { kind: 'step-outcome', step: 'consent', oneOf: ['Consent Given'], requirementId: 'TD-9' },
        {
          kind: 'step-outcome',
          step: 'bank-details-checked',
          oneOf: ['Bank Wizard Passed'],
          requirementId: 'TD-5',
        },
        { kind: 'step-outcome', step: 'call-paying-parent', requirementId: 'TD-10' },
        ...VERBAL_CONSENT,
      ],
      effects: [{ kind: 'record-submitter' }],
      requirementIds: ['TD-6', 'TD-9', 'TD-10'],
      procedureStep: `${P}, Verbally Collecting and Transferring Bank Details, steps 6–7`,
    }),
    transition({
      name: 'approve',
      title: 'Team leader approves: the SR is read-only and the system issues CMSL0406 with its attachment',
      from: from(PENDING_TL),
      to: APPROVED,
      paths: APPROVAL_PATHS,
      roles: TEAM_LEADERS,
      guards: [{ kind: 'approver-not-submitter', requirementId: 'TD-6' }],
      effects: [
        { kind: 'record-approver' },
        { kind: 'lock-read-only' },
        { kind: 'issue-letter', letter: 'CMSL0406', recipient: 'other party', attachment: 'sr-data' },
      ],
      requirementIds: ['TD-6', 'TD-7', 'TD-8'],
      procedureStep: `${P}, steps 8–9`,
    }),
    transition({
      name: 'reject',
      title: 'Team leader rejects: fields stay editable for correction and resubmission',
      from: from(PENDING_TL),
      to: REJECTED,
      paths: APPROVAL_PATHS,
      roles: TEAM_LEADERS,
      guards: [
        { kind: 'approver-not-submitter', requirementId: 'TD-6' },
        { kind: 'reason', requirementId: 'TD-8' },
      ],
      effects: [{ kind: 'unlock' }, { kind: 'clear-submitter' }, { kind: 'add-note' }],
      requirementIds: ['TD-8'],
      procedureStep: `${P}, step 9`,
    }),
    transition({
      name: 'letter-refused',
      title:
        'Correspondence refused CMSL0406: editable again, the approval cleared, the refusal in the Notes; correct and resubmit to TL',
      from: from(APPROVED),
      to: LETTER_NOT_ISSUED,
      paths: APPROVAL_PATHS,
      roles: SYSTEM_ONLY,
      readOnlyExempt: true,
      guards: [{ kind: 'reason', requirementId: 'TD-8' }],
      effects: [
        { kind: 'unlock' },
        { kind: 'clear-submitter' },
        { kind: 'clear-approver' },
        { kind: 'add-note' },
      ],
      requirementIds: ['TD-8'],
      procedureStep: `${P}, step 9`,
    }),
    transition({
      name: 'close',
      title: 'CMSL0406 issued by the system: Resolution Code Letter Issued, Closed, Complete',
      from: from(APPROVED),
      to: CLOSED_COMPLETE,
      paths: APPROVAL_PATHS,
      roles: SYSTEM_ONLY,
      readOnlyExempt: true,
      guards: [{ kind: 'resolution-code', oneOf: ['Letter Issued'], requirementId: 'TD-8' }],
      requirementIds: ['TD-8'],
      procedureStep: `${P}, step 9`,
    }),
    transition({
      name: 'wait',
      title: 'Options discussed (CMSL9660 if wanted in writing): Wait 14 days for the details',
      from: from(IN_PROGRESS),
      to: WAITING,
      paths: [DV],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'discuss-options', requirementId: 'TD-11' },
        { kind: 'step-outcome', step: 'cmsl9660', requirementId: 'TD-11' },
        { kind: 'next-action-due', days: 14, requirementId: 'TD-11' },
      ],
      requirementIds: ['TD-11'],
      procedureStep: `${P}, domestic violence, step 1`,
    }),
    transition({
      name: 'close-passed-on',
      title: 'Details recorded: CMSL9661 to the paying parent, CMSL9662 to the receiving parent; Closed',
      from: from(IN_PROGRESS),
      to: CLOSED_COMPLETE,
      paths: [DV],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'record-bank-details', requirementId: 'TD-12' },
        { kind: 'resolution-code', oneOf: ['Details Passed On'], requirementId: 'TD-12' },
      ],
      effects: [
        { kind: 'issue-letter', letter: 'CMSL9661', recipient: 'NRP' },
        { kind: 'record-activity-outcome', step: 'cmsl9661', outcome: 'Issued' },
        { kind: 'issue-letter', letter: 'CMSL9662', recipient: 'PWC' },
        { kind: 'record-activity-outcome', step: 'cmsl9662', outcome: 'Issued' },
      ],
      requirementIds: ['TD-12'],
      procedureStep: `${P}, domestic violence, steps 2, 4`,
    }),
    transition({
      name: 'close-no-response',
      title: 'No details in 14 days: both parents called; Resolution Code No Response, Closed',
      from: from(IN_PROGRESS),
      to: CLOSED_COMPLETE,
      paths: [DV],
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'call-receiving-parent',
          oneOf: ['Unsuccessful'],
          requirementId: 'TD-13',
        },
        { kind: 'step-outcome', step: 'call-paying-parent-put-aside', requirementId: 'TD-13' },
        { kind: 'resolution-code', oneOf: ['No Response'], requirementId: 'TD-13' },
      ],
      requirementIds: ['TD-13'],
      procedureStep: `${P}, domestic violence, step 3`,
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note (withdrawn or raised in error)',
      from: from(OPEN, IN_PROGRESS, WAITING, AWAITING_NEW_CASE, REJECTED, LETTER_NOT_ISSUED),
      to: CANCELLED,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: CANCEL_CODES }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
  ],
  activityPlan: (path) => PLANS[path] ?? [],
  followUpSteps: (path) => (path === DV ? DV_FOLLOW_UP_STEPS : []),
  sla: {
    defaultDays: 10,
    note: 'The procedures set only the 14-day waits (TD-3, TD-11): 10 days outside a Wait is local policy.',
    requirementIds: ['TD-3', 'TD-11'],
  },
  followUps: [
    {
      paths: [CONTACT],
      actions: [
        {
          kind: 'flag-for-caseworker',
          message:
            'CMSL0405 not returned within 14 days: call the client; if they still wish to pass on their details, send CMSL0405 again.',
        },
        { kind: 'transition', transition: 'resume' },
      ],
      description:
        'No form in 14 days: flag for a call to the client (in the spirit of TD-4) and return to In Progress.',
      requirementIds: ['TD-3', 'TD-4'],
    },
    {
      paths: [DV],
      actions: [
        { kind: 'add-activity-step', step: 'call-receiving-parent' },
        { kind: 'add-activity-step', step: 'call-paying-parent-put-aside' },
        { kind: 'transition', transition: 'resume' },
      ],
      description:
        'No details in 14 days: add the calls to the receiving parent, then the paying parent (put payments aside), and return to In Progress.',
      requirementIds: ['TD-13'],
    },
  ],
  decisions: [
    {
      requirementIds: ['TD-3', 'TD-11'],
      text: 'Both Waits are 14 days, set by the rules ("apply a wait of 14 days", step 4; "call in with the details within the next 14 days", domestic violence step 1): without a date the rules set it; another day is refused, a longer one too, reason or not, since the procedure allows no other wait.',
    },
    {
      requirementIds: ['TD-4'],
      text: "Submission to the team leader needs the returned form as entered in the SR (`PUT …/transfer-items`): the items to pass on and the declaration recorded as signed; the caseworker's `form-checked` outcome alone is not enough. An unsigned declaration, or none recorded, is refused (call the client; CMSL0405 may be sent again).",
    },
    {
      requirementIds: ['TD-9'],
      text: 'Recording `Consent Given` writes the note step 5 asks for ("the client\'s request is to share bank details and the verbatim statement has been accepted") to the SR Notes, in the caseworker\'s name; the hand-over and the submission to the team leader need that note, the bank details entered and the consent recorded with them.',
    },
    {
      requirementIds: ['TD-1'],
      text: "Bank details pass only from the receiving parent to the paying parent, to enable Direct Pay: a paying parent's own bank details are refused when the items are entered, not first when CMSL0406 is issued after approval.",
    },
  ],
};
