import { compileBodyCheck } from '../src/compiled-body';

const check = compileBodyCheck<{ items: { reference: string; n: number }[] }>({
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      maxItems: 2,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['reference', 'n'],
        properties: { reference: { type: 'string', minLength: 1 }, n: { type: 'integer' } },
      },
    },
  },
});

describe('compileBodyCheck: one problem per field, named as the API names it', () => {
  it.each([
    ['a good body', { items: [{ reference: 'AB', n: 1 }] }, []],
    ['not an object', 'x', [['body', 'type']]],
    ['a missing property', {}, [['items', 'required']]],
    ['an unknown property', { items: [], extra: 1 }, [['extra', 'additionalProperties']]],
    ['a nested wrong type', { items: [{ reference: 'AB', n: 'one' }] }, [['items[0].n', 'type']]],
    ['a nested missing property', { items: [{ n: 1 }] }, [['items[0].reference', 'required']]],
    [
      'two fields wrong, one problem each',
      {
        items: [
          { reference: '', n: 1.5 },
          { reference: 'B', n: 2, x: 0 },
        ],
      },
      [
        ['items[0].reference', 'minLength'],
        ['items[0].n', 'type'],
        ['items[1].x', 'additionalProperties'],
      ],
    ],
    ['too many items', { items: [1, 2, 3].map((n) => ({ reference: 'R', n })) }, [['items', 'maxItems']]],
  ])('%s', (_name, body, expected) => {
    const r = check(body);
    if (expected.length === 0) {
      expect(r).toEqual({ ok: true, value: body });
    } else {
      expect(r.ok).toBe(false);
      const problems = r.ok ? [] : r.problems;
      expect(problems.map((p) => [p.field, p.rule])).toEqual(expected);
      for (const p of problems) expect(p.message).toEqual(expect.any(String));
    }
  });

  it('refuses an invalid schema when compiled (at load, never per request)', () => {
    expect(() => compileBodyCheck({ type: 'object', properties: { a: { type: 'nonsense' } } })).toThrow();
  });
});
