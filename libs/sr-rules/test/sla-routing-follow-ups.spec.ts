import { DomainError, SR_STATUSES, SR_TYPE_CODES, type SrTypeCode } from '@cms/domain';
import {
  QUEUE_NAMES,
  ROUTING_RULES,
  SR_RULE_REASONS,
  SR_RULE_REASON_KINDS,
  SR_TYPES,
  SrRuleError,
  activityPlanFor,
  allowedTransitions,
  assertActivityOutcome,
  assertTransition,
  followUpOnWaitExpiry,
  isEditable,
  routeToQueue,
  slaFor,
  validateActivityOutcome,
  type QueueName,
  type RoutingContext,
  type SlaState,
  type SrSnapshot,
} from '../src';
import { NOW, T0, caseworker, inDays, request, snapshot, system } from './fixtures';

const HOUR = 3600_000;

describe('slaFor', () => {
  const cases: [string, SrSnapshot, Date, { dueAt: Date | null; state: SlaState; basis: string }][] = [
    [
      '[SD-5] Self Service, Open, 1 hour old',
      snapshot('SECURITY_DETAILS', { source: 'NRP (Self Service)' }),
      new Date(T0.getTime() + HOUR),
      { dueAt: new Date(T0.getTime() + 24 * HOUR), state: 'on time', basis: 'self-service' },
    ],
    [
      '[SD-5] Self Service, Open, 18 hours old (exactly 25% left)',
      snapshot('SECURITY_DETAILS', { source: 'NRP (Self Service)' }),
      new Date(T0.getTime() + 18 * HOUR),
      { dueAt: new Date(T0.getTime() + 24 * HOUR), state: 'due soon', basis: 'self-service' },
    ],
    [
      '[SD-5] Self Service, Open, 24 hours and a minute old',
      snapshot('SECURITY_DETAILS', { source: 'PWC (Self Service)' }),
      new Date(T0.getTime() + 24 * HOUR + 60_000),
      { dueAt: new Date(T0.getTime() + 24 * HOUR), state: 'breached', basis: 'self-service' },
    ],
    [
      '[SD-5] Self Service once In Progress: actioned, local policy from then on',
      snapshot('SECURITY_DETAILS', { source: 'PWC (Self Service)', status: 'In Progress' }),
      new Date(T0.getTime() + 30 * HOUR),
      { dueAt: inDays(5, T0), state: 'on time', basis: 'local-policy' },
    ],
    [
      '[SD-9] Wait: due at the next action due date, 7-day window',
      snapshot('SECURITY_DETAILS', {
        status: 'Wait',
        subStatus: 'Security Details',
        nextActionDue: inDays(7),
      }),
      NOW,
      { dueAt: inDays(7), state: 'on time', basis: 'wait' },
    ],
    [
      '[SD-9] Wait with a day left of seven',
      snapshot('SECURITY_DETAILS', {
        status: 'Wait',
        subStatus: 'Security Details',
        nextActionDue: inDays(1),
      }),
      NOW,
      { dueAt: inDays(1), state: 'due soon', basis: 'wait' },
    ],
    [
      '[TD-3] Wait with 4 days left of 14',
      snapshot('DATA_TRANSFER', { path: 'contact-details', status: 'Wait', nextActionDue: inDays(4) }),
      NOW,
      { dueAt: inDays(4), state: 'on time', basis: 'wait' },
    ],
    [
      '[TD-3] Wait passed',
      snapshot('DATA_TRANSFER', { path: 'contact-details', status: 'Wait', nextActionDue: inDays(-1) }),
      NOW,
      { dueAt: inDays(-1), state: 'breached', basis: 'wait' },
    ],
    [
      'local policy: CIS change, 5 days',
      snapshot('CIS_CHANGE', { source: 'CIS' }),
      inDays(4.5, T0),
      { dueAt: inDays(5, T0), state: 'due soon', basis: 'local-policy' },
    ],
    [
      'local policy: nationally sensitive update, 1 day',
      snapshot('NATIONALLY_SENSITIVE_UPDATE', { source: 'CIS' }),
      inDays(2, T0),
      { dueAt: inDays(1, T0), state: 'breached', basis: 'local-policy' },
    ],
    [
      'closed: none',
      snapshot('CIS_CHANGE', { status: 'Closed', subStatus: 'Complete' }),
      NOW,
      { dueAt: null, state: 'none', basis: 'none' },
    ],
    [
      'cancelled: none',
      snapshot('DATA_TRANSFER', { status: 'Cancelled' }),
      NOW,
      { dueAt: null, state: 'none', basis: 'none' },
    ],
  ];

  it.each(cases)('%s', (_name, sr, now, expected) => {
    expect(slaFor(sr, now)).toMatchObject(expected);
  });

  it('documents a default for every type (local policy where the procedures are silent)', () => {
    for (const def of Object.values(SR_TYPES)) {
      expect(def.sla.defaultDays).toBeGreaterThan(0);
      expect(def.sla.note).toMatch(/local policy|SD-5/);
    }
  });
});

