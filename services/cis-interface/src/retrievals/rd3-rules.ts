import {
  isValidPhone,
  normalisePhone,
  sameAddress,
  type CisUpdate,
  type IsoDate,
  type PersonalDetails,
  type Sex,
  type UkAddress,
} from '@cms/domain';

/**
 * RD-3 as pure functions (CIS - Retrieve Personal Data From, step 3): which items of CIS's answer
 * count as returned, and how each differs from what CMS holds (RD-6); then what accepting CIS's
 * value changes on CMS's record, and what keeping CMS's value sends to CIS (RD-7, SU).
 */

/** The items RD-3 lets CIS return, in the procedure's order. */
export const RD3_ITEMS = [
  'nino',
  'dateOfBirth',
  'sex',
  'dateOfDeath',
  'address',
  'addressStartDate',
  'homePhone',
  'businessPhone',
  'mobilePhone',
  'homeEmail',
] as const;
export type Rd3ItemName = (typeof RD3_ITEMS)[number];

/** A JSON value of one item: a string (NINO, date, sex, phone, email), an address with its start date, or null. */
export type CmsValue = string | AddressWithStart | null;

/** The address item: the address and the date the client started living there (RD-3: the start date only with a new address). */
export interface AddressWithStart {
  address: UkAddress | null;
  addressStartDate: IsoDate | null;
}

/** The person as CIS returned them; `currentNino` is set when the NINO asked for was superseded. */
export interface CisPerson extends PersonalDetails {
  /** The NINO now in force when the one CMS holds was superseded (RD-3, first bullet); otherwise null. */
  currentNino: string | null;
}

/** The client as CMS holds them, with the NINO CMS knows them by. */
export interface CmsPerson extends PersonalDetails {
  nino: string | null;
}

/** One item RD-3 keeps from CIS's answer, with CMS's value beside it. */
export interface Rd3Item {
  item: Rd3ItemName;
  cisValue: CmsValue;
  cmsValue: CmsValue;
  /** True when CIS's value differs from CMS's: stored apart, never overwriting (RD-6), and a discrepancy (RD-7). */
  differs: boolean;
  /** Why RD-3 keeps it. */
  rule: string;
}

const RULES: Readonly<Record<Rd3ItemName, string>> = {
  nino: 'RD-3: NINO only where superseded',
  dateOfBirth: 'RD-3: date of birth only where Verified in CIS and different',
  sex: 'RD-3: sex',
  dateOfDeath: 'RD-3: date of death only where Verified in CIS',
  address: 'RD-3: current address only where different',
  addressStartDate: 'RD-3: address start date only with a new address',
  homePhone: 'RD-3: home telephone only where different',
  businessPhone: 'RD-3: business telephone only where different',
  mobilePhone: 'RD-3: mobile telephone only where different',
  homeEmail: 'RD-3: home email only where different',
};

function samePhone(a: string, b: string | null): boolean {
  if (b === null) return false;
  const norm = (p: string) => (isValidPhone(p) ? normalisePhone(p) : p.replace(/[^\d+]/g, ''));
  return norm(a) === norm(b);
}

