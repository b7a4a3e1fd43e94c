import { SR_EFFECT_KINDS, SR_TYPES, assertUnreachable, type SrEffect, type SrEffectKind } from '../src';

/**
 * Issue #18: transition effects are a closed union, handled exhaustively. The service's `runEffects`
 * switches over `SrEffect['kind']` with `assertUnreachable` as its default, as `describe` does here;
 * this file is type-checked by `npm run typecheck` (libs/sr-rules/tsconfig.json includes test/), so
 * the `@ts-expect-error` below fails the build the day a kind is handled nowhere.
 */

/** Every kind, handled once: the shape of the service's `runEffects`. */
function describeEffect(e: SrEffect): string {
  switch (e.kind) {
    case 'generate-activity-plan':
      return 'activity plan';
    case 'issue-letter':
      return `letter ${e.letter}`;
    case 'record-activity-outcome':
      return `outcome ${e.step}`;
    case 'add-note':
      return 'note';
    case 'lock-read-only':
    case 'unlock':
    case 'record-submitter':
    case 'clear-submitter':
    case 'record-approver':
    case 'clear-approver':
    case 'set-path':
      return 'carried by next';
    case 'confirm-security-update':
      return 'SMS or CMSL9802';
    default:
      return assertUnreachable(e);
  }
}

/** A switch written before a new kind was added to the union. */
type WithANewKind = SrEffect | { kind: 'send-carrier-pigeon' };
function handleWithoutTheNewKind(e: WithANewKind): string {
  switch (e.kind) {
    case 'generate-activity-plan':
    case 'issue-letter':
    case 'record-activity-outcome':
    case 'add-note':
    case 'lock-read-only':
    case 'unlock':
    case 'record-submitter':
    case 'clear-submitter':
    case 'record-approver':
    case 'clear-approver':
    case 'set-path':
    case 'confirm-security-update':
      return 'handled';
    default:
      // @ts-expect-error a new effect kind nobody handles does not compile: `e` is not `never` here
      return assertUnreachable(e);
  }
}

/** Compile-time equality of two types. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const kindsListed: Equals<SrEffectKind, (typeof SR_EFFECT_KINDS)[number]> = true;

describe('[issue #18] transition effects: a closed union, handled exhaustively', () => {
  it('SR_EFFECT_KINDS lists exactly the kinds of SrEffect', () => {
    expect(kindsListed).toBe(true);
    expect(new Set(SR_EFFECT_KINDS).size).toBe(SR_EFFECT_KINDS.length);
  });

  it('every effect in the rule table is one of them, and is handled', () => {
    for (const def of Object.values(SR_TYPES)) {
      for (const t of def.transitions) {
        for (const e of t.effects) {
          expect(SR_EFFECT_KINDS).toContain(e.kind);
          expect(describeEffect(e)).toEqual(expect.any(String));
        }
      }
    }
  });

  it('assertUnreachable throws for a value that slipped past the types (e.g. stale data)', () => {
    expect(() => handleWithoutTheNewKind({ kind: 'send-carrier-pigeon' })).toThrow(/send-carrier-pigeon/);
  });
});
