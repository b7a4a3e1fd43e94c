import { CIS_CHANGE_TYPE_INFO, srTypeForTaxonomy } from '@cms/domain';
import {
  SR_TYPES,
  assertTransition,
  decideTransition,
  isCisUpdateEnabled,
  routeToQueue,
  validateActivityOutcome,
  type SrSnapshot,
} from '../src';
import {
  apply,
  caseworker,
  record,
  request,
  sensitiveCaseworker,
  snapshot,
  system,
  withOutcome,
} from './fixtures';

const IN_PROGRESS = { status: 'In Progress', subStatus: null } as const;
const COC_ACCEPT = { status: 'In Progress', subStatus: 'CoC Accept' } as const;
const DECLINED = { status: 'In Progress', subStatus: 'CofC Declined' } as const;
const CLOSED = { status: 'Closed', subStatus: 'Complete' } as const;
const CANCELLED = { status: 'Cancelled', subStatus: null } as const;

const cisChange = (over: Partial<SrSnapshot> = {}) => snapshot('CIS_CHANGE', { source: 'CIS', ...over });

describe('CIS - Receive Broadcast Updates: CIS_CHANGE', () => {
  it('[BR-6] one taxonomy for the CoC SRs raised from CIS, distinct from every other type', () => {
    expect(SR_TYPES.CIS_CHANGE.taxonomy).toEqual({
      process: 'CofC',
      area: 'CIS Broadcast Update',
      subArea: 'CIS Change Of Circumstances',
    });
    for (const def of Object.values(SR_TYPES)) expect(srTypeForTaxonomy(def.taxonomy)).toBe(def.code);
  });

  it('[BR-7] is routed to caseworkers, or to the sensitive case team on a nationally sensitive case', () => {
    expect(routeToQueue('CIS_CHANGE', { nationallySensitive: false })).toBe('cis-changes');
    expect(routeToQueue('CIS_CHANGE', { nationallySensitive: true })).toBe('sensitive-case-team');
    expect(
      routeToQueue('DATA_TRANSFER', { nationallySensitive: true, subStatus: 'Pending Approval TL' }),
    ).toBe('sensitive-case-team');
  });

  it('[BR-7] [X-1] on a nationally sensitive case only callers with sensitive access may act', () => {
    const sr = cisChange({ nationallySensitive: true });
    const refused = decideTransition(sr, request(IN_PROGRESS, caseworker));
    expect(refused).toMatchObject({
      allowed: false,
      reason: 'SENSITIVE_ACCESS_REQUIRED',
      requirementId: 'X-1',
    });
    expect(() => assertTransition(sr, request(IN_PROGRESS, caseworker))).toThrow(
      expect.objectContaining({ code: 'SENSITIVE_ACCESS_REQUIRED', kind: 'insufficient-access' }),
    );
    expect(decideTransition(sr, request(IN_PROGRESS, sensitiveCaseworker))).toMatchObject({ allowed: true });
    const started = apply(sr, request(IN_PROGRESS, sensitiveCaseworker));
    expect(validateActivityOutcome(started, 'compare', 'Matches CMS', { actor: caseworker })).toMatchObject({
      reason: 'SENSITIVE_ACCESS_REQUIRED',
    });
  });

  it('[BR-6] accept: validations complete → CoC Accept → CofC Accepted, Closed, Complete', () => {
    let sr = apply(cisChange(), request(IN_PROGRESS, caseworker));
    expect(decideTransition(sr, request(COC_ACCEPT, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'RD-6',
    });
    sr = record(sr, 'compare', 'Differs From CMS');
    sr = record(sr, 'most-up-to-date', 'CIS More Up To Date');
    sr = apply(sr, request(COC_ACCEPT, caseworker));
    expect(sr).toMatchObject(COC_ACCEPT);
    expect(sr.activityPlan.find((s) => s.key === 'accept-change')?.outcome).toBe('CoC Accept');
    sr = record(sr, 'apply-change', 'Applied');
    expect(apply(sr, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' }))).toMatchObject({
      resolutionCode: 'CofC Accepted',
    });
  });

  it('[RD-7] CMS more up to date: decline with the reason, CoC Rejected (CIS is then updated)', () => {
    let sr = apply(cisChange(), request(IN_PROGRESS, caseworker));
    sr = record(sr, 'compare', 'Differs From CMS');
    sr = record(sr, 'most-up-to-date', 'CIS More Up To Date');
    expect(decideTransition(sr, request(DECLINED, caseworker, { reason: 'x' }))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'RD-7',
    });
    sr = record(sr, 'most-up-to-date', 'CMS More Up To Date');
    sr = record(sr, 'decline', 'CoC Declined', 'CMS holds a later address.');
    sr = apply(sr, request(DECLINED, caseworker, { reason: 'CMS holds a later address.' }));
    expect(apply(sr, request(CLOSED, caseworker, { resolutionCode: 'CoC Rejected' }))).toMatchObject({
      resolutionCode: 'CoC Rejected',
    });
  });

  it('[BR-9] information matching CMS: closed with a note giving the reason', () => {
    const sr = cisChange();
    expect(
      decideTransition(sr, request(CLOSED, caseworker, { resolutionCode: 'No Change Required' })),
    ).toMatchObject({
      allowed: false,
      reason: 'REASON_REQUIRED',
      requirementId: 'BR-9',
      field: 'reason',
    });
    const decision = assertTransition(
      sr,
      request(CLOSED, caseworker, { resolutionCode: 'No Change Required', reason: 'Address already held.' }),
    );
    expect(decision).toMatchObject({
      transition: 'close-no-change',
      next: { status: 'Closed', subStatus: 'Complete', resolutionCode: 'No Change Required' },
      effects: [{ kind: 'add-note' }],
      requirementIds: ['BR-9'],
    });
  });

  it('[BR-9] may be cancelled with the note instead, and our services may do either automatically', () => {
    const sr = cisChange();
    expect(
      decideTransition(
        sr,
        request(CANCELLED, system, { resolutionCode: 'No Change Required', reason: 'Matches CMS.' }),
      ),
    ).toMatchObject({ allowed: true, transition: 'cancel' });
    expect(
      decideTransition(
        sr,
        request(CLOSED, system, { resolutionCode: 'No Change Required', reason: 'Matches CMS.' }),
      ),
    ).toMatchObject({ allowed: true, transition: 'close-no-change' });
    expect(
      decideTransition(sr, request(CANCELLED, system, { resolutionCode: 'No Change Required', reason: ' ' })),
    ).toMatchObject({ reason: 'REASON_REQUIRED', requirementId: 'BR-9' });
  });

  it('[BR-8] a benefit claim by the paying parent raises no SR (nothing here to route)', () => {
    expect(CIS_CHANGE_TYPE_INFO.NRP_BENEFIT_CLAIM.raisesSr).toBe(false);
  });
});

