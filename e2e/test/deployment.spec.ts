import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseServiceConfig, configSchema } from '@cms/platform';
import { parse, parseAllDocuments } from 'yaml';

// The Kubernetes manifests are checked in k8s-manifests.spec.ts.
const root = path.resolve(__dirname, '../..');
const SERVICES = ['service-requests', 'cis-interface', 'client-security', 'correspondence', 'cis-simulator'];
/** The services that run as two replicas; the simulator stands in for one external system. */
const REPLICATED = SERVICES.filter((s) => s !== 'cis-simulator');
/** Keys the deployment sets that are not service config: which service the shared image runs. */
const IMAGE_KEYS = new Set(['SERVICE']);
/** Which service a peer URL key names. */
const PEER_KEYS: Record<string, string> = {
  SERVICE_REQUESTS_URL: 'service-requests',
  CIS_INTERFACE_URL: 'cis-interface',
  CLIENT_SECURITY_URL: 'client-security',
  CORRESPONDENCE_URL: 'correspondence',
  CIS_URL: 'cis-simulator',
};

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
const portOf = (cls: new () => BaseServiceConfig) =>
  String(configSchema(cls).find((k) => k.key === 'PORT')!.default);

interface ComposeService {
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: unknown;
  build?: unknown;
  image?: string;
  command?: string[];
  restart?: string;
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }> | string[];
}

describe('docker-compose.yml agrees with the services', () => {
  // `merge`: the services share their build and restart policy through YAML merge keys (<<).
  const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const svc = (name: string) => compose.services[name];

  it('runs PostgreSQL, every service with a health check, a migrations one-shot per replicated service, and the gateway', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['postgres', 'gateway', ...SERVICES, ...REPLICATED.map((s) => `${s}-migrate`)].sort(),
    );
    for (const s of SERVICES) {
      expect(svc(s).healthcheck).toBeDefined();
      expect(svc(s).build).toBe('.');
    }
  });

  it.each(built)(
    '%s: every key is one the service reads, every required key is set, the port matches',
    (service, cls) => {
      const schema = configSchema(cls);
      const env = svc(service).environment ?? {};
      const known = new Set(schema.map((k) => k.key));
      expect(Object.keys(env).filter((k) => !known.has(k) && !IMAGE_KEYS.has(k))).toEqual([]);
      const missing = schema.filter((k) => k.required && !(k.key in env)).map((k) => k.key);
      expect(missing.filter((k) => !(k === 'AUTH_JWT_SECRET' && env.AUTH_JWKS_URL))).toEqual([]);
      expect(env.PORT).toBe(portOf(cls));
      expect(env.DATABASE_URL).toMatch(new RegExp(`/cms_${service.replace(/-/g, '_')}$`));
      // Peers by their service name and port: Docker's DNS answers every replica's address.
      for (const [key, value] of Object.entries(env).filter(([k]) => k in PEER_KEYS)) {
        const peer = PEER_KEYS[key];
        expect([key, value]).toEqual([key, `http://${peer}:${svc(peer).environment!.PORT}`]);
      }
    },
  );

  it.each(REPLICATED)(
    '%s: two replicas that never migrate, started after their migrations one-shot',
    (service) => {
      const s = svc(service);
      expect(s.deploy?.replicas).toBe(2);
      // Two replicas cannot share a host port: the gateway publishes it.
      expect(s.ports).toBeUndefined();
      expect(s.environment!.MIGRATIONS_RUN).toBe('false');
      const migrate = svc(`${service}-migrate`);
      expect(s.depends_on).toEqual(
        expect.objectContaining({ [`${service}-migrate`]: { condition: 'service_completed_successfully' } }),
      );
      expect(migrate.command).toEqual(['node', `services/${service}/dist/migrate.js`]);
      expect(existsSync(path.join(root, 'services', service, 'src/migrate.ts'))).toBe(true);
      expect(migrate.environment).toEqual({ DATABASE_URL: s.environment!.DATABASE_URL });
      expect(migrate.restart).toBe('no');
      // The same one-shot command as the Kubernetes Job's.
      const job = parseAllDocuments(readFileSync(path.join(root, 'deploy/k8s', `${service}.yaml`), 'utf8'))
        .map(
          (d) =>
            d.toJS() as {
              kind: string;
              spec: { template: { spec: { containers: Array<{ command: string[] }> } } };
            },
        )
        .find((d) => d.kind === 'Job')!;
      expect(job.spec.template.spec.containers[0].command).toEqual(migrate.command);
    },
  );

  it('the gateway publishes each replicated service on its usual port, spread over both replicas; the simulator publishes its own', () => {
    const gateway = svc('gateway');
    const conf = readFileSync(path.join(root, 'deploy/compose/gateway.conf'), 'utf8');
    const mount = gateway.volumes!.find((v) => v.startsWith('./deploy/compose/gateway.conf:'));
    expect(mount).toBe('./deploy/compose/gateway.conf:/etc/nginx/conf.d/default.conf:ro');
    expect(conf).toMatch(/^resolver 127\.0\.0\.11 /m);
    const ports: string[] = [];
    for (const [service, cls] of built.filter(([s]) => REPLICATED.includes(s))) {
      const port = portOf(cls);
      ports.push(`${port}:${port}`);
      const upstream = new RegExp(`upstream ${service} \\{[^}]*server ${service}:${port} resolve;[^}]*\\}`);
      expect(conf).toMatch(upstream);
      const server = new RegExp(`listen ${port};[\\s\\S]*?proxy_pass http://${service};`);
      expect(conf).toMatch(server);
    }
    expect(gateway.ports!.sort()).toEqual(ports.sort());
    expect(svc('cis-simulator').ports).toEqual(['3005:3005']);
    expect(svc('cis-simulator').deploy?.replicas ?? 1).toBe(1);
  });
});
