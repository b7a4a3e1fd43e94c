import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseServiceConfig, configSchema } from '@cms/platform';
import { parse, parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '../..');
const SERVICES = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];
/** Keys the deployment sets that are not service config: which service the shared image runs. */
const IMAGE_KEYS = new Set(['SERVICE']);

function configClass(service: string): (new () => BaseServiceConfig) | null {
  const file = path.join(root, 'services', service, 'src/config.ts');
  if (!existsSync(file)) return null;
  const mod = require(file) as Record<string, unknown>;
  const cls = Object.values(mod).find(
    (v) => typeof v === 'function' && v.prototype instanceof BaseServiceConfig,
  );
  return (cls as new () => BaseServiceConfig) ?? null;
}

const built = SERVICES.map((s) => [s, configClass(s)] as const).filter(
  (e): e is readonly [string, new () => BaseServiceConfig] => e[1] !== null,
);

describe('docker-compose.yml agrees with the services', () => {
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<
      string,
      { environment?: Record<string, string>; ports?: string[]; healthcheck?: unknown; build?: unknown }
    >;
  };

  it('runs PostgreSQL and every service, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', ...SERVICES].sort());
    for (const s of SERVICES) expect(compose.services[s].healthcheck).toBeDefined();
  });

  it.each(built)(
    '%s: every key is one the service reads, every required key is set, the port matches',
    (service, cls) => {
      const schema = configSchema(cls);
      const env = compose.services[service].environment ?? {};
      const known = new Set(schema.map((k) => k.key));
      expect(Object.keys(env).filter((k) => !known.has(k) && !IMAGE_KEYS.has(k))).toEqual([]);
      const missing = schema.filter((k) => k.required && !(k.key in env)).map((k) => k.key);
      expect(missing.filter((k) => !(k === 'AUTH_JWT_SECRET' && env.AUTH_JWKS_URL))).toEqual([]);
      const port = String(schema.find((k) => k.key === 'PORT')!.default);
      expect(env.PORT).toBe(port);
      expect(compose.services[service].ports).toEqual([`${port}:${port}`]);
      expect(env.DATABASE_URL).toMatch(new RegExp(`/cms_${service.replace(/-/g, '_')}$`));
    },
  );
});

describe('Kubernetes manifests (deploy/k8s) agree with the services', () => {
  const dir = path.join(root, 'deploy/k8s');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()));
  type Deployment = {
    kind: string;
    metadata: { name: string };
    spec: {
      replicas: number;
      template: {
        spec: {
          containers: Array<{
            env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
            ports: Array<{ containerPort: number }>;
            readinessProbe: { httpGet: { path: string } };
            livenessProbe: { httpGet: { path: string } };
          }>;
        };
      };
    };
  };
  const deployments = docs.filter((d): d is Deployment => d.kind === 'Deployment');

  it('deploys the four production services (never the CIS simulator), listed in the kustomization', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      SERVICES.filter((s) => s !== 'cis-simulator').sort(),
    );
    const k = parse(readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect(k.resources.sort()).toEqual(deployments.map((d) => `${d.metadata.name}.yaml`).sort());
  });

  it.each(built.filter(([s]) => s !== 'cis-simulator'))(
    '%s: several replicas, probes, secrets from Secrets, keys the service reads',
    (service, cls) => {
      const d = deployments.find((x) => x.metadata.name === service)!;
      expect(d.spec.replicas).toBeGreaterThan(1);
      const c = d.spec.template.spec.containers[0];
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      const schema = configSchema(cls);
      const known = new Set(schema.map((k) => k.key));
      const names = c.env.map((e) => e.name);
      expect(names.filter((n) => !known.has(n) && !IMAGE_KEYS.has(n))).toEqual([]);
      // Production: tokens from the identity provider, never the development secret.
      expect(names).toContain('AUTH_JWKS_URL');
      expect(names).not.toContain('AUTH_JWT_SECRET');
      const required = schema.filter((k) => k.required && k.key !== 'AUTH_JWT_SECRET').map((k) => k.key);
      expect(required.filter((k) => !names.includes(k))).toEqual([]);
      for (const secret of ['DATABASE_URL', 'SERVICE_TOKEN', 'SECURITY_PEPPER', 'BANK_DETAILS_KEY']) {
        const e = c.env.find((x) => x.name === secret);
        if (e) expect(e.valueFrom).toBeDefined();
      }
      expect(c.ports[0].containerPort).toBe(schema.find((k) => k.key === 'PORT')!.default);
    },
  );
});
