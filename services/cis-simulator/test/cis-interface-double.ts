import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the double received. */
export interface ReceivedBroadcast {
  headers: IncomingHttpHeaders;
  body: unknown;
  answeredStatus: number;
}

/** The double, its URL and what it received. */
export interface BroadcastReceiverDouble {
  url: string;
  received: ReceivedBroadcast[];
  /** Answer the next `n` requests with `status` (default 503) instead of 202. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/**
 * TEST DOUBLE of cis-interface's `POST /broadcasts` (the receiving side of CIS broadcasts).
 *
 * The one exception to "other services are started for real, never mocked": cis-interface is being
 * written by another engineer at the same time, so the simulator's delivery is tested against this
 * tiny real HTTP server, which records what it receives and answers 202 (or a chosen failure status
 * the next N times). Replace it with cis-interface's real `createApp` once that exists.
 */
export async function startBroadcastReceiverDouble(): Promise<BroadcastReceiverDouble> {
  const received: ReceivedBroadcast[] = [];
  let failures = 0;
  let failureStatus = 503;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/broadcasts') {
        res.writeHead(404).end();
        return;
      }
      const status = failures > 0 ? (failures--, failureStatus) : 202;
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ headers: req.headers, body, answeredStatus: status });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext(n, status = 503) {
      failures = n;
      failureStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
