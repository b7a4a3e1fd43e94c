import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { CisInterfaceConfig } from './config';

/**
 * Builds cis-interface from environment variables (validated; a bad value stops it with a message
 * naming the key). Returns an initialised app that is not yet listening.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  opts: { logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(CisInterfaceConfig, env);
  return createServiceApp(AppModule.forRoot(config, opts.logDestination), config, {
    serviceName: 'cis-interface',
    title: 'CMS CIS interface',
    description:
      "CMS's only door to DWP's Customer Information System (CIS): interests (RI), retrieval of personal data with " +
      'the CIS data kept apart from CMS’s and the discrepancies (RD), updates sent to CIS (SU), and the daily ' +
      'broadcasts received from CIS (BR). Terms: receiving parent (PWC), paying parent (NRP).',
  });
}
