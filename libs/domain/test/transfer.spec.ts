import { bankDetailsProblems, maskBankDetails, transferItemProblems } from '../src/transfer';

const goodBank = { sortCode: '08-99-99', accountNumber: '66374958', accountName: 'Sarah Okafor' };

describe('Transfer Data Between Clients: what may pass', () => {
  it('[TD-1] accepts every transferable item', () => {
    expect(
      transferItemProblems(
        {
          name: { firstName: 'Sarah', lastName: 'Okafor' },
          newName: { firstName: 'Sarah', lastName: 'Reed' },
          address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
          postcode: 'LS1 4AP',
          landline: '0113 496 0000',
          mobile: '07700 900123',
          email: 'sarah@example.com',
          bankDetails: goodBank,
        },
        'contact-details',
      ),
    ).toEqual([]);
  });

  it.each([['notes'], ['birthdayCard'], ['gift'], ['nino']])('[TD-1] refuses %s, naming it', (item) => {
    const problems = transferItemProblems({ email: 'a@example.com', [item]: 'x' }, 'contact-details');
    expect(problems).toEqual([
      expect.objectContaining({ field: `items.${item}`, rule: 'not-transferable', requirementId: 'TD-1' }),
    ]);
  });

  it('[TD-9] only bank details may be collected verbally', () => {
    expect(transferItemProblems({ bankDetails: goodBank }, 'verbal-bank-details')).toEqual([]);
    expect(
      transferItemProblems({ bankDetails: goodBank, mobile: '07700 900123' }, 'verbal-bank-details'),
    ).toEqual([expect.objectContaining({ field: 'items.mobile', requirementId: 'TD-9' })]);
  });

  it('checks each item’s format', () => {
    const problems = transferItemProblems(
      { mobile: '0113 496 0000', email: 'nope', postcode: 'XX' },
      'contact-details',
    );
    expect(problems.map((p) => p.field).sort()).toEqual(['items.email', 'items.mobile', 'items.postcode']);
  });
});

describe('[TD-5] bank details checked before they are entered', () => {
  it.each([
    [goodBank, []],
    [{ ...goodBank, sortCode: '08-9999' }, []],
    [{ ...goodBank, accountNumber: '15764273', sortCode: '938063' }, ['bank-wizard']],
    [{ ...goodBank, sortCode: '0899' }, ['sort-code-format']],
    [{ ...goodBank, accountNumber: '1234' }, ['account-number-format']],
    [{ ...goodBank, accountName: '' }, ['required']],
  ])('%o → %o', (bd, rules) => {
    expect(bankDetailsProblems(bd).map((p) => p.rule)).toEqual(rules);
  });

  it('masks them for responses and logs', () => {
    expect(maskBankDetails(goodBank)).toEqual({
      sortCode: '**-**-99',
      accountNumber: '****4958',
      accountName: 'Sarah Okafor',
    });
  });
});
