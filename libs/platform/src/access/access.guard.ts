import {
  CallHandler,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  OnApplicationBootstrap,
  Optional,
  RequestMethod,
} from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type Actor, DomainError, InsufficientAccessError, type Role } from '@cms/domain';
import { isUUID } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { from, mergeMap, type Observable } from 'rxjs';
import { PUBLIC_KEY, ROLES_KEY } from '../auth';
import {
  ACCESS_KEY,
  ACCESS_LIST_KEY,
  type AccessDeclaration,
  type ListDeclaration,
  type SubjectLocator,
} from './access.decorator';
import {
  type AccessAction,
  ACCESS_POLICY,
  maySeeSensitive,
  presentReferences,
  type ResourceKind,
} from './policy';

/** Injection token of a service's {@link AccessRepository}. */
export const ACCESS_REPOSITORY = Symbol('ACCESS_REPOSITORY');

/**
 * How a service finds which of its records are nationally sensitive: one batched question per
 * resource kind (immich's access repository). The owner of a record answers from its tables; the
 * others ask service-requests for the case or client behind their record.
 */
export interface AccessRepository {
  /** The resource kinds this service can answer for; a route naming any other fails start-up. */
  readonly kinds: readonly ResourceKind[];
  /**
   * Of `ids` (UUIDs) of records of `kind`, those that are nationally sensitive. An id of no record
   * is not sensitive (the handler answers 404). Throws DomainError(unavailable) when it cannot tell:
   * the caller gets 503, never the record.
   */
  sensitiveAmong(kind: ResourceKind, ids: readonly string[]): Promise<ReadonlySet<string>>;
  /**
   * Optional: whether ANY of the given records (several kinds at once) is nationally sensitive, in
   * one question where the repository can (one query instead of one a kind). Same answers as
   * {@link sensitiveAmong} for each kind; a kind it cannot answer for counts as sensitive (deny by
   * default). The guard uses it when a route names records of more than one kind.
   * @throws DomainError(unavailable) when it cannot tell
   */
  anySensitive?(asks: ReadonlyArray<{ kind: ResourceKind; ids: readonly string[] }>): Promise<boolean>;
}

type AccessRequest = FastifyRequest & { actor?: Actor; params: unknown; query: unknown; body: unknown };

/** The values at a dotted path (`a.b`, `ids[]`, `items[].caseId`), strings only. */
export function valuesAt(source: unknown, path: string): string[] {
  let current: unknown[] = [source];
  for (const raw of path.split('.').filter(Boolean)) {
    const many = raw.endsWith('[]');
    const key = many ? raw.slice(0, -2) : raw;
    const next: unknown[] = [];
    for (const c of current) {
      if (c === null || typeof c !== 'object' || !Object.hasOwn(c, key)) continue;
      const v = (c as Record<string, unknown>)[key];
      if (many) {
        if (Array.isArray(v)) next.push(...v);
      } else next.push(v);
    }
    current = next;
  }
  return current.filter((v): v is string => typeof v === 'string');
}

/** Kinds whose records are named by a key rather than a UUID (a work queue by its name). */
const NAMED_KINDS: ReadonlySet<ResourceKind> = new Set(['work-queue']);

function isRecordKey(kind: ResourceKind, id: string): boolean {
  return NAMED_KINDS.has(kind) ? /^[a-z][a-z0-9-]{0,63}$/.test(id) : isUUID(id);
}

/** Asks the repository about every located id and refuses when any is sensitive. */
async function decide(
  repo: AccessRepository | undefined,
  located: Array<{ resource: ResourceKind; ids: string[] }>,
  requirementId = 'X-1',
): Promise<void> {
  const byKind = new Map<ResourceKind, Set<string>>();
  for (const { resource, ids } of located) {
    const set = byKind.get(resource) ?? new Set<string>();
    // A value that is not a UUID names no record: the route's own validation answers 400.
    ids.filter((id) => isRecordKey(resource, id)).forEach((id) => set.add(id));
    byKind.set(resource, set);
  }
  const asks = [...byKind].filter(([, ids]) => ids.size).map(([kind, ids]) => ({ kind, ids: [...ids] }));
  if (!asks.length) return;
  if (!repo) throw new Error(`No access repository in this service for ${asks[0].kind}`);
  if (asks.length > 1 && repo.anySensitive) {
    if (await repo.anySensitive(asks)) throw new InsufficientAccessError(undefined, requirementId);
    return;
  }
  for (const { kind, ids } of asks) {
    const sensitive = await repo.sensitiveAmong(kind, ids);
    if (sensitive.size) throw new InsufficientAccessError(undefined, requirementId);
  }
}

