import { addDays, type Actor } from '@cms/domain';
import {
  FOLLOW_UP_ACTOR,
  SR_RULE_REASON_KINDS,
  SR_TYPES,
  decideTransition,
  followUpOnWaitExpiry,
  sameState,
  validateActivityOutcome,
  type Guard,
  type SrRuleReason,
  type SrSnapshot,
  type SrState,
  type SrTypeDefinition,
  type TransitionRequest,
  type WaitExpiryRule,
} from '../src';
import {
  NOW,
  apply,
  caseworker,
  expire,
  inDays,
  record,
  request,
  snapshot,
  system,
  teamLeader,
  withOutcome,
  withTransfer,
} from './fixtures';

/**
 * Issue #13 (procedure fidelity), in the rule table: the Waits the procedures set (SD-9, SD-10,
 * TD-3, TD-11), what a Wait expiry leaves for the caseworker (flags, notes, steps), the returned
 * declaration and the verbal consent before a transfer goes to a team leader (TD-4, TD-9), and
 * issue #18: the one checked path for every activity step outcome.
 */

const IN_PROGRESS = { status: 'In Progress', subStatus: null } as const;
const WAIT = { status: 'Wait', subStatus: null } as const;
const SD_IN_PROGRESS = { status: 'In Progress', subStatus: 'Security Details' } as const;
const SD_WAIT = { status: 'Wait', subStatus: 'Security Details' } as const;
const PENDING = { status: 'Pending Approval', subStatus: 'Pending Approval TL' } as const;
const REJECTED = { status: 'In Progress', subStatus: 'Rejected TL' } as const;
const AWAITING_NEW_CASE = { status: 'In Progress', subStatus: 'Awaiting New Case Caseworker' } as const;
const SECONDS = 1000;

const security = (source: SrSnapshot['source']) => {
  let s = apply(snapshot('SECURITY_DETAILS', { source }), request(IN_PROGRESS, caseworker));
  s = record(s, 'security-details', 'Security Details');
  return apply(s, request(SD_IN_PROGRESS, caseworker));
};
const transfer = (path: string, over: Partial<SrSnapshot> = {}) =>
  apply(snapshot('DATA_TRANSFER', { path, ...over }), request(IN_PROGRESS, caseworker));

interface WaitCase {
  id: string;
  title: string;
  sr: () => SrSnapshot;
  to: SrState;
  days: number;
  actor: Actor;
  now: Date;
  extra: Partial<TransitionRequest>;
}

/** One move before each Wait the procedures set, and the period they set for it. */
const WAITS: WaitCase[] = [
  {
    id: 'SD-9',
    title: 'phone: CMSL9800 sent, Wait',
    sr: () => security('NRP'),
    to: SD_WAIT,
    days: 7,
    actor: caseworker,
    now: NOW,
    extra: { reason: 'Account blocked after three failed checks.' },
  },
  {
    id: 'SD-9',
    title: 'Self Service: CMSL9800 sent, Wait',
    sr: () => security('PWC (Self Service)'),
    to: SD_WAIT,
    days: 7,
    actor: caseworker,
    now: NOW,
    extra: { reason: 'Client asks to give new details in writing.' },
  },
  {
    id: 'SD-10',
    title: 'no form after seven days: CMSL9801, Wait a further',
    sr: () =>
      apply(
        security('NRP'),
        request(SD_WAIT, caseworker, { reason: 'Account blocked.', nextActionDue: inDays(7) }),
      ),
    to: SD_WAIT,
    days: 7,
    actor: system,
    now: inDays(7),
    extra: {},
  },
  {
    id: 'TD-3',
    title: 'contact details: CMSL0405 issued, Wait',
    sr: () => record(transfer('contact-details'), 'confirm-request', 'Confirmed'),
    to: WAIT,
    days: 14,
    actor: caseworker,
    now: NOW,
    extra: {},
  },
  {
    id: 'TD-3',
    title: 'verbal bank details without consent: the CMSL0405 route, Wait',
    sr: () => record(transfer('verbal-bank-details'), 'consent', 'Consent Refused'),
    to: WAIT,
    days: 14,
    actor: caseworker,
    now: NOW,
    extra: {},
  },
  {
    id: 'TD-11',
    title: 'domestic violence: options discussed, Wait for the details',
    sr: () =>
      record(
        record(transfer('domestic-violence'), 'discuss-options', 'Discussed'),
        'cmsl9660',
        'Not Requested',
      ),
    to: WAIT,
    days: 14,
    actor: caseworker,
    now: NOW,
    extra: {},
  },
];

