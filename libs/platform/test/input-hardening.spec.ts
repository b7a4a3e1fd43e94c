import { Readable } from 'node:stream';
import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsObject, IsOptional, IsString } from 'class-validator';
import fc from 'fast-check';
import {
  clientErrorHandler,
  findInputProblem,
  frameworkErrorHandler,
  INPUT_MAX_DEPTH,
  installInputHardening,
  isValidPercentEncoding,
  pathEncodingProblem,
  queryEncodingProblem,
  utf8Guard,
} from '../src/input-hardening';
import { createValidationPipe, ProblemDetailsFilter } from '../src/problem';

/** `{"a":{"a":…value…}}` with `levels` objects. */
function nested(levels: number, value: unknown = 'x'): unknown {
  let v = value;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
}

describe('input hardening: what no DTO can express', () => {
  describe('findInputProblem', () => {
    it.each<[string, unknown]>([
      ['null', null],
      ['numbers, booleans, empty containers', { n: 1e308, f: -0.5, b: false, o: {}, a: [] }],
      [
        'any well-formed Unicode (pairs, BMP, controls but NUL)',
        { s: 'é😀\u{10ffff}\ufffd\u0001\t\n', '😀': 'k' },
      ],
      [`${INPUT_MAX_DEPTH} levels`, nested(INPUT_MAX_DEPTH)],
      [
        `${INPUT_MAX_DEPTH} levels of arrays`,
        JSON.parse('['.repeat(INPUT_MAX_DEPTH) + ']'.repeat(INPUT_MAX_DEPTH)),
      ],
    ])('accepts %s', (_what, value) => {
      expect(findInputProblem(value)).toBeNull();
    });

    it.each<[string, unknown, { field: string; rule: string; message?: RegExp }]>([
      ['a NUL in a value', { text: 'a\u0000b' }, { field: 'text', rule: 'no-nul-character' }],
      ['a NUL deep down', { notes: { text: '\u0000' } }, { field: 'notes.text', rule: 'no-nul-character' }],
      [
        'a NUL in an array item',
        { items: ['ok', { t: 'x\u0000' }] },
        { field: 'items.1.t', rule: 'no-nul-character' },
      ],
      [
        'a NUL in a key',
        { details: { 'a\u0000': 1 } },
        { field: 'details.a\\u0000', rule: 'no-nul-character', message: /field name/ },
      ],
      [
        'a lone high surrogate',
        { reason: 'x\ud800' },
        { field: 'reason', rule: 'well-formed-unicode', message: /U\+D800/ },
      ],
      [
        'a lone low surrogate',
        { reason: '\udc00y' },
        { field: 'reason', rule: 'well-formed-unicode', message: /U\+DC00/ },
      ],
      ['surrogates the wrong way round', { r: '\ude00\ud83d' }, { field: 'r', rule: 'well-formed-unicode' }],
      ['a lone surrogate in a key', { ['k\udfff']: 1 }, { field: 'k\\udfff', rule: 'well-formed-unicode' }],
      ['a body that is a string with a NUL', '\u0000', { field: 'body', rule: 'no-nul-character' }],
      [
        `${INPUT_MAX_DEPTH + 1} levels (the top field is named)`,
        { text: 'x', extra: nested(INPUT_MAX_DEPTH) },
        { field: 'extra', rule: 'max-depth', message: new RegExp(`more than ${INPUT_MAX_DEPTH} levels`) },
      ],
      [
        '3,000 levels of arrays (the outer item is named)',
        JSON.parse('['.repeat(3000) + ']'.repeat(3000)),
        { field: '0', rule: 'max-depth' },
      ],
    ])('refuses %s', (_what, value, expected) => {
      const problem = findInputProblem(value);
      expect(problem).toMatchObject({ field: expected.field, rule: expected.rule });
      if (expected.message) expect(problem?.message).toMatch(expected.message);
    });

    it('walks a million levels without overflowing the stack', () => {
      const deep = JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000));
      expect(findInputProblem(deep, 'body', Infinity)).toBeNull();
      expect(findInputProblem(deep)?.rule).toBe('max-depth');
    });

    it('cuts and escapes a long key in the field path', () => {
      const problem = findInputProblem({ ['k'.repeat(500) + '\u0000']: 1 });
      expect(problem?.field).toBe(`${'k'.repeat(64)}…`);
    });
  });

  describe('percent-encoding', () => {
    it.each<[string, boolean]>([
      ['plain', true],
      ['%C3%A9%F0%9F%98%80', true],
      ['%zz and 100%', true],
      ['a+b%20c', true],
      ['%FF', false],
      ['%C3', false],
      ['%ED%A0%80', false],
      ['%C0%AF', false],
    ])('%s valid: %s', (component, valid) => {
      expect(isValidPercentEncoding(component)).toBe(valid);
    });

    it.each<[string, string | null]>([
      ['limit=5&status=Open', null],
      ['limit=%FF', 'limit'],
      ['a=1&n%C3%A9=%C3', 'né'],
      ['%FF=1', 'query'],
    ])('query %s: problem on %s', (query, field) => {
      expect(queryEncodingProblem(query)?.field ?? null).toBe(field);
    });

    it.each<[string, string | undefined, string | null]>([
      ['/service-requests/%C3%A9', '/service-requests/:id', null],
      ['/service-requests/%FF/notes', '/service-requests/:id/notes', 'id'],
      ['/x%FF', undefined, 'path'],
    ])('path %s on route %s: problem on %s', (path, route, field) => {
      expect(pathEncodingProblem(path, route)?.field ?? null).toBe(field);
    });
  });

  describe('utf8Guard', () => {
    const read = async (chunks: Buffer[]) => {
      const out: Buffer[] = [];
      for await (const c of utf8Guard(Readable.from(chunks))) out.push(c as Buffer);
      return Buffer.concat(out);
    };
    const euro = Buffer.from('€'); // three bytes

    it('passes UTF-8 through, a character split across chunks included', async () => {
      const chunks = [Buffer.from('{"a":"'), euro.subarray(0, 1), euro.subarray(1), Buffer.from('"}')];
      await expect(read(chunks)).resolves.toEqual(Buffer.concat(chunks));
    });

    it.each<[string, Buffer[]]>([
      ['a byte that is never UTF-8', [Buffer.from([0x7b, 0xff, 0x7d])]],
      ['a character cut short at the end', [Buffer.from('"'), euro.subarray(0, 2)]],
      ['an encoded surrogate', [Buffer.from([0xed, 0xa0, 0x80])]],
      ['an overlong encoding', [Buffer.from([0xc0, 0xaf])]],
    ])('fails on %s with a 400 valid-utf8 problem', async (_what, chunks) => {
      await expect(read(chunks)).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'body', rule: 'valid-utf8' }],
      });
    });
  });
});

