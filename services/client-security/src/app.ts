import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { ClientSecurityConfig } from './config';

/**
 * Builds client-security from environment variables (validated; a bad or missing value, such as
 * SECURITY_PEPPER, stops it with a message naming the key). Returns an initialised app that is not
 * yet listening.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  opts: { logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(ClientSecurityConfig, env);
  return createServiceApp(AppModule.forRoot(config, opts.logDestination), config, {
    serviceName: 'client-security',
    title: 'CMS client security',
    description:
      'Security details of clients and of client representatives (a seven-digit PIN and a special password, held ' +
      'only as peppered argon2id hashes, with their history), security checks by channel (phone: password not case ' +
      'sensitive; self-service portal: case sensitive), the three-strikes block of the TAM account, unblock and ' +
      'change (Change - Security Details). Secrets are never returned, logged or audited.',
  });
}
