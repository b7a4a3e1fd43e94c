import {
  CIS_CHANGE_ITEMS,
  CIS_CHANGE_TYPE_INFO,
  CIS_CHANGE_TYPES,
  CIS_RETRIEVAL_REJECTION_INFO,
  CIS_RETRIEVAL_REJECTIONS,
  CIS_UPDATE_RESPONSE_CODES,
  CIS_UPDATE_RESPONSE_INFO,
  CIS_UPDATE_TYPE_LABELS,
  CIS_UPDATE_TYPES,
  INTEREST_TYPE_INFO,
  interestTypesForRole,
  isCisChangeType,
  isCisRetrievalRejection,
  isCisUpdateResponseCode,
  isCisUpdateType,
  isInterestType,
  validateCisChange,
  validateCisUpdate,
  type CisChange,
  type CisChangeType,
  type CisUpdate,
} from '../src/cis';

const now = new Date('2024-06-15T12:00:00Z');
const address = { line1: '1 High Street', town: 'Leeds', postcode: 'LS1 4AP' };

describe('interests', () => {
  it.each([
    ['PWC_QC_ROC_GENERAL', 'Receiving parent/QC/ROC general interest', ['PWC', 'QC', 'ROC']],
    ['NRP_GENERAL', 'Paying parent general interest', ['NRP']],
    ['NRP_MC', 'Paying parent MC interest', ['NRP']],
  ] as const)('[RI-1] %s is "%s" for %j', (type, label, roles) => {
    expect(INTEREST_TYPE_INFO[type]).toEqual({ label, roles });
    expect(isInterestType(type)).toBe(true);
  });

  it.each([
    ['PWC', ['PWC_QC_ROC_GENERAL']],
    ['QC', ['PWC_QC_ROC_GENERAL']],
    ['ROC', ['PWC_QC_ROC_GENERAL']],
    ['NRP', ['NRP_GENERAL', 'NRP_MC']],
  ] as const)('[RI-1] a %s can have %j', (role, types) => {
    expect(interestTypesForRole(role)).toEqual(types);
  });
});

describe('broadcast change types', () => {
  it.each([
    ['NAME_1_CHANGE', 'Change of name 1', 'name'],
    ['NAME_CORRECTION', 'Correction of name 1 or 2', 'name'],
    ['ADDRESS_CHANGE', 'Address change', 'address'],
    ['DOB_VERIFICATION', 'Verification of date of birth', 'dateOfBirth'],
    ['DOB_VERIFICATION_CORRECTION', 'Correction of verification of date of birth', 'dateOfBirth'],
    ['DOB_UNVERIFIED_CORRECTION', 'Correction of unverified date of birth', 'dateOfBirth'],
    ['DOD_NOTIFICATION', 'Notification of date of death', 'dateOfDeath'],
    ['DOD_VERIFICATION', 'Verification of date of death', 'dateOfDeath'],
    ['DOD_UNVERIFIED_CORRECTION', 'Correction of unverified date of death', 'dateOfDeath'],
    ['DOD_REMOVAL', 'Removal of date of death', 'dateOfDeath'],
    ['DOD_VERIFIED_CORRECTION', 'Correction of verified date of death', 'dateOfDeath'],
    ['NRP_BENEFIT_ON_OFF', 'On/off benefit for the paying parent', 'benefit'],
    ['NRP_PARTNER_BENEFIT_ON_OFF', "On/off benefit for the paying parent's partner", 'partnerBenefit'],
    ['NRP_BENEFIT_CLAIM', 'Benefit claim made by the paying parent', 'benefitClaim'],
    ['NATIONALLY_SENSITIVE_STATUS', 'Nationally sensitive status update', 'sensitivity'],
  ] as const)('[BR-6] %s is "%s" and changes the %s item', (type, label, item) => {
    expect(CIS_CHANGE_TYPE_INFO[type]).toMatchObject({ label, item });
    expect(isCisChangeType(type)).toBe(true);
  });

  it('[BR-6] has exactly fifteen change types, each over a known item', () => {
    expect(CIS_CHANGE_TYPES).toHaveLength(15);
    for (const type of CIS_CHANGE_TYPES) expect(CIS_CHANGE_ITEMS).toContain(CIS_CHANGE_TYPE_INFO[type].item);
  });

  it('[BR-3] name changes and corrections are the same item, so only the latest of a day is sent', () => {
    expect(CIS_CHANGE_TYPE_INFO.NAME_1_CHANGE.item).toBe(CIS_CHANGE_TYPE_INFO.NAME_CORRECTION.item);
  });

  it('[BR-4] an address change and a benefit change are different items, so two transactions', () => {
    expect(CIS_CHANGE_TYPE_INFO.ADDRESS_CHANGE.item).not.toBe(CIS_CHANGE_TYPE_INFO.NRP_BENEFIT_ON_OFF.item);
  });

  it('[BR-8] a benefit claim by the paying parent raises no SR; every other change does', () => {
    const noSr = CIS_CHANGE_TYPES.filter((t) => !CIS_CHANGE_TYPE_INFO[t].raisesSr);
    expect(noSr).toEqual(['NRP_BENEFIT_CLAIM']);
  });

  it('[BR-7] only a nationally sensitive status update goes straight to the sensitive case team', () => {
    const sensitive = CIS_CHANGE_TYPES.filter((t) => CIS_CHANGE_TYPE_INFO[t].sensitiveCaseTeam);
    expect(sensitive).toEqual(['NATIONALLY_SENSITIVE_STATUS']);
  });

  it.each(['NRP_BENEFIT_ON_OFF', 'NRP_PARTNER_BENEFIT_ON_OFF', 'NRP_BENEFIT_CLAIM'] as const)(
    '[BR-6] %s concerns only the paying parent',
    (type) => {
      expect(CIS_CHANGE_TYPE_INFO[type].roles).toEqual(['NRP']);
    },
  );

  it.each(['NAME_1_CHANGE', 'ADDRESS_CHANGE', 'DOD_NOTIFICATION', 'NATIONALLY_SENSITIVE_STATUS'] as const)(
    '[BR-6] %s can concern any client',
    (type) => {
      expect(CIS_CHANGE_TYPE_INFO[type].roles).toEqual(['PWC', 'NRP', 'QC', 'ROC']);
    },
  );
});