class NoteDto {
  @IsString()
  text: string;

  @IsOptional()
  @IsObject()
  extra?: object;
}

@Controller()
class EchoController {
  @Post('echo')
  echo(@Body() body: unknown) {
    return { body };
  }

  @Post('notes')
  note(@Body() note: NoteDto) {
    return note;
  }

  @Get('items/:code')
  item(@Param('code') code: string, @Query() query: Record<string, unknown>) {
    return { code, query: { ...query } };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

const BODY_LIMIT = 64 * 1024;

describe('input hardening on a Fastify app: 400 problem+json before validation, or the body as JSON.parse gives it', () => {
  let app: NestFastifyApplication;
  let base: string;

  beforeAll(async () => {
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT,
      frameworkErrors: frameworkErrorHandler,
      clientErrorHandler,
    });
    app = await NestFactory.create<NestFastifyApplication>(EchoModule, adapter, {
      logger: false,
      abortOnError: false,
    });
    installInputHardening(app);
    app.useGlobalFilters(new ProblemDetailsFilter());
    app.useGlobalPipes(createValidationPipe());
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  /** A response as the tests read it (fetch, not Fastify's inject: that one loads an ESM-only module). */
  const answer = async (res: Response) => {
    const text = await res.text();
    return {
      statusCode: res.status,
      headers: Object.fromEntries(res.headers),
      json: () => JSON.parse(text),
    };
  };
  const post = async (url: string, payload: string | Buffer, type = 'application/json') =>
    answer(await fetch(base + url, { method: 'POST', body: payload, headers: { 'content-type': type } }));
  const get = async (url: string) => answer(await fetch(base + url));

  it.each<[string, string, string | Buffer, string, string?]>([
    [
      '3,000 levels in a field',
      '/notes',
      JSON.stringify({ text: 'x', extra: nested(3000) }),
      'extra',
      'max-depth',
    ],
    [
      '5,000 levels of arrays',
      '/notes',
      `{"text":${'['.repeat(5000)}1${']'.repeat(5000)}}`,
      'text',
      'max-depth',
    ],
    ['a NUL in a note', '/notes', JSON.stringify({ text: 'a\u0000b' }), 'text', 'no-nul-character'],
    ['a \\u0000 escape', '/notes', '{"text":"a\\u0000"}', 'text', 'no-nul-character'],
    ['a \\ud800 escape', '/notes', '{"text":"a\\ud800b"}', 'text', 'well-formed-unicode'],
    [
      'a \\udc00 escape in a nested key',
      '/echo',
      '{"details":{"\\udc00":1}}',
      'details.\\udc00',
      'well-formed-unicode',
    ],
    [
      'invalid UTF-8 bytes',
      '/notes',
      Buffer.concat([Buffer.from('{"text":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      'body',
      'valid-utf8',
    ],
    [
      'invalid UTF-8 deep in a large body',
      '/notes',
      Buffer.concat([
        Buffer.from('{"text":"'),
        Buffer.alloc(40_000, 0x61),
        Buffer.from([0xc3]),
        Buffer.from('"}'),
      ]),
      'body',
      'valid-utf8',
    ],
  ])('refuses %s', async (_what, url, payload, field, rule) => {
    const res = await post(url, payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ field, rule }] });
  });

  it.each<[string, string, string, string, string]>([
    ['a NUL in a form field', '/notes', 'text=a%00b', 'application/x-www-form-urlencoded', 'text'],
    ['a NUL in a text body', '/echo', 'a\u0000b', 'text/plain', 'body'],
  ])('refuses %s', async (_what, url, payload, type, field) => {
    const res = await post(url, payload, type);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe(field);
  });

  it.each<[string, string, string]>([
    ['a NUL in a path parameter', '/items/a%00b', 'code'],
    ['a NUL in a query value', '/items/a?status=%00', 'status'],
    ['a NUL in a query name', '/items/a?st%00atus=1', 'st\\u0000atus'],
    ['invalid UTF-8 in a query value', '/items/a?limit=%FF', 'limit'],
    ['an encoded surrogate in a query value', '/items/a?q=%ED%A0%80', 'q'],
    ['invalid UTF-8 in a path parameter', '/items/%FF', 'path'],
  ])('refuses %s', async (_what, url, field) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field }] });
  });

  it('keeps Fastify’s refusal of __proto__ and constructor.prototype', async () => {
    for (const payload of [
      '{"text":"x","__proto__":{"a":1}}',
      '{"text":"x","constructor":{"prototype":{"a":1}}}',
    ]) {
      const res = await post('/echo', payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('names the size limit in a 413', async () => {
    const res = await post('/echo', JSON.stringify({ text: 'a'.repeat(BODY_LIMIT) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      detail: `The request body is larger than the limit of ${BODY_LIMIT} bytes.`,
    });
  });

  it.each<[string, string]>([
    ['an empty JSON body', ''],
    ['malformed JSON', '{"text":'],
  ])('still refuses %s as before', async (_what, payload) => {
    const res = await post('/echo', payload);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('answers valid input as before: path, query and a body with Unicode', async () => {
    const res = await get('/items/caf%C3%A9?q=%F0%9F%98%80&q=2&n=50%25');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ code: 'café', query: { q: ['😀', '2'], n: '50%' } });
    const note = await post(
      '/notes',
      JSON.stringify({ text: 'Called; no answer 😀 \ufeff', extra: nested(63) }),
    );
    expect(note.statusCode).toBe(201);
    expect(note.json()).toEqual({ text: 'Called; no answer 😀 \ufeff', extra: nested(63) });
  });

  it('keeps any other JSON body exactly as JSON.parse reads it (property)', async () => {
    const forbidden = /"(?:__proto__|constructor)"/;
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 8, stringUnit: 'binary' }).filter((v) => {
          const text = JSON.stringify(v);
          return !text.includes('\\u0000') && !forbidden.test(text);
        }),
        async (value) => {
          const text = JSON.stringify({ value });
          const res = await post('/echo', text);
          expect(res.statusCode).toBe(201);
          expect(res.json()).toEqual({ body: JSON.parse(text) });
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });
});
