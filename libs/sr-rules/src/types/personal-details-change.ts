import { SR_TYPE_TAXONOMY } from '@cms/domain';
import type { ActivityStepTemplate, SrPathDef, SrTypeDefinition } from '../model';
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

const P = 'CIS - Send Update';
const OPEN = st('Open');
const IN_PROGRESS = st('In Progress');
const WAITING = st('Wait');
const ACCEPT = st('In Progress', 'CoC Accept');
const DECLINED = st('In Progress', 'CofC Declined');

/** The validation step of each path, as the related change procedures name them (SU-2, SU-4). */
const VALIDATE: Record<string, Pick<ActivityStepTemplate, 'title' | 'allowedOutcomes'>> = {
  name: { title: 'Validate the name change (Change - Name/Gender/DOB)', allowedOutcomes: ['Validated'] },
  address: { title: 'Validate the new address (Change - Address Details)', allowedOutcomes: ['Validated'] },
  'date-of-birth': {
    title: 'Validate the date of birth: verified or not verified (Change - Name/Gender/DOB)',
    allowedOutcomes: ['Verified', 'Not Verified'],
  },
  'date-of-death': {
    title: 'Validate the date of death: verified or not verified (Death - Paying Parent / Receiving Parent)',
    allowedOutcomes: ['Verified', 'Not Verified'],
  },
};

const PATHS: readonly SrPathDef[] = [
  { key: 'name', title: 'Name change', initial: OPEN, waitDays: null, requirementIds: ['SU-2'] },
  { key: 'address', title: 'Change of address', initial: OPEN, waitDays: null, requirementIds: ['SU-2'] },
  { key: 'date-of-birth', title: 'Date of birth', initial: OPEN, waitDays: null, requirementIds: ['SU-2'] },
  { key: 'date-of-death', title: 'Date of death', initial: OPEN, waitDays: null, requirementIds: ['SU-2'] },
];

/**
 * The plan on `path`: the validations (record, validate), then the accept step. "Validations complete"
 * (SU-4) means every non-optional step before `accept-change` has an outcome.
 */
function plan(path: string): readonly ActivityStepTemplate[] {
  const validate = VALIDATE[path] ?? VALIDATE.name;
  return [
    {
      key: 'record-change',
      title: 'Record the reported change in CoC More Info',
      allowedOutcomes: ['Recorded'],
      requirementIds: ['SU-2'],
    },
    { key: 'validate-change', ...validate, requirementIds: ['SU-4', 'SU-2'], procedureStep: `${P}, step 4` },
    {
      key: 'accept-change',
      title: 'CoC Accept',
      allowedOutcomes: ['CoC Accept'],
      acceptStep: true,
      optional: true,
      systemOnly: true,
      requirementIds: ['SU-4'],
      procedureStep: `${P}, step 4`,
    },
    {
      key: 'update-cis',
      title: 'Update CIS: send the change to the client’s CIS record and record the response',
      allowedOutcomes: ['CIS Updated', 'CIS Error', 'No Interest Registered'],
      optional: true,
      requirementIds: ['SU-1', 'SU-4', 'SU-5', 'SU-6', 'SU-7'],
      procedureStep: `${P}, steps 5–8`,
    },
    {
      key: 'decline',
      title: 'Reason for declining the change',
      allowedOutcomes: ['CoC Declined'],
      reasonRequiredFor: ['CoC Declined'],
      optional: true,
      requirementIds: [],
    },
  ];
}

/**
 * A change of name, address, date of birth or date of death during maintenance: the CoC work item of
 * CIS - Send Update, step 4. "Update CIS" is enabled only at Sub Status `CoC Accept` with the
 * validations complete (SU-4, see `isCisUpdateEnabled`). One path per updatable item (SU-2).
 */