describe('validateCisChange', () => {
  const valid: CisChange[] = [
    { type: 'NAME_1_CHANGE', firstName: 'Jo', lastName: 'Bloggs' },
    { type: 'NAME_CORRECTION', firstName: 'Joanne', lastName: 'Bloggs-Smith' },
    { type: 'ADDRESS_CHANGE', address, addressStartDate: '2024-06-01' },
    { type: 'DOB_VERIFICATION', dateOfBirth: '1985-07-02', verified: true },
    { type: 'DOB_VERIFICATION_CORRECTION', dateOfBirth: '1985-07-03', verified: true },
    { type: 'DOB_UNVERIFIED_CORRECTION', dateOfBirth: '1985-07-02', verified: false },
    { type: 'DOD_NOTIFICATION', dateOfDeath: '2024-06-01', verified: false },
    { type: 'DOD_NOTIFICATION', dateOfDeath: '2024-06-01', verified: true },
    { type: 'DOD_VERIFICATION', dateOfDeath: '2024-06-01', verified: true },
    { type: 'DOD_UNVERIFIED_CORRECTION', dateOfDeath: '2024-06-02', verified: false },
    { type: 'DOD_REMOVAL' },
    { type: 'DOD_VERIFIED_CORRECTION', dateOfDeath: '2024-05-30', verified: true },
    { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'Universal Credit' },
    { type: 'NRP_BENEFIT_ON_OFF', onBenefit: false, benefitType: 'JSA(IB)', effectiveDate: '2024-06-01' },
    { type: 'NRP_PARTNER_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'ESA(IR)', effectiveDate: null },
    { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2024-06-14' },
    { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: true },
    { type: 'NATIONALLY_SENSITIVE_STATUS', nationallySensitive: false },
  ];

  it.each(valid.map((c) => [c.type, c]))('[BR-6] accepts a valid %s', (_type, change) => {
    expect(validateCisChange(change, { now })).toEqual([]);
  });

  it('[BR-6] covers every change type with a valid example', () => {
    expect(new Set(valid.map((c) => c.type))).toEqual(new Set(CIS_CHANGE_TYPES));
  });

  it.each([
    ['unknown type', { type: 'NAME_2_CHANGE' }, 'type', 'change-type'],
    ['no type', {}, 'type', 'change-type'],
    ['missing last name', { type: 'NAME_1_CHANGE', firstName: 'Jo' }, 'lastName', 'required'],
    [
      'bad postcode',
      { type: 'ADDRESS_CHANGE', address: { ...address, postcode: 'X' }, addressStartDate: '2024-06-01' },
      'address.postcode',
      'postcode-format',
    ],
    ['missing start date', { type: 'ADDRESS_CHANGE', address }, 'addressStartDate', 'required'],
    [
      'future date of birth',
      { type: 'DOB_VERIFICATION', dateOfBirth: '2025-01-01', verified: true },
      'dateOfBirth',
      'date-in-future',
    ],
    [
      'verification not verified',
      { type: 'DOB_VERIFICATION', dateOfBirth: '1985-07-02', verified: false },
      'verified',
      'verified-mismatch',
    ],
    [
      'unverified correction marked verified',
      { type: 'DOB_UNVERIFIED_CORRECTION', dateOfBirth: '1985-07-02', verified: true },
      'verified',
      'verified-mismatch',
    ],
    ['verified missing', { type: 'DOD_NOTIFICATION', dateOfDeath: '2024-06-01' }, 'verified', 'boolean'],
    [
      'future date of death',
      { type: 'DOD_VERIFICATION', dateOfDeath: '2024-06-16', verified: true },
      'dateOfDeath',
      'date-in-future',
    ],
    [
      'verified death correction not verified',
      { type: 'DOD_VERIFIED_CORRECTION', dateOfDeath: '2024-06-01', verified: false },
      'verified',
      'verified-mismatch',
    ],
    [
      'onBenefit not boolean',
      { type: 'NRP_BENEFIT_ON_OFF', onBenefit: 'yes', benefitType: 'UC' },
      'onBenefit',
      'boolean',
    ],
    [
      'no benefit type',
      { type: 'NRP_PARTNER_BENEFIT_ON_OFF', onBenefit: true, benefitType: ' ' },
      'benefitType',
      'required',
    ],
    [
      'long benefit type',
      { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'x'.repeat(51) },
      'benefitType',
      'max-length',
    ],
    [
      'bad effective date',
      { type: 'NRP_BENEFIT_ON_OFF', onBenefit: true, benefitType: 'UC', effectiveDate: 'soon' },
      'effectiveDate',
      'date-format',
    ],
    [
      'future claim date',
      { type: 'NRP_BENEFIT_CLAIM', benefitType: 'UC', claimDate: '2024-07-01' },
      'claimDate',
      'date-in-future',
    ],
    [
      'bad claim date',
      { type: 'NRP_BENEFIT_CLAIM', benefitType: 'UC', claimDate: '2024-02-30' },
      'claimDate',
      'date-format',
    ],
    ['sensitivity missing', { type: 'NATIONALLY_SENSITIVE_STATUS' }, 'nationallySensitive', 'boolean'],
  ])('[BR-6] reports %s', (_label, input, field, rule) => {
    expect(validateCisChange(input, { now, fieldPrefix: 'change' })).toEqual([
      expect.objectContaining({ field: `change.${field}`, rule }),
    ]);
  });

  it.each([null, undefined, 'NAME_1_CHANGE', 42])('rejects %j as a change', (input) => {
    expect(validateCisChange(input)).toEqual([
      expect.objectContaining({ field: 'type', rule: 'change-type' }),
    ]);
  });

  it('checks dates are not in the future only when now is given', () => {
    const future = { type: 'DOB_VERIFICATION', dateOfBirth: '2099-01-01', verified: true };
    expect(validateCisChange(future)).toEqual([]);
    expect(validateCisChange(future, { now })).toHaveLength(1);
  });

  it('narrows by type', () => {
    const change = { type: 'NRP_BENEFIT_CLAIM', benefitType: 'UC', claimDate: '2024-06-01' } as CisChange;
    const type: CisChangeType = change.type;
    expect(change.type === 'NRP_BENEFIT_CLAIM' ? change.claimDate : null).toBe('2024-06-01');
    expect(type).toBe('NRP_BENEFIT_CLAIM');
  });
});

describe('updates to CIS', () => {
  it.each([
    ['NAME_CHANGE', 'Name change'],
    ['ADDRESS_CHANGE', 'Change of address'],
    ['DOB_VERIFIED', 'Notification of a date of birth - verified'],
    ['DOB_NOT_VERIFIED', 'Notification of a date of birth - not verified'],
    ['DOD_VERIFIED', 'Notification of a date of death - verified'],
    ['DOD_NOT_VERIFIED', 'Notification of a date of death - not verified'],
  ] as const)('[SU-2] %s is "%s"', (type, label) => {
    expect(CIS_UPDATE_TYPE_LABELS[type]).toBe(label);
    expect(isCisUpdateType(type)).toBe(true);
  });

  it('[SU-2] has exactly six update types', () => {
    expect(CIS_UPDATE_TYPES).toHaveLength(6);
    expect(isCisUpdateType('SEX_CHANGE')).toBe(false);
  });

  const valid: CisUpdate[] = [
    { type: 'NAME_CHANGE', firstName: 'Jo', lastName: 'Bloggs' },
    { type: 'ADDRESS_CHANGE', address, addressStartDate: '2024-06-01' },
    { type: 'DOB_VERIFIED', dateOfBirth: '1985-07-02' },
    { type: 'DOB_NOT_VERIFIED', dateOfBirth: '1985-07-02' },
    { type: 'DOD_VERIFIED', dateOfDeath: '2024-06-01' },
    { type: 'DOD_NOT_VERIFIED', dateOfDeath: '2024-06-15' },
  ];

  it.each(valid.map((u) => [u.type, u]))('[SU-2] accepts a valid %s', (_type, update) => {
    expect(validateCisUpdate(update, { now })).toEqual([]);
  });

  it.each([
    [
      'a broadcast type',
      { type: 'NAME_1_CHANGE', firstName: 'Jo', lastName: 'Bloggs' },
      'type',
      'change-type',
    ],
    [
      'a bad name',
      { type: 'NAME_CHANGE', firstName: 'J0', lastName: 'Bloggs' },
      'firstName',
      'name-characters',
    ],
    ['no address', { type: 'ADDRESS_CHANGE', addressStartDate: '2024-06-01' }, 'address', 'required'],
    [
      'future date of birth',
      { type: 'DOB_NOT_VERIFIED', dateOfBirth: '2024-06-16' },
      'dateOfBirth',
      'date-in-future',
    ],
    ['no date of death', { type: 'DOD_VERIFIED' }, 'dateOfDeath', 'required'],
  ])('[SU-2] reports %s', (_label, input, field, rule) => {
    expect(validateCisUpdate(input, { now })).toEqual([expect.objectContaining({ field, rule })]);
  });
});

describe('CIS responses', () => {
  it('[SU-6] error code 1 means nationally sensitive and nothing was applied', () => {
    expect(CIS_UPDATE_RESPONSE_INFO['1']).toMatchObject({
      name: 'NATIONALLY_SENSITIVE',
      applied: false,
      requirementId: 'SU-6',
    });
  });

  it('[SU-7] code 0 means the update was accepted and applied', () => {
    expect(CIS_UPDATE_RESPONSE_INFO['0']).toMatchObject({ name: 'ACCEPTED', applied: true });
  });

  it('[SU-1] code 2 means no interest is registered', () => {
    expect(CIS_UPDATE_RESPONSE_INFO['2']).toMatchObject({ name: 'NO_INTEREST_REGISTERED', applied: false });
  });

  it.each([...CIS_UPDATE_RESPONSE_CODES])('[SU-5] response code %s has a message to show', (code) => {
    expect(isCisUpdateResponseCode(code)).toBe(true);
    expect(CIS_UPDATE_RESPONSE_INFO[code].message.length).toBeGreaterThan(0);
  });

  it.each([['4'], [1], [null]])('%j is not a response code', (code) => {
    expect(isCisUpdateResponseCode(code)).toBe(false);
  });

  it.each([
    ['RD-5', 'NINO_NOT_FOUND', 'NINO not found'],
    ['RD-5', 'NINO_DELETED', 'NINO deleted'],
    ['RD-5', 'NINO_SUPERSEDED', 'NINO superseded'],
    ['RD-5', 'TECHNICAL_ERROR', 'Technical error'],
    ['RD-4', 'INSUFFICIENT_ACCESS_LEVEL', 'Insufficient access level'],
  ] as const)('[%s] retrieval outcome %s reads "%s"', (requirementId, code, message) => {
    expect(CIS_RETRIEVAL_REJECTION_INFO[code]).toEqual({ message, requirementId });
    expect(isCisRetrievalRejection(code)).toBe(true);
  });

  it('[RD-5] has the four rejections plus the RD-4 access message', () => {
    expect(CIS_RETRIEVAL_REJECTIONS).toHaveLength(5);
  });
});
