import {
  SR_TYPES,
  allowedTransitions,
  assertTransition,
  decideTransition,
  followUpOnWaitExpiry,
  isEditable,
  routeToQueue,
  slaFor,
  SrRuleError,
  type SrSnapshot,
} from '../src';
import {
  NOW,
  apply,
  caseworker,
  caseworker2,
  inDays,
  record,
  request,
  snapshot,
  system,
  teamLeader,
  withTransfer,
} from './fixtures';

const IN_PROGRESS = { status: 'In Progress', subStatus: null } as const;
const WAIT = { status: 'Wait', subStatus: null } as const;
const PENDING = { status: 'Pending Approval', subStatus: 'Pending Approval TL' } as const;
const APPROVED = { status: 'In Progress', subStatus: 'Approved TL' } as const;
const REJECTED = { status: 'In Progress', subStatus: 'Rejected TL' } as const;
const LETTER_NOT_ISSUED = { status: 'In Progress', subStatus: 'Letter Not Issued' } as const;
const AWAITING_NEW_CASE = { status: 'In Progress', subStatus: 'Awaiting New Case Caseworker' } as const;
const CLOSED = { status: 'Closed', subStatus: 'Complete' } as const;
const CANCELLED = { status: 'Cancelled', subStatus: null } as const;

const sr = (path: string, over: Partial<SrSnapshot> = {}) => snapshot('DATA_TRANSFER', { path, ...over });
const otherTeamLeader = { id: 'tl-2', roles: ['team-leader'] as const };

/** Contact details route up to the returned, checked form, its items entered (steps 1–6). */
function contactDetailsReady(): SrSnapshot {
  let s = apply(sr('contact-details'), request(IN_PROGRESS, caseworker));
  s = record(s, 'confirm-request', 'Confirmed');
  s = apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
  s = apply(s, request(IN_PROGRESS, caseworker));
  s = record(s, 'form-checked', 'Complete And Signed');
  s = withTransfer(s, { items: ['mobile', 'bankDetails'], declarationSigned: true });
  return record(s, 'bank-details-checked', 'Bank Wizard Passed');
}

/** The verbal route's bank details entered with the consent accepted (steps 3–5, TD-9). */
const bankDetailsEntered = (s: SrSnapshot) =>
  withTransfer(s, { items: ['bankDetails'], consentAccepted: true });

