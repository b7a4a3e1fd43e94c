import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BaseServiceConfig, configSchema, loadConfig, PEER_RETRY } from '@cms/platform';
import { LogCapture, createTestDatabase, listen, testEnv } from '@cms/testing';
import { Client } from 'pg';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
// Test code only: the real services, loaded from their sources.
import { createApp as createClientSecurity } from '../../services/client-security/src/app';
import { MIGRATIONS as CIS_INTERFACE_MIGRATIONS } from '../../services/cis-interface/src/app.module';
import { MIGRATIONS as CLIENT_SECURITY_MIGRATIONS } from '../../services/client-security/src/app.module';
import { MIGRATIONS as CORRESPONDENCE_MIGRATIONS } from '../../services/correspondence/src/app.module';
import { MIGRATIONS as SERVICE_REQUESTS_MIGRATIONS } from '../../services/service-requests/src/app.module';

/*
 * deploy/k8s against the Kubernetes API schemas (kubernetes-models: every document's validate(), and
 * the TypeScript API types for unknown fields, which a cluster's strict field validation refuses),
 * then against the services themselves: config keys, ports, probe paths, secrets, selectors, the
 * network flows of docs/architecture.md, threadpool and CPU, drain and grace period, database
 * connections. Last, the migrations Job's own command run on a fresh database.
 */

const root = path.resolve(__dirname, '../..');
const dir = path.join(root, 'deploy/k8s');
const SERVICES = ['service-requests', 'cis-interface', 'client-security', 'correspondence'] as const;
type Svc = (typeof SERVICES)[number];
const MIGRATIONS: Record<Svc, Array<{ name: string }>> = {
  'service-requests': SERVICE_REQUESTS_MIGRATIONS.map((m) => new (m as new () => { name: string })()),
  'cis-interface': CIS_INTERFACE_MIGRATIONS.map((m) => new (m as new () => { name: string })()),
  'client-security': CLIENT_SECURITY_MIGRATIONS.map((m) => new (m as new () => { name: string })()),
  correspondence: CORRESPONDENCE_MIGRATIONS.map((m) => new (m as new () => { name: string })()),
};
/** Environment keys read by Node itself, not by the service's config class. */
const NODE_KEYS = new Set(['NODE_OPTIONS', 'UV_THREADPOOL_SIZE']);
/** Keys that are secrets wherever they appear: from a Secret, never from the ConfigMap. */
const SECRET_KEYS = [
  'DATABASE_URL',
  'SERVICE_TOKEN',
  'SECURITY_PEPPER',
  'BANK_DETAILS_KEY',
  'AUTH_JWT_SECRET',
];
/**
 * PostgreSQL connections all replicas of all four services may hold at once (HPA maxReplicas ×
 * (DATABASE_POOL_SIZE + JOB_POOL_SIZE)), if their databases share one server: docs/runbook.md,
 * "Scaling", asks for max_connections of at least this plus headroom.
 */
const CONNECTION_BUDGET = 250;
/**
 * Seconds the job queue may take to stop after SIGTERM: its workers' drain (DRAIN_TIMEOUT_MS, read
 * from libs/platform/src/jobs.ts so that a longer drain fails here) and pg-boss's stop (1 s).
 */
const JOB_DRAIN_SECONDS =
  Number(
    /const DRAIN_TIMEOUT_MS = ([\d_]+);/
      .exec(readFileSync(path.join(root, 'libs/platform/src/jobs.ts'), 'utf8'))![1]
      .replace(/_/g, ''),
  ) /
    1000 +
  1;

type Obj = Record<string, any>;
interface Doc extends Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const docsByFile = new Map(
  files.map((f) => [
    f,
    parseAllDocuments(readFileSync(path.join(dir, f), 'utf8'))
      .map((d) => d.toJS() as Doc)
      .filter(Boolean),
  ]),
);
const applied = files.filter((f) => f !== 'secrets.example.yaml').flatMap((f) => docsByFile.get(f)!);
const secrets = docsByFile.get('secrets.example.yaml') ?? [];
const all = [...applied, ...secrets];
const kustomization = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Obj;

