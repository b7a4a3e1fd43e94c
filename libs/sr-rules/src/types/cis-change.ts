import { SR_TYPE_TAXONOMY } from '@cms/domain';
import type { ActivityStepTemplate, SrTypeDefinition } from '../model';
import { CANCELLED, CLOSED_COMPLETE, WORKERS, WORKERS_OR_SYSTEM, from, sd, st, transition } from './common';

const P = 'CIS - Receive Broadcast Updates';
const R = 'CIS - Retrieve Personal Data From';
const OPEN = st('Open');
const IN_PROGRESS = st('In Progress');
const ACCEPT = st('In Progress', 'CoC Accept');
const DECLINED = st('In Progress', 'CofC Declined');

/**
 * The activity plan of a CIS-raised CoC SR. The procedures leave the detail to "the appropriate change
 * procedure"; these steps are the decisions RD-6/RD-7 and BR-9 require before accepting or closing.
 */
const PLAN: readonly ActivityStepTemplate[] = [
  {
    key: 'compare',
    title: 'Compare the CIS change with what CMS holds',
    allowedOutcomes: ['Differs From CMS', 'Matches CMS'],
    requirementIds: ['BR-9', 'RD-6'],
    procedureStep: `${R}, steps 6, 8`,
  },
  {
    key: 'most-up-to-date',
    title: 'Decide which information is the most up to date',
    allowedOutcomes: ['CIS More Up To Date', 'CMS More Up To Date'],
    requirementIds: ['RD-7'],
    procedureStep: `${R}, steps 6–7`,
  },
  {
    key: 'accept-change',
    title: 'CoC Accept',
    allowedOutcomes: ['CoC Accept'],
    acceptStep: true,
    optional: true,
    systemOnly: true,
    requirementIds: ['BR-6'],
  },
  {
    key: 'apply-change',
    title: 'Apply the change by the appropriate change procedure (e.g. Change - Address Details)',
    allowedOutcomes: ['Applied'],
    optional: true,
    requirementIds: ['BR-6'],
    procedureStep: `${P}, step 3`,
  },
  {
    key: 'decline',
    title: 'Reason for not applying the change (CMS is more up to date: update CIS instead)',
    allowedOutcomes: ['CoC Declined'],
    reasonRequiredFor: ['CoC Declined'],
    optional: true,
    requirementIds: ['RD-7'],
  },
];

/**
 * A CoC SR raised from one CIS broadcast transaction (BR-5, BR-6), routed to caseworkers, or to the
 * sensitive case team when the case is nationally sensitive (BR-7). Accepted with `CoC Accept` then
 * `CofC Accepted`; declined where CMS is more up to date (RD-7); closed or cancelled with a note when
 * the information already matches CMS (BR-9), which our own services may also do automatically.
 */
