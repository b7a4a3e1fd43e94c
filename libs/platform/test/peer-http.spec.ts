import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { DomainError } from '@cms/domain';
import { BaseServiceConfig, loadConfig } from '../src/config';
import { PeerHttp, retryAfterMs } from '../src/peer-http';
import { askSensitivity, SensitivityPeer } from '../src/sensitivity';

/*
 * Issue #16: a peer whose database restarts, or a replica that drains, answers 503 with
 * Retry-After; PeerHttp retries it (idempotent calls and calls with an Idempotency-Key only),
 * waiting what the peer asks, within its budget. A real HTTP server plays the peer.
 */

interface Peer {
  url: string;
  /** Arrival times (ms since the peer started), methods, bodies and headers of the requests it got. */
  calls: Array<{
    at: number;
    method: string;
    key?: string;
    body: string;
    headers: IncomingMessage['headers'];
  }>;
  close(): Promise<void>;
}

/** A peer answering `answers[i]` to its i-th request (the last one from then on). */
async function peer(
  answers: Array<{ status: number; headers?: Record<string, string>; code?: string }>,
): Promise<Peer> {
  const t0 = Date.now();
  const calls: Peer['calls'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({
        at: Date.now() - t0,
        method: req.method!,
        key: req.headers['idempotency-key'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: req.headers,
      });
      const a = answers[Math.min(calls.length - 1, answers.length - 1)];
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(JSON.stringify({ status: a.status, ...(a.code ? { code: a.code } : {}) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const http = () =>
  new PeerHttp(
    loadConfig(BaseServiceConfig, {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unused',
      AUTH_JWT_SECRET: 'x'.repeat(32),
    }),
    'peer-http-test',
  );

/** A peer that answers with `handler` (a plain node:http handler). */
async function rawPeer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const UNAVAILABLE = { status: 503, headers: { 'retry-after': '1' }, code: 'DATABASE_UNAVAILABLE' };

describe('PeerHttp retries 503 with Retry-After within its budget (issue #16)', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(' 0 ')).toBe(0);
    expect(retryAfterMs(new Date(10_000 + 3000).toUTCString(), 10_000)).toBe(3000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('retries an idempotent GET through a 3-second outage, waiting the Retry-After each time', async () => {
    const p = await peer([UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, { status: 200 }]);
    try {
      const res = await http().fetch(`${p.url}/cases/1`);
      expect(res.status).toBe(200);
      expect(p.calls).toHaveLength(4);
      for (let i = 1; i < p.calls.length; i++)
        expect(p.calls[i].at - p.calls[i - 1].at).toBeGreaterThanOrEqual(950);
    } finally {
      await p.close();
    }
  });

  it('retries a POST that carries an Idempotency-Key, with the same key', async () => {
    const p = await peer([UNAVAILABLE, { status: 201 }]);
    try {
      const res = await http().fetch(`${p.url}/letters`, {
        method: 'POST',
        headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' },
        body: JSON.stringify({ a: 1 }),
      });
      expect(res.status).toBe(201);
      expect(p.calls.map((c) => c.key)).toEqual(['k-1', 'k-1']);
      // Every attempt carries the same body and headers, with the service's token and a request id.
      expect(p.calls.map((c) => c.body)).toEqual(['{"a":1}', '{"a":1}']);
      for (const c of p.calls) {
        expect(c.headers['content-type']).toBe('application/json');
        expect(c.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
        expect(c.headers['x-request-id']).toEqual(expect.any(String));
      }
      expect(p.calls[1].headers['x-request-id']).toBe(p.calls[0].headers['x-request-id']);
    } finally {
      await p.close();
    }
  });

  it('never retries a POST without an Idempotency-Key: the 503 goes back to the caller', async () => {
    const p = await peer([UNAVAILABLE, { status: 201 }]);
    try {
      const res = await http().fetch(`${p.url}/cases`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(503);
      expect(p.calls).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  it('stops within its budget and returns the last answer when the peer stays unavailable', async () => {
    const p = await peer([UNAVAILABLE]);
    const client = http();
    client.retryPolicy = { ...client.retryPolicy, budgetMs: 2500 };
    try {
      const t0 = Date.now();
      const res = await client.fetch(`${p.url}/cases/1`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(Date.now() - t0).toBeLessThan(2500 + 500);
      expect(p.calls).toHaveLength(3); // at 0, ~1 s, ~2 s; a fourth at ~3 s would pass the budget
    } finally {
      await p.close();
    }
  });

  it('a 503 the peer passes on from behind it (CIS down) gets only the quick retries: it already retried', async () => {
    const p = await peer([{ status: 503, headers: { 'retry-after': '5' }, code: 'CIS_UNAVAILABLE' }]);
    try {
      const t0 = Date.now();
      const res = await http().fetch(`${p.url}/retrievals/1`);
      expect(res.status).toBe(503);
      expect(p.calls).toHaveLength(4); // the first and 3 retries
      expect(Date.now() - t0).toBeLessThan(2500); // backoff of 100 ms doubling, not the 5 s asked
    } finally {
      await p.close();
    }
  });

  it('a peer that refuses connections for the whole budget is PEER_UNAVAILABLE (503 to our caller)', async () => {
    const p = await peer([{ status: 200 }]);
    const url = p.url;
    await p.close();
    const client = http();
    client.retryPolicy = { ...client.retryPolicy, budgetMs: 600 };
    const error = await client.fetch(`${url}/cases/1`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'PEER_UNAVAILABLE', kind: 'unavailable' });
  });
});

describe('PeerHttp exchanges over undici request, answering WHATWG Responses (issue 17)', () => {
  it('sends the body, the service token and the request id; hands back status, headers and body', async () => {
    let seen: { method?: string; body?: string; headers?: IncomingMessage['headers'] } = {};
    const p = await rawPeer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { method: req.method, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
        res.writeHead(201, [
          ['content-type', 'application/json'],
          ['x-one', 'a'],
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
        ]);
        res.end('{"id":"é"}');
      });
    });
    try {
      const res = await http().fetch(`${p.url}/things?x=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
        body: JSON.stringify({ name: 'Zoë' }),
      });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ id: 'é' });
      expect(res.headers.get('x-one')).toBe('a');
      expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      expect(seen.method).toBe('POST');
      expect(JSON.parse(seen.body!)).toEqual({ name: 'Zoë' });
      expect(seen.headers!.authorization).toMatch(/^Bearer ey/);
      expect(seen.headers!['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen.headers!['idempotency-key']).toBe('k-1');
    } finally {
      await p.close();
    }
  });

  it('answers without a body where HTTP has none (204, HEAD)', async () => {
    const p = await rawPeer((req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 204, {
        'content-length': req.method === 'HEAD' ? '5' : '0',
      });
      res.end();
    });
    try {
      const none = await http().fetch(`${p.url}/gone`, { method: 'DELETE' });
      expect(none.status).toBe(204);
      expect(none.body).toBeNull();
      const head = await http().fetch(`${p.url}/thing`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe('5');
    } finally {
      await p.close();
    }
  });

  it('a peer that does not answer within the time-out is PEER_UNAVAILABLE, after its retries', async () => {
    let calls = 0;
    const p = await rawPeer(() => {
      calls++; // never answers
    });
    try {
      const peerHttp = http();
      peerHttp.retryPolicy = {
        ...peerHttp.retryPolicy,
        maxOtherRetries: 1,
        initialDelayMs: 10,
        maxDelayMs: 10,
      };
      const err = await peerHttp
        .withTimeout(200)(`${p.url}/slow`)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('PEER_UNAVAILABLE');
      expect(calls).toBe(2);
    } finally {
      await p.close();
    }
  });
});

describe('PeerHttp.json: a JSON call without WHATWG Request/Response (issue 17)', () => {
  /** A peer answering each request with `answer(method, url, body)`; the requests it got. */
  async function jsonPeer(
    answer: (
      method: string,
      url: string,
      body: unknown,
    ) => { status: number; body?: unknown; headers?: Record<string, string> },
  ) {
    const seen: Array<{ method: string; url: string; body: unknown; headers: IncomingMessage['headers'] }> =
      [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body: unknown = text ? JSON.parse(text) : undefined;
        seen.push({ method: req.method!, url: req.url!, body, headers: req.headers });
        const a = answer(req.method!, req.url!, body);
        res.writeHead(a.status, { 'content-type': 'application/problem+json', ...(a.headers ?? {}) });
        res.end(a.body === undefined ? '' : JSON.stringify(a.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      seen,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as DomainError,
    );

  it('sends the body as JSON with the service token and request id, and answers the JSON of a 2xx', async () => {
    const p = await jsonPeer(() => ({ status: 200, body: { clients: ['é'] } }));
    try {
      expect(await http().json('post', `${p.url}/access/sensitivity`, { clients: ['a'] })).toEqual({
        clients: ['é'],
      });
      expect(p.seen).toHaveLength(1);
      expect(p.seen[0].method).toBe('POST');
      expect(p.seen[0].body).toEqual({ clients: ['a'] });
      expect(p.seen[0].headers['content-type']).toBe('application/json');
      expect(p.seen[0].headers.authorization).toMatch(/^Bearer ey/);
      expect(p.seen[0].headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await p.close();
    }
  });

  it("a peer's problem comes back as a DomainError with its code, kind, detail and field errors", async () => {
    const problems: Record<string, { status: number; body?: unknown }> = {
      '/denied': {
        status: 403,
        body: { title: 'Insufficient Access', code: 'INSUFFICIENT_ACCESS', detail: 'no' },
      },
      '/invalid': {
        status: 400,
        body: { code: 'VALIDATION_FAILED', detail: 'bad', errors: [{ field: 'clients[0]', rule: 'format' }] },
      },
      '/bare': { status: 404 },
    };
    const p = await jsonPeer((_m, url) => problems[url]);
    try {
      const denied = await failure(http().json('POST', `${p.url}/denied`, {}));
      expect(denied).toBeInstanceOf(DomainError);
      expect([denied!.code, denied!.kind, denied!.message]).toEqual([
        'INSUFFICIENT_ACCESS',
        'insufficient-access',
        'no',
      ]);
      const invalid = await failure(http().json('POST', `${p.url}/invalid`, {}));
      expect([invalid!.code, invalid!.kind]).toEqual(['VALIDATION_FAILED', 'validation']);
      expect(invalid!.errors).toEqual([{ field: 'clients[0]', rule: 'format' }]);
      const bare = await failure(http().json('GET', `${p.url}/bare`));
      expect([bare!.code, bare!.kind]).toEqual(['PEER_HTTP_404', 'not-found']);
    } finally {
      await p.close();
    }
  });

  it('a 2xx whose body is not JSON is no answer: PEER_UNREADABLE_ANSWER (503), never undefined data', async () => {
    const p = await rawPeer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy</html>');
    });
    try {
      const err = await failure(http().json('POST', `${p.url}/access/sensitivity`, { clients: [] }));
      expect(err).toBeInstanceOf(DomainError);
      expect([err!.code, err!.kind]).toEqual(['PEER_UNREADABLE_ANSWER', 'unavailable']);
    } finally {
      await p.close();
    }
  });

  it('retries as fetch does: an idempotent GET through a momentary 503, never a POST without a key', async () => {
    let gets = 0;
    const p = await jsonPeer((method) => {
      if (method === 'GET' && ++gets > 1) return { status: 200, body: { ok: true } };
      return { status: 503, body: { code: 'DATABASE_UNAVAILABLE' }, headers: { 'retry-after': '0' } };
    });
    try {
      expect(await http().json('GET', `${p.url}/thing`)).toEqual({ ok: true });
      expect(gets).toBe(2);
      const refused = await failure(http().json('POST', `${p.url}/thing`, { a: 1 }));
      expect([refused!.code, refused!.kind]).toEqual(['DATABASE_UNAVAILABLE', 'unavailable']);
      expect(p.seen.filter((s) => s.method === 'POST')).toHaveLength(1);
    } finally {
      await p.close();
    }
  });

  it('[X-1] askSensitivity asks once per 1,000 ids of a kind, each id once, and merges the answers', async () => {
    const p = await jsonPeer((_m, _u, body) => {
      const q = body as Record<string, string[]>;
      return {
        status: 200,
        body: {
          cases: [],
          clients: q.clients.filter((id) => id.endsWith('7')),
          representatives: q.representatives,
          serviceRequests: [],
        },
      };
    });
    try {
      const clients = Array.from({ length: 2500 }, (_, i) => `c${i}`);
      const answer = await askSensitivity(new SensitivityPeer(http(), `${p.url}/`), {
        clients: [...clients, 'c7', 'c17'],
        representatives: ['r1'],
      });
      expect(p.seen.map((s) => s.url)).toEqual([
        '/access/sensitivity',
        '/access/sensitivity',
        '/access/sensitivity',
      ]);
      expect(p.seen.map((s) => (s.body as { clients: string[] }).clients.length)).toEqual([1000, 1000, 500]);
      expect(answer.clients).toEqual(clients.filter((id) => id.endsWith('7')));
      expect(answer.representatives).toEqual(['r1']);
      expect(answer.cases).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
