import type { CisChange, PersonalDetails } from '../src';
import { cisChangeMatchesRecord } from '../src/cis-compare';

const cms: PersonalDetails = {
  firstName: 'Sarah',
  lastName: 'Okafor',
  dateOfBirth: '1988-04-17',
  dateOfBirthVerified: true,
  dateOfDeath: null,
  dateOfDeathVerified: false,
  sex: 'F',
  address: { line1: '12 Acacia Avenue', line2: null, line3: null, town: 'Leeds', postcode: 'LS1 4AP' },
  addressStartDate: '2020-01-01',
  homePhone: null,
  businessPhone: null,
  mobilePhone: '+447700900123',
  homeEmail: null,
};

describe('[BR-9] a CIS change that matches what CMS holds', () => {
  it.each<[string, CisChange, boolean]>([
    [
      'same name, other case',
      { type: 'NAME_1_CHANGE', firstName: 'SARAH', lastName: 'okafor' } as CisChange,
      true,
    ],
    ['new surname', { type: 'NAME_CORRECTION', firstName: 'Sarah', lastName: 'Reed' } as CisChange, false],
    [
      'same address, postcode spacing differs',
      {
        type: 'ADDRESS_CHANGE',
        address: { line1: '12 acacia avenue', town: 'LEEDS', postcode: 'ls14ap' },
        addressStartDate: '2024-01-01',
      } as CisChange,
      true,
    ],
    [
      'new address',
      {
        type: 'ADDRESS_CHANGE',
        address: { line1: '1 New Road', town: 'York', postcode: 'YO1 7HH' },
        addressStartDate: '2024-01-01',
      } as CisChange,
      false,
    ],
    [
      'same verified DOB',
      { type: 'DOB_VERIFICATION', dateOfBirth: '1988-04-17', verified: true } as CisChange,
      true,
    ],
    [
      'DOB verified differs',
      { type: 'DOB_UNVERIFIED_CORRECTION', dateOfBirth: '1988-04-17', verified: false } as CisChange,
      false,
    ],
    [
      'death notified',
      { type: 'DOD_NOTIFICATION', dateOfDeath: '2025-01-01', verified: false } as CisChange,
      false,
    ],
    ['death removed, none held', { type: 'DOD_REMOVAL' } as CisChange, true],
    [
      'benefit never held',
      { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'JSA' } as CisChange,
      false,
    ],
    [
      'sensitivity never held',
      { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true } as CisChange,
      false,
    ],
  ])('%s → %s', (_label, change, expected) => {
    expect(cisChangeMatchesRecord(change, cms)).toBe(expected);
  });
});