describe('NATIONALLY_SENSITIVE_UPDATE', () => {
  const sr = (over: Partial<SrSnapshot> = {}) =>
    snapshot('NATIONALLY_SENSITIVE_UPDATE', { source: 'CIS', ...over });

  it('[BR-7] always routes directly to the sensitive case team', () => {
    expect(routeToQueue('NATIONALLY_SENSITIVE_UPDATE', { nationallySensitive: false })).toBe(
      'sensitive-case-team',
    );
    expect(CIS_CHANGE_TYPE_INFO.NATIONALLY_SENSITIVE_STATUS.sensitiveCaseTeam).toBe(true);
  });

  it('[BR-7] only the sensitive case team may work it, even before the case is flagged', () => {
    expect(decideTransition(sr(), request(IN_PROGRESS, caseworker))).toMatchObject({
      reason: 'ROLE_NOT_ALLOWED',
    });
    let s = apply(sr(), request(IN_PROGRESS, sensitiveCaseworker));
    s = record(s, 'apply-status', 'Flag Set', undefined, sensitiveCaseworker);
    expect(
      apply(s, request(CLOSED, sensitiveCaseworker, { resolutionCode: 'Sensitive Status Updated' })),
    ).toMatchObject({ status: 'Closed', resolutionCode: 'Sensitive Status Updated' });
  });
});

