import type { CisChange } from './cis';
import type { PersonalDetails } from './clients';
import { sameAddress } from './contact';

/**
 * True when a CIS change says nothing CMS does not already hold, so its CoC SR is closed with a
 * note instead of worked (BR-9; CIS - Retrieve Personal Data From, step 8). Benefit and
 * sensitivity changes are never "already held": CMS keeps no such item on the client.
 */
export function cisChangeMatchesRecord(change: CisChange, cms: PersonalDetails): boolean {
  const same = (a: string | null | undefined, b: string | null | undefined) =>
    (a ?? '').trim().toUpperCase() === (b ?? '').trim().toUpperCase();
  switch (change.type) {
    case 'NAME_1_CHANGE':
    case 'NAME_CORRECTION':
      return same(change.firstName, cms.firstName) && same(change.lastName, cms.lastName);
    case 'ADDRESS_CHANGE':
      return cms.address !== null && sameAddress(change.address, cms.address);
    case 'DOB_VERIFICATION':
    case 'DOB_VERIFICATION_CORRECTION':
    case 'DOB_UNVERIFIED_CORRECTION':
      return cms.dateOfBirth === change.dateOfBirth && cms.dateOfBirthVerified === change.verified;
    case 'DOD_NOTIFICATION':
    case 'DOD_VERIFICATION':
    case 'DOD_UNVERIFIED_CORRECTION':
    case 'DOD_VERIFIED_CORRECTION':
      return cms.dateOfDeath === change.dateOfDeath && cms.dateOfDeathVerified === change.verified;
    case 'DOD_REMOVAL':
      return cms.dateOfDeath === null;
    default:
      return false;
  }
}
