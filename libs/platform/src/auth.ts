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
import { rememberBounded } from './bounded-map';
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
 * raw Uint8Array secret per call), and a token verified once is remembered until its expiry (at
 * most {@link TokenVerifier.REMEMBER_MS}): a caller's next requests with the very same token skip the
 * signature check, about 7% of a request's CPU (issue 17). Only the exact token string is
 * remembered; any other token, a forged one included, is verified in full.
 */
@Injectable()
export class TokenVerifier {
  /** The longest a verified token is remembered (ms), whatever its expiry. */
  static readonly REMEMBER_MS = 5 * 60_000;
  /** The most tokens remembered at once; the oldest is forgotten first. */
  static readonly REMEMBER_MAX = 10_000;
  private readonly remote?: JWTVerifyGetKey;
  private hmac?: Promise<JoseCryptoKey>;
  private readonly verified = new Map<string, { actor: Actor & { name?: string }; until: number }>();

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
    const now = Date.now();
    const known = this.verified.get(token);
    if (known && known.until > now) return { ...known.actor, roles: [...known.actor.roles] };
    if (known) this.verified.delete(token);
    const { actor, exp } = await this.verifyInFull(token);
    this.remember(token, actor, exp, now);
    return actor;
  }

  /** Remembers a verified token's caller until `exp` (seconds since the epoch, when it has one). */
  private remember(
    token: string,
    caller: Actor & { name?: string },
    exp: number | undefined,
    now: number,
  ): void {
    // Never past the token's own expiry (jose still accepts it 30 s more, then in full).
    const until = Math.min(exp === undefined ? Infinity : exp * 1000, now + TokenVerifier.REMEMBER_MS);
    if (until <= now) return;
    rememberBounded(
      this.verified,
      token,
      { actor: { ...caller, roles: [...caller.roles] }, until },
      TokenVerifier.REMEMBER_MAX,
    );
  }

  /** Checks the token's signature, issuer, audience and times with jose. */
  private async verifyInFull(token: string): Promise<{ actor: Actor & { name?: string }; exp?: number }> {
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
      return {
        actor: { id: payload.sub, roles, name: typeof payload.name === 'string' ? payload.name : undefined },
        exp: typeof payload.exp === 'number' ? payload.exp : undefined,
      };
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
