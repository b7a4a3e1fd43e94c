import request from 'supertest';
import { tokenFor } from '@cms/testing';
import { DataSource } from 'typeorm';
import { RateLimiter } from '../src/rate-limits/rate-limiter.service';
import { serviceRequestsRecords, startClientSecurity, TestClientSecurity } from './helpers';

// Small limits so that a few checks reach them: 3 per subject per 15 minutes, 4 per member of staff
// and 6 per system caller per minute.
describe('client-security: rate limits on security checks (PostgreSQL, shared by replicas)', () => {
  let s: TestClientSecurity;
  let cw: string;
  let sys: string;
  const pin = '5172839';
  const api = () => request(s.url);
  /** Security set-up for a new client held by service-requests (issue #12: no set-up for an unknown id). */
  const setUp = async () => {
    const id = (await serviceRequestsRecords(s.serviceRequestsUrl).client()).clientId;
    await api()
      .post(`/clients/${id}/security-details`)
      .auth(sys, { type: 'bearer' })
      .send({ pin, password: 'Limit Me 1' })
      .expect(201);
    return id;
  };
  const check = (id: string, token: string) =>
    api()
      .post(`/clients/${id}/security-check`)
      .auth(token, { type: 'bearer' })
      .send({ channel: 'phone', pin });

  beforeAll(async () => {
    s = await startClientSecurity({
      WORKERS_ENABLED: 'false',
      CHECK_LIMIT_PER_SUBJECT: '3',
      CHECK_LIMIT_PER_CALLER: '4',
      CHECK_LIMIT_PER_SYSTEM_CALLER: '6',
    });
    sys = await tokenFor(['system'], 'self-service-portal');
  });
  afterAll(() => s.close());

  it('[SD-2] refuses a fourth check of one client within 15 minutes with 429 and Retry-After, until the window passes', async () => {
    const id = await setUp();
    const callers = await Promise.all([1, 2, 3, 4].map((n) => tokenFor(['caseworker'], `cw-subject-${n}`)));
    for (const token of callers.slice(0, 3)) expect((await check(id, token)).body.result).toBe('pass');
    const limited = await check(id, callers[3]);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_SECURITY_CHECKS', scope: 'subject' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    // A refused check is not a failed check: nothing counted against the client.
    expect(
      (await api().get(`/clients/${id}/security-details`).auth(sys, { type: 'bearer' })).body,
    ).toMatchObject({
      consecutiveFailures: 0,
      lastCheckResult: 'pass',
    });
    await api()
      .post('/internal/clock/advance')
      .auth(sys, { type: 'bearer' })
      .send({ minutes: 16 })
      .expect(200);
    expect((await check(id, callers[3])).body.result).toBe('pass');
  });

  it('[SD-2] limits one member of staff to 4 checks a minute across clients, and a system caller to 6', async () => {
    const ids = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => setUp()));
    cw = await tokenFor(['caseworker'], 'cw-many');
    for (const id of ids.slice(0, 4)) expect((await check(id, cw)).status).toBe(200);
    const limited = await check(ids[4], cw);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'TOO_MANY_SECURITY_CHECKS', scope: 'caller' });
    const portal = await tokenFor(['system'], 'portal-2');
    for (const id of ids.slice(0, 6)) expect((await check(id, portal)).status).toBe(200);
    expect((await check(ids[6], portal)).status).toBe(429);
    const logs = s.logs.records().filter((r) => r.msg === 'rate limited');
    expect(logs.length).toBeGreaterThanOrEqual(2);
    expect(s.logs.text()).not.toContain(pin);
  });

  it('sweeps buckets whose window has ended', async () => {
    const count = async () =>
      Number((await s.app.get(DataSource).query(`SELECT count(*) FROM rate_limit_bucket`))[0].count);
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await api().post('/internal/clock/advance').auth(sys, { type: 'bearer' }).send({ hours: 1 }).expect(200);
    expect(await s.app.get(RateLimiter).sweep()).toBe(before);
    expect(await count()).toBe(0);
  });
});
