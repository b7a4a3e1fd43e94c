import { randomUUID } from 'node:crypto';
import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DiscoveryService, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { PinoNestLogger } from './logging';
import { Counter, Histogram, Registry } from 'prom-client';
import { BaseServiceConfig } from './config';
import { ensureDatabase } from './database';
import { UuidParamPipe } from './decorators';
import { clientErrorHandler, frameworkErrorHandler, installInputHardening } from './input-hardening';
import { JobQueue } from './jobs';
import { HealthController } from './ops.controller';
import { acceptRequestId } from './request-context';

/** Describes a service for its OpenAPI document. */
export interface ServiceDescription {
  serviceName: string;
  title: string;
  description: string;
  version?: string;
}

/**
 * Creates a ready (initialised, not yet listening) service: creates its database if missing,
 * runs migrations, and wires Fastify, problem+json for parser errors, input hardening (UTF-8, no
 * NUL or lone surrogate, a nesting limit: see input-hardening.ts), metrics and OpenAPI at `/docs`
 * and `/docs-json`.
 */
export async function createServiceApp(
  module: DynamicModule | Type<unknown>,
  config: BaseServiceConfig,
  description: ServiceDescription,
): Promise<NestFastifyApplication> {
  // With MIGRATIONS_RUN=false the migrations Job has created it (and may be the only one allowed to).
  if (config.MIGRATIONS_RUN) await ensureDatabase(config.DATABASE_URL);
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: true,
    // Graceful shutdown: idle keep-alive connections (peers reuse them) close at once; in-flight requests finish.
    forceCloseConnections: 'idle',
    // A request that arrives on an open keep-alive connection while the server closes is answered
    // (the database is still open then) with `Connection: close`, not Fastify's bare 503 (#16).
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) =>
      acceptRequestId(req.headers['x-request-id']) ?? randomUUID(),
    // What the router and Node's HTTP parser refuse is problem+json too.
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  // Before the routes exist (app.init()), so that every route gets the hooks.
  installInputHardening(app);
  const fastify = app.getHttpAdapter().getInstance();
  installMetrics(app, fastify);
  const document = buildOpenApi(app, description, config.PORT);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
    customSiteTitle: `${description.title} — API`,
  });
  try {
    await app.init();
    await fastify.ready();
  } catch (e) {
    // A service that refuses to start (config, migrations, the access audit) leaves nothing running.
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}

