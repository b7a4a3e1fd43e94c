import { DomainValidationError } from '../src/errors';
import {
  ADMINISTRATIVE_NINO_PREFIXES,
  crnProblem,
  generateCrn,
  generateNino,
  isValidCrn,
  isValidNino,
  maskNino,
  ninoProblem,
  normaliseCrn,
  normaliseNino,
  parsePersonReference,
  REFERENCE_STATUSES,
  UNALLOCATED_NINO_PREFIXES,
} from '../src/identifiers';

/** A deterministic generator (mulberry32) so generated data is repeatable. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('NINO', () => {
  it.each([
    ['AB123456C', 'AB123456C'],
    ['ab123456c', 'AB123456C'],
    ['AB 12 34 56 C', 'AB123456C'],
    ['  jg 10 37 59 a ', 'JG103759A'],
    ['ce\t123456\nd', 'CE123456D'],
    ['ZY999999B', 'ZY999999B'],
    ['NA000000A', 'NA000000A'],
    ['OA123456A', 'OA123456A'], // O is allowed as the first letter
    ['BT123456D', 'BT123456D'],
    ['MA123456A', 'MA123456A'], // Isle of Man
  ])('accepts %j as %s', (raw, expected) => {
    expect(ninoProblem(raw)).toBeNull();
    expect(isValidNino(raw)).toBe(true);
    expect(normaliseNino(raw)).toBe(expected);
  });

  it.each(['D', 'F', 'I', 'Q', 'U', 'V'])('rejects %s as the first letter', (letter) => {
    const problem = ninoProblem(`${letter}A123456A`);
    expect(problem).toMatchObject({ field: 'nino', rule: 'nino-format' });
    expect(problem?.message).toContain('first letter');
  });

  it.each(['D', 'F', 'I', 'Q', 'U', 'V', 'O'])('rejects %s as the second letter', (letter) => {
    const problem = ninoProblem(`A${letter}123456A`);
    expect(problem).toMatchObject({ field: 'nino', rule: 'nino-format' });
    expect(problem?.message).toContain('second letter');
  });

  it.each([...UNALLOCATED_NINO_PREFIXES])('rejects the unallocated prefix %s', (prefix) => {
    expect(isValidNino(`${prefix}123456A`)).toBe(false);
    expect(ninoProblem(`${prefix}123456A`)?.message).toContain(prefix);
  });

  it.each([...ADMINISTRATIVE_NINO_PREFIXES])('rejects the administrative prefix %s', (prefix) => {
    expect(ninoProblem(`${prefix}123456A`)?.message).toContain('administrative');
  });

  it.each([
    ['suffix E', 'AB123456E'],
    ['suffix F', 'AB123456F'],
    ['suffix M', 'AB123456M'],
    ['no suffix', 'AB123456'],
    ['seven digits', 'AB1234567C'],
    ['five digits', 'AB12345C'],
    ['letter among the digits', 'AB12345XC'],
    ['digit prefix', '1B123456C'],
    ['temporary number (TN + date of birth + sex)', 'TN311280M'],
    ['temporary number with valid suffix', 'TN311280A'],
    ['temporary reference number (TRN)', '11A11111'],
    ['punctuation', 'AB-12-34-56-C'],
    ['empty', ''],
    ['blank', '   '],
    ['null', null],
    ['undefined', undefined],
    ['number', 123456789],
  ])('rejects %s (%j)', (_label, raw) => {
    expect(isValidNino(raw)).toBe(false);
    expect(ninoProblem(raw)?.rule).toBe('nino-format');
  });

  it('throws a DomainValidationError naming the field and rule', () => {
    expect.assertions(4);
    try {
      normaliseNino('QQ123456C');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainValidationError);
      const err = e as DomainValidationError;
      expect(err.errors).toHaveLength(1);
      expect(err.errors[0]).toMatchObject({ field: 'nino', rule: 'nino-format' });
      expect(err.errors[0].message).toContain('QQ123456C');
    }
  });

  it('reports a custom field path', () => {
    expect(ninoProblem('nope', 'client.nino')?.field).toBe('client.nino');
    expect(() => normaliseNino('nope', 'client.nino')).toThrow(/client\.nino/);
  });

  it.each([
    ['AB123456C', 'AB****56C'],
    ['ab 12 34 56 c', 'AB****56C'],
    ['SHORT', '*****'],
    ['', '*'],
  ])('masks %j as %s', (raw, masked) => {
    expect(maskNino(raw)).toBe(masked);
  });

  it('generates only valid NINOs', () => {
    const random = seeded(42);
    const generated = Array.from({ length: 2000 }, () => generateNino(random));
    expect(generated.filter((n) => !isValidNino(n))).toEqual([]);
    expect(new Set(generated).size).toBeGreaterThan(1990);
  });

  it.each([
    ['always 0', () => 0],
    ['almost 1', () => 0.9999999999],
    ['exactly 1', () => 1],
    ['NaN', () => NaN],
    ['negative', () => -5],
  ])('generates a valid NINO when random is %s', (_label, random) => {
    expect(isValidNino(generateNino(random))).toBe(true);
  });

  it('is repeatable with a seeded generator', () => {
    expect(generateNino(seeded(7))).toBe(generateNino(seeded(7)));
  });
});

describe('CRN', () => {
  it.each([
    ['AB123456C', 'AB123456C'],
    ['ab 12 34 56 d', 'AB123456D'],
  ])('accepts %j as %s', (raw, expected) => {
    expect(isValidCrn(raw)).toBe(true);
    expect(normaliseCrn(raw)).toBe(expected);
  });

  it.each(['DA123456A', 'AO123456A', 'TN123456A', 'OO123456A', 'AB123456E', '', null])(
    'rejects %j',
    (raw) => {
      expect(isValidCrn(raw)).toBe(false);
      expect(crnProblem(raw)).toMatchObject({ field: 'crn', rule: 'crn-format' });
      expect(crnProblem(raw)?.message).toContain('child reference number');
    },
  );

  it('throws with field crn', () => {
    expect(() => normaliseCrn('X')).toThrow(DomainValidationError);
  });

  it('generates only valid CRNs', () => {
    const random = seeded(3);
    for (let i = 0; i < 500; i++) expect(isValidCrn(generateCrn(random))).toBe(true);
  });
});

describe('parsePersonReference', () => {
  it.each([
    ['NINO', 'ab 12 34 56 c', { kind: 'NINO', value: 'AB123456C' }],
    ['CRN', 'ce123456a', { kind: 'CRN', value: 'CE123456A' }],
  ])('parses a %s', (kind, raw, expected) => {
    expect(parsePersonReference(kind, raw)).toEqual(expected);
  });

  it.each([
    ['NINO', 'QQ123456A', 'nino', 'nino-format'],
    ['CRN', 'QQ123456A', 'crn', 'crn-format'],
    ['NIN', 'AB123456C', 'kind', 'reference-kind'],
    [undefined, 'AB123456C', 'kind', 'reference-kind'],
  ])('rejects kind %j with %j', (kind, raw, field, rule) => {
    expect(() => parsePersonReference(kind, raw)).toThrow(DomainValidationError);
    try {
      parsePersonReference(kind, raw);
    } catch (e) {
      expect((e as DomainValidationError).errors[0]).toMatchObject({ field, rule });
    }
  });

  it('[RD-1] has Unverified and Verified NINO/CRN statuses', () => {
    expect(REFERENCE_STATUSES).toEqual(['Unverified', 'Verified']);
  });
});
