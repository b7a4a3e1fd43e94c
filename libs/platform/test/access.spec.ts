import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Injectable, Module, Param, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@cms/domain';
import pg from 'pg';
import { Access, at } from '../src/access/access.decorator';
import { type AccessRepository, routeAccessProblem, valuesAt } from '../src/access/access.guard';
import {
  ACCESS_POLICY,
  presentReferences,
  referenceVisibility,
  type ResourceKind,
} from '../src/access/policy';
import { Roles, signDevToken } from '../src/auth';
import { createServiceApp } from '../src/bootstrap';
import { BaseServiceConfig, loadConfig } from '../src/config';
import { PlatformModule } from '../src/platform.module';

/*
 * The access policy (X-1) as one guard, one interceptor and one start-up audit, on a small real
 * service over real PostgreSQL. The records' sensitivity comes from a table the test fills: the
 * AccessRepository interface is the seam every service implements.
 */
const SECRET = 'test-only-secret-0123456789abcdef-not-for-production';
const server = process.env.TEST_DATABASE_URL;
const SENSITIVE = new Set<string>();
const sensitiveCase = randomUUID();
const ordinaryCase = randomUUID();
SENSITIVE.add(sensitiveCase);

@Injectable()
class TableAccessRepository implements AccessRepository {
  readonly kinds: readonly ResourceKind[] = ['case', 'client'];
  asked = 0;
  async sensitiveAmong(_kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>> {
    this.asked++;
    return new Set(ids.filter((id) => SENSITIVE.has(id)));
  }
}

const STAFF: Role[] = ['caseworker', 'team-leader', 'sensitive-access', 'system'];

@Controller('cases')
class CasesTestController {
  @Get()
  @Roles(...STAFF)
  @Access.list('case', { items: 'items', total: 'total' })
  list() {
    const items = [sensitiveCase, ordinaryCase].map((id) => ({ id, nino: 'AB123456C' }));
    return { items, total: items.length };
  }

  @Get(':id')
  @Roles(...STAFF)
  @Access.read('case', at.param('id'))
  get(@Param('id') id: string) {
    return { id, nino: 'AB123456C', crn: null };
  }

  @Post('search')
  @Roles(...STAFF)
  @Access.read('case', at.response('id'))
  search(@Body() body: { id: string }) {
    return { id: body.id };
  }

