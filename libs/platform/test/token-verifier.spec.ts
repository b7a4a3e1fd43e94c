import { SignJWT } from 'jose';
import { DomainError } from '@cms/domain';
import { signDevToken, TokenVerifier } from '../src/auth';
import { BaseServiceConfig, loadConfig } from '../src/config';

/* A verified token is remembered (issue 17: the signature check was ~7% of a request's CPU), never
   beyond its expiry, and nothing but the very same token string is let through on that memory. */
const SECRET = 'test-only-secret-0123456789abcdef-not-for-production';

describe('TokenVerifier', () => {
  const config = loadConfig(BaseServiceConfig, {
    DATABASE_URL: 'postgres://127.0.0.1:9/unused',
    AUTH_JWT_SECRET: SECRET,
  });
  const refused = (p: Promise<unknown>) =>
    expect(p).rejects.toMatchObject({ code: 'INVALID_TOKEN' } satisfies Partial<DomainError>);
  afterEach(() => jest.useRealTimers());

  it('answers the same caller for a token it has seen, and a copy it can change freely', async () => {
    const verifier = new TokenVerifier(config);
    const token = await signDevToken(SECRET, 'cw-7', ['caseworker'], { name: 'Pat' });
    const first = await verifier.verify(token);
    (first.roles as string[]).push('sensitive-access');
    expect(await verifier.verify(token)).toEqual({ id: 'cw-7', roles: ['caseworker'], name: 'Pat' });
  });

  it('still refuses a forged token (same claims, other signature) after the genuine one was remembered', async () => {
    const verifier = new TokenVerifier(config);
    const token = await signDevToken(SECRET, 'cw-7', ['caseworker']);
    await verifier.verify(token);
    const [header, payload] = token.split('.');
    const elevated = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), roles: ['system'] }),
    ).toString('base64url');
    await refused(verifier.verify(`${header}.${elevated}.${token.split('.')[2]}`));
    await refused(verifier.verify(token.replace(/\.[^.]+$/, '.AAAA')));
    const otherSecret = await signDevToken('another-secret-0123456789abcdef-xxxxxxxx', 'cw-7', [
      'caseworker',
    ]);
    await refused(verifier.verify(otherSecret));
  });

  it('refuses a remembered token once it has expired (past jose’s 30 s tolerance)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const start = Date.now();
    const verifier = new TokenVerifier(config);
    const token = await signDevToken(SECRET, 'cw-7', ['caseworker'], { ttlSeconds: 60 });
    await verifier.verify(token);
    jest.setSystemTime(start + 59_000);
    await expect(verifier.verify(token)).resolves.toMatchObject({ id: 'cw-7' });
    jest.setSystemTime(start + 60_000 + 31_000);
    await refused(verifier.verify(token));
  });

  it('accepts HS256 only on the shared-secret path', async () => {
    const verifier = new TokenVerifier(config);
    const hs512 = await new SignJWT({ roles: ['caseworker'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('cw-7')
      .setIssuer('cms-cis-dev')
      .setAudience('cms-cis')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await refused(verifier.verify(hs512));
  });
});
