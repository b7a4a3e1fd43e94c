import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { combineWrites, type SqlStatement } from '../src/statements';

/*
 * combineWrites: several writes as one statement (issue 17: raising one SR in one round trip instead
 * of BEGIN, four INSERTs and COMMIT). Renumbering is table-driven; atomicity and foreign keys are
 * proved on a real PostgreSQL (TEST_DATABASE_URL) in a database of its own.
 */
describe('combineWrites', () => {
  it.each<[string, SqlStatement[], string, unknown[]]>([
    [
      'one statement keeps its numbers',
      [{ sql: 'INSERT INTO a VALUES ($1, $2)', params: [1, 2] }],
      'WITH w1 AS (INSERT INTO a VALUES ($1, $2))\nSELECT 1',
      [1, 2],
    ],
    [
      'later statements are renumbered after the earlier parameters, $10 and $1 alike',
      [
        { sql: 'INSERT INTO a VALUES ($1, $2)', params: ['x', 'y'] },
        {
          sql: 'INSERT INTO b SELECT $1, $10, COALESCE($2::int, 0)',
          params: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
        },
      ],
      'WITH w1 AS (INSERT INTO a VALUES ($1, $2)),\nw2 AS (INSERT INTO b SELECT $3, $12, COALESCE($4::int, 0))\nSELECT 1',
      ['x', 'y', 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    ],
    [
      'a statement without parameters shifts nothing',
      [
        { sql: 'DELETE FROM a', params: [] },
        { sql: 'INSERT INTO a VALUES ($1)', params: ['z'] },
      ],
      'WITH w1 AS (DELETE FROM a),\nw2 AS (INSERT INTO a VALUES ($1))\nSELECT 1',
      ['z'],
    ],
  ])('%s', (_title, statements, sql, params) => {
    expect(combineWrites(statements)).toEqual({ sql, params });
  });

  it('refuses an empty list', () => {
    expect(() => combineWrites([])).toThrow(/at least one/);
  });
});

const server = process.env.TEST_DATABASE_URL;
const name = `test_platform_statements_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

(server ? describe : describe.skip)('combineWrites on PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(server!);
    u.pathname = `/${name}`;
    client = new pg.Client({ connectionString: u.toString() });
    await client.connect();
    await client.query(`CREATE TABLE parent (id uuid PRIMARY KEY, label text NOT NULL);
      CREATE TABLE child (parent_id uuid NOT NULL REFERENCES parent(id), n int NOT NULL CHECK (n > 0));`);
  });
  afterAll(async () => {
    await client?.end();
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  const write = (id: string, ns: number[]) =>
    combineWrites([
      { sql: 'INSERT INTO parent (id, label) VALUES ($1, $2)', params: [id, 'p'] },
      { sql: 'INSERT INTO child (parent_id, n) SELECT $1, unnest($2::int[])', params: [id, ns] },
    ]);
  const count = async (id: string) => {
    const r = await client.query(
      'SELECT (SELECT count(*) FROM parent WHERE id = $1)::int AS p, (SELECT count(*) FROM child WHERE parent_id = $1)::int AS c',
      [id],
    );
    return r.rows[0];
  };

  it('writes a row and the rows referencing it in one statement (foreign keys checked at its end)', async () => {
    const id = randomUUID();
    const { sql, params } = write(id, [1, 2, 3]);
    await client.query(sql, params);
    expect(await count(id)).toEqual({ p: 1, c: 3 });
  });

  it('writes nothing at all when any of the writes fails', async () => {
    const id = randomUUID();
    const { sql, params } = write(id, [1, -1]);
    await expect(client.query(sql, params)).rejects.toThrow(/check constraint/);
    expect(await count(id)).toEqual({ p: 0, c: 0 });
  });
});