/** The start of the UK calendar day of `d` (the waits here all fall in GMT, so midnight UTC). */
const startOfDay = (d: Date) => new Date(`${d.toISOString().slice(0, 10)}T00:00:00Z`);

describe.each(WAITS)(
  'Waits set by the procedure: [$id] $title',
  ({ id, sr, to, days, actor, now, extra }) => {
    const ask = (nextActionDue?: Date, more: Partial<TransitionRequest> = {}) =>
      decideTransition(sr(), request(to, actor, { ...extra, nextActionDue, now, ...more }));

    it(`[${id}] with no date given, the rules apply the procedure's ${days} days`, () => {
      expect(ask(undefined)).toMatchObject({ allowed: true, next: { nextActionDue: addDays(now, days) } });
    });

    it(`[${id}] the procedure's date given by the caller is taken, at any time of that day`, () => {
      for (const due of [
        addDays(now, days),
        startOfDay(addDays(now, days)),
        addDays(startOfDay(now), days + 0.99),
      ]) {
        expect(ask(due)).toMatchObject({ allowed: true, next: { nextActionDue: due } });
      }
    });

    it.each([
      ['five seconds', 5 * SECONDS],
      ['one day', 24 * 3600 * SECONDS],
      [`${days - 1} days`, (days - 1) * 24 * 3600 * SECONDS],
      ['the day before, late', startOfDay(addDays(now, days)).getTime() - 60 * SECONDS - now.getTime()],
    ])(`[${id}] refuses a shorter Wait (%s), naming ${id}`, (_label, ms) => {
      const refused = ask(new Date(now.getTime() + ms));
      expect(refused).toMatchObject({
        allowed: false,
        reason: 'NEXT_ACTION_DUE_TOO_SOON',
        requirementId: id,
        field: 'nextActionDue',
      });
      expect(SR_RULE_REASON_KINDS['NEXT_ACTION_DUE_TOO_SOON' as SrRuleReason]).toBe('validation');
    });

    it.each([
      ['a day longer', days + 1, undefined],
      ['a day longer, with a reason', days + 1, 'Client is on holiday for a fortnight.'],
      ['a month', 30, 'Client asked for more time.'],
    ])(
      `[${id}] refuses a longer Wait (%s): the procedure sets ${days} days and allows no other`,
      (_label, longer, reason) => {
        const refused = ask(addDays(now, longer), reason ? { reason } : {});
        expect(refused).toMatchObject({
          allowed: false,
          reason: 'NEXT_ACTION_DUE_TOO_LATE',
          requirementId: id,
          field: 'nextActionDue',
        });
      },
    );

    it(`[${id}] still refuses a date in the past`, () => {
      expect(ask(addDays(now, -1))).toMatchObject({ allowed: false, reason: 'NEXT_ACTION_DUE_IN_PAST' });
    });
  },
);

