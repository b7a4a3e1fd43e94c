/**
 * OpenTelemetry tracing (issue #16). Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: then spans go over OTLP http/protobuf to it.
 *
 * This module imports nothing of the service (no Nest, no pg) and loads the SDK only when tracing
 * is on, so that a service's `main.ts` can start it before anything it instruments is loaded:
 * instrumentations patch `http` and `pg` as they are required, never afterwards. (No Nest or Fastify
 * instrumentation: `@opentelemetry/instrumentation-nestjs-core` supports Nest below 12 only, and
 * Nest 12 is ESM, which require hooks do not see; the HTTP server span stands for the handler.)
 * Off, it costs nothing: `@opentelemetry/api` answers with no-op spans, and no SDK is loaded.
 *
 * What is traced: every request served (HTTP server spans, except `/health`, `/metrics` and
 * `/docs`), every outgoing `fetch` (PeerHttp, the CIS gateway) with the W3C
 * `traceparent` added to it by the undici instrumentation, every pg query made while a span is
 * active (pg-boss's idle polling is not), and every pg-boss job (see `JobQueue`: the job carries
 * the `traceparent` of its cause and its worker's span is a child of it).
 */
import type { tracing as sdkTracing } from '@opentelemetry/sdk-node';
import { scrubText } from './redact';

/** What {@link startTracing} started. */
export interface Tracing {
  /**
   * The instrumentations registered (http, undici, pg). They patch modules through Node's `require`;
   * a test runner with a module registry of its own (Jest) has to hand them its modules (see
   * e2e/test/support/tracing-setup.ts).
   */
  readonly instrumentations: readonly object[];
  /** Flushes the spans not yet exported, unpatches what was instrumented and stops the SDK. */
  shutdown(): Promise<void>;
}

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** Environment that decides whether tracing is on, and the service name (default `process.env`); the exporter reads `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * Span processors to use instead of the OTLP exporter (tests: an in-memory exporter behind a
   * SimpleSpanProcessor). With them tracing starts whatever the environment says.
   */
  spanProcessors?: sdkTracing.SpanProcessor[];
}

/** Request paths that start no trace: probes, scrapes and the API docs. */
const NOT_TRACED = /^\/(health|metrics|docs)(\/|\?|$|-)/;

let started: Tracing | undefined;

/** True when the environment asks for traces to be exported (an OTLP endpoint is set). */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * Starts the OpenTelemetry Node SDK for `serviceName` (the resource's `service.name`, unless
 * `OTEL_SERVICE_NAME` says otherwise) with the http, undici (fetch) and pg instrumentations
 * and the W3C trace-context propagator, exporting over OTLP http/protobuf in batches (the standard
 * `OTEL_EXPORTER_OTLP_*` and `OTEL_BSP_*` variables apply); metrics and logs stay with Prometheus and
 * pino. Call it first in `main.ts`, before requiring Nest or the app. Once per process: a second
 * call returns the first's handle.
 * @returns the running SDK, or undefined when tracing is off (no endpoint and no `spanProcessors`)
 */
export function startTracing(serviceName: string, options: TracingOptions = {}): Tracing | undefined {
  if (started) return started;
  const env = options.env ?? process.env;
  if (!options.spanProcessors && !tracingEnabled(env)) return undefined;
  // Loaded here, not at the top: a service with tracing off never loads the SDK.
  const { NodeSDK, tracing, core } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');

  const spanProcessors = options.spanProcessors ?? [
    new tracing.BatchSpanProcessor(new ScrubbingExporter(new OTLPTraceExporter())),
  ];
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => NOT_TRACED.test(req.url ?? ''),
    }),
    new UndiciInstrumentation(),
    // No span for a query outside a trace (pg-boss polls every half second); values never recorded.
    new PgInstrumentation({ requireParentSpan: true, enhancedDatabaseReporting: false }),
  ];
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || serviceName,
    spanProcessors,
    textMapPropagator: new core.W3CTraceContextPropagator(),
    // Traces only: metrics are Prometheus' (/metrics), logs pino's (stdout).
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  started = {
    instrumentations,
    shutdown: async () => {
      started = undefined;
      // Unpatched too (the SDK leaves them on): http, pg and undici's channels are the process's own.
      for (const instrumentation of instrumentations) instrumentation.disable();
      await sdk.shutdown();
    },
  };
  return started;
}

/**
 * Wraps an exporter so that no span leaves with a citizen's data in a string attribute (a NINO in a
 * URL's query, a postcode in SQL text): each is scrubbed as log lines are ({@link scrubText}).
 */
class ScrubbingExporter implements sdkTracing.SpanExporter {
  constructor(private readonly inner: sdkTracing.SpanExporter) {}

  export(...[spans, done]: Parameters<sdkTracing.SpanExporter['export']>): void {
    for (const span of spans) {
      const attributes = span.attributes as Record<string, unknown>;
      for (const [key, value] of Object.entries(attributes))
        if (typeof value === 'string') attributes[key] = scrubText(value);
    }
    this.inner.export(spans, done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