describe('Transfer Data Between Clients', () => {
  it('[TD-2] is Process Outbound Contact, Area and Sub Area Send Generic Correspondence', () => {
    expect(SR_TYPES.DATA_TRANSFER.taxonomy).toEqual({
      process: 'Outbound Contact',
      area: 'Send Generic Correspondence',
      subArea: 'Send Generic Correspondence',
    });
    expect(routeToQueue('DATA_TRANSFER', { nationallySensitive: false })).toBe('correspondence');
  });

  it('[TD-2] goes In Progress only with the case linked, generating the plan', () => {
    expect(
      decideTransition(sr('contact-details', { caseLinked: false }), request(IN_PROGRESS, caseworker)),
    ).toMatchObject({
      reason: 'CASE_NOT_LINKED',
      requirementId: 'TD-2',
    });
    const started = apply(sr('contact-details'), request(IN_PROGRESS, caseworker));
    expect(started.activityPlan.map((s) => s.key)).toEqual([
      'confirm-request',
      'cmsl0405',
      'form-checked',
      'bank-details-checked',
    ]);
  });

  it('[TD-3] issues CMSL0405 and waits 14 days', () => {
    let s = apply(sr('contact-details'), request(IN_PROGRESS, caseworker));
    s = record(s, 'confirm-request', 'Confirmed');
    const decision = assertTransition(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    expect(decision).toMatchObject({
      transition: 'request-details',
      next: { status: 'Wait', nextActionDue: inDays(14) },
      effects: [
        { kind: 'issue-letter', letter: 'CMSL0405', recipient: 'subject' },
        { kind: 'record-activity-outcome', step: 'cmsl0405', outcome: 'Issued' },
      ],
    });
    expect(SR_TYPES.DATA_TRANSFER.paths.find((p) => p.key === 'contact-details')).toMatchObject({
      waitDays: 14,
      waitRequirementId: 'TD-3',
    });
    // Issue #13: the rules apply the procedure's 14 days when no date is given (was NEXT_ACTION_DUE_REQUIRED).
    expect(decideTransition(s, request(WAIT, caseworker))).toMatchObject({
      allowed: true,
      next: { nextActionDue: inDays(14) },
    });
  });

  it('[TD-3] [TD-4] 14 days without the form: flag a call to the client and return to In Progress', () => {
    let s = apply(sr('contact-details'), request(IN_PROGRESS, caseworker));
    s = record(s, 'confirm-request', 'Confirmed');
    s = apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    expect(followUpOnWaitExpiry(s, inDays(13))).toEqual([]);
    expect(followUpOnWaitExpiry(s, inDays(14))).toEqual([
      expect.objectContaining({
        kind: 'flag-for-caseworker',
        message: expect.stringContaining('call the client'),
      }),
      expect.objectContaining({ kind: 'transition', transition: 'resume', to: IN_PROGRESS }),
    ]);
  });

  it('[TD-4] cannot go for approval until the returned form is signed, complete and transferable', () => {
    let s = apply(sr('contact-details'), request(IN_PROGRESS, caseworker));
    s = record(s, 'form-checked', 'Incomplete - Client Called');
    s = record(s, 'bank-details-checked', 'No Bank Details');
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-4',
    });
    // CMSL0405 can be sent again.
    s = record(s, 'confirm-request', 'Confirmed');
    expect(decideTransition(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }))).toMatchObject({
      allowed: true,
      transition: 'request-details',
    });
  });

  it('[TD-5] bank details must pass Bank Wizard before approval', () => {
    let s = contactDetailsReady();
    s = record(s, 'bank-details-checked', 'Bank Wizard Failed');
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-5',
    });
  });

  it('[TD-6] goes to Pending Approval / Pending Approval TL, recording the submitter, routed to team leaders', () => {
    const decision = assertTransition(contactDetailsReady(), request(PENDING, caseworker));
    expect(decision).toMatchObject({
      transition: 'submit-for-approval',
      next: {
        status: 'Pending Approval',
        subStatus: 'Pending Approval TL',
        submittedForApprovalBy: 'cw-1',
        readOnly: false,
      },
      effects: [{ kind: 'record-submitter' }],
    });
    expect(decision.effects.some((e) => e.kind === 'issue-letter')).toBe(false);
    expect(
      routeToQueue('DATA_TRANSFER', { nationallySensitive: false, subStatus: 'Pending Approval TL' }),
    ).toBe('team-leader-approvals');
  });

  it('[TD-6] only a team leader, and not the submitter, may approve', () => {
    const pending = apply(contactDetailsReady(), request(PENDING, caseworker));
    expect(decideTransition(pending, request(APPROVED, caseworker2))).toMatchObject({
      reason: 'ROLE_NOT_ALLOWED',
    });
    const tlSubmitted = apply(contactDetailsReady(), request(PENDING, teamLeader));
    const refused = decideTransition(tlSubmitted, request(APPROVED, teamLeader));
    expect(refused).toMatchObject({ reason: 'APPROVER_IS_SUBMITTER', requirementId: 'TD-6' });
    expect(() => assertTransition(tlSubmitted, request(APPROVED, teamLeader))).toThrow(
      expect.objectContaining({ code: 'APPROVER_IS_SUBMITTER', kind: 'forbidden' }),
    );
    expect(
      decideTransition(
        tlSubmitted,
        request(APPROVED, { ...otherTeamLeader, roles: [...otherTeamLeader.roles] }),
      ),
    ).toMatchObject({
      allowed: true,
    });
  });

  it('[TD-7] [TD-8] approval makes the SR read-only and the system issues CMSL0406 with its attachment', () => {
    const pending = apply(contactDetailsReady(), request(PENDING, caseworker));
    const decision = assertTransition(pending, request(APPROVED, teamLeader));
    expect(decision).toMatchObject({
      transition: 'approve',
      next: {
        status: 'In Progress',
        subStatus: 'Approved TL',
        readOnly: true,
        submittedForApprovalBy: 'cw-1',
      },
      effects: [
        { kind: 'record-approver' },
        { kind: 'lock-read-only' },
        { kind: 'issue-letter', letter: 'CMSL0406', recipient: 'other party', attachment: 'sr-data' },
      ],
      requirementIds: ['TD-6', 'TD-7', 'TD-8'],
    });
  });

  it('[TD-8] after approval every move is refused as read-only except the system close', () => {
    const approved = apply(
      apply(contactDetailsReady(), request(PENDING, caseworker)),
      request(APPROVED, teamLeader),
    );
    expect(isEditable(approved)).toBe(false);
    for (const to of [IN_PROGRESS, REJECTED, CANCELLED, PENDING, WAIT]) {
      expect(
        decideTransition(approved, request(to, teamLeader, { reason: 'x', resolutionCode: 'Withdrawn' })),
      ).toMatchObject({
        allowed: false,
        reason: 'SR_READ_ONLY',
        requirementId: 'TD-8',
      });
    }
    expect(
      decideTransition(approved, request(CLOSED, caseworker, { resolutionCode: 'Letter Issued' })),
    ).toMatchObject({
      reason: 'ROLE_NOT_ALLOWED',
    });
    expect(allowedTransitions(approved, caseworker)).toEqual([]);
    expect(allowedTransitions(approved, system).map((t) => t.transition)).toEqual([
      'letter-refused',
      'close',
    ]);
    const closed = apply(approved, request(CLOSED, system, { resolutionCode: 'Letter Issued' }));
    expect(closed).toMatchObject({
      status: 'Closed',
      subStatus: 'Complete',
      resolutionCode: 'Letter Issued',
    });
  });

  it('[TD-8] a rejection leaves the SR editable for correction and resubmission', () => {
    const pending = apply(contactDetailsReady(), request(PENDING, caseworker));
    expect(decideTransition(pending, request(REJECTED, teamLeader))).toMatchObject({
      reason: 'REASON_REQUIRED',
      requirementId: 'TD-8',
    });
    const rejected = apply(pending, request(REJECTED, teamLeader, { reason: 'Sort code mistyped.' }));
    expect(rejected).toMatchObject({ ...REJECTED, readOnly: false, submittedForApprovalBy: null });
    expect(isEditable(rejected)).toBe(true);
    const resubmitted = apply(rejected, request(PENDING, caseworker));
    expect(resubmitted).toMatchObject({ ...PENDING, submittedForApprovalBy: 'cw-1' });
    expect(apply(resubmitted, request(APPROVED, teamLeader))).toMatchObject({ readOnly: true });
  });

  it('[TD-8] SR_READ_ONLY is a precondition error with the allowed next states', () => {
    const approved = apply(
      apply(contactDetailsReady(), request(PENDING, caseworker)),
      request(APPROVED, teamLeader),
    );
    try {
      assertTransition(
        approved,
        request(CANCELLED, caseworker, { reason: 'x', resolutionCode: 'Withdrawn' }),
      );
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(SrRuleError);
      expect(e).toMatchObject({ code: 'SR_READ_ONLY', kind: 'precondition', requirementId: 'TD-8' });
      expect((e as SrRuleError).options.extra).toEqual({ allowedNext: [LETTER_NOT_ISSUED, CLOSED] });
    }
  });
});