function sameEmail(a: string, b: string | null): boolean {
  return b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * The items of CIS's answer that RD-3 keeps, each with CMS's value and whether it differs:
 * - `nino` only where CIS says the NINO was superseded (its `currentNino` differs from CMS's NINO);
 * - `dateOfBirth` only where Verified in CIS and different from CMS's;
 * - `sex` always when CIS holds one (differs unless equal; CIS's `U` "not known" never differs
 *   from a sex CMS holds);
 * - `dateOfDeath` only where Verified in CIS (differs when CMS holds another date or holds it unverified);
 * - `address` only where different (`sameAddress`), and then `addressStartDate` with it;
 * - home, business and mobile telephone and home email only where different (numbers compared in E.164).
 * Pure: no I/O, no clock.
 */
export function applyRd3(cis: CisPerson, cms: CmsPerson): Rd3Item[] {
  const items: Rd3Item[] = [];
  const add = (item: Rd3ItemName, cisValue: CmsValue, cmsValue: CmsValue, differs = true) =>
    items.push({ item, cisValue, cmsValue, differs, rule: RULES[item] });

  if (cis.currentNino && cis.currentNino !== cms.nino) add('nino', cis.currentNino, cms.nino);

  if (cis.dateOfBirthVerified && cis.dateOfBirth && cis.dateOfBirth !== cms.dateOfBirth) {
    add('dateOfBirth', cis.dateOfBirth, cms.dateOfBirth);
  }

  if (cis.sex) {
    const differs = cis.sex === 'U' ? cms.sex === null : cis.sex !== cms.sex;
    add('sex', cis.sex, cms.sex, differs);
  }

  if (cis.dateOfDeathVerified && cis.dateOfDeath) {
    add(
      'dateOfDeath',
      cis.dateOfDeath,
      cms.dateOfDeath,
      cis.dateOfDeath !== cms.dateOfDeath || !cms.dateOfDeathVerified,
    );
  }

  if (cis.address && !(cms.address && sameAddress(cis.address, cms.address))) {
    add(
      'address',
      { address: cis.address, addressStartDate: cis.addressStartDate },
      { address: cms.address, addressStartDate: cms.addressStartDate },
    );
    if (cis.addressStartDate) {
      add(
        'addressStartDate',
        cis.addressStartDate,
        cms.addressStartDate,
        cis.addressStartDate !== cms.addressStartDate,
      );
    }
  }

  if (cis.homePhone && !samePhone(cis.homePhone, cms.homePhone))
    add('homePhone', cis.homePhone, cms.homePhone);
  if (cis.businessPhone && !samePhone(cis.businessPhone, cms.businessPhone)) {
    add('businessPhone', cis.businessPhone, cms.businessPhone);
  }
  if (cis.mobilePhone && !samePhone(cis.mobilePhone, cms.mobilePhone)) {
    add('mobilePhone', cis.mobilePhone, cms.mobilePhone);
  }
  if (cis.homeEmail && !sameEmail(cis.homeEmail, cms.homeEmail))
    add('homeEmail', cis.homeEmail, cms.homeEmail);

  return items;
}

/**
 * The items that become discrepancies (RD-6, RD-7): those that differ, apart from the address
 * start date, which travels with its address item.
 */
export function discrepancyItems(items: readonly Rd3Item[]): Rd3Item[] {
  return items.filter((i) => i.differs && i.item !== 'addressStartDate');
}

/**
 * Whether CIS holds its value of `item` as Verified: RD-3 returns a date of birth or of death only
 * where it is Verified in CIS, so such a discrepancy's CIS value always is. Keeping CMS's value over
 * it needs the caseworker's explicit confirmation (RD-7).
 */
export function cisHoldsVerified(item: Rd3ItemName): boolean {
  return item === 'dateOfBirth' || item === 'dateOfDeath';
}

/** Items of `PATCH /clients/{id}` in service-requests (a subset of PersonalDetails). */
export type ClientPatch = Partial<Omit<PersonalDetails, 'firstName' | 'lastName'>>;

/**
 * What accepting CIS's value (RD-7, "CIS is more up to date") changes on CMS's record, or null
 * when CMS cannot take the item this way (`nino`: a NINO changes through the verify NINO/CRN
 * interface, not an edit). Dates of birth and death from CIS are Verified (RD-3), so they are
 * stored as verified.
 */
export function acceptCisPatch(item: Rd3ItemName, cisValue: CmsValue): ClientPatch | null {
  switch (item) {
    case 'nino':
      return null;
    case 'dateOfBirth':
      return { dateOfBirth: cisValue as IsoDate, dateOfBirthVerified: true };
    case 'dateOfDeath':
      return { dateOfDeath: cisValue as IsoDate, dateOfDeathVerified: true };
    case 'sex':
      return { sex: cisValue as Sex };
    case 'address': {
      const v = cisValue as AddressWithStart;
      return { address: v.address, addressStartDate: v.addressStartDate };
    }
    case 'addressStartDate':
      return { addressStartDate: cisValue as IsoDate };
    case 'homePhone':
    case 'businessPhone':
    case 'mobilePhone':
    case 'homeEmail':
      return { [item]: cisValue as string };
  }
}

/** Why keeping CMS's value sends nothing to CIS (SU-2 lists the only items CIS accepts). */
export type NoUpdateReason = 'not-updatable' | 'cms-value-missing';

/**
 * The update that tells CIS CMS's value (RD-7 → CIS - Send Update), from CMS's current record, or
 * the reason none is sent: CIS accepts only names, addresses and dates of birth and death (SU-2);
 * an address needs its start date, and a date must be held by CMS.
 */
export function keepCmsUpdate(item: Rd3ItemName, cms: PersonalDetails): CisUpdate | NoUpdateReason {
  switch (item) {
    case 'address':
      if (!cms.address || !cms.addressStartDate) return 'cms-value-missing';
      return { type: 'ADDRESS_CHANGE', address: cms.address, addressStartDate: cms.addressStartDate };
    case 'dateOfBirth':
      if (!cms.dateOfBirth) return 'cms-value-missing';
      return {
        type: cms.dateOfBirthVerified ? 'DOB_VERIFIED' : 'DOB_NOT_VERIFIED',
        dateOfBirth: cms.dateOfBirth,
      };
    case 'dateOfDeath':
      // CIS has no "removal of date of death" update (SU-2): without a CMS date nothing can be sent.
      if (!cms.dateOfDeath) return 'cms-value-missing';
      return {
        type: cms.dateOfDeathVerified ? 'DOD_VERIFIED' : 'DOD_NOT_VERIFIED',
        dateOfDeath: cms.dateOfDeath,
      };
    default:
      return 'not-updatable';
  }
}