export const PERSONAL_DETAILS_CHANGE_SR: SrTypeDefinition = {
  code: 'PERSONAL_DETAILS_CHANGE',
  title: 'Change of personal details (maintenance)',
  procedure: 'procedures/000_ff1b27a109c8b93d.txt',
  taxonomy: SR_TYPE_TAXONOMY.PERSONAL_DETAILS_CHANGE,
  paths: PATHS,
  cisUpdateOnAccept: true,
  states: [
    sd('Open', null, 'CoC work item raised.'),
    sd('In Progress', null, 'Activity plan generated; validating the change.'),
    sd('Wait', null, 'Waiting for evidence until the next action due date.'),
    sd('In Progress', 'CoC Accept', 'Validations complete: Update CIS is enabled (SU-4).'),
    sd('In Progress', 'CofC Declined', 'Change declined with the reason.'),
    sd('Closed', 'Complete', 'Closed: CofC Accepted or CoC Rejected.', { final: true }),
    sd('Cancelled', null, 'Cancelled with a note.', { final: true }),
  ],
  transitions: [
    transition({
      name: 'start',
      title: 'Change the SR Status to In Progress; the activity plan is generated',
      from: from(OPEN),
      to: IN_PROGRESS,
      roles: WORKERS,
      effects: [{ kind: 'generate-activity-plan' }],
      requirementIds: ['SU-4'],
    }),
    transition({
      name: 'wait',
      title: 'Wait for evidence until the next action due date',
      from: from(IN_PROGRESS),
      to: WAITING,
      roles: WORKERS,
      guards: [{ kind: 'next-action-due' }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
    transition({
      name: 'resume',
      title: 'Evidence received or wait over: back to In Progress',
      from: from(WAITING),
      to: IN_PROGRESS,
      roles: WORKERS_OR_SYSTEM,
      requirementIds: [],
    }),
    transition({
      name: 'accept',
      title: 'Validations complete: Sub Status CoC Accept (Update CIS enabled)',
      from: from(IN_PROGRESS),
      to: ACCEPT,
      roles: WORKERS,
      guards: [{ kind: 'validations-complete', beforeStep: 'accept-change', requirementId: 'SU-4' }],
      effects: [{ kind: 'record-activity-outcome', step: 'accept-change', outcome: 'CoC Accept' }],
      requirementIds: ['SU-4'],
      procedureStep: `${P}, step 4`,
    }),
    transition({
      name: 'close-accepted',
      title: 'CIS updated: Resolution Code CofC Accepted, Closed, Complete',
      from: from(ACCEPT),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [
        {
          kind: 'step-outcome',
          step: 'update-cis',
          oneOf: ['CIS Updated', 'No Interest Registered'],
          requirementId: 'SU-4',
        },
        { kind: 'resolution-code', oneOf: ['CofC Accepted'] },
      ],
      requirementIds: ['SU-4', 'SU-5', 'SU-7'],
      procedureStep: `${P}, steps 5–8`,
    }),
    transition({
      name: 'decline',
      title: 'Outcome CoC Declined with the reason, Sub Status CofC Declined',
      from: from(IN_PROGRESS),
      to: DECLINED,
      roles: WORKERS,
      guards: [{ kind: 'step-outcome', step: 'decline', oneOf: ['CoC Declined'] }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
    transition({
      name: 'close-declined',
      title: 'Resolution Code CoC Rejected, Closed, Complete',
      from: from(DECLINED),
      to: CLOSED_COMPLETE,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: ['CoC Rejected'] }],
      requirementIds: [],
    }),
    transition({
      name: 'cancel',
      title: 'Cancel with a note (withdrawn or raised in error)',
      from: from(OPEN, IN_PROGRESS, WAITING),
      to: CANCELLED,
      roles: WORKERS,
      guards: [{ kind: 'resolution-code', oneOf: CANCEL_CODES }, { kind: 'reason' }],
      effects: [{ kind: 'add-note' }],
      requirementIds: [],
    }),
  ],
  activityPlan: plan,
  followUpSteps: () => [],
  sla: {
    defaultDays: 10,
    note: 'The procedures set no time for a personal details change: 10 days is local policy.',
    requirementIds: [],
  },
  followUps: [
    {
      actions: [
        {
          kind: 'flag-for-caseworker',
          message: 'The evidence was due by the next action due date: review the change.',
        },
        { kind: 'transition', transition: 'resume' },
      ],
      description: 'Wait over: flag the SR and return it to In Progress.',
      requirementIds: [],
    },
  ],
};