  @Post('link')
  @Roles('caseworker', 'sensitive-access')
  @Access.create('case', at.body('caseIds[]'), at.body('client.id', 'client'))
  link(@Body() body: unknown) {
    return { linked: body };
  }
}

function configFor(url: string): BaseServiceConfig {
  return loadConfig(BaseServiceConfig, {
    DATABASE_URL: url,
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
}

async function start(url: string, controllers: Array<new (...a: never[]) => unknown>) {
  @Module({})
  class TestModule {}
  const config = configFor(url);
  return createServiceApp(
    {
      module: TestModule,
      imports: [
        PlatformModule.forRoot({
          serviceName: 'access-test',
          config,
          database: { entities: [], migrations: [] },
          access: TableAccessRepository,
        }),
      ],
      controllers,
    },
    config,
    { serviceName: 'access-test', title: 'access test', description: 'access test' },
  );
}

describe('valuesAt: where a route finds the ids it names', () => {
  it.each([
    [{ id: 'a' }, 'id', ['a']],
    [{ subject: { clientId: 'c' } }, 'subject.clientId', ['c']],
    [{ caseIds: ['x', 'y', 3] }, 'caseIds[]', ['x', 'y']],
    [{ items: [{ caseId: 'p' }, { caseId: 'q' }] }, 'items[].caseId', ['p', 'q']],
    [{ id: 5 }, 'id', []],
    [null, 'id', []],
    [{ ['__proto__']: { id: 'z' } }, 'id', []],
  ])('%j at %s → %j', (source, path, expected) => {
    expect(valuesAt(source, path)).toEqual(expected);
  });
});

describe('[X-1] NINO and CRN are shown the same way everywhere for a role', () => {
  it.each([
    [['caseworker'], 'whole'],
    [['sensitive-access'], 'whole'],
    [['system'], 'whole'],
    [['team-leader'], 'masked'],
    [[], 'masked'],
  ] as const)('%j sees references %s', (roles, expected) => {
    expect(referenceVisibility({ id: 'x', roles })).toBe(expected);
  });

  it('masks every reference field at any depth for a team leader, and nothing else', () => {
    const body = { nino: 'AB123456C', nested: [{ reference: 'CD654321A', name: 'Ann' }], count: 2 };
    expect(presentReferences({ id: 'tl', roles: ['team-leader'] }, body)).toEqual({
      nino: 'AB****56C',
      nested: [{ reference: 'CD****21A', name: 'Ann' }],
      count: 2,
    });
    expect(presentReferences({ id: 'cw', roles: ['caseworker'] }, body)).toBe(body);
  });

  it('masks a superseded NINO and the values of a NINO item (RD-3), not those of other items', () => {
    const body = {
      supersededBy: 'AB123456C',
      items: [
        { item: 'nino', cisValue: 'AB123456C', cmsValue: 'CD654321A' },
        { item: 'homePhone', cisValue: '+441632960099', cmsValue: null },
      ],
    };
    expect(presentReferences({ id: 'tl', roles: ['team-leader'] }, body)).toEqual({
      supersededBy: 'AB****56C',
      items: [
        { item: 'nino', cisValue: 'AB****56C', cmsValue: 'CD****21A' },
        { item: 'homePhone', cisValue: '+441632960099', cmsValue: null },
      ],
    });
  });
});

describe('[X-1] a route may never be wider than the policy, nor undeclared', () => {
  const route = (over: Partial<Parameters<typeof routeAccessProblem>[0]>) => ({
    method: 'GET',
    path: '/x',
    roles: ['caseworker'] as Role[],
    publicRoute: false,
    ...over,
  });
  it('refuses a route without roles, without a declaration, or wider than the policy', () => {
    expect(routeAccessProblem(route({ roles: [] }), ['case'])).toMatch(/no roles/);
    expect(routeAccessProblem(route({}), ['case'])).toMatch(/no access rule/);
    const change = {
      mode: 'subject',
      resource: 'audit-trail',
      action: 'change',
      subjects: [{ from: 'params', path: 'id', resource: 'audit-trail' }],
    } as const;
    expect(ACCESS_POLICY['audit-trail'].change).toEqual([]);
    expect(routeAccessProblem(route({ declaration: change }), ['audit-trail'])).toMatch(
      /wider than the policy/,
    );
    const systemOnly = { mode: 'system-only', reason: 'peers' } as const;
    expect(routeAccessProblem(route({ declaration: systemOnly }), [])).toMatch(/system-only/);
  });
  it('refuses a route naming a kind the service cannot tell the sensitivity of', () => {
    const read = {
      mode: 'subject',
      resource: 'letter',
      action: 'read',
      subjects: [{ from: 'params', path: 'id', resource: 'letter' }],
    } as const;
    expect(routeAccessProblem(route({ declaration: read }), ['case'])).toMatch(/cannot tell/);
    expect(routeAccessProblem(route({ declaration: read }), ['letter'])).toBeNull();
  });
  it('lets public routes and reasoned no-subject routes through', () => {
    expect(routeAccessProblem(route({ publicRoute: true, roles: [] }), [])).toBeNull();
    expect(
      routeAccessProblem(route({ declaration: { mode: 'no-subject', reason: 'templates' } }), []),
    ).toBeNull();
  });
});

(server ? describe : describe.skip)('[X-1] the access guard and interceptor on a real service', () => {
  const name = `test_platform_access_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let url: string;
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
  const token = (roles: Role[]) => signDevToken(SECRET, `user-${roles.join('-')}`, roles);
  let base: string;
  const call = async (roles: Role[], method: 'GET' | 'POST', path: string, payload?: object) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(roles)}`, 'content-type': 'application/json' },
      body: payload ? JSON.stringify(payload) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    url = u.toString();
    app = await start(url, [CasesTestController]);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app?.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('refuses a caseworker and a team leader a sensitive record, with nothing of it in the answer', async () => {
    for (const roles of [['caseworker'], ['team-leader']] as Role[][]) {
      const res = await call(roles, 'GET', `/cases/${sensitiveCase}`);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ title: 'Insufficient Access', requirementId: 'X-1' });
      expect(JSON.stringify(res.body)).not.toContain('AB123456C');
    }
  });

  it('serves it to the sensitive case team and to our own services', async () => {
    for (const roles of [['sensitive-access'], ['system']] as Role[][]) {
      expect((await call(roles, 'GET', `/cases/${sensitiveCase}`)).status).toBe(200);
    }
  });

  it('serves an ordinary record, its NINO whole to a caseworker and masked to a team leader', async () => {
    expect((await call(['caseworker'], 'GET', `/cases/${ordinaryCase}`)).body.nino).toBe('AB123456C');
    expect((await call(['team-leader'], 'GET', `/cases/${ordinaryCase}`)).body.nino).toBe('AB****56C');
  });

  it('checks a record found only by the handler (a search) before answering', async () => {
    const res = await call(['caseworker'], 'POST', '/cases/search', { id: sensitiveCase });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain(sensitiveCase);
    expect((await call(['caseworker'], 'POST', '/cases/search', { id: ordinaryCase })).status).toBe(201);
  });

  it('withholds sensitive items from a list and does not count them', async () => {
    const cw = await call(['caseworker'], 'GET', '/cases');
    expect(cw.body).toEqual({ items: [{ id: ordinaryCase, nino: 'AB123456C' }], total: 1 });
    const team = await call(['sensitive-access'], 'GET', '/cases');
    expect(team.body.total).toBe(2);
  });

  it('refuses a change naming a sensitive record anywhere in the body (arrays and nested ids)', async () => {
    const bad = await call(['caseworker'], 'POST', '/cases/link', { caseIds: [ordinaryCase, sensitiveCase] });
    expect(bad.status).toBe(403);
    const nested = await call(['caseworker'], 'POST', '/cases/link', { client: { id: sensitiveCase } });
    expect(nested.status).toBe(403);
    expect((await call(['caseworker'], 'POST', '/cases/link', { caseIds: [ordinaryCase] })).status).toBe(201);
  });

  it('refuses a caller whose roles the route does not name', async () => {
    const res = await call(['team-leader'], 'POST', '/cases/link', { caseIds: [ordinaryCase] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROLE_REQUIRED');
  });
});

(server ? describe : describe.skip)('[X-1] a service with an undeclared route refuses to start', () => {
  const name = `test_platform_access_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  @Controller('forgotten')
  class ForgottenController {
    @Get(':id')
    @Roles('caseworker')
    get(@Param('id') id: string) {
      return { id };
    }

    @Post()
    open() {
      return {};
    }
  }

  it('names every offending route', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const u = new URL(server!);
    u.pathname = `/${name}`;
    await expect(start(u.toString(), [ForgottenController])).rejects.toThrow(
      /refusing to start[\s\S]*GET \/forgotten\/:id declares no access rule[\s\S]*POST \/forgotten declares no roles/,
    );
  });
});
