import type { PersonalDetails } from '@cms/domain';
import {
  acceptCisPatch,
  applyRd3,
  type CisPerson,
  type CmsPerson,
  discrepancyItems,
  keepCmsUpdate,
  type Rd3Item,
} from '../src/retrievals/rd3-rules';

const BASE: PersonalDetails = {
  firstName: 'Sarah',
  lastName: 'Okafor',
  dateOfBirth: '1988-04-17',
  dateOfBirthVerified: false,
  dateOfDeath: null,
  dateOfDeathVerified: false,
  sex: 'F',
  address: { line1: '12 Acacia Avenue', town: 'Leeds', postcode: 'LS1 4AP' },
  addressStartDate: '2020-01-01',
  homePhone: '+441632960001',
  businessPhone: null,
  mobilePhone: '+447700900123',
  homeEmail: 'sarah.okafor@example.com',
};
const cms = (over: Partial<CmsPerson> = {}): CmsPerson => ({ ...BASE, nino: 'JK123456C', ...over });
const cis = (over: Partial<CisPerson> = {}): CisPerson => ({ ...BASE, currentNino: null, ...over });
const pick = (items: Rd3Item[], item: string) => items.find((i) => i.item === item);

describe('[RD-3] what CIS returns, as pure rules', () => {
  it('[RD-3] identical records: only sex is returned, and it does not differ', () => {
    const items = applyRd3(cis(), cms());
    expect(items.map((i) => [i.item, i.differs])).toEqual([['sex', false]]);
    expect(discrepancyItems(items)).toEqual([]);
  });

  describe.each([
    // [title, cis overrides, cms overrides, item, expected: kept?, differs?]
    ['NINO only where superseded: superseded', { currentNino: 'JK654321D' }, {}, 'nino', true, true],
    ['NINO only where superseded: not superseded', { currentNino: null }, {}, 'nino', false, false],
    ['NINO only where superseded: same NINO', { currentNino: 'JK123456C' }, {}, 'nino', false, false],
    [
      'DOB verified in CIS and different',
      { dateOfBirth: '1988-04-18', dateOfBirthVerified: true },
      {},
      'dateOfBirth',
      true,
      true,
    ],
    [
      'DOB verified in CIS but the same',
      { dateOfBirth: '1988-04-17', dateOfBirthVerified: true },
      {},
      'dateOfBirth',
      false,
      false,
    ],
    [
      'DOB different but not verified in CIS',
      { dateOfBirth: '1988-04-18', dateOfBirthVerified: false },
      {},
      'dateOfBirth',
      false,
      false,
    ],
    [
      'DOB verified in CIS, CMS holds none',
      { dateOfBirthVerified: true },
      { dateOfBirth: null },
      'dateOfBirth',
      true,
      true,
    ],
    ['sex returned and different', { sex: 'M' }, {}, 'sex', true, true],
    ['sex returned, CMS holds none', { sex: 'F' }, { sex: null }, 'sex', true, true],
    ['sex not known in CIS never differs from a sex CMS holds', { sex: 'U' }, {}, 'sex', true, false],
    ['sex: CIS holds none', { sex: null }, {}, 'sex', false, false],
    [
      'DOD verified in CIS, CMS holds none',
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: true },
      {},
      'dateOfDeath',
      true,
      true,
    ],
    [
      'DOD verified in CIS and the same, verified in CMS',
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: true },
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: true },
      'dateOfDeath',
      true,
      false,
    ],
    [
      'DOD verified in CIS, same date unverified in CMS',
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: true },
      { dateOfDeath: '2026-11-01' },
      'dateOfDeath',
      true,
      true,
    ],
    [
      'DOD not verified in CIS',
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: false },
      {},
      'dateOfDeath',
      false,
      false,
    ],
    [
      'address different',
      {
        address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-10-01',
      },
      {},
      'address',
      true,
      true,
    ],
    [
      'address the same in another case and spacing',
      { address: { line1: '12 ACACIA AVENUE', town: 'leeds', postcode: 'ls14ap' } },
      {},
      'address',
      false,
      false,
    ],
    ['address, CMS holds none', {}, { address: null, addressStartDate: null }, 'address', true, true],
    [
      'address start date only with a new address: new address',
      {
        address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-10-01',
      },
      {},
      'addressStartDate',
      true,
      true,
    ],
    [
      'address start date only with a new address: same address, other date',
      { addressStartDate: '2026-10-01' },
      {},
      'addressStartDate',
      false,
      false,
    ],
    ['home phone different', { homePhone: '+441632960099' }, {}, 'homePhone', true, true],
    ['home phone the same written differently', { homePhone: '01632 960001' }, {}, 'homePhone', false, false],
    ['home phone: CIS holds none', { homePhone: null }, {}, 'homePhone', false, false],
    ['business phone, CMS holds none', { businessPhone: '+441632960002' }, {}, 'businessPhone', true, true],
    ['mobile different', { mobilePhone: '+447700900999' }, {}, 'mobilePhone', true, true],
    ['mobile the same', { mobilePhone: '07700 900123' }, {}, 'mobilePhone', false, false],
    ['home email different', { homeEmail: 's.okafor@example.org' }, {}, 'homeEmail', true, true],
    [
      'home email the same in another case',
      { homeEmail: 'Sarah.Okafor@Example.com' },
      {},
      'homeEmail',
      false,
      false,
    ],
  ] as const)('[RD-3] %s', (_title, cisOver, cmsOver, item, kept, differs) => {
    it(`${kept ? 'keeps' : 'does not return'} ${item}${kept ? (differs ? ' as differing' : ' as the same') : ''}`, () => {
      const found = pick(
        applyRd3(cis(cisOver as Partial<CisPerson>), cms(cmsOver as Partial<CmsPerson>)),
        item,
      );
      expect(!!found).toBe(kept);
      if (found) {
        expect(found.differs).toBe(differs);
        expect(found.rule).toMatch(/^RD-3: /);
      }
    });
  });

  it('[RD-3] names are never returned by a retrieval', () => {
    const items = applyRd3(cis({ firstName: 'Sara', lastName: 'Reed' }), cms());
    expect(items.map((i) => i.item)).not.toContain('firstName');
  });

  it('[RD-6] the address item carries its start date; the start date is no discrepancy of its own', () => {
    const items = applyRd3(
      cis({
        address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-10-01',
      }),
      cms(),
    );
    expect(pick(items, 'address')!.cisValue).toEqual({
      address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
      addressStartDate: '2026-10-01',
    });
    expect(discrepancyItems(items).map((i) => i.item)).toEqual(['address']);
  });
});