describe('Transfer Data Between Clients: CMSL0406 refused by correspondence after approval', () => {
  const REFUSAL = 'CMSL0406 could not be issued: Bank details are passed on only to the paying parent (NRP).';
  const approved = () =>
    apply(apply(contactDetailsReady(), request(PENDING, caseworker)), request(APPROVED, teamLeader));
  const letterNotIssued = () => apply(approved(), request(LETTER_NOT_ISSUED, system, { reason: REFUSAL }));

  it.each([
    [
      '[TD-8] the system may take letter-refused from Approved TL with the refusal as reason',
      system,
      REFUSAL,
      { allowed: true, transition: 'letter-refused' },
    ],
    [
      '[TD-8] a caseworker may not take letter-refused',
      caseworker,
      REFUSAL,
      { allowed: false, reason: 'ROLE_NOT_ALLOWED' },
    ],
    [
      '[TD-8] a team leader may not take letter-refused',
      teamLeader,
      REFUSAL,
      { allowed: false, reason: 'ROLE_NOT_ALLOWED' },
    ],
    [
      '[TD-8] letter-refused without the refusal as reason is refused',
      system,
      '  ',
      { allowed: false, reason: 'REASON_REQUIRED', requirementId: 'TD-8', field: 'reason' },
    ],
  ] as const)('%s', (_title, actor, reason, expected) => {
    expect(decideTransition(approved(), request(LETTER_NOT_ISSUED, actor, { reason }))).toMatchObject(
      expected,
    );
  });

  it('[TD-8] letter-refused leaves the SR editable in its queue, the submitter and the approver cleared, the refusal noted', () => {
    const decision = assertTransition(approved(), request(LETTER_NOT_ISSUED, system, { reason: REFUSAL }));
    expect(decision).toMatchObject({
      transition: 'letter-refused',
      next: { ...LETTER_NOT_ISSUED, readOnly: false, submittedForApprovalBy: null, resolutionCode: null },
      effects: [
        { kind: 'unlock' },
        { kind: 'clear-submitter' },
        { kind: 'clear-approver' },
        { kind: 'add-note' },
      ],
      requirementIds: ['TD-8'],
    });
    const s = letterNotIssued();
    expect(isEditable(s)).toBe(true);
    expect(routeToQueue('DATA_TRANSFER', { nationallySensitive: false, subStatus: s.subStatus })).toBe(
      'correspondence',
    );
    expect(allowedTransitions(s, caseworker).map((t) => t.transition)).toEqual(
      expect.arrayContaining(['submit-for-approval', 'cancel']),
    );
    expect(allowedTransitions(s, system).map((t) => t.transition)).not.toContain('close');
  });

  it('[TD-8] [TD-4] [TD-5] from Letter Not Issued a caseworker resubmits the checked form to the TL, who approves again', () => {
    let s = letterNotIssued();
    s = record(s, 'form-checked', 'Incomplete - Client Called');
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-4',
    });
    s = record(s, 'form-checked', 'Complete And Signed');
    s = record(s, 'bank-details-checked', 'No Bank Details');
    const resubmitted = apply(s, request(PENDING, caseworker));
    expect(resubmitted).toMatchObject({ ...PENDING, readOnly: false, submittedForApprovalBy: 'cw-1' });
    const again = assertTransition(resubmitted, request(APPROVED, teamLeader));
    expect(again).toMatchObject({ transition: 'approve', next: { ...APPROVED, readOnly: true } });
    expect(again.effects).toEqual(
      expect.arrayContaining([
        { kind: 'record-approver' },
        { kind: 'issue-letter', letter: 'CMSL0406', recipient: 'other party', attachment: 'sr-data' },
      ]),
    );
  });

  it('[TD-8] [TD-10] from Letter Not Issued on the verbal route the caseworker resubmits to the TL', () => {
    let s = apply(sr('verbal-bank-details'), request(IN_PROGRESS, caseworker));
    s = record(s, 'consent', 'Consent Given');
    s = record(bankDetailsEntered(s), 'bank-details-checked', 'Bank Wizard Passed');
    s = record(s, 'call-paying-parent', 'Paying Parent Told');
    s = apply(apply(s, request(PENDING, caseworker)), request(APPROVED, teamLeader));
    s = apply(s, request(LETTER_NOT_ISSUED, system, { reason: REFUSAL }));
    expect(s).toMatchObject({ ...LETTER_NOT_ISSUED, readOnly: false, submittedForApprovalBy: null });
    expect(assertTransition(s, request(PENDING, caseworker))).toMatchObject({
      transition: 'submit-for-approval',
      next: { ...PENDING, submittedForApprovalBy: 'cw-1' },
    });
  });

  it('[TD-8] from Letter Not Issued a caseworker may cancel with a note', () => {
    const s = letterNotIssued();
    expect(
      decideTransition(s, request(CANCELLED, caseworker, { resolutionCode: 'Withdrawn' })),
    ).toMatchObject({
      reason: 'REASON_REQUIRED',
    });
    expect(
      apply(
        s,
        request(CANCELLED, caseworker, {
          resolutionCode: 'Withdrawn',
          reason: 'Client withdrew the request.',
        }),
      ),
    ).toMatchObject({ status: 'Cancelled', resolutionCode: 'Withdrawn' });
  });

  it('[TD-8] the system cannot close an SR whose letter was refused', () => {
    expect(
      decideTransition(letterNotIssued(), request(CLOSED, system, { resolutionCode: 'Letter Issued' })),
    ).toMatchObject({ allowed: false, reason: 'NO_SUCH_TRANSITION' });
  });
});

