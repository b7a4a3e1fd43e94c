import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { CorrespondenceConfig } from './config';

/**
 * Builds correspondence from environment variables (validated; a bad value stops it with a message
 * naming the key). Returns an initialised app that is not yet listening.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  opts: { logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(CorrespondenceConfig, env);
  return createServiceApp(AppModule.forRoot(config, opts.logDestination), config, {
    serviceName: 'correspondence',
    title: 'CMS correspondence',
    description:
      'Letter and SMS templates (versioned, with declared personalisation fields), issued letters with their PDFs as sent, ' +
      'SMS, statuses and the issue log per client and case. Letters say receiving parent / paying parent and follow the ' +
      'jurisdiction: Child Maintenance Group (GB) or NICMS (NI). Delivery to the print and SMS gateways is a durable job.',
  });
}
