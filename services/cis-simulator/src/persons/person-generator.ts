import { base, en, en_GB, Faker } from '@faker-js/faker';
import {
  addDaysToIsoDate,
  generateCrn,
  generateNino,
  generateUkPhone,
  isValidEmail,
  isValidPostcode,
  NAME_MAX_LENGTH,
  ADDRESS_LINE_MAX_LENGTH,
  toIsoDate,
  ukToday,
  type InterestType,
  type IsoDate,
  type PersonalDetails,
  type PersonReferenceKind,
  type Sex,
  type UkAddress,
} from '@cms/domain';

/**
 * Realistic, repeatable test and demo persons (fakerEN_GB with a seed): valid NINOs (adults) and
 * CRNs (children), UK addresses with real postcode districts, Ofcom drama-range telephone numbers,
 * example.com/org/net email addresses, and CMG interests that fit the person.
 */

/** A seeded random source: faker (en_GB) and a `() => [0, 1)` for the domain generators. */
export interface SeededRandom {
  faker: Faker;
  random: () => number;
}

/** A random source seeded with `seed`: the same seed gives the same sequence. */
export function seededRandom(seed: number): SeededRandom {
  const faker = new Faker({ locale: [en_GB, en, base] });
  faker.seed(seed);
  return { faker, random: () => faker.number.float({ min: 0, max: 1 }) };
}

/** Postcode districts of real towns and cities, as [town, area, lowest district, highest district]. */
const TOWNS: readonly [string, string, number, number][] = [
  ['Leeds', 'LS', 1, 29],
  ['Manchester', 'M', 1, 40],
  ['Birmingham', 'B', 1, 48],
  ['Bristol', 'BS', 1, 16],
  ['Glasgow', 'G', 1, 53],
  ['Cardiff', 'CF', 3, 24],
  ['Newcastle upon Tyne', 'NE', 1, 15],
  ['Sheffield', 'S', 1, 14],
  ['Liverpool', 'L', 1, 25],
  ['Nottingham', 'NG', 1, 11],
  ['Edinburgh', 'EH', 1, 17],
  ['Norwich', 'NR', 1, 7],
  ['Plymouth', 'PL', 1, 9],
  ['Leicester', 'LE', 1, 5],
  ['Swansea', 'SA', 1, 7],
  ['Aberdeen', 'AB', 10, 25],
  ['Belfast', 'BT', 1, 17],
  ['Hull', 'HU', 1, 9],
  ['Stoke-on-Trent', 'ST', 1, 6],
  ['Preston', 'PR', 1, 5],
];
/** Letters used in the unit (last two characters) of a postcode. */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'.split('');
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

/** Benefit names as CIS gives them (free text, at most 50 characters). */
export const BENEFIT_TYPES = [
  'Universal Credit',
  "Jobseeker's Allowance (income-based)",
  'Employment and Support Allowance (income-related)',
  'Income Support',
  'Pension Credit',
  "Carer's Allowance",
  'State Pension',
  'Personal Independence Payment',
] as const;

function chance(r: SeededRandom, share: number): boolean {
  return r.random() < share;
}

function fit(value: string, max: number): string {
  return value.length <= max ? value : value.slice(0, max).trim();
}

/** A UK address in a real town with a postcode that passes `isValidPostcode`. */
export function randomAddress(r: SeededRandom): UkAddress {
  const f = r.faker;
  const [town, area, low, high] = f.helpers.arrayElement(TOWNS);
  let postcode = '';
  do {
    const district = f.number.int({ min: low, max: high });
    postcode = `${area}${district} ${f.number.int({ min: 1, max: 9 })}${f.helpers.arrayElement(UNIT_LETTERS)}${f.helpers.arrayElement(UNIT_LETTERS)}`;
  } while (!isValidPostcode(postcode));
  const flat = chance(r, 0.25) ? `Flat ${f.number.int({ min: 1, max: 24 })}` : null;
  return {
    line1: fit(`${f.number.int({ min: 1, max: 240 })} ${f.location.street()}`, ADDRESS_LINE_MAX_LENGTH),
    line2: flat,
    line3: null,
    town,
    postcode,
  };
}