describe('routeToQueue', () => {
  const cases: [string, SrTypeCode, RoutingContext, QueueName][] = [
    [
      '[BR-7] nationally sensitive update',
      'NATIONALLY_SENSITIVE_UPDATE',
      { nationallySensitive: false },
      'sensitive-case-team',
    ],
    [
      '[RD-4] sensitive call back',
      'SENSITIVE_CALL_BACK',
      { nationallySensitive: false },
      'sensitive-case-team',
    ],
    [
      '[BR-7] CIS change on a sensitive case',
      'CIS_CHANGE',
      { nationallySensitive: true },
      'sensitive-case-team',
    ],
    ['[BR-7] CIS change', 'CIS_CHANGE', { nationallySensitive: false }, 'cis-changes'],
    [
      '[BR-7] security details on a sensitive case, Self Service',
      'SECURITY_DETAILS',
      { nationallySensitive: true, source: 'PWC (Self Service)' },
      'sensitive-case-team',
    ],
    [
      '[SD-5] Self Service security details',
      'SECURITY_DETAILS',
      { nationallySensitive: false, source: 'PWC (Self Service)' },
      'self-service',
    ],
    [
      '[SD-4] security details by phone',
      'SECURITY_DETAILS',
      { nationallySensitive: false, source: 'PWC' },
      'security-details',
    ],
    [
      '[SU-4] personal details change',
      'PERSONAL_DETAILS_CHANGE',
      { nationallySensitive: false },
      'change-of-circumstances',
    ],
    [
      '[TD-2] data transfer',
      'DATA_TRANSFER',
      { nationallySensitive: false, subStatus: null },
      'correspondence',
    ],
    [
      '[TD-6] data transfer pending TL approval',
      'DATA_TRANSFER',
      { nationallySensitive: false, subStatus: 'Pending Approval TL' },
      'team-leader-approvals',
    ],
    [
      '[TD-10] awaiting the new case caseworker',
      'DATA_TRANSFER',
      { nationallySensitive: false, subStatus: 'Awaiting New Case Caseworker' },
      'new-case',
    ],
  ];
  it.each(cases)('%s', (_name, type, ctx, queue) => {
    expect(routeToQueue(type, ctx)).toBe(queue);
  });

  it('routes every type somewhere, and each rule to a known queue', () => {
    for (const type of SR_TYPE_CODES)
      expect(QUEUE_NAMES).toContain(routeToQueue(type, { nationallySensitive: false }));
    for (const rule of ROUTING_RULES) expect(QUEUE_NAMES).toContain(rule.queue);
  });
});

describe('followUpOnWaitExpiry', () => {
  it('does nothing outside Wait or before the next action due date', () => {
    expect(followUpOnWaitExpiry(snapshot('SECURITY_DETAILS', { status: 'In Progress' }), NOW)).toEqual([]);
    const waiting = snapshot('SECURITY_DETAILS', {
      status: 'Wait',
      subStatus: 'Security Details',
      nextActionDue: inDays(1),
    });
    expect(followUpOnWaitExpiry(waiting, NOW)).toEqual([]);
    expect(followUpOnWaitExpiry({ ...waiting, nextActionDue: null }, inDays(30))).toEqual([]);
  });

  it('[RD-4] a sensitive call back flags another call and returns to In Progress', () => {
    const sr = snapshot('SENSITIVE_CALL_BACK', {
      status: 'Wait',
      nextActionDue: inDays(-1),
      nationallySensitive: true,
    });
    expect(followUpOnWaitExpiry(sr, NOW)).toEqual([
      expect.objectContaining({ kind: 'flag-for-caseworker' }),
      expect.objectContaining({
        kind: 'transition',
        transition: 'resume',
        to: { status: 'In Progress', subStatus: null },
      }),
    ]);
  });

  it('a personal details change flags the missing evidence and returns to In Progress', () => {
    const sr = snapshot('PERSONAL_DETAILS_CHANGE', {
      path: 'name',
      status: 'Wait',
      nextActionDue: inDays(-1),
    });
    expect(followUpOnWaitExpiry(sr, NOW).map((a) => a.kind)).toEqual(['flag-for-caseworker', 'transition']);
  });

  it('flags instead of a transition the table would refuse', () => {
    // A read-only SR cannot be reminded: the refusal is carried to the caseworker, never swallowed.
    const sr = snapshot('SECURITY_DETAILS', {
      status: 'Wait',
      subStatus: 'Security Details',
      nextActionDue: inDays(-1),
      readOnly: true,
    });
    expect(followUpOnWaitExpiry(sr, NOW)).toEqual([
      expect.objectContaining({ kind: 'flag-for-caseworker', message: expect.stringContaining('read-only') }),
    ]);
  });
});