function installMetrics(
  app: INestApplication,
  fastify: ReturnType<NestFastifyApplication['getHttpAdapter']>['getInstance'] extends () => infer F
    ? F
    : never,
): void {
  const registry = app.get(Registry);
  const labels = ['method', 'route', 'status'] as const;
  const count = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests',
    labelNames: labels,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: labels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const l = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: String(reply.statusCode),
    };
    count.inc(l);
    latency.observe(l, reply.elapsedTime / 1000);
  });
}

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string', format: 'uri', example: 'urn:cms-cis:problem:validation-failed' },
    title: { type: 'string', example: 'Bad Request' },
    status: { type: 'integer', minimum: 400, maximum: 599, example: 400 },
    detail: { type: 'string', example: 'nino: AB123456E is not a valid National Insurance number' },
    instance: { type: 'string', format: 'uri-reference', example: '/clients' },
    code: { type: 'string', example: 'VALIDATION_FAILED' },
    requestId: {
      type: 'string',
      example: '6f1c1f0e-3b8e-4d8e-9a52-1b0b2d0f7c11',
      description: 'The request id (X-Request-Id) the logs are kept against',
    },
    requirementId: { type: 'string', example: 'SD-1', description: 'The numbered rule that refused it' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string', example: 'nino' },
          rule: { type: 'string', example: 'nino-format' },
          message: { type: 'string' },
          requirementId: { type: 'string' },
        },
        required: ['field', 'rule', 'message'],
      },
    },
    // RFC 9457 extension members, each sent only by the refusals named in its description.
    what: { type: 'string', example: 'Client', description: 'NOT_FOUND: the kind of record not found' },
    id: { type: 'string', example: '0b9d2c1e-6f4a-4c1b-9a77-1d2e3f4a5b6c', description: 'The id not found' },
    expectedVersion: { type: 'integer', example: 3, description: 'STALE_VERSION: the version sent' },
    currentVersion: { type: 'integer', example: 4, description: 'STALE_VERSION: the version held now' },
    requiredRoles: {
      type: 'array',
      items: { type: 'string' },
      example: ['system'],
      description: '403: any of these roles would be allowed',
    },
    field: {
      type: 'string',
      example: 'serviceRequestId',
      description: 'The field whose value refers to `id`',
    },
    updateId: { type: 'string', description: 'cis-interface: the update recorded (SU-5, SU-6)' },
    retrievalId: { type: 'string', description: 'cis-interface: the retrieval recorded as failed (RD-5)' },
    outcome: { type: 'string', example: 'failed', description: 'cis-interface: what was recorded (RD-5)' },
    operation: { type: 'string', description: 'cis-interface: the CIS operation that failed' },
    attempts: { type: 'integer', example: 3, description: 'cis-interface: calls made to CIS' },
    retryAfterSeconds: { type: 'integer', example: 30, description: 'When to try again (429, 503)' },
    scope: { type: 'string', description: 'client-security: the rate limit exceeded (429)' },
    blockedAt: {
      type: 'string',
      format: 'date-time',
      nullable: true,
      description: 'client-security: when the account was blocked (SD-2, SD-11)',
    },
    allowedNext: {
      type: 'array',
      items: {
        type: 'object',
        properties: { status: { type: 'string' }, subStatus: { type: 'string', nullable: true } },
        required: ['status', 'subStatus'],
      },
      description: 'service-requests: the states the SR may move to (NO_SUCH_TRANSITION, SR_READ_ONLY)',
    },
    existingId: { type: 'string', description: 'correspondence: the letter already issued for the key' },
    serviceRequestId: { type: 'string', description: 'correspondence: the SR not approved (TD-6)' },
    from: { type: 'string', description: 'correspondence: the current status' },
    to: { type: 'string', description: 'correspondence: the status asked for' },
    allowed: {
      type: 'array',
      items: { type: 'string' },
      description: 'correspondence: the statuses it can change to',
    },
    rejection: {
      type: 'string',
      example: 'TECHNICAL_ERROR',
      description: 'cis-simulator: the CIS rejection',
    },
    supersededByNino: { type: 'string', description: 'cis-simulator: the NINO that replaced this one' },
    dueAt: { type: 'string', format: 'date-time', description: 'cis-simulator: when the day is due (BR-2)' },
    peer: {
      type: 'string',
      example: '127.0.0.1:3001',
      description: 'The peer service that failed (502, 503)',
    },
  },
  required: ['type', 'title', 'status', 'detail', 'code'],
};

/**
 * The documents' licence, as the repository declares it: no licence (package.json is private and
 * names none; there is no LICENSE file), so nothing is granted.
 */
const LICENSE = { name: 'UNLICENSED (no licence declared; private repository)' };

const STANDARD_ERRORS: Record<string, string> = {
  '400':
    'Invalid input: malformed JSON, a wrong type, an unknown field or a broken rule. Nothing was changed.',
  '401': 'No valid bearer token.',
  '403': 'The caller lacks the role needed, or the case is nationally sensitive ("Insufficient Access").',
  '414': 'The URL (a path parameter) is too long. Nothing was changed.',
  '500': 'Unexpected error; details are logged against the request id, never returned.',
};

/** Refusals of a request body, which any operation that reads one may answer. */
const BODY_ERRORS: Record<string, string> = {
  '413': 'The request body is larger than the limit. Nothing was changed.',
  '415': 'The request body is not JSON (Content-Type). Nothing was changed.',
};

/** OpenAPI 3.0 has no `null` type: a schema that accepts only null (3.0.3's reading of `nullable`). */
const NULL_ONLY = { type: 'string', nullable: true, enum: [null], description: 'null' } as const;

