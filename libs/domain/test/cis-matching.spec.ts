import { MAX_CASES_PER_SR, matchTransaction, type ReferenceMatch } from '../src/cis-matching';

const live = (caseId: string, role: string, nationallySensitive = false) => ({
  caseId,
  role,
  nationallySensitive,
});
const client = (...cases: ReferenceMatch['cases']): ReferenceMatch => ({ clientId: 'c-1', cases });

describe('matchTransaction (CIS - Receive Broadcast Updates, step 2)', () => {
  it.each([
    ['no client with the reference', 'ADDRESS_CHANGE', undefined, /CMS holds no client/],
    [
      'a client id of null',
      'ADDRESS_CHANGE',
      { clientId: null, cases: [] } as ReferenceMatch,
      /CMS holds no client/,
    ],
    ['a client with no live case', 'ADDRESS_CHANGE', client(), /no live enquiry, application or case for/],
    [
      'a paying-parent change for a receiving parent only',
      'NRP_BENEFIT_ON_OFF',
      client(live('k-1', 'PWC')),
      /where the client is the paying parent/,
    ],
  ] as const)('[BR-5] matches nothing for %s', (_name, changeType, match, reason) => {
    const r = matchTransaction(changeType, match);
    expect('unmatched' in r && r.unmatched).toMatch(reason);
    expect('unmatched' in r && r.unmatched).toMatch(/^BR-5: /);
  });

  it.each([
    [
      'an address change: every live case, the first role',
      'ADDRESS_CHANGE',
      client(live('k-1', 'PWC'), live('k-2', 'NRP')),
      { clientId: 'c-1', role: 'PWC', caseIds: ['k-1', 'k-2'], nationallySensitive: false },
    ],
    [
      'a paying-parent benefit: only the cases where the client pays',
      'NRP_BENEFIT_ON_OFF',
      client(live('k-1', 'PWC'), live('k-2', 'NRP')),
      { clientId: 'c-1', role: 'NRP', caseIds: ['k-2'], nationallySensitive: false },
    ],
    [
      'a case listed twice (two roles) is linked once',
      'ADDRESS_CHANGE',
      client(live('k-1', 'PWC'), live('k-1', 'NRP')),
      { clientId: 'c-1', role: 'PWC', caseIds: ['k-1'], nationallySensitive: false },
    ],
  ] as const)('[BR-5] matches %s', (_name, changeType, match, expected) => {
    expect(matchTransaction(changeType, match)).toEqual(expected);
  });

  it('[BR-7] is nationally sensitive when an eligible case is, or for a sensitive status update', () => {
    expect(matchTransaction('ADDRESS_CHANGE', client(live('k-1', 'NRP', true)))).toMatchObject({
      nationallySensitive: true,
    });
    expect(matchTransaction('NATIONALLY_SENSITIVE_STATUS', client(live('k-1', 'PWC')))).toMatchObject({
      nationallySensitive: true,
    });
    // A sensitive case the change does not concern does not make it sensitive.
    expect(
      matchTransaction('NRP_BENEFIT_ON_OFF', client(live('k-1', 'PWC', true), live('k-2', 'NRP'))),
    ).toMatchObject({ nationallySensitive: false, caseIds: ['k-2'] });
  });

  it(`links at most ${MAX_CASES_PER_SR} cases`, () => {
    const many = client(...Array.from({ length: 12 }, (_, i) => live(`k-${i}`, 'PWC')));
    const r = matchTransaction('ADDRESS_CHANGE', many);
    expect('caseIds' in r && r.caseIds).toHaveLength(MAX_CASES_PER_SR);
  });
});