describe('Waits: the table', () => {
  it('[SD-9] [SD-10] [TD-3] [TD-11] every Wait on a path with a procedure period takes that period from the table', () => {
    const found: string[] = [];
    for (const def of Object.values(SR_TYPES)) {
      for (const p of def.paths) {
        for (const t of def.transitions.filter(
          (x) => (!x.paths || x.paths.includes(p.key)) && x.to.status === 'Wait',
        )) {
          const due = t.guards.find((g) => g.kind === 'next-action-due') as
            (Guard & { days?: number }) | undefined;
          expect({ transition: `${def.code} ${p.key} ${t.name}`, days: due?.days ?? null }).toEqual({
            transition: `${def.code} ${p.key} ${t.name}`,
            days: p.waitDays,
          });
          found.push(`${def.code} ${t.name} ${due?.requirementId}`);
        }
      }
    }
    expect(found).toEqual(
      expect.arrayContaining([
        'SECURITY_DETAILS wait SD-9',
        'SECURITY_DETAILS remind SD-10',
        'DATA_TRANSFER request-details TD-3',
        'DATA_TRANSFER wait TD-11',
      ]),
    );
  });

  it('a Wait the procedures give no period for still needs the caller’s date (local policy)', () => {
    let sr = apply(snapshot('PERSONAL_DETAILS_CHANGE', { path: 'name' }), request(IN_PROGRESS, caseworker));
    expect(decideTransition(sr, request(WAIT, caseworker, { reason: 'Evidence asked for.' }))).toMatchObject({
      reason: 'NEXT_ACTION_DUE_REQUIRED',
    });
    sr = apply(sr, request(WAIT, caseworker, { reason: 'Evidence asked for.', nextActionDue: inDays(3) }));
    expect(sr.nextActionDue).toEqual(inDays(3));
  });
});

/** The Wait state and a snapshot in it, expired, matching `rule` on `path`. */
function expiredFor(def: SrTypeDefinition, rule: WaitExpiryRule, path: string): SrSnapshot {
  const wait = def.transitions.find(
    (t) => (!t.paths || t.paths.includes(path)) && t.to.status === 'Wait',
  )!.to;
  let sr = snapshot(def.code, {
    path,
    status: wait.status,
    subStatus: wait.subStatus,
    source:
      def.paths.find((p) => p.key === path)?.sources?.[0] ?? (def.code === 'CIS_CHANGE' ? 'CIS' : 'PWC'),
    nationallySensitive: def.code === 'SENSITIVE_CALL_BACK',
    nextActionDue: inDays(-1),
    activityPlan: def.activityPlan(path).map((s) => ({ key: s.key, outcome: null })),
  });
  if (rule.when?.stepPresent) {
    const tmpl = def.activityPlan(path).find((s) => s.key === rule.when!.stepPresent)!;
    sr = withOutcome(sr, tmpl.key, tmpl.allowedOutcomes[0]);
  }
  return sr;
}

const FOLLOW_UP_RULES = Object.values(SR_TYPES).flatMap((def) =>
  def.followUps.flatMap((rule) =>
    (rule.paths ?? def.paths.map((p) => p.key)).map(
      (path) =>
        [
          `${rule.requirementIds.map((r) => `[${r}]`).join(' ') || '(local policy)'} ${def.code} ${path}: ${rule.description}`,
          def,
          rule,
          path,
        ] as const,
    ),
  ),
);

describe.each(FOLLOW_UP_RULES)('On Wait expiry, as the caseworker sees it: %s', (_title, def, rule, path) => {
  const before = expiredFor(def, rule, path);
  const after = expire(before, NOW);

  it('is in the state the follow-up transition leads to', () => {
    const moves = rule.actions.filter((a) => a.kind === 'transition');
    const last = moves[moves.length - 1];
    const target = last
      ? def.transitions.find((t) => t.name === last.transition && (!t.paths || t.paths.includes(path)))!.to
      : { status: before.status, subStatus: before.subStatus };
    expect({ status: after.status, subStatus: after.subStatus }).toEqual(target);
  });

  it('keeps every flag the expiry raised, also written to the Notes (the resume does not clear it)', () => {
    const flags = rule.actions.flatMap((a) => (a.kind === 'flag-for-caseworker' ? [a.message] : []));
    if (!flags.length) {
      expect(after.flag ?? null).toBeNull();
      return;
    }
    expect(after.flag).toBe(flags[flags.length - 1]);
    expect(after.notes).toEqual(expect.arrayContaining(flags));
  });

  it('keeps every activity step the expiry added', () => {
    for (const a of rule.actions) {
      if (a.kind === 'add-activity-step') {
        expect(after.activityPlan).toContainEqual({ key: a.step, outcome: null });
      }
    }
  });

  it('writes the reason of a follow-up transition that takes one to the Notes', () => {
    for (const a of rule.actions) {
      if (a.kind === 'transition' && a.reason) expect(after.notes).toContain(a.reason);
    }
  });
});

