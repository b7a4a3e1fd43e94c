import { ROLES, SR_STATUSES, SR_SUB_STATUSES, isFinalSrStatus, type Actor, type Role } from '@cms/domain';
import {
  SR_TYPES,
  checkRuleTable,
  decideTransition,
  sameState,
  type Guard,
  type SrRuleReason,
  type SrState,
  type SrTypeDefinition,
  type TransitionDef,
} from '../src';
import { checkDefinition } from '../src/table-check';
import { transitionsFrom } from '../src/table';
import {
  everyState,
  everyTransition,
  everyone,
  inDays,
  request,
  satisfying,
  snapshot,
  stepTemplates,
  withOutcome,
  withoutStep,
} from './fixtures';

/**
 * STYLE.md point 2: every SR type × path × state it uses × every target state. Exactly the table's
 * transitions are allowed (with their guards satisfied); every other move is refused, even for an
 * actor with every role and a request carrying every field.
 */
describe('the rule table is sound', () => {
  it('has no inconsistencies (states, steps, outcomes, ambiguity, reachability)', () => {
    expect(checkRuleTable()).toEqual([]);
  });

  it('reports a broken definition', () => {
    const def = SR_TYPES.SECURITY_DETAILS;
    const broken = {
      ...def,
      transitions: [
        ...def.transitions,
        {
          ...def.transitions[0],
          name: 'bogus',
          to: { status: 'Pending Approval', subStatus: null },
        } as TransitionDef,
        {
          ...def.transitions[2],
          name: 'wait-2',
          guards: def.transitions[2].guards.filter((g) => g.kind !== 'next-action-due'),
        },
      ],
    };
    const problems = checkDefinition(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('bogus goes to unknown state Pending Approval'),
        expect.stringContaining('wait-2 goes to Wait without next-action-due'),
        expect.stringContaining('ambiguous transitions wait/wait-2'),
      ]),
    );
  });
});

describe.each(everyState())('%s (%s) from %s', (_code, path, _label, def, from) => {
  const stateDef = def.states.find((s) => sameState(s, from))!;
  const outgoing = transitionsFrom(def, path, from);

  it.each(
    def.states.map((to) => [to.subStatus ? `${to.status} / ${to.subStatus}` : to.status, { ...to }] as const),
  )('→ %s', (_toLabel, to: SrState) => {
    const expected = outgoing.filter((t) => sameState(t.to, to));
    if (expected.length === 0) {
      const sr = snapshot(def.code, {
        path,
        status: from.status,
        subStatus: from.subStatus,
        readOnly: stateDef.readOnly ?? false,
        nextActionDue: from.status === 'Wait' ? inDays(-1) : null,
        submittedForApprovalBy: 'someone-else',
      });
      const decision = decideTransition(
        sr,
        request(to, everyone, { resolutionCode: 'CofC Accepted', nextActionDue: inDays(7), reason: 'x' }),
      );
      const reason: SrRuleReason = isFinalSrStatus(from.status)
        ? 'SR_CLOSED'
        : stateDef.readOnly
          ? 'SR_READ_ONLY'
          : 'NO_SUCH_TRANSITION';
      expect(decision).toMatchObject({ allowed: false, reason });
      if (reason === 'NO_SUCH_TRANSITION') {
        expect(decision.allowed === false && decision.allowedNext).toEqual([
          ...new Map(outgoing.map((t) => [`${t.to.status}|${t.to.subStatus}`, t.to])).values(),
        ]);
      }
      return;
    }
    for (const t of expected) {
      const { sr, req } = satisfying(def, path, t, from);
      const decision = decideTransition(sr, req);
      expect(decision).toMatchObject({
        allowed: true,
        transition: t.name,
        next: { status: to.status, subStatus: to.subStatus },
        requirementIds: [...t.requirementIds],
      });
    }
  });

  it('refuses every Status / Sub Status the type never uses', () => {
    const foreign = SR_STATUSES.flatMap((status) =>
      [null, ...SR_SUB_STATUSES].map((subStatus) => ({ status, subStatus })),
    ).filter((s) => !def.states.some((d) => sameState(d, s)));
    const sr = snapshot(def.code, {
      path,
      status: from.status,
      subStatus: from.subStatus,
      readOnly: !!stateDef.readOnly,
    });
    for (const to of foreign) {
      const decision = decideTransition(sr, request(to, everyone, { resolutionCode: null, reason: 'x' }));
      expect(decision.allowed).toBe(false);
      expect(decision.allowed === false && decision.reason).toBe(
        isFinalSrStatus(from.status)
          ? 'SR_CLOSED'
          : stateDef.readOnly
            ? 'SR_READ_ONLY'
            : 'NO_SUCH_TRANSITION',
      );
    }
  });
});