function locate(req: AccessRequest, locators: readonly SubjectLocator[], response?: unknown) {
  return locators.map((l) => ({
    resource: l.resource,
    ids: valuesAt(l.from === 'response' ? response : req[l.from], l.path),
  }));
}

/**
 * Global guard (after authentication): applies the route's {@link AccessDeclaration} before the
 * handler runs. A route with no declaration is refused (deny by default); a caller with sensitive
 * access is never slowed by the question. X-1, SU-6, BR-7, RD-4.
 * @throws DomainError ACCESS_UNDECLARED (403), InsufficientAccessError (403 "Insufficient Access")
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(ACCESS_REPOSITORY) private readonly repo?: AccessRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const decl = this.reflector.get<AccessDeclaration | undefined>(ACCESS_KEY, context.getHandler());
    const list = this.reflector.get<ListDeclaration | undefined>(ACCESS_LIST_KEY, context.getHandler());
    if (!decl && !list) throw undeclared();
    const req = context.switchToHttp().getRequest<AccessRequest>();
    if (!req.actor) throw undeclared();
    if (!decl) return true;
    if (decl.mode === 'system-only' && !req.actor.roles.includes('system')) {
      throw new DomainError('ROLE_REQUIRED', 'forbidden', 'Only our own services may call this.', {
        extra: { requiredRoles: ['system'] },
      });
    }
    if (decl.mode !== 'subject' || maySeeSensitive(req.actor)) return true;
    const before = decl.subjects.filter((s) => s.from !== 'response');
    await decide(this.repo, locate(req, before), decl.requirementId);
    return true;
  }
}

/**
 * Global interceptor: after the handler, refuses a read whose record is found only in the answer
 * (a search), withholds sensitive items from lists for callers without sensitive access (and
 * lowers the total by as many), and shows NINOs/CRNs as the policy says for the caller's role.
 */
@Injectable()
export class AccessInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(ACCESS_REPOSITORY) private readonly repo?: AccessRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const decl = this.reflector.get<AccessDeclaration | undefined>(ACCESS_KEY, context.getHandler());
    const list = this.reflector.get<ListDeclaration | undefined>(ACCESS_LIST_KEY, context.getHandler());
    const req = context.switchToHttp().getRequest<AccessRequest>();
    const actor = req.actor;
    return next.handle().pipe(
      mergeMap((body) =>
        from(
          (async () => {
            if (!actor) return body;
            if (!maySeeSensitive(actor)) {
              if (decl?.mode === 'subject') {
                const after = decl.subjects.filter((s) => s.from === 'response');
                if (after.length) await decide(this.repo, locate(req, after, body), decl.requirementId);
              }
              if (list) body = await this.withhold(list, body);
            }
            return presentReferences(actor, body);
          })(),
        ),
      ),
    );
  }

  private async withhold(decl: ListDeclaration, body: unknown): Promise<unknown> {
    const path = decl.items.split('.').filter(Boolean);
    const items = path.reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      body,
    );
    if (!Array.isArray(items) || !items.length) return body;
    const idOf = (item: unknown) => valuesAt(item, decl.subject.path)[0];
    const ids = [
      ...new Set(
        items.map(idOf).filter((id): id is string => !!id && isRecordKey(decl.subject.resource, id)),
      ),
    ];
    if (!ids.length) return body;
    if (!this.repo) throw new Error(`No access repository in this service for ${decl.subject.resource}`);
    const sensitive = await this.repo.sensitiveAmong(decl.subject.resource, ids);
    if (!sensitive.size) return body;
    const kept = items.filter((item) => !sensitive.has(idOf(item) ?? ''));
    const removed = items.length - kept.length;
    if (!path.length) return kept;
    const copy = { ...(body as Record<string, unknown>) };
    let cursor = copy;
    for (const k of path.slice(0, -1)) cursor = cursor[k] = { ...(cursor[k] as Record<string, unknown>) };
    cursor[path[path.length - 1]] = kept;
    if (decl.total && typeof copy[decl.total] === 'number')
      copy[decl.total] = (copy[decl.total] as number) - removed;
    return copy;
  }
}