describe('On Wait expiry, per procedure', () => {
  const contactWaiting = () =>
    apply(record(transfer('contact-details'), 'confirm-request', 'Confirmed'), request(WAIT, caseworker));

  it('[TD-3] [TD-4] CMSL0405 not back in 14 days: In Progress, flagged to call the client, the flag also in the Notes', () => {
    const waiting = contactWaiting();
    expect(waiting.nextActionDue).toEqual(inDays(14));
    const after = expire(waiting, inDays(14));
    expect(after).toMatchObject({
      status: 'In Progress',
      subStatus: null,
      nextActionDue: null,
      flag: expect.stringMatching(/^CMSL0405 not returned within 14 days: call the client/),
    });
    expect(after.notes).toContain(after.flag);
    // CMSL0405 may be sent again (TD-4): the flag stays until the caseworker's next move.
    const again = decideTransition(
      record(after, 'confirm-request', 'Confirmed'),
      request(WAIT, caseworker, { now: inDays(14) }),
    );
    expect(again).toMatchObject({ allowed: true, next: { flag: null } });
  });

  it('[TD-3] the follow-up resume itself carries the flag it raised', () => {
    const [flag, resume] = followUpOnWaitExpiry(contactWaiting(), inDays(14));
    expect(flag).toMatchObject({ kind: 'flag-for-caseworker' });
    expect(resume).toMatchObject({
      kind: 'transition',
      transition: 'resume',
      flag: (flag as { message: string }).message,
    });
    const decision = decideTransition(
      contactWaiting(),
      request(IN_PROGRESS, FOLLOW_UP_ACTOR, { now: inDays(14), flag: (flag as { message: string }).message }),
    );
    expect(decision).toMatchObject({ allowed: true, next: { flag: (flag as { message: string }).message } });
  });

  it('[TD-13] nothing within 14 days: the calls to both parents are on the plan, In Progress', () => {
    let s = record(transfer('domestic-violence'), 'discuss-options', 'Discussed');
    s = record(s, 'cmsl9660', 'Not Requested');
    s = apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    const after = expire(s, inDays(14));
    expect(after).toMatchObject({ status: 'In Progress', nextActionDue: null });
    expect(after.activityPlan.map((x) => x.key)).toEqual(
      expect.arrayContaining(['call-receiving-parent', 'call-paying-parent-put-aside']),
    );
    // The caseworker records the calls and closes with No Response (TD-13).
    let closed = record(after, 'call-receiving-parent', 'Unsuccessful');
    closed = record(closed, 'call-paying-parent-put-aside', 'Told To Put Payments Aside');
    expect(
      apply(
        closed,
        request({ status: 'Closed', subStatus: 'Complete' }, caseworker, {
          resolutionCode: 'No Response',
          now: inDays(14),
        }),
      ),
    ).toMatchObject({ status: 'Closed', resolutionCode: 'No Response' });
  });

  it('[SD-10] [SD-12] first expiry: CMSL9801 and seven more days; second: rejected, the reason in the Notes', () => {
    const waiting = apply(
      security('NRP'),
      request(SD_WAIT, caseworker, { reason: 'Account blocked.', nextActionDue: inDays(7) }),
    );
    const reminded = expire(waiting, inDays(7));
    expect(reminded).toMatchObject({ ...SD_WAIT, nextActionDue: inDays(14), flag: null });
    expect(reminded.activityPlan).toContainEqual({ key: 'cmsl9801', outcome: 'Issued' });
    const rejected = expire(reminded, inDays(14));
    expect(rejected).toMatchObject({ status: 'Closed', resolutionCode: 'CoC Rejected' });
    expect(rejected.activityPlan).toContainEqual({ key: 'information-received', outcome: 'No Response' });
    expect(rejected.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/No response from the client/)]),
    );
  });

  it('[RD-4] a sensitive call back comes back In Progress flagged to call again', () => {
    const sr = snapshot('SENSITIVE_CALL_BACK', {
      status: 'Wait',
      nextActionDue: inDays(-1),
      nationallySensitive: true,
    });
    expect(expire(sr, NOW)).toMatchObject({
      status: 'In Progress',
      flag: expect.stringContaining('Call the client back again'),
      notes: [expect.stringContaining('Call the client back again')],
    });
  });

  it('a caseworker’s move answers the flag: it clears', () => {
    const after = expire(contactWaiting(), inDays(14));
    const cancelled = decideTransition(
      after,
      request({ status: 'Cancelled', subStatus: null }, caseworker, {
        resolutionCode: 'Withdrawn',
        reason: 'Client no longer wants to pass on her details.',
        now: inDays(14),
      }),
    );
    expect(cancelled).toMatchObject({ allowed: true, next: { flag: null } });
  });
});