/**
 * Makes `nullable` mean what it says under OpenAPI 3.0.3, where it adds null only to a `type` beside
 * it and every other keyword still applies, so validators (Prism, ajv) refused null:
 * - `{ nullable: true, allOf: [{ $ref }] }` (what `@ApiProperty({ type: SomeView, nullable: true })`
 *   emits) becomes `{ anyOf: [{ $ref }, NULL_ONLY] }`;
 * - a nullable `enum` lists null among its values.
 */
function nullableRefs(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach(nullableRefs);
    return;
  }
  const s = node as Record<string, unknown>;
  const allOf = s.allOf as Array<Record<string, unknown>> | undefined;
  if (
    s.nullable === true &&
    Array.isArray(allOf) &&
    allOf.length === 1 &&
    typeof allOf[0].$ref === 'string'
  ) {
    delete s.nullable;
    delete s.type;
    delete s.allOf;
    s.anyOf = [allOf[0], { ...NULL_ONLY }];
  }
  if (s.nullable === true && Array.isArray(s.enum) && !s.enum.includes(null)) s.enum = [...s.enum, null];
  for (const [key, value] of Object.entries(s))
    if (key !== 'example' && key !== 'examples') nullableRefs(value);
}

/** Nest's metadata key for a handler's parameters (`@Param`, `@Body`, …) and their pipes. */
const ROUTE_ARGS_METADATA = '__routeArguments__';

/**
 * The path parameters each handler reads through {@link UuidParamPipe}, by operation id
 * (`Controller_method`, as @nestjs/swagger names operations): those the document declares as
 * `format: uuid`, so that a client or a fuzzer knows what the route accepts.
 */
function uuidPathParams(app: INestApplication): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const wrapper of app.get(DiscoveryService, { strict: false }).getControllers()) {
    const cls = wrapper.metatype as (new () => unknown) | undefined;
    if (!cls?.prototype) continue;
    for (const method of Object.getOwnPropertyNames(cls.prototype)) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, method) ?? {}) as Record<
        string,
        { data?: unknown; pipes?: unknown[] }
      >;
      for (const [key, arg] of Object.entries(args)) {
        const isUuid = arg.pipes?.some((p) => p === UuidParamPipe || p instanceof UuidParamPipe);
        if (key.split(':')[0] !== String(RouteParamtypes.PARAM) || typeof arg.data !== 'string' || !isUuid)
          continue;
        const id = `${cls.name}_${method}`;
        found.set(id, (found.get(id) ?? new Set()).add(arg.data));
      }
    }
  }
  return found;
}

/**
 * Builds the OpenAPI document: `servers` (this service on its port), `license`, bearer auth for every
 * operation but the public ones (`/health/*`, documented with `security: []`), the standard
 * problem+json error responses (400, 401, 403, 500) on every operation besides its own, path ids
 * checked by {@link UuidParamPipe} as `format: uuid`, and nullable references that validators
 * accept (see {@link nullableRefs}).
 */
export function buildOpenApi(app: INestApplication, d: ServiceDescription, port?: number): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(d.title)
    .setDescription(d.description)
    .setVersion(d.version ?? '1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addSecurityRequirements('bearer');
  if (port) builder.addServer(`http://127.0.0.1:${port}`, `${d.serviceName} on its default port`);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.info.license = { ...LICENSE };
  document.components = document.components ?? {};
  document.components.schemas = {
    ...(document.components.schemas ?? {}),
    ProblemDetails: PROBLEM_SCHEMA as never,
  };
  const uuids = uuidPathParams(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item) as Array<
      [
        string,
        {
          responses?: Record<string, unknown>;
          security?: unknown[];
          operationId?: string;
          parameters?: Array<{ in?: string; name?: string; schema?: Record<string, unknown> }>;
        },
      ]
    >) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const uuidParams = uuids.get(op.operationId ?? '');
      for (const param of op.parameters ?? []) {
        if (param.in === 'path' && uuidParams?.has(param.name ?? ''))
          param.schema = { ...(param.schema ?? {}), type: 'string', format: 'uuid' };
      }
      const isPublic = path.startsWith('/health') || (Array.isArray(op.security) && op.security.length === 0);
      if (isPublic) op.security = [];
      op.responses = op.responses ?? {};
      const takesBody = method === 'post' || method === 'put' || method === 'patch';
      const errors = takesBody ? { ...STANDARD_ERRORS, ...BODY_ERRORS } : STANDARD_ERRORS;
      for (const [status, text] of Object.entries(errors)) {
        if (isPublic && (status === '401' || status === '403')) continue;
        const existing = op.responses[status] as { description?: string; content?: unknown } | undefined;
        op.responses[status] = {
          description: existing?.description ?? text,
          content: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
          },
        };
      }
    }
  }
  nullableRefs(document.paths);
  nullableRefs(document.components.schemas);
  return document;
}