function undeclared(): DomainError {
  return new DomainError(
    'ACCESS_UNDECLARED',
    'forbidden',
    'This operation declares no access rule, so it is refused to every caller (deny by default).',
    { requirementId: 'X-1' },
  );
}

/** One route's access as read at start-up, for the checks and the access table in the docs. */
export interface RouteAccess {
  method: string;
  path: string;
  roles: readonly Role[];
  publicRoute: boolean;
  declaration?: AccessDeclaration;
  list?: ListDeclaration;
}

/** Every route of the running application with its roles and access declaration. */
export function routeAccessTable(
  discovery: DiscoveryService,
  scanner: MetadataScanner,
  reflector: Reflector,
): RouteAccess[] {
  const rows: RouteAccess[] = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as object | undefined;
    if (!instance || !wrapper.metatype) continue;
    const cls = wrapper.metatype as unknown as new () => unknown;
    const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
    const proto = Object.getPrototypeOf(instance) as Record<string, (...args: unknown[]) => unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name];
      const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      if (sub === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? 'GET';
      rows.push({
        method,
        path: `/${[base, sub].filter((p) => p && p !== '/').join('/')}`.replace(/\/+/g, '/'),
        roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, cls]) ?? [],
        publicRoute: !!reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [handler, cls]),
        declaration: Reflect.getMetadata(ACCESS_KEY, handler) as AccessDeclaration | undefined,
        list: Reflect.getMetadata(ACCESS_LIST_KEY, handler) as ListDeclaration | undefined,
      });
    }
  }
  return rows;
}

/**
 * What is wrong with a route's access, or null: it must be public, or declare roles and exactly one
 * access declaration whose roles stay within the policy, with kinds the service can answer for.
 */
export function routeAccessProblem(route: RouteAccess, kinds: readonly ResourceKind[]): string | null {
  if (route.publicRoute) return null;
  const { declaration: decl, list } = route;
  if (!route.roles.length) return 'declares no roles (@Roles)';
  if (!decl && !list) return 'declares no access rule (@Access)';
  const needed: ResourceKind[] = list ? [list.subject.resource] : [];
  const checks: Array<[ResourceKind, AccessAction]> = list ? [[list.resource, 'read']] : [];
  if (decl?.mode === 'no-subject' && !decl.reason) return 'gives no reason for serving no subject';
  if (decl?.mode === 'system-only') {
    return route.roles.every((r) => r === 'system') ? null : 'is system-only but lets other roles in';
  }
  if (decl?.mode === 'subject') {
    if (!decl.subjects.length && !decl.creates) return `names no ${decl.resource} to check`;
    checks.push([decl.resource, decl.action]);
    needed.push(...decl.subjects.map((s) => s.resource));
  }
  for (const [resource, action] of checks) {
    const wider = route.roles.filter((r) => !ACCESS_POLICY[resource][action].includes(r));
    if (wider.length) return `lets ${wider.join(', ')} ${action} ${resource}, wider than the policy`;
  }
  const unknown = needed.filter((k) => !kinds.includes(k));
  return unknown.length
    ? `needs the sensitivity of ${unknown.join(', ')}, which this service cannot tell`
    : null;
}

/**
 * At start-up, refuses to run a service with a route that declares no access (so a new endpoint
 * cannot forget it) or one wider than the policy.
 * @throws Error listing every offending route
 */
@Injectable()
export class AccessRouteAudit implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Optional() @Inject(ACCESS_REPOSITORY) private readonly repo?: AccessRepository,
  ) {}

  onApplicationBootstrap(): void {
    const kinds = this.repo?.kinds ?? [];
    const problems = routeAccessTable(this.discovery, this.scanner, this.reflector)
      .map((r) => ({ r, problem: routeAccessProblem(r, kinds) }))
      .filter((x) => x.problem)
      .map(({ r, problem }) => `${r.method} ${r.path} ${problem}`);
    if (problems.length) {
      throw new Error(`Access policy (X-1): refusing to start.\n- ${problems.join('\n- ')}`);
    }
  }
}
