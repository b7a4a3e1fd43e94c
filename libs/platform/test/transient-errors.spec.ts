import { Controller, Get, Module, ServiceUnavailableException } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServer } from 'node:net';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { isTransientDatabaseError, ProblemDetailsFilter, toProblem } from '../src/problem';

/*
 * Issue #16 "Database restart under load": a database that restarts or fails over must answer 503
 * with Retry-After (the client retries), never 500. The classification is one table here.
 */

/** A server-side PostgreSQL error as node-postgres builds it (pg-protocol's DatabaseError). */
function pgError(code: string, message: string): Error {
  const e = new pg.DatabaseError(message, message.length, 'error');
  e.code = code;
  e.severity = 'FATAL';
  return e;
}

const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

const TRANSIENT: Array<[string, unknown]> = [
  [
    '57P01 admin shutdown (sessions ended by a restart)',
    pgError('57P01', 'terminating connection due to administrator command'),
  ],
  [
    '57P02 crash shutdown',
    pgError('57P02', 'terminating connection because of crash of another server process'),
  ],
  ['57P03 shutting down', pgError('57P03', 'the database system is shutting down')],
  ['57P03 starting up', pgError('57P03', 'the database system is starting up')],
  ['08000 connection exception', pgError('08000', 'connection exception')],
  ['08001 cannot establish', pgError('08001', 'could not connect to server')],
  ['08003 connection does not exist', pgError('08003', 'connection does not exist')],
  ['08006 connection failure', pgError('08006', 'connection failure')],
  ['53300 too many connections', pgError('53300', 'sorry, too many clients already')],
  [
    '57P01 inside TypeORM QueryFailedError',
    wrapped(pgError('57P01', 'terminating connection due to administrator command')),
  ],
  ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
  ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  [
    'AggregateError of refused IPv4 and IPv6',
    new AggregateError([
      Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ]),
  ],
  ['pg-pool connect time-out', new Error('timeout exceeded when trying to connect')],
  ['node-postgres lost connection', new Error('Connection terminated unexpectedly')],
  [
    'connection time-out with a cause',
    new Error('Connection terminated due to connection timeout', {
      cause: new Error('Connection terminated unexpectedly'),
    }),
  ],
  ['a broken pooled client', new Error('Client has encountered a connection error and is not queryable')],
  ['lost connection inside QueryFailedError', wrapped(new Error('Connection terminated unexpectedly'))],
];

const NOT_TRANSIENT: Array<[string, unknown]> = [
  ['23505 unique violation', wrapped(pgError('23505', 'duplicate key value violates unique constraint'))],
  ['42P01 undefined table (a bug)', pgError('42P01', 'relation "x" does not exist')],
  ['22P02 bad input syntax (a bug)', pgError('22P02', 'invalid input syntax for type uuid')],
  [
    '40001 serialization failure (retried by its caller, not the client)',
    pgError('40001', 'could not serialize access'),
  ],
  ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['undefined', undefined],
];

describe('transient database errors answer 503 with Retry-After, never 500 (issue #16)', () => {
  it.each(TRANSIENT)('%s → 503 DATABASE_UNAVAILABLE', (_what, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
    expect(toProblem(error, '/cases')).toMatchObject({
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      title: 'Service Unavailable',
      type: 'urn:cms-cis:problem:database-unavailable',
    });
  });

  it.each(NOT_TRANSIENT)('%s → 500, masked', (_what, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
    expect(toProblem(error)).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
  });

  it('a 503 the framework raises (a failed readiness check) is SERVICE_UNAVAILABLE, not INTERNAL_ERROR', () => {
    expect(toProblem(new ServiceUnavailableException({ status: 'error' }))).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('classifies what node-postgres really throws when the server refuses the connection', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as { port: number };
        srv.close(() => resolve(port));
      });
    });
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    const error = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeTruthy();
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  const server = process.env.TEST_DATABASE_URL;
  (server ? it : it.skip)(
    'classifies what node-postgres really throws when the server ends the session (57P01, as a restart does)',
    async () => {
      const victim = new pg.Client({ connectionString: server });
      const admin = new pg.Client({ connectionString: server });
      await Promise.all([victim.connect(), admin.connect()]);
      victim.on('error', () => undefined);
      try {
        const [{ pid }] = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
        const pending = victim.query('SELECT pg_sleep(5)').then(
          () => null,
          (e: unknown) => e,
        );
        await new Promise((r) => setTimeout(r, 100));
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        const error = await pending;
        expect((error as { code?: string }).code).toBe('57P01');
        expect(toProblem(wrapped(error as Error)).status).toBe(503);
      } finally {
        await admin.end();
        await victim.end().catch(() => undefined);
      }
    },
  );

  it('the global filter writes problem+json with Retry-After for a database that is shutting down', async () => {
    @Controller('x')
    class Throwing {
      @Get('db')
      db() {
        throw wrapped(pgError('57P03', 'the database system is shutting down'));
      }
      @Get('bug')
      bug() {
        throw new Error('a bug');
      }
    }
    @Module({ controllers: [Throwing], providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] })
    class TestModule {}
    const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.listen(0, '127.0.0.1');
    try {
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1').replace('localhost', '127.0.0.1');
      const res = await fetch(`${base}/x/db`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 });
      const bug = await fetch(`${base}/x/bug`);
      expect(bug.status).toBe(500);
      expect(bug.headers.get('retry-after')).toBeNull();
      await bug.body?.cancel();
    } finally {
      await app.close();
    }
  });
});
