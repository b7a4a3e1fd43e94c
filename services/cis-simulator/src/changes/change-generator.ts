import { addDaysToIsoDate, ukToday, type CisChange, type CisChangeType, type IsoDate } from '@cms/domain';
import {
  BENEFIT_TYPES,
  daysBefore,
  randomAddress,
  randomFirstName,
  randomLastName,
  type SeededRandom,
} from '../persons/person-generator';
import type { PersonState } from './cis-change-rules';

/**
 * A realistic change of `type` to a person's record at `now` (BR-6), consistent with the record:
 * dates not in the future, a death not before the birth, a name 1 change keeps name 2, a
 * verification keeps the date held, corrections move it by a few days.
 */
export function generateChange(
  r: SeededRandom,
  type: CisChangeType,
  person: PersonState & { sex: 'M' | 'F' | 'U' | null },
  now: Date,
): CisChange {
  const f = r.faker;
  const today = ukToday(now);
  const dob = person.dateOfBirth ?? daysBefore(r, today, 18 * 365, 60 * 365);
  const shifted = (date: IsoDate, floor: IsoDate | null, ceiling: IsoDate = today): IsoDate => {
    const d = addDaysToIsoDate(date, f.helpers.arrayElement([-1, 1]) * f.number.int({ min: 1, max: 30 }));
    if (d > ceiling) return ceiling;
    return floor && d < floor ? floor : d;
  };
  const dobCeiling = person.dateOfDeath && person.dateOfDeath < today ? person.dateOfDeath : today;
  const recentDeath = (): IsoDate => {
    const d = daysBefore(r, today, 0, 30);
    return d < dob ? dob : d;
  };
  switch (type) {
    case 'NAME_1_CHANGE':
      return { type, firstName: randomFirstName(r, person.sex), lastName: person.lastName };
    case 'NAME_CORRECTION':
      return { type, firstName: person.firstName, lastName: randomLastName(r) };
    case 'ADDRESS_CHANGE': {
      const start = daysBefore(r, today, 0, 45);
      return { type, address: randomAddress(r), addressStartDate: start < dob ? dob : start };
    }
    case 'DOB_VERIFICATION':
      return { type, dateOfBirth: dob > dobCeiling ? dobCeiling : dob, verified: true };
    case 'DOB_VERIFICATION_CORRECTION':
      return { type, dateOfBirth: shifted(dob, null, dobCeiling), verified: true };
    case 'DOB_UNVERIFIED_CORRECTION':
      return { type, dateOfBirth: shifted(dob, null, dobCeiling), verified: false };
    case 'DOD_NOTIFICATION':
      return { type, dateOfDeath: recentDeath(), verified: f.datatype.boolean() };
    case 'DOD_VERIFICATION':
      return { type, dateOfDeath: person.dateOfDeath ?? recentDeath(), verified: true };
    case 'DOD_UNVERIFIED_CORRECTION':
      return {
        type,
        dateOfDeath: person.dateOfDeath ? shifted(person.dateOfDeath, dob) : recentDeath(),
        verified: false,
      };
    case 'DOD_VERIFIED_CORRECTION':
      return {
        type,
        dateOfDeath: person.dateOfDeath ? shifted(person.dateOfDeath, dob) : recentDeath(),
        verified: true,
      };
    case 'DOD_REMOVAL':
      return { type };
    case 'NRP_BENEFIT_ON_OFF':
    case 'NRP_PARTNER_BENEFIT_ON_OFF':
      return {
        type,
        onBenefit: f.datatype.boolean(),
        benefitType: f.helpers.arrayElement(BENEFIT_TYPES),
        effectiveDate: daysBefore(r, today, 0, 20),
      };
    case 'NRP_BENEFIT_CLAIM':
      return {
        type,
        benefitType: f.helpers.arrayElement(BENEFIT_TYPES),
        claimDate: daysBefore(r, today, 0, 10),
      };
    case 'NATIONALLY_SENSITIVE_STATUS':
      return { type, nationallySensitive: !person.nationallySensitive };
  }
}