/** A first name of the given sex (either for U). */
export function randomFirstName(r: SeededRandom, sex: Sex | null): string {
  const s = sex === 'M' ? 'male' : sex === 'F' ? 'female' : undefined;
  return fit(r.faker.person.firstName(s).replace(/[^\p{L}' -]/gu, ''), NAME_MAX_LENGTH);
}

/** A last name. */
export function randomLastName(r: SeededRandom): string {
  return fit(r.faker.person.lastName().replace(/[^\p{L}' -]/gu, ''), NAME_MAX_LENGTH);
}

/** A date `min`..`max` days before `today` (UK). */
export function daysBefore(r: SeededRandom, today: IsoDate, min: number, max: number): IsoDate {
  return addDaysToIsoDate(today, -r.faker.number.int({ min, max }));
}

/** A generated person: their key, CIS's data, sensitivity and the interests CMG holds on them. */
export interface GeneratedPerson {
  referenceKind: PersonReferenceKind;
  reference: string;
  details: PersonalDetails;
  nationallySensitive: boolean;
  interestTypes: InterestType[];
}

/**
 * One realistic person at `now`. `isTaken` says whether a NINO/CRN is already used (it is then
 * drawn again). Children (share `childShare`) are keyed by CRN, have no contact details, and only
 * ever a receiving parent/QC/ROC interest; adults get a receiving or paying parent interest (with
 * an MC interest for some paying parents), each with probability `interestShare`.
 */
export function generatePerson(
  r: SeededRandom,
  now: Date,
  opts: {
    interestShare: number;
    childShare: number;
    isTaken: (kind: PersonReferenceKind, ref: string) => boolean;
  },
): GeneratedPerson {
  const f = r.faker;
  const today = ukToday(now);
  const child = chance(r, opts.childShare);
  const referenceKind: PersonReferenceKind = child ? 'CRN' : 'NINO';
  let reference: string;
  do reference = child ? generateCrn(r.random) : generateNino(r.random);
  while (opts.isTaken(referenceKind, reference));
  const sex: Sex = chance(r, 0.02) ? 'U' : chance(r, 0.5) ? 'F' : 'M';
  const firstName = randomFirstName(r, sex);
  const lastName = randomLastName(r);
  const dateOfBirth = toIsoDate(
    f.date.birthdate(
      child
        ? { mode: 'age', min: 0, max: 15, refDate: now }
        : { mode: 'age', min: 18, max: 67, refDate: now },
    ),
  );
  const dead = !child && chance(r, 0.01);
  const address = randomAddress(r);
  const movedIn = daysBefore(r, today, 30, 3650);
  const emailLocal = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '') || 'client';
  const email = `${emailLocal}${f.number.int({ min: 1, max: 99 })}@${f.helpers.arrayElement(EMAIL_DOMAINS)}`;
  const details: PersonalDetails = {
    firstName,
    lastName,
    dateOfBirth,
    dateOfBirthVerified: chance(r, 0.8),
    dateOfDeath: dead ? daysBefore(r, today, 1, 60) : null,
    dateOfDeathVerified: dead && chance(r, 0.5),
    sex,
    address,
    addressStartDate: movedIn < dateOfBirth ? dateOfBirth : movedIn,
    homePhone: !child && chance(r, 0.6) ? generateUkPhone(r.random, 'landline') : null,
    businessPhone: !child && chance(r, 0.25) ? generateUkPhone(r.random, 'landline') : null,
    mobilePhone: !child && chance(r, 0.85) ? generateUkPhone(r.random, 'mobile') : null,
    homeEmail: !child && chance(r, 0.7) && isValidEmail(email) ? email : null,
  };
  let interestTypes: InterestType[] = [];
  if (chance(r, opts.interestShare)) {
    if (child || chance(r, 0.5)) interestTypes = ['PWC_QC_ROC_GENERAL'];
    else interestTypes = chance(r, 0.4) ? ['NRP_GENERAL', 'NRP_MC'] : ['NRP_GENERAL'];
  }
  return {
    referenceKind,
    reference,
    details,
    nationallySensitive: chance(r, 0.03),
    interestTypes,
  };
}
