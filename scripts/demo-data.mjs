// Demo data for `npm start`, loaded through the public APIs only, once per data directory.
// Realistic clients (@faker-js/faker en_GB names and addresses, valid postcodes, UK phone numbers
// from Ofcom's drama ranges, valid NINOs and CRNs) on about 2,000 cases in Great Britain and
// Northern Ireland, some nationally sensitive.
import { fakerEN_GB as faker } from '@faker-js/faker';

const CASES = Number(process.env.DEMO_CASES ?? 2000);
const CONCURRENCY = 16;

// NINO rules as in libs/domain: no D F I Q U V in either letter, no O second, not the unallocated prefixes.
const LETTERS = 'ABCEGHJKLMNPRSTWXYZ';
const SECOND = LETTERS.replace('O', '');
const BAD_PREFIX = new Set([
  'BG',
  'GB',
  'KN',
  'NK',
  'NT',
  'TN',
  'ZZ',
  'OO',
  'CR',
  'FY',
  'MW',
  'NC',
  'PP',
  'PY',
  'PZ',
]);
function reference(used) {
  for (;;) {
    const prefix = faker.helpers.arrayElement([...LETTERS]) + faker.helpers.arrayElement([...SECOND]);
    if (BAD_PREFIX.has(prefix)) continue;
    const value = `${prefix}${faker.string.numeric(6)}${faker.helpers.arrayElement(['A', 'B', 'C', 'D'])}`;
    if (!used.has(value)) {
      used.add(value);
      return value;
    }
  }
}
const POSTCODES = {
  GB: [
    'LS1 4AP',
    'M1 1AE',
    'B1 1BB',
    'SW1A 2AA',
    'CF10 1EP',
    'EH1 1YZ',
    'NE1 4ST',
    'BS1 4DJ',
    'L1 8JQ',
    'G1 1XQ',
  ],
  NI: ['BT1 5GS', 'BT7 1NN', 'BT48 6DQ', 'BT9 5AB', 'BT60 4QE'],
};
const mobile = () => `07700 900${faker.string.numeric(3)}`;
const address = (j) => ({
  line1: `${faker.number.int({ min: 1, max: 220 })} ${faker.location.street()}`.slice(0, 35),
  town:
    j === 'NI'
      ? faker.helpers.arrayElement(['Belfast', 'Derry', 'Newry', 'Lisburn'])
      : faker.location.city().slice(0, 35),
  postcode: faker.helpers.arrayElement(POSTCODES[j]),
});

export async function loadDemoData({ urls, systemToken, log }) {
  const sr = urls['service-requests'];
  const call = async (method, path, body) => {
    const res = await fetch(`${sr}${path}`, {
      method,
      headers: { authorization: `Bearer ${systemToken}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${json.detail ?? ''}`);
    return json;
  };
  const existing = await call('GET', '/cases?limit=1');
  if (existing.total > 0) {
    log(`demo data already loaded (${existing.total} cases); reusing it`);
    return;
  }
  faker.seed(2012);
  const used = new Set();
  const plan = Array.from({ length: CASES }, (_, i) => ({
    jurisdiction: i % 10 === 0 ? 'NI' : 'GB',
    sensitive: i % 50 === 7,
    stage: faker.helpers.weightedArrayElement([
      { weight: 1, value: 'enquiry' },
      { weight: 2, value: 'application' },
      { weight: 2, value: 'new case' },
      { weight: 10, value: 'maintenance' },
    ]),
    lastName: faker.person.lastName(),
    children: faker.number.int({ min: 1, max: 3 }),
    nino: [reference(used), reference(used)],
    crns: [reference(used), reference(used), reference(used)],
    people: [
      faker.person.firstName('female'),
      faker.person.firstName('male'),
      faker.person.firstName(),
      faker.person.firstName(),
      faker.person.firstName(),
    ],
    addresses: [address(i % 10 === 0 ? 'NI' : 'GB'), address(i % 10 === 0 ? 'NI' : 'GB')],
    phones: [mobile(), mobile()],
  }));
  let done = 0;
  const one = async (p) => {
    const pwc = await call('POST', '/clients', {
      nino: p.nino[0],
      firstName: p.people[0],
      lastName: p.lastName,
      dateOfBirth: faker.date.birthdate({ mode: 'age', min: 22, max: 55 }).toISOString().slice(0, 10),
      address: p.addresses[0],
      mobilePhone: p.phones[0],
      homeEmail: faker.internet
        .email({ firstName: p.people[0], lastName: p.lastName, provider: 'example.com' })
        .toLowerCase(),
    });
    const nrp = await call('POST', '/clients', {
      nino: p.nino[1],
      firstName: p.people[1],
      lastName: faker.person.lastName(),
      dateOfBirth: faker.date.birthdate({ mode: 'age', min: 22, max: 60 }).toISOString().slice(0, 10),
      address: p.addresses[1],
      mobilePhone: p.phones[1],
    });
    const kids = [];
    for (let k = 0; k < p.children; k++) {
      kids.push(
        await call('POST', '/clients', {
          crn: p.crns[k],
          firstName: p.people[2 + k],
          lastName: p.lastName,
          dateOfBirth: faker.date.birthdate({ mode: 'age', min: 1, max: 15 }).toISOString().slice(0, 10),
        }),
      );
    }
    await call('POST', '/cases', {
      jurisdiction: p.jurisdiction,
      stage: p.stage,
      nationallySensitive: p.sensitive,
      participants: [
        { clientId: pwc.id, role: 'PWC' },
        { clientId: nrp.id, role: 'NRP' },
        ...kids.map((k) => ({ clientId: k.id, role: 'QC' })),
      ],
    });
    done++;
    if (done % 250 === 0) log(`  ${done} of ${CASES} cases`);
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < plan.length) await one(plan[next++]);
    }),
  );
  log(`loaded ${CASES} cases with their receiving parents, paying parents and children`);
}
