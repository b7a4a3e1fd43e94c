import { SR_TYPE_TAXONOMY } from '@cms/domain';
import type { ActivityStepTemplate, SrTypeDefinition } from '../model';
import {
  CANCELLED,
  CLOSED_COMPLETE,
  SENSITIVE_TEAM,
  SENSITIVE_TEAM_OR_SYSTEM,
  from,
  sd,
  st,
  transition,
} from './common';

const OPEN = st('Open');
const IN_PROGRESS = st('In Progress');
const WAITING = st('Wait');

const NSU_PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'review',
    title: 'Review the case (Sensitive Case - Handle)',
    allowedOutcomes: ['Reviewed'],
    requirementIds: ['BR-7'],
  },
  {
    key: 'apply-status',
    title: 'Set or remove the nationally sensitive status on the case',
    allowedOutcomes: ['Flag Set', 'Flag Removed'],
    requirementIds: ['BR-7', 'SU-6'],
  },
];

/**
 * The CIS "Nationally sensitive status update" change (BR-6): always routed to the sensitive case
 * team, and only the sensitive case team may work it (BR-7, X-1).
 */
export const NATIONALLY_SENSITIVE_UPDATE_SR: SrTypeDefinition = {
  code: 'NATIONALLY_SENSITIVE_UPDATE',
  title: 'Nationally sensitive status update',
  procedure: 'procedures/001_400cd8ead1c0ad9c.txt',
  taxonomy: SR_TYPE_TAXONOMY.NATIONALLY_SENSITIVE_UPDATE,
  paths: [
    {
      key: 'broadcast',
      title: 'Raised from the CIS nationally sensitive status update',
      initial: OPEN,
      waitDays: null,
      requirementIds: ['BR-6', 'BR-7'],
    },
  ],
  states: [
    sd('Open', null, 'Raised from CIS and routed directly to the sensitive case team (BR-7).'),
    sd('In Progress', null, 'The sensitive case team is handling it (Sensitive Case - Handle).'),
    sd('Closed', 'Complete', 'Closed: Sensitive Status Updated.', { final: true }),
    sd('Cancelled', null, 'Cancelled with a note: raised in error.', { final: true }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress; the activity plan is generated',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: SENSITIVE_TEAM,
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['BR-7'],
    }),
    transition({
      name: 'close',
      title: 'Status applied to the case: Resolution Code Sensitive Status Updated, Closed, Complete',
      from: from(IN_PROGRESS),
      to: CLOSED_COMPLETE,
      roles: SENSITIVE_TEAM,
      guards: [
        { kind: 'step-outcome', step: 'apply-status', requirementId: 'BR-7' },
        { kind: 'resolution-code', oneOf: ['Sensitive Status Updated'] },
      ],
      requirementIds: ['BR-7'],
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note (raised in error)',
      from: from(OPEN, IN_PROGRESS),
      to: CANCELLED,
      roles: SENSITIVE_TEAM,
      guards: [{ kind: 'resolution-code', oneOf: ['Raised In Error'] }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
  ],
  activityPlan: () => NSU_PLAN,
  followUpSteps: () => [],
  sla: {
    defaultDays: 1,
    note: 'The procedures set no time: 1 day is local policy, since the case may be hidden from ordinary caseworkers meanwhile.',
    requirementIds: [],
  },
  followUps: [],
};

const CALL_BACK_PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'call-back',
    title: 'Call the client back from the sensitive case team',
    allowedOutcomes: ['Call Completed', 'No Answer'],
    requirementIds: ['RD-4'],
    procedureStep: 'CIS - Retrieve Personal Data From, step 4',
  },
  {
    key: 'retrieve-personal-data',
    title: 'Retrieve the personal data from CIS with sensitive access',
    allowedOutcomes: ['Retrieved', 'Rejected', 'Not Required'],
    optional: true,
    requirementIds: ['RD-2', 'RD-5'],
  },
];

/**
 * RD-4: CIS answered "Insufficient access level"; the Sensitive Check flag is set and the sensitive
 * case team calls the client back. Only the sensitive case team may work it.
 */
export const SENSITIVE_CALL_BACK_SR: SrTypeDefinition = {
  code: 'SENSITIVE_CALL_BACK',
  title: 'Sensitive case team call back',
  procedure: 'procedures/002_21c2f038c9829192.txt',
  taxonomy: SR_TYPE_TAXONOMY.SENSITIVE_CALL_BACK,
  paths: [
    {
      key: 'insufficient-access',
      title: "Raised after CIS answered 'Insufficient access level'",
      initial: OPEN,
      waitDays: null,
      requirementIds: ['RD-4'],
    },
  ],
  states: [
    sd('Open', null, 'Raised with the Sensitive Check flag set (RD-4).'),
    sd('In Progress', null, 'The sensitive case team is calling the client back.'),
    sd('Wait', null, 'No answer: waiting to call again at the next action due date.'),
    sd('Closed', 'Complete', 'Closed: Call Back Completed.', { final: true }),
    sd('Cancelled', null, 'Cancelled with a note.', { final: true }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress; the activity plan is generated',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: SENSITIVE_TEAM,
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['RD-4'],
    }),
    transition({
      name: 'wait',
      title: 'No answer: Wait until the next call',
      from: from(IN_PROGRESS),
      to: WAITING,
      roles: SENSITIVE_TEAM,
      guards: [
        { kind: 'step-outcome', step: 'call-back', oneOf: ['No Answer'], requirementId: 'RD-4' },
        { kind: 'next-action-due' },
      ],
      requirementIds: ['RD-4'],
    }),
    transition({
      name: 'resume',
      title: 'Call again: back to In Progress',
      from: from(WAITING),
      to: IN_PROGRESS,
      roles: SENSITIVE_TEAM_OR_SYSTEM,
      requirementIds: ['RD-4'],
    }),
    transition({
      name: 'close',
      title: 'Called back: Resolution Code Call Back Completed, Closed, Complete',
      from: from(IN_PROGRESS),
      to: CLOSED_COMPLETE,
      roles: SENSITIVE_TEAM,
      guards: [
        { kind: 'step-outcome', step: 'call-back', oneOf: ['Call Completed'], requirementId: 'RD-4' },
        { kind: 'resolution-code', oneOf: ['Call Back Completed'] },
      ],
      requirementIds: ['RD-4'],
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note',
      from: from(OPEN, IN_PROGRESS, WAITING),
      to: CANCELLED,
      roles: SENSITIVE_TEAM,
      guards: [{ kind: 'resolution-code', oneOf: ['Withdrawn', 'Raised In Error'] }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
  ],
  activityPlan: () => CALL_BACK_PLAN,
  followUpSteps: () => [],
  sla: {
    defaultDays: 2,
    note: 'The procedures set no time for the call back: 2 days is local policy.',
    requirementIds: [],
  },
  followUps: [
    {
      actions: [
        { kind: 'flag-for-caseworker', message: 'Call the client back again (RD-4).' },
        { kind: 'transition', transition: 'resume' },
      ],
      description: 'The wait for the next call is over: flag the SR and return it to In Progress.',
      requirementIds: ['RD-4'],
    },
  ],
};
