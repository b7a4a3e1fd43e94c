import { join } from 'node:path';
import { ContractLog, OpenApiContract, type OpenApiDocument } from './openapi-contract';

/** A small OpenAPI 3.0 document in the shape @nestjs/swagger and our bootstrap emit. */
const DOC: OpenApiDocument = {
  openapi: '3.0.0',
  info: { title: 'pets' },
  paths: {
    '/pets': {
      get: {
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
        ],
        responses: {
          '200': {
            content: {
              'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } },
            },
          },
        },
      },
      post: {
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } },
        },
        responses: {
          '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
          '400': {
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
      },
    },
    '/pets/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
        },
      },
    },
    '/pets/search': {
      get: { responses: { '204': { description: 'nothing' } } },
    },
  },
  components: {
    schemas: {
      NewPet: {
        type: 'object',
        properties: {
          name: { type: 'string', example: 'Rex' },
          born: { type: 'string', format: 'date', nullable: true },
        },
        required: ['name'],
      },
      Pet: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          name: { type: 'string' },
          born: { type: 'string', format: 'date', nullable: true },
          kind: { type: 'string', enum: ['dog', 'cat', null], nullable: true },
          size: { type: 'string', enum: ['S', 'L'], nullable: true },
          owner: {
            anyOf: [{ $ref: '#/components/schemas/Owner' }, { type: 'string', nullable: true, enum: [null] }],
          },
          tags: { type: 'object', description: 'free-form' },
        },
        required: ['id', 'name', 'born'],
      },
      Owner: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      Problem: {
        type: 'object',
        properties: { status: { type: 'integer' }, detail: { type: 'string' } },
        required: ['status', 'detail'],
      },
    },
  },
};

const ID = '2b1f6d2e-7c54-4ff2-9a31-0c2f1e7d8a10';
const pet = { id: ID, name: 'Rex', born: null, kind: 'dog', owner: null, tags: { any: 1 } };
const json = 'application/json; charset=utf-8';