describe('[RD-7] what each decision does', () => {
  it.each([
    ['dateOfBirth', '1988-04-18', { dateOfBirth: '1988-04-18', dateOfBirthVerified: true }],
    ['dateOfDeath', '2026-11-01', { dateOfDeath: '2026-11-01', dateOfDeathVerified: true }],
    ['sex', 'M', { sex: 'M' }],
    ['homePhone', '+441632960099', { homePhone: '+441632960099' }],
    ['businessPhone', '+441632960002', { businessPhone: '+441632960002' }],
    ['mobilePhone', '+447700900999', { mobilePhone: '+447700900999' }],
    ['homeEmail', 'a@example.org', { homeEmail: 'a@example.org' }],
    [
      'address',
      {
        address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-10-01',
      },
      {
        address: { line1: '4 Mill Lane', town: 'Leeds', postcode: 'LS6 3AA' },
        addressStartDate: '2026-10-01',
      },
    ],
    ['nino', 'JK654321D', null],
  ] as const)('[RD-7] accept-cis of %s patches CMS with CIS’s value', (item, value, patch) => {
    expect(acceptCisPatch(item, value as never)).toEqual(patch);
  });

  it.each([
    ['address', {}, { type: 'ADDRESS_CHANGE', address: BASE.address, addressStartDate: '2020-01-01' }],
    ['address', { addressStartDate: null }, 'cms-value-missing'],
    ['dateOfBirth', {}, { type: 'DOB_NOT_VERIFIED', dateOfBirth: '1988-04-17' }],
    ['dateOfBirth', { dateOfBirthVerified: true }, { type: 'DOB_VERIFIED', dateOfBirth: '1988-04-17' }],
    [
      'dateOfDeath',
      { dateOfDeath: '2026-11-01', dateOfDeathVerified: true },
      { type: 'DOD_VERIFIED', dateOfDeath: '2026-11-01' },
    ],
    ['dateOfDeath', { dateOfDeath: '2026-11-01' }, { type: 'DOD_NOT_VERIFIED', dateOfDeath: '2026-11-01' }],
    ['dateOfDeath', {}, 'cms-value-missing'],
    ['sex', {}, 'not-updatable'],
    ['homePhone', {}, 'not-updatable'],
    ['homeEmail', {}, 'not-updatable'],
    ['nino', {}, 'not-updatable'],
  ] as const)(
    '[RD-7] [SU-2] keep-cms of %s sends CMS’s value to CIS where CIS accepts it',
    (item, over, expected) => {
      expect(keepCmsUpdate(item, { ...BASE, ...(over as Partial<PersonalDetails>) })).toEqual(expected);
    },
  );
});
