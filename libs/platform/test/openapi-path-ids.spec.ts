import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * Every id in a path is checked by UuidParamPipe (400 naming the parameter otherwise), and the
 * documents say so: `format: uuid`, which buildOpenApi reads off the handlers' pipes. A client, the
 * generated clients' users and a fuzzer then know what the route accepts. The documents under
 * docs/api are the ones CI regenerates and compares (`npm run openapi -- --check`).
 */
const API_DIR = path.join(__dirname, '../../../docs/api');

interface Param {
  in: string;
  name: string;
  schema?: { type?: string; format?: string; enum?: unknown[] };
}

const pathParams = (file: string) => {
  const doc = JSON.parse(readFileSync(path.join(API_DIR, file), 'utf8')) as {
    paths: Record<string, Record<string, { parameters?: Param[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([route, ops]) =>
    Object.entries(ops).flatMap(([method, op]) =>
      (op.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => ({ where: `${method.toUpperCase()} ${route} {${p.name}}`, param: p })),
    ),
  );
};

describe('path ids in the OpenAPI documents', () => {
  const files = readdirSync(API_DIR).filter((f) => f.endsWith('.json'));

  it('finds the five services’ documents', () => {
    expect(files.sort()).toEqual([
      'cis-interface.json',
      'cis-simulator.json',
      'client-security.json',
      'correspondence.json',
      'service-requests.json',
    ]);
  });

  it.each(files)(
    '%s: every `id` or `…Id` in a path is a string of format uuid, and nothing else is',
    (file) => {
      const params = pathParams(file);
      expect(params.length).toBeGreaterThan(0);
      const wrong = params
        .filter(({ param }) => {
          const isId = param.name === 'id' || param.name.endsWith('Id');
          const declared = param.schema?.type === 'string' && param.schema.format === 'uuid';
          return isId !== declared;
        })
        .map((p) => p.where);
      expect(wrong).toEqual([]);
    },
  );
});
