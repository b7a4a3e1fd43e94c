import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import request from 'supertest';
import { eventually, tokenFor } from '@cms/testing';
import { startClientSecurity, TestClientSecurity } from './helpers';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

// service-requests has not published `POST /security-events` yet, so a loopback recorder stands in
// for it here and answers as told per client. Replace it with service-requests' createApp once the
// endpoint exists (docs/contributing.md: other services are started for real).
describe('client-security: block events delivered to service-requests (SD-3)', () => {
  let s: TestClientSecurity;
  let recorder: Server;
  let sql: Client;
  let cw: string;
  const received: Received[] = [];
  const answers = new Map<string, number[]>();

  const blockClient = async (id: string) => {
    await request(s.url)
      .post(`/clients/${id}/security-details`)
      .auth(cw, { type: 'bearer' })
      .send({ pin: '3141592', password: 'Event Me 1' })
      .expect(201);
    for (const pin of ['1000001', '1000002', '1000003']) {
      await request(s.url)
        .post(`/clients/${id}/security-check`)
        .auth(cw, { type: 'bearer' })
        .send({ channel: 'phone', pin })
        .expect(200);
    }
    return id;
  };
  const job = async (clientId: string) =>
    (
      await sql.query(
        `SELECT id, state, retry_count FROM pgboss.job
          WHERE name = 'client-security.security-event' AND data->'payload'->>'clientId' = $1`,
        [clientId],
      )
    ).rows[0] as { id: string; state: string; retry_count: number } | undefined;

  beforeAll(async () => {
    recorder = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const body = JSON.parse(text || '{}');
        received.push({ path: req.url ?? '', headers: req.headers, body });
        const status = answers.get(String(body.clientId))?.shift() ?? 202;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const port = (recorder.address() as AddressInfo).port;
    s = await startClientSecurity({
      WORKERS_ENABLED: 'true',
      SERVICE_REQUESTS_URL: `http://127.0.0.1:${port}`,
    });
    sql = new Client({ connectionString: s.db.url });
    await sql.connect();
    cw = await tokenFor(['caseworker'], 'cw-events');
  });
  afterAll(async () => {
    await sql?.end();
    await s?.close();
    await new Promise((resolve) => recorder?.close(resolve));
  });

  it('[SD-3] delivers tam-account-blocked with the job id as Idempotency-Key, retrying a 503 under the same key', async () => {
    const id = randomUUID();
    answers.set(id, [503]);
    await blockClient(id);
    const done = await eventually(async () => {
      const j = await job(id);
      return j?.state === 'completed' ? j : undefined;
    });
    const calls = received.filter((r) => r.body.clientId === id);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.path).toBe('/security-events');
      expect(call.headers['idempotency-key']).toBe(done.id);
      expect(call.headers.authorization).toMatch(/^Bearer /);
      expect(call.body).toEqual({
        clientId: id,
        representativeId: null,
        event: 'tam-account-blocked',
        tamAccount: true,
        occurredAt: expect.any(String),
      });
    }
    expect(JSON.stringify(calls)).not.toMatch(/3141592|1000003|Event Me/);
  });

  it('[SD-3] keeps the event and retries it with backoff while service-requests refuses it', async () => {
    const blocked = randomUUID();
    answers.set(blocked, Array(50).fill(404));
    await blockClient(blocked);
    const retried = await eventually(async () => {
      const j = await job(blocked);
      return j && j.retry_count >= 1 && j.state !== 'completed' ? j : undefined;
    });
    expect(['retry', 'active', 'created']).toContain(retried.state);
    const keys = new Set(
      received.filter((r) => r.body.clientId === blocked).map((r) => r.headers['idempotency-key']),
    );
    expect([...keys]).toEqual([retried.id]);
  });
});