/** How to break one guard, and the reason the rules must then give. */
function breakGuard(
  g: Guard,
  base: ReturnType<typeof satisfying>,
  def: SrTypeDefinition,
  path: string,
): { sr: typeof base.sr; req: typeof base.req; reason: SrRuleReason } | null {
  const { sr, req } = base;
  switch (g.kind) {
    case 'role': {
      const others = ROLES.filter((r) => !g.anyOf.includes(r));
      return others.length
        ? { sr, req: { ...req, actor: { id: 'x', roles: others } }, reason: 'ROLE_NOT_ALLOWED' }
        : null;
    }
    case 'sensitive-access': {
      const roles = req.actor.roles.filter((r: Role) => r !== 'sensitive-access' && r !== 'system');
      if (roles.length === 0) {
        // Only the sensitive case team may act anyway: an ordinary caseworker is refused for access first.
        const actor: Actor = { id: 'x', roles: ['caseworker'] };
        return {
          sr: { ...sr, nationallySensitive: true },
          req: { ...req, actor },
          reason: 'SENSITIVE_ACCESS_REQUIRED',
        };
      }
      return {
        sr: { ...sr, nationallySensitive: true },
        req: { ...req, actor: { ...req.actor, roles } },
        reason: 'SENSITIVE_ACCESS_REQUIRED',
      };
    }
    case 'not-read-only':
      return { sr: { ...sr, readOnly: true }, req, reason: 'SR_READ_ONLY' };
    case 'approver-not-submitter':
      return { sr: { ...sr, submittedForApprovalBy: req.actor.id }, req, reason: 'APPROVER_IS_SUBMITTER' };
    case 'case-linked':
      return { sr: { ...sr, caseLinked: false }, req, reason: 'CASE_NOT_LINKED' };
    case 'subject-recorded':
      return { sr: { ...sr, subjectRecorded: undefined }, req, reason: 'SUBJECT_NOT_RECORDED' };
    case 'stage-in':
      return { sr: { ...sr, stage: 'maintenance' }, req, reason: 'STAGE_NOT_ALLOWED' };
    case 'stage-not-in':
      return { sr: { ...sr, stage: g.stages[0] }, req, reason: 'STAGE_NOT_ALLOWED' };
    case 'wait-expired':
      return { sr: { ...sr, nextActionDue: inDays(1) }, req, reason: 'WAIT_NOT_EXPIRED' };
    case 'step-outcome': {
      // A wrong outcome where the step has one, so that only this guard fails; else no outcome at all.
      const wrong = stepTemplates(def, path)
        .find((s) => s.key === g.step)
        ?.allowedOutcomes.find((o) => g.oneOf && !g.oneOf.includes(o));
      return {
        sr: wrong ? withOutcome(sr, g.step, wrong) : withoutStep(sr, g.step),
        req,
        reason: 'ACTIVITY_STEP_INCOMPLETE',
      };
    }
    case 'step-outcome-absent':
      return { sr: withOutcome(sr, g.step, 'Issued'), req, reason: 'ACTIVITY_STEP_ALREADY_DONE' };
    case 'validations-complete': {
      const first = sr.activityPlan[0];
      return first ? { sr: withOutcome(sr, first.key, null), req, reason: 'ACTIVITY_STEP_INCOMPLETE' } : null;
    }
    case 'transfer-items-entered':
      return { sr: { ...sr, transfer: null }, req, reason: 'TRANSFER_ITEMS_MISSING' };
    case 'declaration-signed':
      return {
        sr: { ...sr, transfer: sr.transfer && { ...sr.transfer, declarationSigned: false } },
        req,
        reason: 'DECLARATION_NOT_SIGNED',
      };
    case 'consent-accepted':
      return {
        sr: { ...sr, transfer: sr.transfer && { ...sr.transfer, consentAccepted: null } },
        req,
        reason: 'CONSENT_NOT_RECORDED',
      };
    case 'note-recorded':
      return { sr: { ...sr, notes: [] }, req, reason: 'NOTE_NOT_RECORDED' };
    case 'resolution-code':
      return { sr, req: { ...req, resolutionCode: null }, reason: 'RESOLUTION_CODE_REQUIRED' };
    case 'next-action-due':
      return { sr, req: { ...req, nextActionDue: inDays(-1) }, reason: 'NEXT_ACTION_DUE_IN_PAST' };
    case 'reason':
      return { sr, req: { ...req, reason: '   ' }, reason: 'REASON_REQUIRED' };
    default:
      return null;
  }
}