describe('SENSITIVE_CALL_BACK', () => {
  const sr = (over: Partial<SrSnapshot> = {}) =>
    snapshot('SENSITIVE_CALL_BACK', { source: 'System', ...over });

  it("[RD-4] 'Insufficient access level': a call back from the sensitive case team", () => {
    expect(routeToQueue('SENSITIVE_CALL_BACK', { nationallySensitive: false })).toBe('sensitive-case-team');
    expect(decideTransition(sr(), request(IN_PROGRESS, caseworker))).toMatchObject({
      reason: 'ROLE_NOT_ALLOWED',
    });
    let s = apply(sr(), request(IN_PROGRESS, sensitiveCaseworker));
    expect(
      decideTransition(s, request(CLOSED, sensitiveCaseworker, { resolutionCode: 'Call Back Completed' })),
    ).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'RD-4',
    });
    s = withOutcome(s, 'call-back', 'Call Completed');
    expect(
      apply(s, request(CLOSED, sensitiveCaseworker, { resolutionCode: 'Call Back Completed' })),
    ).toMatchObject({
      resolutionCode: 'Call Back Completed',
    });
  });
});

describe('CIS - Send Update: PERSONAL_DETAILS_CHANGE', () => {
  const sr = (over: Partial<SrSnapshot> = {}) =>
    snapshot('PERSONAL_DETAILS_CHANGE', { path: 'address', ...over });

  it('[SU-4] Update CIS is enabled only at CoC Accept with the validations complete', () => {
    let s = apply(sr(), request(IN_PROGRESS, caseworker));
    expect(isCisUpdateEnabled(s)).toBe(false);
    expect(decideTransition(s, request(COC_ACCEPT, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SU-4',
    });
    s = record(s, 'record-change', 'Recorded');
    expect(decideTransition(s, request(COC_ACCEPT, caseworker))).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
    });
    s = record(s, 'validate-change', 'Validated');
    expect(isCisUpdateEnabled(s)).toBe(false); // validations complete, but not yet CoC Accept
    s = apply(s, request(COC_ACCEPT, caseworker));
    expect(isCisUpdateEnabled(s)).toBe(true);
    // Sub Status CoC Accept alone is not enough: the validations must be complete too.
    expect(isCisUpdateEnabled(withOutcome(s, 'validate-change', null))).toBe(false);
    expect(isCisUpdateEnabled({ ...s, readOnly: true })).toBe(false);
  });

  it('[SU-4] closes with CofC Accepted once CIS is updated', () => {
    let s = apply(sr({ path: 'date-of-birth' }), request(IN_PROGRESS, caseworker));
    expect(validateActivityOutcome(s, 'validate-change', 'Validated')).toMatchObject({
      reason: 'OUTCOME_NOT_ALLOWED',
    });
    s = record(s, 'record-change', 'Recorded');
    s = record(s, 'validate-change', 'Verified');
    s = apply(s, request(COC_ACCEPT, caseworker));
    expect(
      decideTransition(s, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' })),
    ).toMatchObject({
      reason: 'ACTIVITY_STEP_INCOMPLETE',
      requirementId: 'SU-4',
    });
    s = record(s, 'update-cis', 'CIS Updated');
    expect(apply(s, request(CLOSED, caseworker, { resolutionCode: 'CofC Accepted' }))).toMatchObject({
      status: 'Closed',
      resolutionCode: 'CofC Accepted',
    });
  });

  it('[SU-4] a CIS-raised change is never sent back to CIS', () => {
    let s = apply(cisChange(), request(IN_PROGRESS, caseworker));
    s = record(s, 'compare', 'Differs From CMS');
    s = record(s, 'most-up-to-date', 'CIS More Up To Date');
    s = apply(s, request(COC_ACCEPT, caseworker));
    expect(isCisUpdateEnabled(s)).toBe(false);
  });

  it('[SU-6] once the case is nationally sensitive, only sensitive access may continue', () => {
    const s = apply(sr(), request(IN_PROGRESS, caseworker));
    expect(
      decideTransition(
        { ...s, nationallySensitive: true },
        request({ status: 'Wait', subStatus: null }, caseworker),
      ),
    ).toMatchObject({
      reason: 'SENSITIVE_ACCESS_REQUIRED',
    });
    expect(routeToQueue('PERSONAL_DETAILS_CHANGE', { nationallySensitive: true })).toBe(
      'sensitive-case-team',
    );
  });
});
