import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { ServiceRequestsConfig } from './config';

/**
 * Builds service-requests from environment variables (validated; a bad value stops it with a
 * message naming the key). Returns an initialised app that is not yet listening.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  opts: { logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(ServiceRequestsConfig, env);
  return createServiceApp(AppModule.forRoot(config, opts.logDestination), config, {
    serviceName: 'service-requests',
    title: 'CMS service requests',
    description:
      'Cases, clients and the personal details CMS holds, service requests (status, sub status, activity plan, notes, ' +
      'approvals), work queues and their audit. Orchestrates the procedures. Terms: receiving parent (PWC), paying parent (NRP).',
  });
}