const of = (kind: string) => applied.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => of(kind).find((d) => d.metadata.name === name);
const deployment = (s: Svc) => named('Deployment', s)!;
const container = (s: Svc) => deployment(s).spec.template.spec.containers[0] as Obj;
const configMap = (s: Svc) => named('ConfigMap', container(s).envFrom?.[0]?.configMapRef?.name ?? '')!;
const podLabels = (d: Doc) => d.spec.template.metadata.labels as Record<string, string>;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const podTemplates = () => [...of('Deployment'), ...of('Job')];

function configClass(service: string): new () => BaseServiceConfig {
  const mod = require(path.join(root, 'services', service, 'src/config.ts')) as Record<string, unknown>;
  return Object.values(mod).find(
    (v) => typeof v === 'function' && v.prototype instanceof BaseServiceConfig,
  ) as new () => BaseServiceConfig;
}

/** Every environment variable a service's container gets: its ConfigMap's data and its env entries. */
function environment(s: Svc): Map<string, { value?: string; secret?: { name: string; key: string } }> {
  const env = new Map<string, { value?: string; secret?: { name: string; key: string } }>();
  for (const [k, v] of Object.entries((configMap(s)?.data ?? {}) as Record<string, string>))
    env.set(k, { value: v });
  for (const e of (container(s).env ?? []) as Obj[])
    env.set(e.name, e.valueFrom?.secretKeyRef ? { secret: e.valueFrom.secretKeyRef } : { value: e.value });
  return env;
}

/** A CPU quantity (`500m`, `1`, or a YAML number) in cores. */
function cpuCores(quantity: string | number): number {
  const q = String(quantity);
  return q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q);
}
/** A memory quantity (`768Mi`, `1Gi`) in MiB. */
function mebibytes(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

/** kubernetes-models' class for a document's apiVersion and kind. */
function modelFor(d: Doc): new (data: Obj) => { validate(): void } {
  const mod = require(`kubernetes-models/${d.apiVersion}/${d.kind}`) as Record<string, unknown>;
  return mod[d.kind] as new (data: Obj) => { validate(): void };
}

/**
 * Type-checks every document as an object literal of its kubernetes-models API type: TypeScript's
 * excess-property check names any field the API does not have (a typo such as `readinesProbe`, a
 * label block at the wrong depth), which kubectl's strict field validation would refuse. Returns
 * the diagnostics, each with the document it is in.
 */
function unknownFields(docs: Doc[]): string[] {
  const file = path.join(root, 'e2e', '__k8s_manifests_check__.ts');
  const source = docs
    .map((d, i) => {
      const group = d.apiVersion;
      return (
        `import type { I${d.kind} as T${i} } from 'kubernetes-models/${group}/${d.kind}';\n` +
        `export const d${i}: T${i} = ${JSON.stringify(d)};\n`
      );
    })
    .join('');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (f, lang, ...rest) =>
    path.resolve(f) === file ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, ...rest);
  host.fileExists = (f) => path.resolve(f) === file || fileExists(f);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diag) => {
    const at = diag.start === undefined ? -1 : source.lastIndexOf('export const d', diag.start);
    const i = at < 0 ? -1 : Number(/^export const d(\d+)/.exec(source.slice(at))![1]);
    const where = i < 0 ? '' : `${docs[i].kind}/${docs[i].metadata.name}: `;
    return where + ts.flattenDiagnosticMessageText(diag.messageText, ' ');
  });
}

