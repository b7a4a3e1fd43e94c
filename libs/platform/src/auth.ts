import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, DomainError, isRole, Role } from '@cms/domain';
import { webcrypto } from 'node:crypto';
import {
  createRemoteJWKSet,
  type CryptoKey as JoseCryptoKey,
  jwtVerify,
  JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import type { FastifyRequest } from 'fastify';
import { BaseServiceConfig } from './config';
import { CONFIG } from './tokens';
import { acceptOnBehalfOf, RequestContext } from './request-context';

export const ROLES_KEY = 'cms:roles';
export const PUBLIC_KEY = 'cms:public';

/**
 * Marks an endpoint as callable only by callers holding at least one of `roles`. Every endpoint that
 * is not {@link Public} must declare its roles: one that does not refuses every caller.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Marks an endpoint (health, metrics) as callable without a token; `reason` says why it may be
 * (it serves no citizen's data), for the reader and the access table.
 */
export const Public = (reason: string) => SetMetadata(PUBLIC_KEY, reason || true);

/** Injects the authenticated caller ({@link Actor}) into a handler parameter. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  if (!req.actor) throw new DomainError('UNAUTHENTICATED', 'unauthenticated', 'A bearer token is required.');
  return req.actor;
});

/**
 * Verifies bearer JWTs: HS256 with a shared secret (development), or RS/ES keys from a JWKS URL.
 * The secret is imported as a WebCrypto HMAC key once, not on every verification (jose imports a
 * raw Uint8Array secret per call: a measurable part of each request's CPU, issue 17).
 */
@Injectable()
export class TokenVerifier {
  private readonly remote?: JWTVerifyGetKey;
  private hmac?: Promise<JoseCryptoKey>;

  constructor(@Inject(CONFIG) private readonly config: BaseServiceConfig) {
    if (config.AUTH_JWKS_URL) this.remote = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
  }

  /** The HS256 verification key from AUTH_JWT_SECRET, imported at the first verification. */
  private hmacKey(): Promise<JoseCryptoKey> {
    this.hmac ??= webcrypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(this.config.AUTH_JWT_SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    ) as Promise<JoseCryptoKey>;
    return this.hmac;
  }

  /** Returns the caller named by a valid token. Throws DomainError(unauthenticated) otherwise. */
  async verify(token: string): Promise<Actor & { name?: string }> {
    try {
      const options = {
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        clockTolerance: 30,
      };
      const { payload } = this.remote
        ? await jwtVerify(token, this.remote, options)
        : await jwtVerify(token, await this.hmacKey(), { ...options, algorithms: ['HS256'] });
      const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
      if (!payload.sub) throw new Error('token has no subject');
      return { id: payload.sub, roles, name: typeof payload.name === 'string' ? payload.name : undefined };
    } catch {
      throw new DomainError(
        'INVALID_TOKEN',
        'unauthenticated',
        'The bearer token is missing, expired or invalid.',
      );
    }
  }
}

/**
 * Global guard: every endpoint needs a valid bearer token unless marked {@link Public}, and one of the
 * roles it declares with {@link Roles} (403 otherwise). An endpoint that declares no roles refuses
 * every caller (deny by default; start-up also refuses it, see AccessRouteAudit).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'unauthenticated',
        'A bearer token is required (Authorization: Bearer <token>).',
      );
    }
    const actor = await this.verifier.verify(header.slice(7).trim());
    req.actor = actor;
    RequestContext.setActor(actor);
    // Only one of our own services may say whom it acts for; from anyone else it is ignored.
    const onBehalfOf = actor.roles.includes('system')
      ? acceptOnBehalfOf(req.headers['x-on-behalf-of'])
      : undefined;
    if (onBehalfOf) RequestContext.setOnBehalfOf(onBehalfOf);
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!required.some((r) => actor.roles.includes(r))) {
      throw new DomainError(
        'ROLE_REQUIRED',
        'forbidden',
        required.length
          ? `This action needs one of the roles: ${required.join(', ')}.`
          : 'This action declares no roles, so it is refused to every caller (deny by default).',
        {
          extra: { requiredRoles: required },
        },
      );
    }
    return true;
  }
}

/**
 * Signs a development/test token with the HS256 secret. Never used with a JWKS identity provider.
 * @param ttlSeconds lifetime in seconds (default 8 hours)
 */
export async function signDevToken(
  secret: string,
  subject: string,
  roles: Role[],
  opts: { name?: string; ttlSeconds?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  return new SignJWT({ roles, ...(opts.name ? { name: opts.name } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(opts.issuer ?? 'cms-cis-dev')
    .setAudience(opts.audience ?? 'cms-cis')
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 8 * 3600}s`)
    .sign(new TextEncoder().encode(secret));
}