describe('Transfer Data Between Clients: bank details given verbally', () => {
  const started = () => apply(sr('verbal-bank-details'), request(IN_PROGRESS, caseworker));

  it('[TD-9] without consent the CMSL0405 route applies', () => {
    let s = record(started(), 'consent', 'Consent Refused');
    const decision = assertTransition(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    expect(decision.next.path).toBe('contact-details');
    expect(decision.effects.map((e) => e.kind)).toEqual([
      'set-path',
      'generate-activity-plan',
      'issue-letter',
      'record-activity-outcome',
    ]);
    s = apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    expect(s.path).toBe('contact-details');
    expect(s.activityPlan.map((x) => x.key)).toEqual(
      expect.arrayContaining(['consent', 'confirm-request', 'cmsl0405', 'form-checked']),
    );
  });

  it('[TD-9] with consent the CMSL0405 route is refused', () => {
    const s = record(started(), 'consent', 'Consent Given');
    expect(decideTransition(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-9',
    });
  });

  it('[TD-10] at application stage the applications caseworker stops after recording', () => {
    let s = apply(sr('verbal-bank-details', { stage: 'application' }), request(IN_PROGRESS, caseworker));
    s = record(s, 'consent', 'Consent Given');
    s = record(bankDetailsEntered(s), 'bank-details-checked', 'Bank Wizard Passed');
    s = record(s, 'call-paying-parent', 'Paying Parent Told');
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({
      reason: 'STAGE_NOT_ALLOWED',
      requirementId: 'TD-10',
    });
    s = apply(s, request(AWAITING_NEW_CASE, caseworker));
    expect(routeToQueue('DATA_TRANSFER', { nationallySensitive: false, subStatus: s.subStatus })).toBe(
      'new-case',
    );
    // Once the case is a new case, the new case caseworker calls the paying parent and submits.
    s = { ...s, stage: 'new case' };
    expect(apply(s, request(PENDING, caseworker2))).toMatchObject(PENDING);
  });

  it('[TD-10] hand-over is only at application stage', () => {
    let s = started();
    s = record(s, 'consent', 'Consent Given');
    s = record(s, 'bank-details-checked', 'Bank Wizard Passed');
    expect(decideTransition(s, request(AWAITING_NEW_CASE, caseworker))).toMatchObject({
      reason: 'STAGE_NOT_ALLOWED',
      requirementId: 'TD-10',
    });
  });

  it('[TD-10] [TD-6] the paying parent is called before TL approval, then CMSL0406 after approval', () => {
    let s = started();
    s = record(s, 'consent', 'Consent Given');
    s = record(bankDetailsEntered(s), 'bank-details-checked', 'Bank Wizard Passed');
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-10',
    });
    s = record(s, 'call-paying-parent', 'Paying Parent Told');
    s = apply(s, request(PENDING, caseworker));
    expect(assertTransition(s, request(APPROVED, teamLeader)).effects).toContainEqual({
      kind: 'issue-letter',
      letter: 'CMSL0406',
      recipient: 'other party',
      attachment: 'sr-data',
    });
  });
});

