import { SR_TYPE_TAXONOMY } from '@cms/domain';
import type { ActivityStepTemplate, SrTypeDefinition } from '../model';
import {
  CANCELLED,
  CANCEL_CODES,
  CLOSED_COMPLETE,
  WORKERS,
  WORKERS_OR_SYSTEM,
  from,
  sd,
  st,
  transition,
} from './common';

const P = 'Change - Security Details';
const OPEN = st('Open');
const IN_PROGRESS = st('In Progress');
const SECURITY_DETAILS = st('In Progress', 'Security Details');
const WAITING = st('Wait', 'Security Details');
const ASSESS = st('In Progress', 'Assess Outcome Of Change');
const ACCEPT = st('In Progress', 'CofC Accept');
const DECLINED = st('In Progress', 'CofC Declined');

/**
 * The activity plan generated at In Progress (step 5, SD-7). Whether CMSL9800 / CMSL9801 went is
 * read from the outcomes of steps `cmsl9800` / `cmsl9801`, which only the `wait` / `remind`
 * transitions record: this is how the Wait follow-up knows a second expiry means rejection (SD-12).
 */
const PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'security-details',
    title: 'Security Details',
    allowedOutcomes: ['Security Details'],
    requirementIds: ['SD-8'],
    procedureStep: `${P}, step 6`,
  },
  {
    key: 'cmsl9800',
    title: 'Send CMSL9800 and wait seven days',
    allowedOutcomes: ['Issued'],
    optional: true,
    systemOnly: true,
    requirementIds: ['SD-9'],
    procedureStep: `${P}, step 7`,
  },
  {
    key: 'cmsl9801',
    title: 'Send CMSL9801 reminder and wait a further seven days',
    allowedOutcomes: ['Issued'],
    optional: true,
    systemOnly: true,
    requirementIds: ['SD-10'],
    procedureStep: `${P}, step 8`,
  },
  {
    key: 'information-received',
    title: 'Whether the client has provided enough information to change their security details',
    allowedOutcomes: ['Information Provided', 'Insufficient Information', 'No Response'],
    requirementIds: ['SD-10', 'SD-12'],
    procedureStep: `${P}, step 10`,
  },
  {
    key: 'tam-account-check',
    title: 'Check whether the TAM account was blocked (Go To Contact, Errors); Unblock User if it was',
    allowedOutcomes: ['Unblocked', 'Not Blocked'],
    optional: true,
    requirementIds: ['SD-11', 'SD-2', 'SD-3'],
    procedureStep: `${P}, steps 8–9`,
  },
  {
    key: 'update-security-details',
    title: 'Change Security Detail: new PIN and/or special password, X in the memorable questions',
    allowedOutcomes: ['Updated'],
    optional: true,
    requirementIds: ['SD-14', 'SD-1', 'SD-20'],
    procedureStep: `${P}, steps 11–14`,
  },
  {
    key: 'client-representative',
    title: 'Add or remove a representative as a contact (Communicate with Client Rep)',
    allowedOutcomes: ['Representative Added', 'Representative Removed', 'Not Requested'],
    optional: true,
    requirementIds: ['SD-15'],
    procedureStep: `${P}, step 15`,
  },
  {
    key: 'confirm-update',
    title: 'Confirm the update by SMS, or CMSL9802 where an SMS is not appropriate',
    allowedOutcomes: ['SMS Sent', 'CMSL9802 Issued', 'Not Required'],
    optional: true,
    requirementIds: ['SD-16'],
    procedureStep: `${P}, step 17`,
  },
  {
    key: 'decline',
    title: "Reason why you're rejecting the change",
    allowedOutcomes: ['CoC Declined'],
    reasonRequiredFor: ['CoC Declined'],
    optional: true,
    requirementIds: ['SD-17'],
    procedureStep: `${P}, step 19`,
  },
];

const BEFORE_UPDATE = [
  { kind: 'step-outcome', step: 'tam-account-check', requirementId: 'SD-11' },
  { kind: 'step-outcome', step: 'update-security-details', oneOf: ['Updated'], requirementId: 'SD-14' },
] as const;

/**
 * Change - Security Details (SD-4 … SD-17). Paths: `phone` (reported by phone or letter, steps 1–20)
 * and `self-service` (raised on the Self Service Site: starts at step 3, actioned within 24 hours,
 * no Assess Outcome Of Change, SD-5, SD-13).
 */