describe('[TD-4] the returned declaration and the items, before the team leader', () => {
  /** Contact details route: the form back, checked, bank details checked (steps 1–6). */
  function contactReady(): SrSnapshot {
    let s = record(transfer('contact-details'), 'confirm-request', 'Confirmed');
    s = apply(s, request(WAIT, caseworker, { nextActionDue: inDays(14) }));
    s = apply(s, request(IN_PROGRESS, caseworker));
    s = record(s, 'form-checked', 'Complete And Signed');
    return record(s, 'bank-details-checked', 'Bank Wizard Passed');
  }

  it.each([
    ['unsigned', { items: ['mobile', 'bankDetails'], declarationSigned: false }, 'DECLARATION_NOT_SIGNED'],
    ['left out', { items: ['mobile', 'bankDetails'], declarationSigned: null }, 'DECLARATION_NOT_SIGNED'],
    ['signed, but no items entered', { items: [], declarationSigned: true }, 'TRANSFER_ITEMS_MISSING'],
  ] as const)(
    '[TD-4] refuses submission when the stored declaration is %s, though the step says Complete And Signed',
    (_label, stored, reason) => {
      const decision = decideTransition(withTransfer(contactReady(), stored), request(PENDING, caseworker));
      expect(decision).toMatchObject({ allowed: false, reason, requirementId: 'TD-4' });
      expect(SR_RULE_REASON_KINDS[reason as SrRuleReason]).toBe('precondition');
    },
  );

  it('[TD-4] refuses submission when no items were entered at all', () => {
    expect(decideTransition(contactReady(), request(PENDING, caseworker))).toMatchObject({
      allowed: false,
      reason: 'TRANSFER_ITEMS_MISSING',
      requirementId: 'TD-4',
    });
  });

  it('[TD-4] [TD-8] the same holds when resubmitting after a rejection', () => {
    let s = apply(withTransfer(contactReady(), { declarationSigned: true }), request(PENDING, caseworker));
    s = apply(s, request(REJECTED, teamLeader, { reason: 'Declaration not signed on the form.' }));
    expect(
      decideTransition(withTransfer(s, { declarationSigned: false }), request(PENDING, caseworker)),
    ).toMatchObject({
      reason: 'DECLARATION_NOT_SIGNED',
      requirementId: 'TD-4',
    });
    expect(decideTransition(s, request(PENDING, caseworker))).toMatchObject({ allowed: true });
  });

  it('[TD-4] goes to the team leader with the declaration signed and the items entered', () => {
    expect(
      decideTransition(
        withTransfer(contactReady(), { declarationSigned: true }),
        request(PENDING, caseworker),
      ),
    ).toMatchObject({ allowed: true, transition: 'submit-for-approval' });
  });

  it('[TD-11] domestic violence needs no declaration', () => {
    const dv = SR_TYPES.DATA_TRANSFER.transitions.filter((t) => t.paths?.includes('domestic-violence'));
    expect(dv.flatMap((t) => t.guards.map((g) => g.kind))).not.toContain('declaration-signed');
  });
});