describe('Transfer Data Between Clients: domestic violence', () => {
  const started = () => apply(sr('domestic-violence'), request(IN_PROGRESS, caseworker));
  function waiting(): SrSnapshot {
    let s = started();
    s = record(s, 'discuss-options', 'Discussed');
    s = record(s, 'cmsl9660', 'Not Requested');
    return apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
  }

  it('[TD-11] no declaration or TL approval; options discussed, then 14 days for the details', () => {
    let s = started();
    expect(decideTransition(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-11',
    });
    s = waiting();
    expect(s).toMatchObject({ status: 'Wait', nextActionDue: inDays(14) });
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({ reason: 'NO_SUCH_TRANSITION' });
    expect(slaFor(s, NOW)).toMatchObject({
      basis: 'wait',
      dueAt: inDays(14),
      state: 'on time',
      requirementId: 'TD-11',
    });
  });

  it('[TD-12] details received: CMSL9661 to the paying parent, CMSL9662 to the receiving parent, closed', () => {
    let s = apply(waiting(), request(IN_PROGRESS, caseworker));
    expect(
      decideTransition(s, request(CLOSED, caseworker, { resolutionCode: 'Details Passed On' })),
    ).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'TD-12',
    });
    s = record(s, 'record-bank-details', 'Details Received');
    const decision = assertTransition(
      s,
      request(CLOSED, caseworker, { resolutionCode: 'Details Passed On' }),
    );
    expect(decision.effects).toEqual([
      { kind: 'issue-letter', letter: 'CMSL9661', recipient: 'NRP' },
      { kind: 'record-activity-outcome', step: 'cmsl9661', outcome: 'Issued' },
      { kind: 'issue-letter', letter: 'CMSL9662', recipient: 'PWC' },
      { kind: 'record-activity-outcome', step: 'cmsl9662', outcome: 'Issued' },
    ]);
    expect(decideTransition(s, request(CLOSED, caseworker))).toMatchObject({
      reason: 'RESOLUTION_CODE_REQUIRED',
    });
  });

  it('[TD-13] nothing within 14 days: call the receiving parent, then the paying parent', () => {
    const s = waiting();
    const actions = followUpOnWaitExpiry(s, inDays(14));
    expect(actions).toEqual([
      expect.objectContaining({
        kind: 'add-activity-step',
        step: expect.objectContaining({ key: 'call-receiving-parent' }),
      }),
      expect.objectContaining({
        kind: 'add-activity-step',
        step: expect.objectContaining({
          key: 'call-paying-parent-put-aside',
          title: expect.stringContaining('promise to pay schedule'),
        }),
      }),
      expect.objectContaining({
        kind: 'transition',
        transition: 'resume',
        to: IN_PROGRESS,
        requirementIds: ['TD-13', 'TD-4', 'TD-12'],
      }),
    ]);
  });

  it('[TD-13] closes with No Response once both calls are made', () => {
    let s = waiting();
    s = {
      ...s,
      activityPlan: [
        ...s.activityPlan,
        { key: 'call-receiving-parent', outcome: null },
        { key: 'call-paying-parent-put-aside', outcome: null },
      ],
    };
    s = apply(s, request(IN_PROGRESS, system, { now: inDays(14) }));
    s = record(s, 'call-receiving-parent', 'Unsuccessful');
    expect(decideTransition(s, request(CLOSED, caseworker, { resolutionCode: 'No Response' }))).toMatchObject(
      {
        reason: 'ACTIVITY_STEP_INCOMPLETE',
        requirementId: 'TD-13',
      },
    );
    s = record(s, 'call-paying-parent-put-aside', 'Told To Put Payments Aside');
    expect(apply(s, request(CLOSED, caseworker, { resolutionCode: 'No Response' }))).toMatchObject({
      status: 'Closed',
      resolutionCode: 'No Response',
    });
  });
});