/** Largest SHUTDOWN_DELAY_MS accepted (ms). */
const MAX_SHUTDOWN_DELAY_MS = 60_000;

/**
 * `SHUTDOWN_DELAY_MS` from the environment: how long, after SIGTERM, `/health/ready` answers 503
 * while the replica still serves, before it stops listening (ms, 0..60000, default 0: the
 * platform's preStop hook waits instead). Read here, at start, because only a process entry point
 * uses it. @throws Error naming the key when it is not a whole number in range
 */
export function shutdownDelayMs(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SHUTDOWN_DELAY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_SHUTDOWN_DELAY_MS)
    throw new Error(
      `SHUTDOWN_DELAY_MS: must be a whole number of milliseconds from 0 to ${MAX_SHUTDOWN_DELAY_MS}`,
    );
  return ms;
}

/**
 * Drains a running service (SIGTERM, a rolling restart; issue #16), in this order:
 * 1. `/health/ready` answers 503 (load balancers stop sending it new work) and the job workers stop
 *    fetching (the job in hand finishes, the rest of a batch is handed back to pg-boss);
 * 2. after `delayMs`, the listener closes: no new connections, idle keep-alive connections closed,
 *    in-flight requests answered (and requests already on an open connection, with
 *    `Connection: close`);
 * 3. the application closes: workers stopped, pg-boss and the database pools ended.
 * Resolves when all of that is done.
 */
export async function drainService(app: NestFastifyApplication, delayMs: number): Promise<void> {
  app.get(HealthController, { strict: false }).drain();
  const jobs = app.get(JobQueue, { strict: false });
  const stoppingWorkers = jobs.stopWorkers();
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  await stoppingWorkers;
  // Node closes the connections idle when close() starts; one whose request finishes later would
  // stay open for the keep-alive timeout (72 s): close those as they become idle.
  const server = app.getHttpServer() as { closeIdleConnections?: () => void };
  const reaper = setInterval(() => server.closeIdleConnections?.(), 100);
  try {
    await app.close();
  } finally {
    clearInterval(reaper);
  }
}

/**
 * Entry point of a service process: listens on PORT/HOST and drains on SIGINT/SIGTERM
 * ({@link drainService}), then exits 0; 1 if the drain fails or takes longer than 60 s beyond
 * SHUTDOWN_DELAY_MS ({@link shutdownDelayMs}). `afterDrain` runs once the drain is done and before
 * the exit (main.ts flushes the last trace spans with it); its failure is logged, not fatal.
 */
export async function runService(
  app: NestFastifyApplication,
  config: BaseServiceConfig,
  name: string,
  afterDrain: () => Promise<void> = async () => {},
): Promise<void> {
  const delayMs = shutdownDelayMs();
  await app.listen(config.PORT, config.HOST);
  const logger = app.get(PinoNestLogger);
  logger.log(`${name} listening on ${await app.getUrl()} (docs at /docs)`);
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(
      `${name} received ${signal}; draining (ready answers 503, workers stop, in-flight requests finish)`,
    );
    setTimeout(() => {
      logger.error(`${name} did not finish draining in time; exiting`);
      process.exit(1);
    }, delayMs + 60_000).unref();
    drainService(app, delayMs)
      // e.g. the last spans flushed to the trace collector (main.ts passes tracing.shutdown)
      .then(() =>
        afterDrain().catch((err: unknown) => logger.warn({ err }, `${name}: after-drain step failed`)),
      )
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, `${name} failed to drain`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
