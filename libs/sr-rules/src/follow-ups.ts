import type { Actor, ResolutionCode } from '@cms/domain';
import { stepOutcome, stepTemplate } from './activity-plan';
import { decideTransition } from './decide';
import type { ActivityStepTemplate, SrEffect, SrSnapshot, SrState, WaitExpiryRule } from './model';
import { definitionOf, resolvePath } from './table';

/** The actor follow-ups are checked as: one of our own services. */
export const FOLLOW_UP_ACTOR: Actor = { id: 'sr-rules:wait-expiry', roles: ['system'] };

/**
 * One thing to do when an SR's Wait expires, in order:
 * - `transition`: apply this request through `assertTransition` (as a system actor, with `flag`) and
 *   perform its `effects` — already checked against the table; `effects` lists them (e.g. CMSL9801,
 *   SD-10), so the service must not issue those letters separately. `nextActionDue` is the one the
 *   rules set (the procedure's period, SD-10); `flag` is the flag this expiry raises, which the move
 *   keeps (TD-3/TD-4: the resume must not clear "call the client");
 * - `add-activity-step`: add `step` to the SR's activity plan (TD-13);
 * - `flag-for-caseworker`: set the SR's flag to `message` for the caseworker who owns it, and write it
 *   to the SR Notes, where it stays once the flag is answered.
 */
export type FollowUpAction =
  | {
      kind: 'transition';
      transition: string;
      to: SrState;
      resolutionCode: ResolutionCode | null;
      nextActionDue: Date | null;
      reason: string | null;
      flag: string | null;
      effects: SrEffect[];
      requirementIds: string[];
    }
  | { kind: 'add-activity-step'; step: ActivityStepTemplate; requirementIds: string[] }
  | { kind: 'flag-for-caseworker'; message: string; requirementIds: string[] };

/** The first of the type's wait-expiry rules that matches the SR on `path`. */
function ruleFor(rules: readonly WaitExpiryRule[], path: string, sr: SrSnapshot): WaitExpiryRule | undefined {
  return rules.find(
    (r) =>
      (!r.paths || r.paths.includes(path)) &&
      (!r.when?.stepPresent || stepOutcome(sr, r.when.stepPresent) !== null) &&
      (!r.when?.stepAbsent || stepOutcome(sr, r.when.stepAbsent) === null),
  );
}

/**
 * What must happen now that the SR's next action due date has passed (pure). [] unless the SR is in
 * Wait with `nextActionDue <= now`.
 *
 * - SECURITY_DETAILS, first expiry (activity step `cmsl9801` has no outcome, i.e. the reminder has not
 *   gone): transition `remind` — CMSL9801 and Wait until now + 7 days (Change - Security Details,
 *   step 8; SD-10). Whether CMSL9801 went is read from that step, whose outcome only `remind` records.
 * - SECURITY_DETAILS, second expiry (`cmsl9801` has an outcome): transition `reject-no-response` —
 *   Closed / Complete, Resolution Code `CoC Rejected`, activity outcome `No Response` (step 10; SD-12).
 * - DATA_TRANSFER `contact-details`: flag a call to the client (TD-4) and return to In Progress, the
 *   flag kept by the move.
 * - DATA_TRANSFER `domestic-violence`: add the steps "call the receiving parent" then "call the paying
 *   parent: put payments aside per the promise to pay schedule", and return to In Progress (TD-13).
 * - Other types with a Wait: flag and return to In Progress, the flag kept.
 *
 * Each transition is checked with {@link decideTransition} as {@link FOLLOW_UP_ACTOR}; were the table
 * to refuse it, the action becomes a `flag-for-caseworker` carrying the refusal instead. Throws Error
 * only when the table itself names a transition or step that does not exist (`checkRuleTable` and the
 * tests rule that out).
 */
export function followUpOnWaitExpiry(sr: SrSnapshot, now: Date): FollowUpAction[] {
  const def = definitionOf(sr.type);
  if (!def || sr.status !== 'Wait' || !sr.nextActionDue || sr.nextActionDue.getTime() > now.getTime())
    return [];
  const path = resolvePath(def, sr);
  if (!path) return [];
  const rule = ruleFor(def.followUps, path, sr);
  if (!rule) {
    return [
      { kind: 'flag-for-caseworker', message: 'The next action is due: review the SR.', requirementIds: [] },
    ];
  }
  const requirementIds = [...rule.requirementIds];
  // The flag this expiry raises: its own transitions keep it (a move otherwise clears the flag).
  const raised = rule.actions.flatMap((a) => (a.kind === 'flag-for-caseworker' ? [a.message] : []));
  const flag = raised.length ? raised[raised.length - 1] : null;
  return rule.actions.map((action): FollowUpAction => {
    switch (action.kind) {
      case 'flag-for-caseworker':
        return { kind: 'flag-for-caseworker', message: action.message, requirementIds };
      case 'add-activity-step': {
        const step = stepTemplate(def, path, action.step);
        if (!step)
          throw new Error(`sr-rules table error: ${def.code} has no step "${action.step}" on ${path}.`);
        return { kind: 'add-activity-step', step, requirementIds };
      }
      case 'transition': {
        const t = def.transitions.find(
          (x) => x.name === action.transition && (!x.paths || x.paths.includes(path)),
        );
        if (!t)
          throw new Error(
            `sr-rules table error: ${def.code} has no transition "${action.transition}" on ${path}.`,
          );
        const request = {
          to: { ...t.to },
          resolutionCode: action.resolutionCode ?? null,
          reason: action.reason ?? null,
          flag,
        };
        const decision = decideTransition(sr, { ...request, actor: FOLLOW_UP_ACTOR, now });
        if (!decision.allowed) {
          return {
            kind: 'flag-for-caseworker',
            message: `The next action is due but "${action.transition}" is refused: ${decision.message}`,
            requirementIds,
          };
        }
        return {
          kind: 'transition',
          transition: decision.transition,
          ...request,
          // The Wait's period is the rules' (SD-10: CMSL9801 and seven more days).
          nextActionDue: decision.next.nextActionDue,
          effects: decision.effects,
          requirementIds: [...new Set([...requirementIds, ...decision.requirementIds])],
        };
      }
    }
  });
}
