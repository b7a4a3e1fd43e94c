import { randomBytes, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { createApp as createServiceRequests } from '@cms/service-requests';
import {
  createTestDatabase,
  eventually,
  freePort,
  listen,
  LogCapture,
  RunningService,
  TestDatabase,
  testEnv,
  tokenFor,
} from '@cms/testing';
import { DataSource } from 'typeorm';
import { SecurityEvents } from '../src/security-events/security-events';
import { startClientSecurity, TestClientSecurity } from './helpers';

// client-security and service-requests, both real, each on its own database: a block in
// client-security reaches service-requests as `POST /security-events` through the outbox job.
describe('client-security → service-requests: a blocked TAM account arranges the call back (SD-2, SD-3)', () => {
  let cs: TestClientSecurity;
  let sr: NestFastifyApplication;
  let srRunning: RunningService;
  let srDb: TestDatabase;
  let sql: Client;
  let cw: string;
  let clientId: string;

  const blockClient = async (id: string) => {
    await request(cs.url)
      .post(`/clients/${id}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '3141592', password: 'Event Me 1' })
      .expect(201);
    for (const pin of ['1000001', '1000002', '1000003']) {
      await request(cs.url)
        .post(`/clients/${id}/security-check`)
        .auth(cw, { type: 'bearer' })
        .send({ channel: 'phone', pin })
        .expect(200);
    }
  };
  const job = async (id: string) =>
    (
      await sql.query(
        `SELECT id, state, retry_count, data FROM pgboss.job
          WHERE name = 'client-security.security-event' AND data->'payload'->>'clientId' = $1`,
        [id],
      )
    ).rows[0] as
      | { id: string; state: string; retry_count: number; data: { payload: Record<string, string> } }
      | undefined;
  const securitySrs = async () =>
    (
      await request(srRunning.url)
        .get('/service-requests')
        .query({ clientId })
        .auth(cw, { type: 'bearer' })
        .expect(200)
    ).body.filter((x: { type: string }) => x.type === 'SECURITY_DETAILS');

  beforeAll(async () => {
    cw = await tokenFor(['caseworker'], 'cw-events');
    srDb = await createTestDatabase('cs_sr');
    // service-requests asks this client-security whether the blocked client set up security before it
    // raises their Change Contact/Security Info SR (SD-22).
    const csPort = String(await freePort());
    sr = await createServiceRequests(
      testEnv(srDb.url, {
        WORKERS_ENABLED: 'false',
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
        CLIENT_SECURITY_URL: `http://127.0.0.1:${csPort}`,
      }),
      { logDestination: new LogCapture() },
    );
    srRunning = await listen(sr);
    cs = await startClientSecurity({
      PORT: csPort,
      WORKERS_ENABLED: 'true',
      SERVICE_REQUESTS_URL: srRunning.url,
    });
    sql = new Client({ connectionString: cs.db.url });
    await sql.connect();
    clientId = (
      await request(srRunning.url)
        .post('/clients')
        .auth(cw, { type: 'bearer' })
        .send({ nino: 'JK123456C', firstName: 'Sarah', lastName: 'Okafor', mobilePhone: '07700 900123' })
        .expect(201)
    ).body.id;
    await request(srRunning.url)
      .post('/cases')
      .auth(cw, { type: 'bearer' })
      .send({ jurisdiction: 'GB', stage: 'maintenance', participants: [{ clientId, role: 'PWC' }] })
      .expect(201);
  });
  afterAll(async () => {
    await sql?.end();
    await cs?.close();
    await srRunning?.close();
    await srDb?.drop();
  });

  it('[SD-2] [SD-3] the third failed check leads to a Change - Security Details SR with a call back note, exactly once', async () => {
    await blockClient(clientId);
    const done = await eventually(async () => {
      const j = await job(clientId);
      return j?.state === 'completed' ? j : undefined;
    });
    const srs = await securitySrs();
    expect(srs).toHaveLength(1);
    expect(srs[0]).toMatchObject({ subject: { clientId, role: 'PWC' }, process: 'CofC' });
    expect(srs[0].notes.map((n: { text: string }) => n.text).join(' ')).toMatch(/call the client back/i);

    // A redelivery under the same key (pg-boss retrying after a lost answer) raises nothing new.
    await cs.app.get(SecurityEvents).deliver(done.data.payload as never, done.id);
    expect(await securitySrs()).toHaveLength(1);
    expect(cs.logs.text()).not.toMatch(/3141592|1000003|Event Me/);
  });

  it('[SD-3] keeps the event and retries it with backoff while service-requests refuses it', async () => {
    // A client service-requests does not know: it answers 404, so the job stays and is retried.
    // Security set-up now refuses such a client (issue #12, SD-18), so the event is written as a block
    // writes it (SecurityEvents.send in a transaction), for an id service-requests never held.
    const unknown = randomUUID();
    await cs.app.get(DataSource).transaction((m) =>
      cs.app.get(SecurityEvents).send(m, {
        clientId: unknown,
        event: 'tam-account-blocked',
        occurredAt: new Date().toISOString(),
      }),
    );
    const retried = await eventually(async () => {
      const j = await job(unknown);
      return j && j.retry_count >= 1 ? j : undefined;
    });
    expect(retried.state).not.toBe('completed');
    expect(retried.data.payload).toEqual({
      clientId: unknown,
      event: 'tam-account-blocked',
      occurredAt: expect.any(String),
    });
  });
});
