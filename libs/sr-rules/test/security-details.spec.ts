import { SR_TYPE_TAXONOMY, isSelfService } from '@cms/domain';
import {
  SR_TYPES,
  activityPlanFor,
  allowedTransitions,
  decideTransition,
  followUpOnWaitExpiry,
  resolvePath,
  routeToQueue,
  slaFor,
  validateActivityOutcome,
  type SrSnapshot,
  SECURITY_DETAILS_SR,
} from '../src';
import {
  NOW,
  T0,
  apply,
  caseworker,
  inDays,
  record,
  request,
  snapshot,
  system,
  withOutcome,
} from './fixtures';

const IN_PROGRESS = { status: 'In Progress', subStatus: null } as const;
const SECURITY_DETAILS = { status: 'In Progress', subStatus: 'Security Details' } as const;
const WAIT = { status: 'Wait', subStatus: 'Security Details' } as const;
const ASSESS = { status: 'In Progress', subStatus: 'Assess Outcome Of Change' } as const;
const ACCEPT = { status: 'In Progress', subStatus: 'CofC Accept' } as const;
const DECLINED = { status: 'In Progress', subStatus: 'CofC Declined' } as const;
const CLOSED = { status: 'Closed', subStatus: 'Complete' } as const;

const phone = (over: Partial<SrSnapshot> = {}) => snapshot('SECURITY_DETAILS', { source: 'NRP', ...over });
const selfService = (over: Partial<SrSnapshot> = {}) =>
  snapshot('SECURITY_DETAILS', { source: 'PWC (Self Service)', ...over });

/** Open → In Progress → Security Details, as steps 5–6 do. */
function toSecurityDetails(sr: SrSnapshot): SrSnapshot {
  let s = apply(sr, request(IN_PROGRESS, caseworker));
  s = record(s, 'security-details', 'Security Details');
  return apply(s, request(SECURITY_DETAILS, caseworker));
}

/** Steps 7: notes, CMSL9800, Wait seven days. */
function toWait(sr: SrSnapshot): SrSnapshot {
  return apply(
    sr,
    request(WAIT, caseworker, {
      nextActionDue: inDays(7),
      reason: 'Account blocked after three failed checks.',
    }),
  );
}