describe('[TD-9] the verbal route: the Notes record the request and the accepted consent statement', () => {
  const consentNote = () => {
    const d = validateActivityOutcome(transfer('verbal-bank-details'), 'consent', 'Consent Given', {
      actor: caseworker,
    });
    return d.allowed ? (d as { note?: string | null }).note : undefined;
  };

  /** Consent given (the note written), bank details entered and checked, the paying parent called. */
  function verbalReady(over: Partial<SrSnapshot> = {}): SrSnapshot {
    let s = record(transfer('verbal-bank-details', over), 'consent', 'Consent Given');
    s = withTransfer(s, { items: ['bankDetails'], consentAccepted: true });
    s = record(s, 'bank-details-checked', 'Bank Wizard Passed');
    return record(s, 'call-paying-parent', 'Paying Parent Told');
  }

  it('[TD-9] recording Consent Given writes the request and the accepted verbatim statement to the Notes', () => {
    expect(consentNote()).toEqual(expect.stringMatching(/bank details/));
    expect(consentNote()).toEqual(expect.stringMatching(/verbatim consent statement .*accepted/i));
    const refused = validateActivityOutcome(transfer('verbal-bank-details'), 'consent', 'Consent Refused', {
      actor: caseworker,
    });
    expect(refused).toMatchObject({ allowed: true, note: null });
  });

  it('[TD-9] refuses submission to the team leader until the Notes hold it', () => {
    const withoutNote = { ...verbalReady(), notes: [] };
    expect(decideTransition(withoutNote, request(PENDING, caseworker))).toMatchObject({
      allowed: false,
      reason: 'NOTE_NOT_RECORDED',
      requirementId: 'TD-9',
    });
    expect(decideTransition(verbalReady(), request(PENDING, caseworker))).toMatchObject({
      allowed: true,
      transition: 'submit-for-approval',
    });
    expect(verbalReady().notes).toEqual([consentNote()]);
  });

  it('[TD-9] refuses submission while the stored consent is not accepted', () => {
    expect(
      decideTransition(
        withTransfer(verbalReady(), { items: ['bankDetails'], consentAccepted: null }),
        request(PENDING, caseworker),
      ),
    ).toMatchObject({ allowed: false, reason: 'CONSENT_NOT_RECORDED', requirementId: 'TD-9' });
  });

  it('[TD-9] [TD-10] at application stage the hand-over needs the consent note too', () => {
    const s = verbalReady({ stage: 'application' });
    expect(decideTransition({ ...s, notes: [] }, request(AWAITING_NEW_CASE, caseworker))).toMatchObject({
      reason: 'NOTE_NOT_RECORDED',
      requirementId: 'TD-9',
    });
    expect(decideTransition(s, request(AWAITING_NEW_CASE, caseworker))).toMatchObject({ allowed: true });
  });
});

