import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { Access } from '../src/access/access.decorator';
import { Roles, signDevToken } from '../src/auth';
import { createServiceApp } from '../src/bootstrap';
import { BaseServiceConfig, loadConfig } from '../src/config';
import { PlatformModule } from '../src/platform.module';

/* The request log a person reads (npm run logs): one line per request with its status; no health polls. */
const SECRET = 'test-only-secret-0123456789abcdef-not-for-production';
const server = process.env.TEST_DATABASE_URL;

@Controller('things')
class ThingsController {
  @Get()
  @Roles('caseworker')
  @Access.noSubject('test route')
  list() {
    return [];
  }

  @Get('broken')
  @Roles('caseworker')
  @Access.noSubject('test route')
  broken() {
    throw new Error('boom 12345678');
  }
}

(server ? describe : describe.skip)('request log lines', () => {
  const name = `test_platform_log_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const lines: Array<Record<string, unknown>> = [];
  let app: NestFastifyApplication;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    const config = loadConfig(BaseServiceConfig, {
      DATABASE_URL: u.toString(),
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    @Module({})
    class LogModule {}
    app = await createServiceApp(
      {
        module: LogModule,
        imports: [
          PlatformModule.forRoot({
            serviceName: 'log-test',
            config,
            database: { entities: [], migrations: [] },
            logDestination: sink,
          }),
        ],
        controllers: [ThingsController],
      },
      config,
      { serviceName: 'log-test', title: 'log test', description: 'log test' },
    );
    await app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('logs each request with its route, status, duration and request id, and never a health poll', async () => {
    const base = await app.getUrl();
    const token = await signDevToken(SECRET, 'cw-1', ['caseworker']);
    await fetch(`${base}/things`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-log-12345678' },
    });
    await fetch(`${base}/things`);
    await fetch(`${base}/health/ready`);
    await new Promise((r) => setTimeout(r, 100));
    const done = lines.filter((l) => l.msg === 'request completed');
    expect(
      done.map((l) => [(l.req as { url: string }).url, (l.res as { statusCode: number }).statusCode]),
    ).toEqual([
      ['/things', 200],
      ['/things', 401],
    ]);
    expect(done[0]).toMatchObject({ requestId: 'req-log-12345678', responseTime: expect.any(Number) });
  });

  it('a request id that is a NINO is never logged: a new one is made, and the line carries no raw request', async () => {
    const base = await app.getUrl();
    const token = await signDevToken(SECRET, 'cw-1', ['caseworker']);
    lines.length = 0;
    const res = await fetch(`${base}/things?nino=AB123456C`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'AB123456C' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const made = res.headers.get('x-request-id');
    expect(made).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const done = lines.filter((l) => l.msg === 'request completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      requestId: made,
      req: { id: made, method: 'GET', url: '/things?nino=[nino]' },
      res: { statusCode: 200 },
    });
    expect(Object.keys(done[0].req as object).sort()).toEqual(['id', 'method', 'url']);
    expect(JSON.stringify(done[0])).not.toMatch(/AB123456C|Bearer|authorization/i);
  });

  it('a 5xx is logged once, as request errored with its status', async () => {
    const base = await app.getUrl();
    const token = await signDevToken(SECRET, 'cw-1', ['caseworker']);
    lines.length = 0;
    const res = await fetch(`${base}/things/broken`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    await new Promise((r) => setTimeout(r, 100));
    const done = lines.filter((l) => l.msg === 'request errored' || l.msg === 'request completed');
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({
      msg: 'request errored',
      req: { method: 'GET', url: '/things/broken' },
      res: { statusCode: 500 },
      responseTime: expect.any(Number),
      err: { message: 'failed with status code 500' },
    });
  });
});