describe('deploy/k8s: valid Kubernetes objects', () => {
  it('kustomization.yaml applies every manifest but the Secret template, in namespace cms-cis, one image', () => {
    expect([...(kustomization.resources as string[])].sort()).toEqual(
      files.filter((f) => f !== 'secrets.example.yaml').sort(),
    );
    expect(kustomization.namespace).toBe('cms-cis');
    expect(kustomization.images).toEqual([
      expect.objectContaining({ name: 'cms-cis', newTag: expect.stringMatching(/^\S+$/) }),
    ]);
    for (const d of podTemplates())
      for (const c of d.spec.template.spec.containers as Obj[])
        expect([d.metadata.name, c.image]).toEqual([d.metadata.name, 'cms-cis']);
    const ns = named('Namespace', 'cms-cis')!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it.each(all.map((d) => [`${d.kind}/${d.metadata.name}`, d] as const))(
    '%s passes its Kubernetes schema (kubernetes-models validate())',
    (_name, d) => {
      const Model = modelFor(d);
      expect(() => new Model(d).validate()).not.toThrow();
    },
  );

  it('no document has a field the Kubernetes API does not know (strict field validation)', () => {
    expect(unknownFields(all)).toEqual([]);
  });

  it('the checks above can fail: a misspelt probe and a wrong type are caught', () => {
    const bad = structuredClone(deployment('service-requests')) as Doc;
    bad.spec.template.spec.containers[0].readinesProbe = bad.spec.template.spec.containers[0].readinessProbe;
    expect(unknownFields([bad]).join('\n')).toMatch(/readinesProbe/);
    bad.spec.replicas = 'two';
    expect(() => new (modelFor(bad))(bad).validate()).toThrow(/replicas/);
  });
});

describe('deploy/k8s agrees with the services', () => {
  it('deploys the four production services (never the CIS simulator), each with its Service, PDB, HPA, NetworkPolicy, ConfigMap and migrations Job', () => {
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler'])
      expect([
        kind,
        of(kind)
          .map((d) => d.metadata.name)
          .sort(),
      ]).toEqual([kind, [...SERVICES].sort()]);
    expect(
      of('Job')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(SERVICES.map((s) => `${s}-migrate`).sort());
    for (const s of SERVICES) {
      expect(named('NetworkPolicy', s)).toBeDefined();
      expect(configMap(s)).toBeDefined();
    }
  });

  it.each(SERVICES)(
    '%s: every key is one the service reads, none is a secret, and the values pass its validation',
    (s) => {
      const cls = configClass(s);
      const known = new Set(configSchema(cls).map((k) => k.key));
      const env = environment(s);
      expect([...env.keys()].filter((k) => !known.has(k) && !NODE_KEYS.has(k))).toEqual([]);
      // Production: tokens from the identity provider, never the development secret; system clock.
      expect(env.get('AUTH_JWKS_URL')?.value).toMatch(/^https:\/\//);
      expect(env.has('AUTH_JWT_SECRET')).toBe(false);
      expect(env.get('CLOCK_MODE')?.value).toBe('system');
      expect(env.get('MIGRATIONS_RUN')?.value).toBe('false');
      for (const k of SECRET_KEYS)
        if (env.has(k)) expect([k, env.get(k)!.secret]).toEqual([k, expect.anything()]);
      const required = configSchema(cls).filter((k) => k.required && k.key !== 'AUTH_JWT_SECRET');
      expect(required.map((k) => k.key).filter((k) => !env.has(k))).toEqual([]);
      // The service would start with these values (secrets given well-formed stand-ins).
      const standIn: Record<string, string> = {
        DATABASE_URL: 'postgres://cms:secret@db.example:5432/cms',
        SERVICE_TOKEN: 'a.b.c',
        SECURITY_PEPPER: 'x'.repeat(40),
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
      };
      const values = Object.fromEntries([...env].map(([k, v]) => [k, v.value ?? standIn[k]]));
      const config = loadConfig(cls, values);
      expect(config.MIGRATIONS_RUN).toBe(false);
    },
  );

  it.each(SERVICES)('%s: port, probes on real paths, several replicas rolled one at a time', (s) => {
    const d = deployment(s);
    const c = container(s);
    const port = configSchema(configClass(s)).find((k) => k.key === 'PORT')!.default;
    expect(environment(s).get('PORT')?.value).toBe(String(port));
    expect(c.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    expect(c.command).toEqual(['node', `services/${s}/dist/main.js`]);
    expect(existsSync(path.join(root, 'services', s, 'src/main.ts'))).toBe(true);
    expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(d.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(matches(d.spec.selector.matchLabels, podLabels(d))).toBe(true);
    const api = JSON.parse(readFileSync(path.join(root, 'docs/api', `${s}.json`), 'utf8')) as { paths: Obj };
    for (const [probe, route] of [
      ['readinessProbe', '/health/ready'],
      ['livenessProbe', '/health/live'],
      ['startupProbe', '/health/live'],
    ]) {
      expect([probe, c[probe]?.httpGet?.path]).toEqual([probe, route]);
      expect([probe, c[probe].httpGet.port]).toEqual([probe, 'http']);
      expect(api.paths[route]?.get).toBeDefined();
    }
    // Readiness is lost well before liveness restarts the container.
    const r = c.readinessProbe;
    const l = c.livenessProbe;
    expect(r.periodSeconds * r.failureThreshold).toBeLessThan(l.periodSeconds * l.failureThreshold);
  });

  it.each(SERVICES)('%s: the grace period covers the preStop sleep and the whole drain', (s) => {
    const spec = deployment(s).spec.template.spec;
    const [cmd, seconds] = container(s).lifecycle.preStop.exec.command as string[];
    expect(cmd).toBe('sleep');
    expect(Number(seconds)).toBeGreaterThanOrEqual(5);
    const httpTimeoutMs = Number(environment(s).get('HTTP_TIMEOUT_MS')?.value ?? 5000);
    const httpDrain = (PEER_RETRY.budgetMs + httpTimeoutMs) / 1000;
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      Number(seconds) + httpDrain + JOB_DRAIN_SECONDS,
    );
  });

  it.each(podTemplates().map((d) => [d.metadata.name, d] as const))(
    '%s: non-root, read-only root file system, no capabilities, seccomp RuntimeDefault, no API token',
    (_name, d) => {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toEqual(
        expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }),
      );
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers as Obj[]) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(cpuCores(c.resources.requests.cpu)).toBeLessThanOrEqual(cpuCores(c.resources.limits.cpu));
        expect(mebibytes(c.resources.requests.memory)).toBeLessThanOrEqual(
          mebibytes(c.resources.limits.memory),
        );
      }
    },
  );

  it.each(SERVICES)(
    '%s: the V8 heap fits the memory limit; the threadpool and hashing match the CPU limit',
    (s) => {
      const env = environment(s);
      const limits = container(s).resources.limits;
      const heap = Number(/--max-old-space-size=(\d+)/.exec(env.get('NODE_OPTIONS')?.value ?? '')?.[1]);
      expect(heap).toBeGreaterThan(0);
      expect(heap).toBeLessThanOrEqual(0.75 * mebibytes(limits.memory));
      if (s === 'client-security') {
        // argon2id runs on libuv's threadpool: as many hashes as cores (docs/benchmarks.md), one thread
        // more for log writes and DNS. availableParallelism() sees the node's cores, not the limit.
        const cores = Math.ceil(cpuCores(limits.cpu));
        expect(Number(env.get('HASH_CONCURRENCY')?.value)).toBe(cores);
        expect(Number(env.get('UV_THREADPOOL_SIZE')?.value)).toBe(cores + 1);
      } else {
        expect(env.has('UV_THREADPOOL_SIZE')).toBe(false); // nothing CPU-bound on the threadpool: Node's 4
      }
    },
  );

  it('every Secret key the pods read exists in the Secret template, every template key is read, and no value is real', () => {
    const refs = podTemplates().flatMap((d) =>
      (d.spec.template.spec.containers as Obj[]).flatMap((c) =>
        ((c.env ?? []) as Obj[])
          .filter((e) => e.valueFrom?.secretKeyRef)
          .map((e) => e.valueFrom.secretKeyRef as Obj),
      ),
    );
    expect(refs.length).toBeGreaterThan(0);
    const keysOf = new Map(secrets.map((s) => [s.metadata.name, Object.keys(s.stringData ?? {})]));
    for (const r of refs)
      expect([r.name, r.key, keysOf.get(r.name)?.includes(r.key)]).toEqual([r.name, r.key, true]);
    for (const [name, keys] of keysOf)
      for (const key of keys)
        expect([name, key, refs.some((r) => r.name === name && r.key === key)]).toEqual([name, key, true]);
    for (const s of secrets) {
      expect(s.data).toBeUndefined();
      for (const v of Object.values(s.stringData as Record<string, string>)) expect(v).toMatch(/REPLACE_ME/);
    }
    // A service's Deployment and its migrations Job read the same database.
    for (const s of SERVICES) {
      const jobUrl = (named('Job', `${s}-migrate`)!.spec.template.spec.containers[0].env as Obj[])[0];
      expect(jobUrl).toEqual((container(s).env as Obj[]).find((e) => e.name === 'DATABASE_URL'));
    }
  });

  it.each(SERVICES)('%s: the Service, PDB and HPA select exactly its pods', (s) => {
    const d = deployment(s);
    const svc = named('Service', s)!;
    expect(matches(svc.spec.selector, podLabels(d))).toBe(true);
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: container(s).ports[0].containerPort, targetPort: 'http', protocol: 'TCP' },
    ]);
    const pdb = named('PodDisruptionBudget', s)!;
    expect(matches(pdb.spec.selector.matchLabels, podLabels(d))).toBe(true);
    const hpa = named('HorizontalPodAutoscaler', s)!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: s });
    expect(hpa.spec.minReplicas).toBe(d.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    // A voluntary disruption never takes every replica, and a replica not ready never blocks one.
    expect(pdb.spec.maxUnavailable).toBeLessThan(hpa.spec.minReplicas);
    expect(pdb.spec.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    // CPU utilisation is measured against the request, which must be set.
    expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
    expect(container(s).resources.requests.cpu).toBeDefined();
    // No other pod (a migrations Job) carries labels that these select.
    for (const other of podTemplates().filter((x) => x !== d)) {
      expect(matches(svc.spec.selector, podLabels(other))).toBe(false);
      expect(matches(pdb.spec.selector.matchLabels, podLabels(other))).toBe(false);
    }
  });

  it('all replicas at their HPA maximum fit the PostgreSQL connection budget', () => {
    const total = SERVICES.reduce((sum, s) => {
      const cfg = loadConfig(configClass(s), {
        ...Object.fromEntries([...environment(s)].filter(([, v]) => v.value).map(([k, v]) => [k, v.value!])),
        DATABASE_URL: 'postgres://x@y/z',
        SECURITY_PEPPER: 'x'.repeat(40),
        BANK_DETAILS_KEY: randomBytes(32).toString('base64'),
      });
      return (
        sum +
        named('HorizontalPodAutoscaler', s)!.spec.maxReplicas * (cfg.DATABASE_POOL_SIZE + cfg.JOB_POOL_SIZE)
      );
    }, 0);
    expect(total).toBeLessThanOrEqual(CONNECTION_BUDGET);
  });
});