describe('errors and the rest of the API', () => {
  it('maps every refusal reason to a DomainError kind', () => {
    for (const reason of SR_RULE_REASONS) expect(SR_RULE_REASON_KINDS[reason]).toBeDefined();
    expect(SR_RULE_REASON_KINDS.SENSITIVE_ACCESS_REQUIRED).toBe('insufficient-access');
    expect(SR_RULE_REASON_KINDS.ROLE_NOT_ALLOWED).toBe('forbidden');
    expect(SR_RULE_REASON_KINDS.APPROVER_IS_SUBMITTER).toBe('forbidden');
    expect(SR_RULE_REASON_KINDS.NO_SUCH_TRANSITION).toBe('precondition');
    expect(SR_RULE_REASON_KINDS.REASON_REQUIRED).toBe('validation');
  });

  it('assertTransition throws SrRuleError, a DomainError listing the allowed next states', () => {
    const sr = snapshot('SECURITY_DETAILS');
    let caught: unknown;
    try {
      assertTransition(sr, request({ status: 'Closed', subStatus: 'Complete' }, caseworker));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(SrRuleError);
    expect(caught).toBeInstanceOf(DomainError);
    const err = caught as SrRuleError;
    expect(err).toMatchObject({
      code: 'NO_SUCH_TRANSITION',
      reason: 'NO_SUCH_TRANSITION',
      kind: 'precondition',
    });
    expect(err.message).toContain('Allowed next: In Progress (start); Cancelled (cancel)');
    expect(err.options.extra).toEqual({
      allowedNext: [
        { status: 'In Progress', subStatus: null },
        { status: 'Cancelled', subStatus: null },
      ],
    });
  });

  it('validation refusals carry the field at fault as a FieldProblem', () => {
    const sr = snapshot('CIS_CHANGE', { source: 'CIS' });
    try {
      assertTransition(
        sr,
        request({ status: 'Closed', subStatus: 'Complete' }, caseworker, {
          resolutionCode: 'No Change Required',
        }),
      );
    } catch (e) {
      expect(e).toMatchObject({ code: 'REASON_REQUIRED', kind: 'validation', requirementId: 'BR-9' });
      expect((e as SrRuleError).errors).toEqual([
        expect.objectContaining({ field: 'reason', rule: 'reason-required', requirementId: 'BR-9' }),
      ]);
    }
    expect.assertions(2);
  });

  it('assertActivityOutcome throws for an unknown step, and returns the template otherwise', () => {
    const sr = snapshot('SECURITY_DETAILS', {
      status: 'In Progress',
      activityPlan: activityPlanFor('SECURITY_DETAILS', 'phone').map((s) => ({ key: s.key, outcome: null })),
    });
    expect(() => assertActivityOutcome(sr, 'nope', 'x')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_ACTIVITY_STEP' }),
    );
    expect(assertActivityOutcome(sr, 'security-details', 'Security Details')).toMatchObject({
      requirementIds: ['SD-8'],
    });
    expect(
      validateActivityOutcome(
        { ...sr, status: 'Closed', subStatus: 'Complete' },
        'security-details',
        'Security Details',
      ),
    ).toMatchObject({
      reason: 'SR_CLOSED',
    });
    expect(
      validateActivityOutcome({ ...sr, readOnly: true }, 'security-details', 'Security Details'),
    ).toMatchObject({
      reason: 'SR_READ_ONLY',
    });
    expect(
      validateActivityOutcome({ ...sr, activityPlan: [] }, 'security-details', 'Security Details'),
    ).toMatchObject({
      reason: 'UNKNOWN_ACTIVITY_STEP',
    });
  });

  it('activityPlanFor lists each step with key, title, outcomes and requirement IDs', () => {
    for (const def of Object.values(SR_TYPES)) {
      for (const p of def.paths) {
        const plan = activityPlanFor(def.code, p.key);
        expect(plan.length).toBeGreaterThan(0);
        for (const step of plan) {
          expect(step).toEqual(
            expect.objectContaining({
              key: expect.any(String),
              title: expect.any(String),
              allowedOutcomes: expect.any(Array),
            }),
          );
          expect(step.allowedOutcomes.length).toBeGreaterThan(0);
        }
      }
    }
    expect(activityPlanFor('SECURITY_DETAILS', 'nope')).toEqual([]);
  });

  it('isEditable is false only when read-only or final', () => {
    for (const status of SR_STATUSES) {
      expect(isEditable({ status, readOnly: false })).toBe(status !== 'Closed' && status !== 'Cancelled');
      expect(isEditable({ status, readOnly: true })).toBe(false);
    }
  });

  it('allowedTransitions hides moves a guard on the SR or actor refuses, and checks expiry when given now', () => {
    const waiting = snapshot('SECURITY_DETAILS', {
      status: 'Wait',
      subStatus: 'Security Details',
      nextActionDue: inDays(-1),
      activityPlan: [{ key: 'cmsl9800', outcome: 'Issued' }],
    });
    expect(allowedTransitions(waiting, system, NOW).map((t) => t.transition)).toEqual(['remind']);
    expect(allowedTransitions({ ...waiting, nextActionDue: inDays(3) }, system, NOW)).toEqual([]);
    expect(allowedTransitions(waiting, caseworker, NOW).map((t) => t.transition)).toEqual([
      'remind',
      'cancel',
    ]);
    expect(allowedTransitions({ ...waiting, nationallySensitive: true }, caseworker, NOW)).toEqual([]);
    expect(
      allowedTransitions({ ...waiting, status: 'Closed', subStatus: 'Complete' }, caseworker, NOW),
    ).toEqual([]);
  });
});
