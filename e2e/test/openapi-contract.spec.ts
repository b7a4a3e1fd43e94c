import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startSystem, type AcceptanceSystem } from './support/system';

/*
 * The suites' HTTP callers check every exchange against the serving service's OpenAPI document
 * (issue #14): proof that the hook is on, counts what it sees, and reports what breaks a document.
 */
describe('every exchange made through the e2e system is validated against the OpenAPI documents', () => {
  let sys: AcceptanceSystem;

  beforeAll(async () => {
    sys = await startSystem();
  }, 90_000);
  afterAll(() => sys?.close());

  it('counts conforming exchanges made through system.as(…) and finds nothing wrong with them', async () => {
    const before = sys.contract.exchanges;
    await sys.as('caseworker').sr.get('/work-queues').expect(200);
    await sys.as('system').sim.get('/internal/clock').expect(200);
    await sys.as('caseworker').sr.get(`/clients/${randomUUID()}`).expect(404);
    expect(sys.contract.exchanges - before).toBe(3);
    expect(sys.contract.violationCount).toBe(0);
  });

  it('detects a deliberate violation: an undocumented query parameter, path and status', async () => {
    await sys.as('caseworker').sr.get('/work-queues?colour=red').expect(200);
    await sys.checked('co', request(sys.urls.co).get('/docs-json')).expect(200);
    await sys.as('caseworker').sr.get('/no-such-thing').expect(404);
    expect([...sys.contract.violations.keys()]).toEqual([
      'service-requests GET /work-queues [request] query parameter colour is not documented',
      'correspondence GET /docs-json [operation] no documented operation for GET /docs-json',
      'service-requests GET /no-such-thing [operation] no documented operation for GET /no-such-thing',
    ]);
    expect(() => sys.contract.assertClean()).toThrow('3 violations');
    // Found on purpose: cleared, so that closing the system (which fails on any) passes.
    sys.contract.violations.clear();
  });
});