export const SECURITY_DETAILS_SR: SrTypeDefinition = {
  code: 'SECURITY_DETAILS',
  title: 'Change - Security Details',
  procedure: 'procedures/003_f62ff1eea701803a.txt',
  taxonomy: SR_TYPE_TAXONOMY.SECURITY_DETAILS,
  paths: [
    {
      key: 'phone',
      title: 'Reported by phone or letter (steps 1–20)',
      initial: OPEN,
      waitDays: 7,
      waitRequirementId: 'SD-9',
      requirementIds: ['SD-4'],
    },
    {
      key: 'self-service',
      title: 'Raised on the Self Service Site (starts at step 3; actioned within 24 hours)',
      initial: OPEN,
      sources: ['PWC (Self Service)', 'NRP (Self Service)'],
      waitDays: 7,
      waitRequirementId: 'SD-9',
      requirementIds: ['SD-4', 'SD-5'],
    },
  ],
  states: [
    sd('Open', null, 'Raised, case linked and subject recorded (steps 1–4).'),
    sd('In Progress', null, 'Activity plan generated (step 5).'),
    sd('In Progress', 'Security Details', 'First step outcome and Sub Status Security Details (step 6).'),
    sd(
      'Wait',
      'Security Details',
      'CMSL9800 (then CMSL9801) sent; waiting seven days for the form (steps 7–8).',
    ),
    sd(
      'In Progress',
      'Assess Outcome Of Change',
      'Not Self Service: deciding to accept or decline (step 10).',
    ),
    sd('In Progress', 'CofC Accept', 'Security details updated (steps 11–16).'),
    sd('In Progress', 'CofC Declined', 'Change declined with the reason (step 19).'),
    sd('Closed', 'Complete', 'Closed with CofC Accepted or CoC Rejected (steps 18, 20).', { final: true }),
    sd('Cancelled', null, 'Cancelled: withdrawn or raised in error (local policy).', { final: true }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress; the activity plan is generated',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: WORKERS,
      guards: [
        { kind: 'case-linked', requirementId: 'SD-6' },
        { kind: 'subject-recorded', requirementId: 'SD-6' },
      ],
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['SD-6', 'SD-7'],
      procedureStep: `${P}, steps 3–5`,
    }),
    transition({
      name: 'record-security-details',
      title: 'Update the first step outcome and the Sub Status to Security Details',
      from: from(IN_PROGRESS),
      to: SECURITY_DETAILS,
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'security-details',
          oneOf: ['Security Details'],
          requirementId: 'SD-8',
        },
      ],
      requirementIds: ['SD-8'],
      procedureStep: `${P}, step 6`,
    }),
    transition({
      name: 'wait',
      title: 'Note why (blocked / in writing), send CMSL9800, Wait seven days',
      from: from(SECURITY_DETAILS),
      to: WAITING,
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome-absent', step: 'cmsl9800', requirementId: 'SD-9' },
        { kind: 'next-action-due', days: 7, requirementId: 'SD-9' },
        { kind: 'reason', requirementId: 'SD-9' },
      ],
      effects: [
        { kind: 'add-note' },
        { kind: 'issue-letter', letter: 'CMSL9800', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl9800', outcome: 'Issued' },
      ],
      requirementIds: ['SD-9'],
      procedureStep: `${P}, step 7`,
    }),
    transition({
      name: 'remind',
      title: 'No form after seven days: send CMSL9801, Wait a further seven days',
      from: from(WAITING),
      to: WAITING,
      roles: WORKERS_OR_SYSTEM,
      guards: [
        { kind: 'wait-expired', requirementId: 'SD-10' },
        { kind: 'step-outcome-absent', step: 'cmsl9801', requirementId: 'SD-10' },
        { kind: 'next-action-due', days: 7, requirementId: 'SD-10' },
      ],
      effects: [
        { kind: 'issue-letter', letter: 'CMSL9801', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl9801', outcome: 'Issued' },
      ],
      requirementIds: ['SD-10'],
      procedureStep: `${P}, step 8`,
    }),
    transition({
      name: 'reject-no-response',
      title: 'No response after CMSL9800 and CMSL9801: reject the change',
      from: from(WAITING),
      to: CLOSED_COMPLETE,
      roles: WORKERS_OR_SYSTEM,
      guards: [
        { kind: 'wait-expired', requirementId: 'SD-12' },
        { kind: 'step-outcome', step: 'cmsl9801', requirementId: 'SD-12' },
        { kind: 'resolution-code', oneOf: ['CoC Rejected'], requirementId: 'SD-12' },
        { kind: 'reason', requirementId: 'SD-12' },
      ],
      effects: [
        { kind: 'add-note' },
        { kind: 'record-activity-outcome', step: 'information-received', outcome: 'No Response' },
      ],
      requirementIds: ['SD-12'],
      procedureStep: `${P}, step 10`,
    }),
    transition({
      name: 'assess',
      title: 'Update the Sub Status to Assess Outcome Of Change',
      // From Security Details: the client passed the check on the call, no letter (step 2, SD-3).
      from: from(SECURITY_DETAILS, WAITING),
      to: ASSESS,
      paths: ['phone'],
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'information-received',
          oneOf: ['Information Provided', 'Insufficient Information'],
          requirementId: 'SD-13',
        },
      ],
      requirementIds: ['SD-13', 'SD-3'],
      procedureStep: `${P}, steps 2, 10`,
    }),
    transition({
      name: 'accept',
      title: 'Update the security details, then the Sub Status to CofC Accept',
      from: from(ASSESS),
      to: ACCEPT,
      paths: ['phone'],
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'information-received',
          oneOf: ['Information Provided'],
          requirementId: 'SD-13',
        },
        ...BEFORE_UPDATE,
      ],
      effects: [{ kind: 'confirm-security-update' }],
      requirementIds: ['SD-16', 'SD-11', 'SD-14'],
      procedureStep: `${P}, steps 11–16`,
    }),
    transition({
      name: 'accept',
      title:
        'Self Service: update the security details (no Assess Outcome Of Change), Sub Status CofC Accept',
      from: from(SECURITY_DETAILS, WAITING),
      to: ACCEPT,
      paths: ['self-service'],
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'information-received',
          oneOf: ['Information Provided'],
          requirementId: 'SD-13',
        },
        ...BEFORE_UPDATE,
      ],
      effects: [{ kind: 'confirm-security-update' }],
      requirementIds: ['SD-5', 'SD-13', 'SD-16', 'SD-11', 'SD-14'],
      procedureStep: `${P}, steps 10–16`,
    }),
    transition({
      name: 'decline',
      title: 'Outcome CoC Declined with the reason, Sub Status CofC Declined',
      from: from(ASSESS),
      to: DECLINED,
      paths: ['phone'],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'decline', oneOf: ['CoC Declined'], requirementId: 'SD-17' },
        { kind: 'reason', requirementId: 'SD-17' },
      ],
      effects: [{ kind: 'add-note' }],
      requirementIds: ['SD-17'],
      procedureStep: `${P}, step 19`,
    }),
    transition({
      name: 'decline',
      title: 'Self Service: outcome CoC Declined with the reason, Sub Status CofC Declined',
      from: from(SECURITY_DETAILS, WAITING),
      to: DECLINED,
      paths: ['self-service'],
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'decline', oneOf: ['CoC Declined'], requirementId: 'SD-17' },
        { kind: 'reason', requirementId: 'SD-17' },
      ],
      effects: [{ kind: 'add-note' }],
      requirementIds: ['SD-17', 'SD-13'],
      procedureStep: `${P}, steps 10, 19`,
    }),
    transition({
      name: 'close-accepted',
      title: 'Confirm by SMS or CMSL9802; Resolution Code CofC Accepted, Closed, Complete',
      from: from(ACCEPT),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'confirm-update', requirementId: 'SD-16' },
        { kind: 'resolution-code', oneOf: ['CofC Accepted'], requirementId: 'SD-16' },
      ],
      requirementIds: ['SD-16'],
      procedureStep: `${P}, steps 17–18`,
    }),
    transition({
      name: 'close-declined',
      title: 'Resolution Code CoC Rejected, Closed, Complete',
      from: from(DECLINED),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: ['CoC Rejected'], requirementId: 'SD-17' }],
      requirementIds: ['SD-17'],
      procedureStep: `${P}, step 20`,
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note (withdrawn or raised in error)',
      from: from(OPEN, IN_PROGRESS, SECURITY_DETAILS, WAITING, ASSESS),
      to: CANCELLED,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: CANCEL_CODES }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
  ],
  activityPlan: () => PLAN,
  followUpSteps: () => [],
  sla: {
    defaultDays: 5,
    selfServiceHours: 24,
    note: 'Self Service SRs must be actioned within 24 hours (SD-5). Otherwise the procedure sets no limit: 5 days is local policy; a Wait is due at its next action due date.',
    requirementIds: ['SD-5'],
  },
  followUps: [
    {
      when: { stepAbsent: 'cmsl9801' },
      actions: [{ kind: 'transition', transition: 'remind' }],
      description: 'First expiry (step cmsl9801 has no outcome): CMSL9801 reminder and Wait seven more days.',
      requirementIds: ['SD-10'],
    },
    {
      when: { stepPresent: 'cmsl9801' },
      actions: [
        {
          kind: 'transition',
          transition: 'reject-no-response',
          resolutionCode: 'CoC Rejected',
          reason: 'No response from the client after CMSL9800 and the CMSL9801 reminder: change rejected.',
        },
      ],
      description:
        'Second expiry (CMSL9801 already issued): the change is rejected, Resolution Code CoC Rejected.',
      requirementIds: ['SD-12'],
    },
  ],
  decisions: [
    {
      requirementIds: ['SD-9', 'SD-10'],
      text: 'Both Waits are seven days, set by the rules ("a next action due date seven days in the future", step 7; "Wait for a further seven days", step 8): without a date the rules set it; another day is refused, a longer one too, reason or not, since the procedure gives the caseworker no discretion to extend it.',
    },
    {
      requirementIds: ['SD-4', 'SD-2', 'SD-3'],
      text: 'The SR raised when three failed checks block a TAM account shows the blocked client as Source: their role on the case (PWC or NRP) in Source and their name as the reporting person, on the `phone` path (the call back, SD-3; never Self Service). The procedure has no system-raised SR: after the third failed check the caseworker raises this SR, and "the Source is the person who is reporting the change … select their role on the case e.g. NRP or PWC" (step 2); the change is the blocked client\'s own. That the system raised it shows in its first note and its audit record (raised by client-security), not in Source.',
    },
  ],
};