describe('Change - Security Details: the SR', () => {
  it('[SD-4] is Process CofC, Area Change Personal Info, Sub Area Change Contact/Security Info', () => {
    expect(SR_TYPES.SECURITY_DETAILS.taxonomy).toEqual({
      process: 'CofC',
      area: 'Change Personal Info',
      subArea: 'Change Contact/Security Info',
    });
    expect(SR_TYPE_TAXONOMY.SECURITY_DETAILS).toBe(SR_TYPES.SECURITY_DETAILS.taxonomy);
  });

  it('[SD-4] takes the reporting role or its Self Service version as Source', () => {
    expect(isSelfService('PWC (Self Service)')).toBe(true);
    expect(isSelfService('NRP (Self Service)')).toBe(true);
    expect(isSelfService('NRP')).toBe(false);
    expect(isSelfService('PWC')).toBe(false);
    expect(resolvePath(SR_TYPES.SECURITY_DETAILS, phone())).toBe('phone');
    expect(resolvePath(SR_TYPES.SECURITY_DETAILS, selfService())).toBe('self-service');
    expect(resolvePath(SR_TYPES.SECURITY_DETAILS, selfService({ source: 'NRP (Self Service)' }))).toBe(
      'self-service',
    );
  });

  it('[SD-6] cannot start until the case is linked and the subject recorded', () => {
    expect(decideTransition(phone({ caseLinked: false }), request(IN_PROGRESS, caseworker))).toMatchObject({
      allowed: false,
      reason: 'CASE_NOT_LINKED',
      requirementId: 'SD-6',
    });
    expect(
      decideTransition(phone({ subjectRecorded: false }), request(IN_PROGRESS, caseworker)),
    ).toMatchObject({
      allowed: false,
      reason: 'SUBJECT_NOT_RECORDED',
      requirementId: 'SD-6',
    });
  });

  it('[SD-7] In Progress generates the activity plan', () => {
    const decision = decideTransition(phone(), request(IN_PROGRESS, caseworker));
    expect(decision).toMatchObject({ allowed: true, transition: 'start', requirementIds: ['SD-6', 'SD-7'] });
    const plan = decision.allowed
      ? decision.effects.find((e) => e.kind === 'generate-activity-plan')
      : undefined;
    expect(plan && plan.kind === 'generate-activity-plan' && plan.steps?.map((s) => s.key)).toEqual(
      activityPlanFor('SECURITY_DETAILS', 'phone').map((s) => s.key),
    );
    expect(activityPlanFor('SECURITY_DETAILS', 'phone')[0]).toMatchObject({ key: 'security-details' });
  });

  it('[SD-8] first step outcome Security Details, then Sub Status Security Details', () => {
    const started = apply(phone(), request(IN_PROGRESS, caseworker));
    expect(decideTransition(started, request(SECURITY_DETAILS, caseworker))).toMatchObject({
      allowed: false,
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-8',
    });
    expect(validateActivityOutcome(started, 'security-details', 'Something Else')).toMatchObject({
      allowed: false,
      reason: 'OUTCOME_NOT_ALLOWED',
      requirementId: 'SD-8',
    });
    const recorded = record(started, 'security-details', 'Security Details');
    expect(decideTransition(recorded, request(SECURITY_DETAILS, caseworker))).toMatchObject({
      allowed: true,
      transition: 'record-security-details',
      next: { status: 'In Progress', subStatus: 'Security Details' },
    });
  });

  it('[SD-9] sends CMSL9800 and waits with a next action due date, the notes saying why', () => {
    const sr = toSecurityDetails(phone());
    const decision = decideTransition(
      sr,
      request(WAIT, caseworker, {
        nextActionDue: inDays(7),
        reason: 'Client asks to give details in writing.',
      }),
    );
    expect(decision).toMatchObject({
      allowed: true,
      transition: 'wait',
      next: { status: 'Wait', subStatus: 'Security Details', nextActionDue: inDays(7) },
      effects: [
        { kind: 'add-note' },
        { kind: 'issue-letter', letter: 'CMSL9800', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl9800', outcome: 'Issued' },
      ],
    });
    expect(SR_TYPES.SECURITY_DETAILS.paths.find((p) => p.key === 'phone')?.waitDays).toBe(7);
  });

  it('[SD-9] refuses the Wait without a future next action due date or without the note', () => {
    const sr = toSecurityDetails(phone());
    // Issue #13: without a date the rules set the procedure's seven days (was NEXT_ACTION_DUE_REQUIRED).
    expect(decideTransition(sr, request(WAIT, caseworker, { reason: 'blocked' }))).toMatchObject({
      allowed: true,
      next: { nextActionDue: inDays(7) },
    });
    expect(
      decideTransition(sr, request(WAIT, caseworker, { reason: 'blocked', nextActionDue: NOW })),
    ).toMatchObject({
      reason: 'NEXT_ACTION_DUE_IN_PAST',
    });
    expect(decideTransition(sr, request(WAIT, caseworker, { nextActionDue: inDays(7) }))).toMatchObject({
      reason: 'REASON_REQUIRED',
      requirementId: 'SD-9',
    });
  });

  it('[SD-9] letter steps are recorded by the system only, never by hand', () => {
    const sr = apply(phone(), request(IN_PROGRESS, caseworker));
    expect(validateActivityOutcome(sr, 'cmsl9800', 'Issued', { actor: caseworker })).toMatchObject({
      allowed: false,
      reason: 'ROLE_NOT_ALLOWED',
    });
    expect(validateActivityOutcome(sr, 'cmsl9800', 'Issued', { actor: system })).toMatchObject({
      allowed: true,
    });
  });

  it('[SD-10] after seven days without the form: CMSL9801 and Wait a further seven days', () => {
    const waiting = toWait(toSecurityDetails(phone()));
    expect(followUpOnWaitExpiry(waiting, inDays(6))).toEqual([]);
    const expiry = inDays(7);
    const actions = followUpOnWaitExpiry(waiting, expiry);
    expect(actions).toEqual([
      expect.objectContaining({
        kind: 'transition',
        transition: 'remind',
        to: WAIT,
        nextActionDue: inDays(7, expiry),
        effects: [
          { kind: 'issue-letter', letter: 'CMSL9801', recipient: 'subject' },
          { kind: 'record-activity-outcome', step: 'cmsl9801', outcome: 'Issued' },
        ],
        requirementIds: ['SD-10'],
      }),
    ]);
  });

  it('[SD-10] the reminder cannot go before the wait expires, nor twice', () => {
    const waiting = toWait(toSecurityDetails(phone()));
    expect(decideTransition(waiting, request(WAIT, system, { nextActionDue: inDays(14) }))).toMatchObject({
      reason: 'WAIT_NOT_EXPIRED',
      requirementId: 'SD-10',
    });
    // A further seven days from the expiry (SD-10; issue #13 refuses any other period).
    const reminded = apply(
      waiting,
      request(WAIT, system, { nextActionDue: inDays(7, inDays(7)), now: inDays(7) }),
    );
    expect(reminded.activityPlan.find((s) => s.key === 'cmsl9801')?.outcome).toBe('Issued');
    expect(
      decideTransition(reminded, request(WAIT, system, { nextActionDue: inDays(30), now: inDays(22) })),
    ).toMatchObject({ reason: 'ACTIVITY_STEP_ALREADY_DONE', requirementId: 'SD-10' });
  });

  it('[SD-12] no response after CMSL9800 and CMSL9801: the change is rejected', () => {
    const waiting = toWait(toSecurityDetails(phone()));
    const reminded = apply(waiting, request(WAIT, system, { nextActionDue: inDays(14), now: inDays(7) }));
    const second = inDays(14);
    const [action] = followUpOnWaitExpiry(reminded, second);
    expect(action).toMatchObject({
      kind: 'transition',
      transition: 'reject-no-response',
      to: CLOSED,
      resolutionCode: 'CoC Rejected',
      effects: [
        { kind: 'add-note' },
        { kind: 'record-activity-outcome', step: 'information-received', outcome: 'No Response' },
      ],
      requirementIds: ['SD-12'],
    });
    const closed = apply(
      reminded,
      request(CLOSED, system, {
        resolutionCode: 'CoC Rejected',
        reason: action.kind === 'transition' ? action.reason : null,
        now: second,
      }),
    );
    expect(closed).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CoC Rejected' });
    expect(closed.activityPlan.find((s) => s.key === 'information-received')?.outcome).toBe('No Response');
  });

  it('[SD-12] cannot reject for no response before CMSL9801 has gone', () => {
    const waiting = toWait(toSecurityDetails(phone()));
    expect(
      decideTransition(
        waiting,
        request(CLOSED, system, { resolutionCode: 'CoC Rejected', reason: 'x', now: inDays(8) }),
      ),
    ).toMatchObject({ allowed: false, reason: 'ACTIVITY_STEP_INCOMPLETE', requirementId: 'SD-12' });
  });

  it('[SD-13] not Self Service: the returned form goes to Assess Outcome Of Change before accepting', () => {
    let sr = toWait(toSecurityDetails(phone()));
    expect(decideTransition(sr, request(ACCEPT, caseworker))).toMatchObject({ reason: 'NO_SUCH_TRANSITION' });
    sr = record(sr, 'information-received', 'Information Provided');
    expect(decideTransition(sr, request(ASSESS, caseworker))).toMatchObject({
      allowed: true,
      transition: 'assess',
      requirementIds: ['SD-13', 'SD-3'],
    });
  });

  it('[SD-13] refuses Assess Outcome Of Change until step 10 has its outcome', () => {
    const sr = toWait(toSecurityDetails(phone()));
    expect(decideTransition(sr, request(ASSESS, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-13',
    });
  });

  it('[SD-3] a client who passes the check on the call goes to Assess without a letter', () => {
    let sr = toSecurityDetails(phone());
    sr = record(sr, 'information-received', 'Information Provided');
    expect(apply(sr, request(ASSESS, caseworker))).toMatchObject(ASSESS);
  });

  it('[SD-11] accepting needs the TAM account check, [SD-14] and the updated security details', () => {
    let sr = toSecurityDetails(phone());
    sr = record(sr, 'information-received', 'Information Provided');
    sr = apply(sr, request(ASSESS, caseworker));
    expect(decideTransition(sr, request(ACCEPT, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-11',
    });
    sr = record(sr, 'tam-account-check', 'Unblocked');
    expect(decideTransition(sr, request(ACCEPT, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-14',
    });
    sr = record(sr, 'update-security-details', 'Updated');
    expect(decideTransition(sr, request(ACCEPT, caseworker))).toMatchObject({
      allowed: true,
      transition: 'accept',
    });
  });

  it('[SD-16] accept: CofC Accept, SMS or CMSL9802, then CofC Accepted, Closed, Complete', () => {
    let sr = toWait(toSecurityDetails(phone()));
    sr = record(sr, 'information-received', 'Information Provided');
    sr = apply(sr, request(ASSESS, caseworker));
    sr = record(sr, 'tam-account-check', 'Not Blocked');
    sr = record(sr, 'update-security-details', 'Updated');
    sr = apply(sr, request(ACCEPT, caseworker));
    expect(sr).toMatchObject({ status: 'In Progress', subStatus: 'CofC Accept' });
    expect(
      decideTransition(sr, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' })),
    ).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-16',
    });
    sr = record(sr, 'confirm-update', 'SMS Sent');
    expect(decideTransition(sr, request(CLOSED, caseworker))).toMatchObject({
      reason: 'RESOLUTION_CODE_REQUIRED',
    });
    expect(
      decideTransition(sr, request(CLOSED, caseworker, { resolutionCode: 'CoC Rejected' })),
    ).toMatchObject({
      reason: 'RESOLUTION_CODE_NOT_ALLOWED',
      requirementId: 'SD-16',
    });
    sr = apply(sr, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' }));
    expect(sr).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CofC Accepted' });
  });

  it('[SD-17] decline: outcome CoC Declined with the reason, CofC Declined, then CoC Rejected, Closed, Complete', () => {
    let sr = toWait(toSecurityDetails(phone()));
    sr = record(sr, 'information-received', 'Insufficient Information');
    sr = apply(sr, request(ASSESS, caseworker));
    expect(validateActivityOutcome(sr, 'decline', 'CoC Declined')).toMatchObject({
      allowed: false,
      reason: 'REASON_REQUIRED',
      requirementId: 'SD-17',
    });
    expect(decideTransition(sr, request(DECLINED, caseworker, { reason: 'Form unsigned' }))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SD-17',
    });
    sr = record(sr, 'decline', 'CoC Declined', 'The form was not signed.');
    expect(decideTransition(sr, request(DECLINED, caseworker))).toMatchObject({
      reason: 'REASON_REQUIRED',
      requirementId: 'SD-17',
    });
    sr = apply(sr, request(DECLINED, caseworker, { reason: 'The form was not signed.' }));
    expect(sr.subStatus).toBe('CofC Declined');
    expect(
      decideTransition(sr, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' })),
    ).toMatchObject({
      reason: 'RESOLUTION_CODE_NOT_ALLOWED',
      requirementId: 'SD-17',
    });
    sr = apply(sr, request(CLOSED, caseworker, { resolutionCode: 'CoC Rejected' }));
    expect(sr).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CoC Rejected' });
    expect(decideTransition(sr, request(IN_PROGRESS, caseworker))).toMatchObject({ reason: 'SR_CLOSED' });
  });
});

describe('Change - Security Details: Self Service', () => {
  it('[SD-5] must be actioned within 24 hours of creation', () => {
    const sr = selfService();
    expect(slaFor(sr, T0)).toMatchObject({
      dueAt: inDays(1, T0),
      state: 'on time',
      basis: 'self-service',
      requirementId: 'SD-5',
    });
    expect(slaFor(sr, new Date(T0.getTime() + 19 * 3600_000))).toMatchObject({ state: 'due soon' });
    expect(slaFor(sr, new Date(T0.getTime() + 25 * 3600_000))).toMatchObject({ state: 'breached' });
    expect(slaFor(phone(), T0)).toMatchObject({ basis: 'local-policy', dueAt: inDays(5, T0) });
  });

  it('[SD-5] is routed to the self-service queue', () => {
    expect(
      routeToQueue('SECURITY_DETAILS', { nationallySensitive: false, source: 'NRP (Self Service)' }),
    ).toBe('self-service');
    expect(routeToQueue('SECURITY_DETAILS', { nationallySensitive: false, source: 'NRP' })).toBe(
      'security-details',
    );
  });

  it('[SD-5] starts at step 3: the same Open state, then the same plan', () => {
    const def = SR_TYPES.SECURITY_DETAILS;
    expect(def.paths.find((p) => p.key === 'self-service')?.initial).toEqual({
      status: 'Open',
      subStatus: null,
    });
    expect(activityPlanFor('SECURITY_DETAILS', 'self-service')).toEqual(
      activityPlanFor('SECURITY_DETAILS', 'phone'),
    );
  });

  it('[SD-13] skips Assess Outcome Of Change: from Security Details straight to the update (step 11)', () => {
    let sr = toSecurityDetails(selfService());
    expect(decideTransition(sr, request(ASSESS, caseworker))).toMatchObject({ reason: 'NO_SUCH_TRANSITION' });
    sr = record(sr, 'information-received', 'Information Provided');
    sr = record(sr, 'tam-account-check', 'Not Blocked');
    sr = record(sr, 'update-security-details', 'Updated');
    sr = apply(sr, request(ACCEPT, caseworker));
    sr = record(sr, 'confirm-update', 'Not Required');
    sr = apply(sr, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' }));
    expect(sr).toMatchObject({ status: 'Closed', subStatus: 'Complete', resolutionCode: 'CofC Accepted' });
  });

  it('[SD-13] [SD-17] may be declined from the Wait when the form comes back without enough information', () => {
    let sr = toWait(toSecurityDetails(selfService()));
    sr = record(sr, 'decline', 'CoC Declined', 'Form illegible.');
    sr = apply(sr, request(DECLINED, caseworker, { reason: 'Form illegible.' }));
    expect(sr).toMatchObject(DECLINED);
  });

  it('[SD-10] [SD-12] follows the same reminder and rejection on Wait expiry', () => {
    const waiting = toWait(toSecurityDetails(selfService()));
    expect(followUpOnWaitExpiry(waiting, inDays(7))[0]).toMatchObject({ transition: 'remind' });
    const reminded = withOutcome(waiting, 'cmsl9801', 'Issued');
    expect(followUpOnWaitExpiry(reminded, inDays(7))[0]).toMatchObject({ transition: 'reject-no-response' });
  });

  it('offers the caseworker exactly what the table allows next', () => {
    let sr = toSecurityDetails(selfService());
    expect(allowedTransitions(sr, caseworker).map((t) => t.transition)).toEqual(['wait', 'cancel']);
    sr = record(sr, 'information-received', 'Information Provided');
    sr = record(sr, 'tam-account-check', 'Not Blocked');
    sr = record(sr, 'update-security-details', 'Updated');
    expect(allowedTransitions(sr, caseworker).map((t) => t.transition)).toEqual(['wait', 'accept', 'cancel']);
    expect(allowedTransitions(sr, caseworker).find((t) => t.transition === 'wait')).toMatchObject({
      needsNextActionDue: true,
      needsReason: true,
      resolutionCodes: null,
      requirementIds: ['SD-9'],
    });
    expect(allowedTransitions(sr, caseworker).find((t) => t.transition === 'cancel')).toMatchObject({
      resolutionCodes: ['Withdrawn', 'Raised In Error'],
    });
  });
});
describe('[SD-16] accepting a security details change confirms it to the client', () => {
  it.each(['phone', 'self-service'])('the %s accept transition carries the confirmation effect', (path) => {
    const accept = SECURITY_DETAILS_SR.transitions.find(
      (t) => t.name === 'accept' && (t.paths ?? []).includes(path),
    );
    expect(accept?.effects).toContainEqual({ kind: 'confirm-security-update' });
  });
});
