import { assertSubjectEditable, SrRuleError } from '../src';

const pwc = { clientId: 'c-pwc', role: 'PWC' };
const nrp = { clientId: 'c-nrp', role: 'NRP' };
const current = { subject: pwc, caseIds: ['case-1'] };
const verified = [{ key: 'security-details', outcome: 'Security Details' }];
const fresh = [{ key: 'security-details', outcome: null }];

describe('[SD-6] [SD-11] the subject and cases are fixed once a step is recorded', () => {
  it.each([
    ['another subject after a recorded step', verified, { subject: nrp }, 'subject'],
    ['another role for the same person', verified, { subject: { ...pwc, role: 'NRP' } }, 'subject'],
    ['another case after a recorded step', verified, { caseIds: ['case-2'] }, 'caseIds'],
    ['one case fewer after a recorded step', verified, { caseIds: [] }, 'caseIds'],
  ] as const)('refuses %s', (_what, steps, next, field) => {
    let error: unknown;
    try {
      assertSubjectEditable(steps, current, next);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SrRuleError);
    expect(error).toMatchObject({ code: 'SUBJECT_LOCKED', kind: 'precondition', requirementId: 'SD-6' });
    expect((error as SrRuleError).refusal.field).toBe(field);
  });

  it.each([
    ['any change before a step is recorded', fresh, { subject: nrp, caseIds: ['case-2'] }],
    ['the same subject and cases again', verified, { subject: { ...pwc }, caseIds: ['case-1'] }],
    ['an edit that names neither', verified, {}],
  ] as const)('allows %s', (_what, steps, next) => {
    expect(() => assertSubjectEditable(steps, current, next)).not.toThrow();
  });
});