describe('Issue #18: every activity step outcome through the one checked path', () => {
  const started = () =>
    apply(snapshot('SECURITY_DETAILS', { source: 'NRP' }), request(IN_PROGRESS, caseworker));
  const open = () => snapshot('SECURITY_DETAILS', { source: 'NRP' });
  type Origin = 'caseworker' | 'procedure' | 'transition';
  const check = (sr: SrSnapshot, key: string, outcome: string, origin: Origin, actor: Actor = caseworker) =>
    validateActivityOutcome(sr, key, outcome, { actor, origin } as never);

  it.each([
    ['[SD-11] the TAM account check', 'tam-account-check', 'Unblocked'],
    ['[SD-14] the security details update', 'update-security-details', 'Updated'],
    ['[SD-15] a representative added or removed', 'client-representative', 'Representative Added'],
  ])('%s, recorded as the procedure runs, adds the step when the plan has none yet', (_t, key, outcome) => {
    expect(check(open(), key, outcome, 'procedure')).toMatchObject({ allowed: true, addStep: true });
    expect(check(started(), key, outcome, 'procedure')).toMatchObject({ allowed: true, addStep: false });
    expect(check(open(), key, outcome, 'caseworker')).toMatchObject({
      allowed: false,
      reason: 'UNKNOWN_ACTIVITY_STEP',
    });
  });

  it('[SD-11] an outcome the step does not list is refused on every path', () => {
    for (const origin of ['caseworker', 'procedure', 'transition'] as const) {
      expect(check(started(), 'tam-account-check', 'Maybe Blocked', origin)).toMatchObject({
        allowed: false,
        reason: 'OUTCOME_NOT_ALLOWED',
      });
    }
  });

  it('[TD-5] a step the SR type does not have is refused on every path', () => {
    for (const origin of ['caseworker', 'procedure', 'transition'] as const) {
      expect(check(started(), 'bank-details-checked', 'Bank Wizard Passed', origin)).toMatchObject({
        allowed: false,
        reason: 'UNKNOWN_ACTIVITY_STEP',
      });
    }
  });

  it('[TD-8] [X-1] the procedure path is refused on a closed or read-only SR, and without sensitive access', () => {
    expect(
      check(
        { ...started(), status: 'Closed', subStatus: 'Complete' },
        'tam-account-check',
        'Unblocked',
        'procedure',
      ),
    ).toMatchObject({
      reason: 'SR_CLOSED',
    });
    expect(
      check({ ...started(), readOnly: true }, 'tam-account-check', 'Unblocked', 'procedure'),
    ).toMatchObject({
      reason: 'SR_READ_ONLY',
    });
    expect(
      check({ ...started(), nationallySensitive: true }, 'tam-account-check', 'Unblocked', 'procedure'),
    ).toMatchObject({
      reason: 'SENSITIVE_ACCESS_REQUIRED',
    });
  });

  it('[SD-9] [SD-12] a transition’s own outcomes (letter steps, No Response) pass, even on the SR the move closed', () => {
    expect(check(started(), 'cmsl9800', 'Issued', 'caseworker')).toMatchObject({
      reason: 'ROLE_NOT_ALLOWED',
    });
    expect(check(started(), 'cmsl9800', 'Issued', 'procedure')).toMatchObject({ reason: 'ROLE_NOT_ALLOWED' });
    expect(check(started(), 'cmsl9800', 'Issued', 'transition')).toMatchObject({ allowed: true });
    const closed = { ...started(), status: 'Closed' as const, subStatus: 'Complete' as const };
    expect(check(closed, 'information-received', 'No Response', 'transition', FOLLOW_UP_ACTOR)).toMatchObject(
      {
        allowed: true,
      },
    );
  });

  it('[SD-16] the confirmation the accept transition records is one of the step’s outcomes', () => {
    for (const outcome of ['SMS Sent', 'CMSL9802 Issued', 'Not Required']) {
      expect(check(started(), 'confirm-update', outcome, 'transition')).toMatchObject({ allowed: true });
    }
  });

  it('every outcome a transition records is one the table lets that path record', () => {
    for (const def of Object.values(SR_TYPES)) {
      for (const p of def.paths) {
        for (const t of def.transitions.filter((x) => !x.paths || x.paths.includes(p.key))) {
          let path = p.key;
          for (const e of t.effects) {
            if (e.kind === 'set-path') path = e.path;
            if (e.kind !== 'record-activity-outcome') continue;
            const sr = snapshot(def.code, { path, status: 'In Progress' });
            expect([def.code, t.name, check(sr, e.step, e.outcome, 'transition', system).allowed]).toEqual([
              def.code,
              t.name,
              true,
            ]);
          }
        }
      }
    }
    expect(sameState(IN_PROGRESS, IN_PROGRESS)).toBe(true);
  });
});