export const CIS_CHANGE_SR: SrTypeDefinition = {
  code: 'CIS_CHANGE',
  title: 'CIS broadcast change of circumstances',
  procedure: 'procedures/001_400cd8ead1c0ad9c.txt',
  taxonomy: SR_TYPE_TAXONOMY.CIS_CHANGE,
  paths: [
    {
      key: 'broadcast',
      title: 'Raised from a CIS broadcast transaction',
      initial: OPEN,
      waitDays: null,
      requirementIds: ['BR-5', 'BR-6'],
    },
  ],
  states: [
    sd(
      'Open',
      null,
      'Raised from the CIS transaction and matched with a live enquiry, application or case (BR-5, BR-6).',
    ),
    sd('In Progress', null, 'Activity plan generated; comparing with what CMS holds.'),
    sd('In Progress', 'CoC Accept', 'Validated: CIS is more up to date; the change is applied.'),
    sd('In Progress', 'CofC Declined', 'CMS is more up to date: the change is not applied (RD-7).'),
    sd('Closed', 'Complete', 'Closed: CofC Accepted, CoC Rejected or No Change Required (BR-9).', {
      final: true,
    }),
    sd('Cancelled', null, 'Cancelled with a note: no change required (BR-9) or raised in error.', {
      final: true,
    }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress; the activity plan is generated',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: WORKERS,
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['BR-6', 'BR-7'],
      procedureStep: `${P}, steps 3–4`,
    }),
    transition({
      name: 'accept',
      title: 'Validations complete and CIS more up to date: Sub Status CoC Accept',
      from: from(IN_PROGRESS),
      to: ACCEPT,
      roles: WORKERS,
      guards: [
        { kind: 'validations-complete', beforeStep: 'accept-change', requirementId: 'RD-6' },
        { kind: 'step-outcome', step: 'compare', oneOf: ['Differs From CMS'], requirementId: 'BR-9' },
        {
          kind: 'step-outcome',
          step: 'most-up-to-date',
          oneOf: ['CIS More Up To Date'],
          requirementId: 'RD-7',
        },
      ],
      effects: [{ kind: 'record-activity-outcome', step: 'accept-change', outcome: 'CoC Accept' }],
      requirementIds: ['RD-6', 'RD-7'],
      procedureStep: `${R}, steps 6–7`,
    }),
    transition({
      name: 'close-accepted',
      title: 'Change applied: Resolution Code CofC Accepted, Closed, Complete',
      from: from(ACCEPT),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [
        { kind: 'step-outcome', step: 'apply-change', requirementId: 'BR-6' },
        { kind: 'resolution-code', oneOf: ['CofC Accepted'] },
      ],
      requirementIds: ['BR-6'],
    }),
    transition({
      name: 'decline',
      title: 'CMS more up to date: outcome CoC Declined with the reason, Sub Status CofC Declined',
      from: from(IN_PROGRESS),
      to: DECLINED,
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'most-up-to-date',
          oneOf: ['CMS More Up To Date'],
          requirementId: 'RD-7',
        },
        { kind: 'step-outcome', step: 'decline', oneOf: ['CoC Declined'], requirementId: 'RD-7' },
        { kind: 'reason', requirementId: 'RD-7' },
      ],
      effects: [{ kind: 'add-note' }],
      requirementIds: ['RD-7'],
      procedureStep: `${R}, step 7`,
    }),
    transition({
      name: 'close-declined',
      title: 'Resolution Code CoC Rejected, Closed, Complete (update CIS from CMS, SU)',
      from: from(DECLINED),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: ['CoC Rejected'], requirementId: 'RD-7' }],
      requirementIds: ['RD-7'],
    }),
    transition({
      name: 'close-no-change',
      title: 'Information matches CMS: close with a note giving the reason',
      from: from(OPEN, IN_PROGRESS),
      to: CLOSED_COMPLETE,
      roles: WORKERS_OR_SYSTEM,
      guards: [
        { kind: 'resolution-code', oneOf: ['No Change Required'], requirementId: 'BR-9' },
        { kind: 'reason', requirementId: 'BR-9' },
      ],
      effects: [{ kind: 'add-note' }],
      requirementIds: ['BR-9'],
      procedureStep: `${R}, step 8`,
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note: information matches CMS, or raised in error',
      from: from(OPEN, IN_PROGRESS),
      to: CANCELLED,
      roles: WORKERS_OR_SYSTEM,
      guards: [
        { kind: 'resolution-code', oneOf: ['No Change Required', 'Raised In Error'], requirementId: 'BR-9' },
        { kind: 'reason', requirementId: 'BR-9' },
      ],
      effects: [{ kind: 'add-note' }],
      requirementIds: ['BR-9'],
      procedureStep: `${R}, step 8`,
    }),
  ],
  activityPlan: () => PLAN,
  followUpSteps: () => [],
  sla: {
    defaultDays: 5,
    note: 'The procedures set no time to action a CIS change (CIS itself sends it 24 hours after recording, BR-2): 5 days is local policy.',
    requirementIds: [],
  },
  followUps: [],
};
