// First: tracing must start before http, Nest and pg are loaded by the services (see the setup).
import { spans, tracingHandle } from './support/tracing-setup';
import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { tracing } from '@opentelemetry/sdk-node';
import { expectStatus, givenFamily, waitFor } from './support/story';
import { SERVICE_NAMES, startSystem, SERVICES, type AcceptanceSystem } from './support/system';

type Span = tracing.ReadableSpan;

/**
 * OpenTelemetry tracing across the services (issue #16): the five services in this process with the
 * platform's tracing started into an in-memory exporter. A service's spans are told apart by the port
 * their server spans answer on and by the `cms.service` attribute of job spans.
 */
describe('Tracing (#16): one trace per broadcast chunk and per security-details update, across services and jobs', () => {
  let system: AcceptanceSystem;
  beforeAll(async () => {
    system = await startSystem();
  }, 60_000);
  afterAll(async () => {
    await system?.close();
    await tracingHandle.shutdown();
  });

  /** The service a span belongs to: by its server port (HTTP), by `cms.service` (jobs), else undefined. */
  const serviceOf = (span: Span): string | undefined => {
    const a = span.attributes;
    if (typeof a['cms.service'] === 'string') return a['cms.service'];
    const port = a['server.port'] ?? a['net.host.port'];
    if (span.kind !== SpanKind.SERVER || port === undefined) return undefined;
    const key = SERVICES.find((k) => new URL(system.urls[k]).port === String(port));
    return key ? SERVICE_NAMES[key] : undefined;
  };
  const pathOf = (span: Span): string =>
    String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').split('?')[0];
  const parentIdOf = (span: Span): string | undefined => span.parentSpanContext?.spanId;
  const describeSpan = (s: Span) =>
    `${s.spanContext().traceId.slice(0, 8)} ${s.spanContext().spanId} <- ${parentIdOf(s) ?? 'root'} ` +
    `${SpanKind[s.kind]} ${serviceOf(s) ?? '?'} ${s.name} ${pathOf(s)}`;

  /** The spans of `traceId`, by id, and each span's chain of ancestors. */
  const traceOf = (traceId: string) => {
    const all = spans.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
    const ancestors = (s: Span): Span[] => {
      const out: Span[] = [];
      for (let p = byId.get(parentIdOf(s) ?? ''); p; p = byId.get(parentIdOf(p) ?? '')) out.push(p);
      return out;
    };
    return { all, ancestors, dump: () => all.map(describeSpan).join('\n') };
  };

  /** The one server span of `service` answering `method` on a path matching `path`. */
  const serverSpan = (service: string, method: string, path: RegExp): Span => {
    const found = spans
      .getFinishedSpans()
      .filter(
        (s) =>
          s.kind === SpanKind.SERVER &&
          serviceOf(s) === service &&
          (s.attributes['http.request.method'] ?? s.attributes['http.method']) === method &&
          path.test(pathOf(s)),
      );
    if (found.length !== 1)
      throw new Error(
        `expected one ${method} ${path} server span on ${service}, found ${found.length}:\n` +
          spans.getFinishedSpans().map(describeSpan).join('\n'),
      );
    return found[0];
  };

  it('[BR-5] [BR-8] one broadcast chunk is one trace: cis-interface → its chunk job → service-requests → its MOPF letter job → service-requests and correspondence; trace id in the log lines', async () => {
    const family = await givenFamily(system, {
      stage: 'maintenance',
      receivingParent: { nino: 'JK601001A', firstName: 'Sarah', lastName: 'Okafor' },
      payingParent: {
        nino: 'JK601002B',
        firstName: 'Daniel',
        lastName: 'Price',
        address: { line1: '3 Mill Lane', town: 'York', postcode: 'YO1 7HH' },
      },
    });
    spans.reset();
    const batchId = randomUUID();
    const tx = (nino: string, payload: Record<string, unknown>, day: number) => ({
      transactionId: randomUUID(),
      referenceKind: 'NINO',
      reference: nino,
      changeType: payload.type,
      payload,
      recordedAt: new Date(Date.UTC(2026, 9, day, 10)).toISOString(),
      interestTypes: ['NRP_GENERAL'],
    });
    await expectStatus(
      system.as('system').ci.post('/broadcasts', {
        batchId,
        generatedAt: '2026-11-22T00:00:05.000Z',
        transactions: [
          tx(
            family.payingParent.nino,
            { type: 'NRP_BENEFIT_CLAIM', benefitType: 'Universal Credit', claimDate: '2026-10-15' },
            1,
          ),
          tx(
            family.receivingParent.nino,
            { type: 'NAME_1_CHANGE', firstName: 'Sarah', lastName: 'Bennett' },
            2,
          ),
        ],
      }),
      202,
    );
    await waitFor(
      'the batch processed, its MOPF letter issued',
      async () => {
        const res = await system.as('caseworker').ci.get(`/broadcasts/${batchId}`);
        return res.status === 200 && res.body.status === 'processed' ? res.body : null;
      },
      30_000,
    );
    // The letter job's span ends once its handler returns (after the batch is marked processed).
    const letterJob = await waitFor('the MOPF letter job span', async () =>
      spans.getFinishedSpans().find((s) => s.name === 'job cis.mopf-letter'),
    );

    const received = serverSpan('cis-interface', 'POST', /^\/broadcasts$/);
    const t = traceOf(received.spanContext().traceId);
    const chunkJob = t.all.find((s) => s.name === 'job cis.broadcast-chunk');
    expect({ chunkJob: !!chunkJob, trace: t.dump() }).toMatchObject({ chunkJob: true });
    // ONE trace: every job span and every server span of this work since the reset is in it.
    expect(letterJob.spanContext().traceId).toBe(received.spanContext().traceId);
    const jobsElsewhere = spans
      .getFinishedSpans()
      .filter((s) => s.name.startsWith('job ') && s.spanContext().traceId !== received.spanContext().traceId);
    expect(jobsElsewhere.map(describeSpan)).toEqual([]);
    expect(chunkJob!.kind).toBe(SpanKind.CONSUMER);
    expect(t.ancestors(chunkJob!)).toContain(received);
    expect(t.ancestors(letterJob)).toContain(chunkJob);

    // cis-interface → service-requests from the chunk job: matched and raised in one call.
    const raise = serverSpan('service-requests', 'POST', /^\/cis-matches\/raise$/);
    expect(raise.spanContext().traceId).toBe(received.spanContext().traceId);
    expect(t.ancestors(raise)).toContain(chunkJob);
    // The W3C traceparent went with PeerHttp's fetch: the server span's parent is cis-interface's client span.
    // Its queries are spans of the trace too (pg instrumentation).
    const queries = t.all.filter(
      (s) => s.attributes['db.system.name'] === 'postgresql' && t.ancestors(s).includes(raise),
    );
    expect(queries.length).toBeGreaterThan(0);
    const caller = t.all.find((s) => s.spanContext().spanId === parentIdOf(raise))!;
    expect(caller.kind).toBe(SpanKind.CLIENT);
    expect(t.ancestors(caller)).toContain(chunkJob);

    // … → correspondence from the letter job: the letter issued, in the same trace.
    const letter = serverSpan('correspondence', 'POST', /^\/letters$/);
    expect(letter.spanContext().traceId).toBe(received.spanContext().traceId);
    expect(t.ancestors(letter)).toContain(letterJob);
    expect(new Set(t.all.map(serviceOf))).toEqual(
      expect.objectContaining(new Set(['cis-interface', 'service-requests', 'correspondence'])),
    );
    for (const service of ['cis-interface', 'service-requests', 'correspondence'])
      expect(
        t.all.filter((s) => s.kind === SpanKind.SERVER && serviceOf(s) === service).length,
      ).toBeGreaterThan(0);

    // The trace id is in the log lines of the work, beside the request id.
    const traceId = received.spanContext().traceId;
    const logged = (k: 'ci' | 'sr' | 'co') =>
      system.services[k].logs.records().filter((r) => r.trace_id === traceId);
    for (const k of ['ci', 'sr', 'co'] as const) {
      expect(logged(k).length).toBeGreaterThan(0);
      for (const line of logged(k))
        expect(line).toMatchObject({ requestId: expect.any(String), span_id: expect.any(String) });
    }
  });

  it('[SD-14] one security-details update is one trace: service-requests → client-security', async () => {
    const cw = system.as('caseworker');
    const clientId = (
      await expectStatus(
        cw.sr.post('/clients', { firstName: 'Grace', lastName: 'Lee', mobilePhone: '07700 900789' }),
        201,
      )
    ).body.id as string;
    const caseId = (
      await expectStatus(
        cw.sr.post('/cases', {
          jurisdiction: 'GB',
          stage: 'maintenance',
          participants: [{ clientId, role: 'PWC' }],
        }),
        201,
      )
    ).body.id as string;
    await expectStatus(
      cw.cs.post(`/clients/${clientId}/security-details`, { pin: '1234567', password: 'Bluebell42' }),
      201,
    );
    const sr = (
      await expectStatus(
        cw.sr.post('/service-requests', {
          type: 'SECURITY_DETAILS',
          source: 'PWC',
          subject: { clientId, role: 'PWC' },
          caseIds: [caseId],
        }),
        201,
      )
    ).body as { id: string; version: number };
    spans.reset();
    await expectStatus(
      cw.sr.post(`/service-requests/${sr.id}/security-details/update`, {
        version: sr.version,
        pin: '4820193',
      }),
      200,
    );

    const update = await waitFor('the update request span', async () => {
      try {
        return serverSpan('service-requests', 'POST', /\/security-details\/update$/);
      } catch {
        return null;
      }
    });
    const t = traceOf(update.spanContext().traceId);
    const change = serverSpan('client-security', 'POST', /\/security-details\/change$/);
    expect({
      sameTrace: change.spanContext().traceId === update.spanContext().traceId,
      trace: t.dump(),
    }).toMatchObject({
      sameTrace: true,
    });
    expect(t.ancestors(change)).toContain(update);
    expect(t.all.find((s) => s.spanContext().spanId === parentIdOf(change))?.kind).toBe(SpanKind.CLIENT);
    // Every server span client-security answered for this update is in the trace.
    const csServer = spans
      .getFinishedSpans()
      .filter((s) => s.kind === SpanKind.SERVER && serviceOf(s) === 'client-security');
    expect(csServer.map(describeSpan)).toEqual(csServer.filter((s) => t.all.includes(s)).map(describeSpan));
  });
});
