import request from 'supertest';
import { DataSource } from 'typeorm';
import { tokenFor } from '@cms/testing';
import {
  givenSecuritySetUp,
  startServiceRequestsWithSecurity,
  TestServiceRequestsWithSecurity,
} from './helpers';

/**
 * GET /service-requests loads steps, notes, case links and stages for the whole page at once: the
 * number of SQL statements a list runs does not grow with the number of SRs listed (issue #18).
 */
describe('service-requests: a list of SRs in a constant number of queries', () => {
  let s: TestServiceRequestsWithSecurity;
  let cw: string;
  let queries = 0;

  const api = () => request(s.url);

  /** A client who has set up security, so Change - Security Details SRs can be raised for them (SD-22). */
  const client = async (nino: string) => {
    const id = (
      await api()
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino, firstName: 'Sarah', lastName: 'Okafor' })
        .expect(201)
    ).body.id as string;
    await givenSecuritySetUp(s.security.url, cw, id);
    return id;
  };

  const caseFor = async (clientId: string) =>
    (
      await api()
        .post('/cases')
        .auth(cw, { type: 'bearer' })
        .send({ jurisdiction: 'GB', stage: 'maintenance', participants: [{ clientId, role: 'PWC' }] })
        .expect(201)
    ).body.id as string;

  /** A security details SR In Progress (so it has an activity plan) with a note. */
  const raise = async (clientId: string, caseId: string) => {
    const sr = (
      await api()
        .post('/service-requests')
        .auth(cw, { type: 'bearer' })
        .send({
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          reportedBy: { firstName: 'Sarah', lastName: 'Okafor' },
          subject: { clientId, role: 'PWC' },
          caseIds: [caseId],
          note: 'Client rang to change their PIN.',
        })
        .expect(201)
    ).body;
    await api()
      .post(`/service-requests/${sr.id}/transitions`)
      .auth(cw, { type: 'bearer' })
      .send({ version: sr.version, to: { status: 'In Progress', subStatus: null } })
      .expect(200);
  };

  /** Lists a client's SRs, counting the SQL statements service-requests runs meanwhile. */
  const listCounting = async (clientId: string) => {
    queries = 0;
    const res = await api()
      .get('/service-requests')
      .query({ clientId })
      .auth(cw, { type: 'bearer' })
      .expect(200);
    return { items: res.body as { activityPlan: unknown[]; notes: unknown[]; caseIds: string[] }[], queries };
  };

  beforeAll(async () => {
    s = await startServiceRequestsWithSecurity({ WORKERS_ENABLED: 'false' });
    cw = await tokenFor(['caseworker'], 'cw-1');
    const logger = s.app.get(DataSource).logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (...args: Parameters<typeof logQuery>) => {
      queries++;
      return logQuery(...args);
    };
  });
  afterAll(() => s?.close());

  it('lists 8 SRs in as many SQL queries as 1, with their plans, notes and cases', async () => {
    const one = await client('JK123456C');
    const many = await client('AB123456C');
    const [oneCase, manyCase] = [await caseFor(one), await caseFor(many)];
    await raise(one, oneCase);
    for (let i = 0; i < 8; i++) await raise(many, manyCase);

    const single = await listCounting(one);
    const eight = await listCounting(many);

    expect(single.items).toHaveLength(1);
    expect(eight.items).toHaveLength(8);
    for (const sr of [...single.items, ...eight.items]) {
      expect(sr.activityPlan.length).toBeGreaterThan(0);
      expect(sr.notes.length).toBeGreaterThan(0);
      expect(sr.caseIds).toHaveLength(1);
    }
    expect(eight.queries).toBe(single.queries);
  });
});