describe.each(everyTransition())('%s', (_label, def, path, t, from) => {
  it('is allowed with every guard satisfied', () => {
    const { sr, req } = satisfying(def, path, t, from);
    expect(decideTransition(sr, req)).toMatchObject({ allowed: true, transition: t.name });
  });

  const breakable = t.guards.map(
    (g) => [`${g.requirementId ? `[${g.requirementId}] ` : ''}${g.kind}`, g] as const,
  );
  it.each(breakable)('refuses when guard %s fails', (_name, g) => {
    const broken = breakGuard(g, satisfying(def, path, t, from), def, path);
    if (!broken) return;
    const decision = decideTransition(broken.sr, broken.req);
    expect(decision).toMatchObject({ allowed: false, reason: broken.reason });
    // Where two moves share source and target, a missing resolution code cannot name either's rule.
    const shared = transitionsFrom(def, path, from).filter((x) => sameState(x.to, t.to)).length > 1;
    if (g.requirementId && !shared) {
      expect(decision.allowed === false && decision.requirementId).toBe(g.requirementId);
    }
  });

  it('is refused once the SR is read-only unless it is the system close (TD-8)', () => {
    const { sr, req } = satisfying(def, path, t, from);
    const decision = decideTransition({ ...sr, readOnly: true }, req);
    if (t.guards.some((g) => g.kind === 'not-read-only')) {
      expect(decision).toMatchObject({ allowed: false, reason: 'SR_READ_ONLY', requirementId: 'TD-8' });
    } else {
      expect(decision).toMatchObject({ allowed: true });
    }
  });
});

/**
 * TD-8: a read-only state is left only by the system, once correspondence answers. Both answers need a
 * way out, or a refused letter leaves the SR read-only for ever: a close (the letter issued) and a
 * move back to an editable state (the letter refused). Rows: every (type, path, read-only state)
 * that some transition of the path leads into.
 */
const readOnlyStates = everyState().filter(
  ([, path, , def, s]) =>
    def.states.find((d) => sameState(d, s))?.readOnly &&
    def.transitions.some((t) => (!t.paths || t.paths.includes(path)) && sameState(t.to, s)),
);

describe.each(readOnlyStates)('[TD-8] %s (%s) from read-only %s', (_code, path, _label, def, from) => {
  const exits = transitionsFrom(def, path, from).filter(
    (t) => !t.guards.some((g) => g.kind === 'not-read-only'),
  );

  it.each([
    ['[TD-8] the system closes it once the letter is issued', (to: SrState) => isFinalSrStatus(to.status)],
    [
      '[TD-8] the system returns it editable when the letter is refused',
      (to: SrState) => !isFinalSrStatus(to.status) && !def.states.find((d) => sameState(d, to))?.readOnly,
    ],
  ] as const)('%s', (_title, wanted) => {
    const ways = exits.filter((t) => wanted(t.to));
    expect(ways.map((t) => t.name)).not.toEqual([]);
    for (const t of ways) {
      expect(t.guards.find((g) => g.kind === 'role')).toMatchObject({ anyOf: ['system'] });
      const { sr, req } = satisfying(def, path, t, from);
      expect(decideTransition({ ...sr, readOnly: true }, req)).toMatchObject({
        allowed: true,
        next: { readOnly: isFinalSrStatus(t.to.status) },
      });
    }
  });
});

describe('input outside the vocabulary', () => {
  it('refuses an unknown SR type, status, path and resolution code without throwing', () => {
    const sr = snapshot('SECURITY_DETAILS');
    const to = { status: 'In Progress' as const, subStatus: null };
    expect(decideTransition({ ...sr, type: 'NOPE' as never }, request(to, everyone))).toMatchObject({
      reason: 'UNKNOWN_SR_TYPE',
    });
    expect(decideTransition({ ...sr, status: 'Done' as never }, request(to, everyone))).toMatchObject({
      reason: 'UNKNOWN_STATUS',
    });
    expect(
      decideTransition(sr, request({ status: 'Done' as never, subStatus: null }, everyone)),
    ).toMatchObject({
      reason: 'UNKNOWN_STATUS',
    });
    expect(
      decideTransition(sr, request({ status: 'In Progress', subStatus: 'Nope' as never }, everyone)),
    ).toMatchObject({ reason: 'UNKNOWN_STATUS' });
    expect(decideTransition({ ...sr, path: 'carrier-pigeon' }, request(to, everyone))).toMatchObject({
      reason: 'UNKNOWN_PATH',
    });
    expect(decideTransition(sr, request(to, everyone, { resolutionCode: 'Nope' as never }))).toMatchObject({
      reason: 'RESOLUTION_CODE_NOT_ALLOWED',
    });
    expect(
      decideTransition(
        { ...sr, status: 'Pending Approval', subStatus: 'Pending Approval TL' },
        request(to, everyone),
      ),
    ).toMatchObject({ reason: 'UNKNOWN_STATUS' });
  });

  it('refuses a resolution code on a transition that takes none', () => {
    const sr = snapshot('SECURITY_DETAILS');
    expect(
      decideTransition(
        sr,
        request({ status: 'In Progress', subStatus: null }, everyone, { resolutionCode: 'CofC Accepted' }),
      ),
    ).toMatchObject({ allowed: false, reason: 'RESOLUTION_CODE_NOT_ALLOWED', field: 'resolutionCode' });
  });
});