describe('deploy/k8s network policies allow exactly the flows of docs/architecture.md', () => {
  const ports = Object.fromEntries(SERVICES.map((s) => [s, container(s).ports[0].containerPort as number]));
  const nameOf = (sel: Obj | undefined) => sel?.matchLabels?.['app.kubernetes.io/name'] as string | undefined;

  /** Service-to-service calls drawn in the architecture's flowchart (`A -- "why" --> B`). */
  function architectureFlows(): string[] {
    const text = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
    const ids = new Map([...text.matchAll(/^\s*(\w+)\[([a-z-]+)<br\/>/gm)].map((m) => [m[1], m[2]]));
    return [...text.matchAll(/^\s*(\w+)\s+--\s+"[^"]*"\s+-->\s+(\w+)\s*$/gm)]
      .map((m) => [ids.get(m[1]), ids.get(m[2])])
      .filter(([a, b]) => SERVICES.includes(a as Svc) && SERVICES.includes(b as Svc))
      .map(([a, b]) => `${a} -> ${b}`)
      .sort();
  }

  /** Classifies one rule peer: a service's pods, cluster DNS, or an address range / namespace outside. */
  function classify(peer: Obj, rulePorts: Obj[]): string {
    const portList = rulePorts
      .map((p) => `${p.protocol}/${p.port}`)
      .sort()
      .join(',');
    if (peer.podSelector && !peer.namespaceSelector) return `pod:${nameOf(peer.podSelector)}:${portList}`;
    if (nameOf(peer.podSelector) === undefined && peer.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns')
      return `dns:${peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name']}:${portList}`;
    if (peer.ipBlock) return `ip:${portList}`;
    if (peer.namespaceSelector)
      return `namespace:${Object.keys(peer.namespaceSelector.matchLabels).join()}:${portList}`;
    return `unknown:${JSON.stringify(peer)}`;
  }

  function rules(s: Svc, direction: 'ingress' | 'egress'): string[] {
    const p = named('NetworkPolicy', s)!;
    expect(nameOf(p.spec.podSelector)).toBe(s);
    expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    return (p.spec[direction] as Obj[]).flatMap((r) => {
      const peers = (r[direction === 'ingress' ? 'from' : 'to'] ?? []) as Obj[];
      expect(peers.length).toBeGreaterThan(0); // an empty from/to would allow everything
      expect(r.ports?.length).toBeGreaterThan(0);
      return peers.map((peer) => classify(peer, r.ports as Obj[]));
    });
  }

  it('the architecture draws the calls the services are configured to make', () => {
    const configured = SERVICES.flatMap((s) =>
      [...environment(s)]
        .filter(([k, v]) => k.endsWith('_URL') && v.value && !['AUTH_JWKS_URL', 'CIS_URL'].includes(k))
        .map(([, v]) => {
          const url = new URL(v.value!);
          expect(Number(url.port)).toBe(ports[url.hostname]);
          expect(named('Service', url.hostname)).toBeDefined();
          return `${s} -> ${url.hostname}`;
        }),
    ).sort();
    expect(configured).toEqual(architectureFlows());
    expect(configured.length).toBeGreaterThanOrEqual(7);
  });

  it('egress: exactly the peers each service calls on their ports, DNS, PostgreSQL and HTTPS out (CIS only from cis-interface)', () => {
    const calls: string[] = [];
    for (const s of SERVICES) {
      const out = rules(s, 'egress');
      const peers = out.filter((r) => r.startsWith('pod:'));
      for (const r of peers) {
        const [, callee, portList] = r.split(':');
        expect(portList).toBe(`TCP/${ports[callee]}`);
        calls.push(`${s} -> ${callee}`);
      }
      const rest = out.filter((r) => !r.startsWith('pod:')).sort();
      // The identity provider (JWKS) for everyone; CIS besides for cis-interface.
      const https = s === 'cis-interface' ? ['ip:TCP/443', 'ip:TCP/443'] : ['ip:TCP/443'];
      expect(rest).toEqual(['dns:kube-system:TCP/53,UDP/53', ...https, 'ip:TCP/5432'].sort());
    }
    expect(calls.sort()).toEqual(architectureFlows());
  });

  it('ingress: exactly the peers that call each service, plus the ingress gateway and monitoring', () => {
    const calls: string[] = [];
    for (const s of SERVICES) {
      const inbound = rules(s, 'ingress');
      for (const r of inbound.filter((x) => x.startsWith('pod:'))) {
        const [, caller, portList] = r.split(':');
        expect(portList).toBe(`TCP/${ports[s]}`);
        calls.push(`${caller} -> ${s}`);
      }
      expect(inbound.filter((x) => !x.startsWith('pod:')).sort()).toEqual([
        `namespace:cms-cis.dwp.gov.uk/ingress-gateway:TCP/${ports[s]}`,
        `namespace:cms-cis.dwp.gov.uk/monitoring:TCP/${ports[s]}`,
      ]);
    }
    expect(calls.sort()).toEqual(architectureFlows());
  });

  it('everything else is denied: a default deny for the namespace; migrations Jobs reach only DNS and PostgreSQL', () => {
    const deny = named('NetworkPolicy', 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const migrate = named('NetworkPolicy', 'migrate')!;
    for (const job of of('Job'))
      expect(matches(migrate.spec.podSelector.matchLabels, podLabels(job))).toBe(true);
    expect(migrate.spec.ingress).toEqual([]);
    const out = (migrate.spec.egress as Obj[]).flatMap((r) =>
      (r.to as Obj[]).map((p) => classify(p, r.ports)),
    );
    expect(out.sort()).toEqual(['dns:kube-system:TCP/53,UDP/53', 'ip:TCP/5432']);
  });
});

const serverUrl = process.env.TEST_DATABASE_URL!;
const urlOf = (name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

describe('replicas never migrate (MIGRATIONS_RUN=false)', () => {
  it('MIGRATIONS_RUN is validated: true or false, nothing else', () => {
    const base = testEnv('postgres://x@y/z');
    expect(loadConfig(BaseServiceConfig, { ...base, MIGRATIONS_RUN: 'false' }).MIGRATIONS_RUN).toBe(false);
    expect(loadConfig(BaseServiceConfig, base).MIGRATIONS_RUN).toBe(true);
    expect(() => loadConfig(BaseServiceConfig, { ...base, MIGRATIONS_RUN: 'no' })).toThrow(
      /MIGRATIONS_RUN must be true or false/,
    );
  });

  it('a replica with MIGRATIONS_RUN=false refuses to start on a database not yet migrated, naming what is pending, and changes nothing', async () => {
    const db = await createTestDatabase('k8s_unmigrated');
    try {
      const logs = new LogCapture();
      const pending = MIGRATIONS['client-security'].map((m) => m.name);
      await expect(
        createClientSecurity(
          testEnv(db.url, {
            MIGRATIONS_RUN: 'false',
            SECURITY_PEPPER: 'x'.repeat(40),
            WORKERS_ENABLED: 'false',
          }),
          { logDestination: logs },
        ),
      ).rejects.toThrow(
        `MIGRATIONS_RUN=false and ${pending.length} migration(s) are pending (${pending.join(', ')})`,
      );
      expect(
        await query(
          db.url,
          `SELECT to_regclass('public.migrations') AS migrations, to_regnamespace('pgboss') AS pgboss, to_regclass('public.security_credential') AS t`,
        ),
      ).toEqual([{ migrations: null, pgboss: null, t: null }]);
    } finally {
      await db.drop();
    }
  });
});

describe('migrations run once per release, by the Job, never by the replicas', () => {
  const created: string[] = [];
  /** Runs a Job's container command as the image would (WORKDIR = the repository root). */
  function runJob(
    s: Svc,
    env: Record<string, string>,
  ): Promise<{ code: number | null; out: string; err: string }> {
    const c = named('Job', `${s}-migrate`)!.spec.template.spec.containers[0];
    const [cmd, ...args] = c.command as string[];
    expect(cmd).toBe('node');
    return new Promise((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH, ...env } });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  }

  beforeAll(() => {
    // The Job runs the build (services/<name>/dist/migrate.js). Build what is missing or older than
    // its sources (CI has built everything by now; a developer's tree may not have).
    const newest = (d: string): number =>
      readdirSync(d, { withFileTypes: true }).reduce(
        (m, e) =>
          Math.max(
            m,
            e.isDirectory()
              ? newest(path.join(d, e.name))
              : e.name.endsWith('.ts')
                ? statSync(path.join(d, e.name)).mtimeMs
                : 0,
          ),
        0,
      );
    const isStale = (d: string, out: string) =>
      !existsSync(path.join(root, d, out)) ||
      statSync(path.join(root, d, out)).mtimeMs < newest(path.join(root, d, 'src'));
    const libs = ['libs/domain', 'libs/platform', 'libs/sr-rules', 'libs/clients'];
    // A stale library: every service (nx builds the libraries first); else only the stale services.
    const projects = libs.some((l) => isStale(l, 'dist/index.js'))
      ? [...SERVICES]
      : SERVICES.filter((s) => isStale(`services/${s}`, 'dist/migrate.js'));
    if (projects.length) {
      const r = spawnSync(
        'npx',
        ['nx', 'run-many', '-t', 'build', '--output-style=static', '-p', ...projects.map((s) => `@cms/${s}`)],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, NX_DAEMON: 'false' },
        },
      );
      if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
    }
  }, 600_000);

  afterAll(async () => {
    for (const name of created) await query(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it.each(SERVICES)(
    "%s: the Job's own command creates and migrates a new database; a second run applies nothing",
    async (s) => {
      const name = `t_k8s_job_${s.replace(/-/g, '_')}_${randomBytes(3).toString('hex')}`;
      created.push(name);
      const first = await runJob(s, { DATABASE_URL: urlOf(name) });
      expect([first.code, first.err]).toEqual([0, '']);
      const report = JSON.parse(first.out.trim().split('\n').pop()!) as { applied: string[] };
      expect(report.applied).toEqual(MIGRATIONS[s].map((m) => m.name));
      const rows = await query<{ name: string }>(urlOf(name), 'SELECT name FROM migrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(MIGRATIONS[s].map((m) => m.name));
      expect(
        await query(urlOf(name), `SELECT to_regclass('pgboss.version') IS NOT NULL AS installed`),
      ).toEqual([{ installed: true }]);
      const again = await runJob(s, { DATABASE_URL: urlOf(name) });
      expect(again.code).toBe(0);
      expect((JSON.parse(again.out.trim().split('\n').pop()!) as { applied: string[] }).applied).toEqual([]);
    },
    120_000,
  );

  it('the Job refuses without a DATABASE_URL (exit 1, naming the key)', async () => {
    const r = await runJob('client-security', {});
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/DATABASE_URL/);
  });

  it('after the Job, a replica with MIGRATIONS_RUN=false starts, is ready, and migrates nothing itself', async () => {
    const name = `t_k8s_job_then_replica_${randomBytes(3).toString('hex')}`;
    created.push(name);
    expect((await runJob('client-security', { DATABASE_URL: urlOf(name) })).code).toBe(0);
    const before = await query(urlOf(name), 'SELECT count(*)::int AS n FROM migrations');
    const app = await createClientSecurity(
      testEnv(urlOf(name), {
        MIGRATIONS_RUN: 'false',
        SECURITY_PEPPER: 'x'.repeat(40),
        WORKERS_ENABLED: 'false',
      }),
      { logDestination: new LogCapture() },
    );
    const running = await listen(app);
    try {
      const res = await fetch(`${running.url}/health/ready`);
      expect(res.status).toBe(200);
      expect(await query(urlOf(name), 'SELECT count(*)::int AS n FROM migrations')).toEqual(before);
    } finally {
      await running.close();
    }
  });
});