describe('OpenApiContract: exchanges checked against an OpenAPI 3.0 document', () => {
  const contract = new OpenApiContract(DOC);
  const get = (url: string, status: number, body: unknown, contentType = json) =>
    contract.check({ method: 'GET', url, status, response: { contentType, body } });

  it('accepts a conforming exchange (nullable fields null, a nullable $ref null, a free-form object)', () => {
    expect(get(`/pets/${ID}`, 200, pet)).toEqual([]);
    expect(
      get('/pets?limit=5', 200, [pet, { ...pet, born: '2020-01-02', owner: { id: 'o' }, kind: null }]),
    ).toEqual([]);
    expect(get('/pets/search', 204, undefined, '')).toEqual([]);
  });

  it('reports a wrong type', () => {
    expect(get(`/pets/${ID}`, 200, { ...pet, name: 5 })).toEqual([
      expect.objectContaining({ part: 'response', message: expect.stringContaining('/name must be string') }),
    ]);
  });

  it('reports a missing required field', () => {
    const { name: _name, ...noName } = pet;
    expect(get(`/pets/${ID}`, 200, noName)).toEqual([
      expect.objectContaining({
        part: 'response',
        message: expect.stringContaining("required property 'name'"),
      }),
    ]);
  });

  it('reports null where the schema is not nullable, and a nullable enum that does not list null (3.0.3)', () => {
    expect(get(`/pets/${ID}`, 200, { ...pet, id: null })[0].message).toContain('/id must be string');
    expect(get(`/pets/${ID}`, 200, { ...pet, kind: 'fish' })[0].message).toContain('must be equal to one of');
    // `size` is nullable with an enum of ['S', 'L']: under 3.0.3 null must be in the enum too.
    expect(get(`/pets/${ID}`, 200, { ...pet, size: null })[0].message).toContain(
      '/size must be equal to one of',
    );
  });

  it('reports a field the schema does not document', () => {
    expect(get(`/pets/${ID}`, 200, { ...pet, secret: 'x' })[0].message).toContain('(secret)');
  });

  it('reports an undocumented status', () => {
    expect(get(`/pets/${ID}`, 404, { status: 404, detail: 'x' })).toEqual([
      expect.objectContaining({ part: 'status', operation: 'GET /pets/{id}' }),
    ]);
  });

  it('reports an unknown path and an unknown method', () => {
    expect(get('/dogs', 200, [])).toEqual([expect.objectContaining({ part: 'operation' })]);
    expect(contract.check({ method: 'DELETE', url: '/pets', status: 204, response: {} })).toEqual([
      expect.objectContaining({ part: 'operation' }),
    ]);
  });

  it('with a template given, checks the answer to a path that does not fit it, but for the router’s 404', () => {
    const fuzzed = (status: number) =>
      contract.check(
        { method: 'GET', url: '/pets/', status, response: { contentType: json, body: { id: 1 } } },
        { request: false, template: '/pets/{id}' },
      );
    expect(fuzzed(404)).toEqual([]);
    const dots = contract.check(
      { method: 'GET', url: '/pets/%2e%2e', status: 404, response: { contentType: json, body: {} } },
      { request: false, template: '/pets/{id}' },
    );
    expect(dots).toEqual([]);
    expect(contract.match('get', '/pets/%2E%2E')).toBeNull();
    expect(fuzzed(200)).toEqual([expect.objectContaining({ part: 'response', operation: 'GET /pets/{id}' })]);
    expect(fuzzed(409)).toEqual([expect.objectContaining({ part: 'status' })]);
  });

  it('matches a literal segment before a template', () => {
    expect(contract.match('get', '/pets/search')?.route.template).toBe('/pets/search');
    expect(contract.match('get', `/pets/${ID}`)?.values).toEqual({ id: ID });
  });

  it('checks path and query parameters and the request body, unless told the request is broken on purpose', () => {
    expect(get('/pets/not-a-uuid', 200, pet)).toEqual([
      expect.objectContaining({ part: 'request', message: expect.stringContaining('path parameter id') }),
    ]);
    expect(get('/pets?limit=0&colour=red', 200, []).map((v) => v.message)).toEqual([
      'query parameter colour is not documented',
      expect.stringContaining('query parameter limit=0'),
    ]);
    const post = (body: unknown, request = true) =>
      contract.check(
        {
          method: 'POST',
          url: '/pets',
          request: { contentType: 'application/json', body },
          status: 400,
          response: { contentType: 'application/problem+json', text: '{"status":400,"detail":"bad"}' },
        },
        { request },
      );
    expect(post({ name: 'Rex', born: '2020-02-30x' })[0].message).toContain('/born must match format "date"');
    expect(post({ born: null })[0].message).toContain("required property 'name'");
    expect(post({ name: 1, extra: true }, false)).toEqual([]);
  });

  it('checks an error answer against its problem schema and media type', () => {
    const answer = (contentType: string, text: string) =>
      contract.check(
        { method: 'POST', url: '/pets', status: 400, response: { contentType, text } },
        { request: false },
      );
    expect(answer('application/problem+json', '{"status":400}')[0].message).toContain(
      "required property 'detail'",
    );
    expect(answer('text/html', '<p>bad</p>')[0].message).toContain('media type text/html is not documented');
  });

  it('refuses a document that is not OpenAPI 3.0', () => {
    expect(() => new OpenApiContract({ ...DOC, openapi: '3.1.0' })).toThrow('OpenAPI 3.0 expected');
  });

  it('loads the real documents in docs/api and resolves their component references', () => {
    const sr = OpenApiContract.fromFile(join(__dirname, '../../../docs/api/service-requests.json'));
    const violations = sr.check({
      method: 'GET',
      url: '/cases/not-a-uuid?colour=red',
      status: 200,
      response: { contentType: json, body: { id: 5 } },
    });
    expect(violations.map((v) => v.part)).toEqual(['request', 'response']);
  });

  it('ContractLog counts exchanges, keeps violations with the exchange, and fails when any', () => {
    const log = new ContractLog({ pets: contract });
    log.record('pets', {
      method: 'GET',
      url: `/pets/${ID}`,
      status: 200,
      response: { contentType: json, body: pet },
    });
    expect(() => log.assertClean()).not.toThrow();
    log.record('pets', { method: 'GET', url: '/cats', status: 200, response: {} });
    expect(log.summary()).toBe('OpenAPI contract: 2 exchanges validated against the documents, 1 violations');
    expect(() => log.assertClean()).toThrow(
      /\[operation\] no documented operation for GET \/cats ×1\n.*e\.g\. GET \/cats → 200/,
    );
    expect(() => log.record('dogs', { method: 'GET', url: '/', status: 200, response: {} })).toThrow(
      'No OpenAPI contract',
    );
  });
});
