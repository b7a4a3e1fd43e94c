import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@cms/platform';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { CisSimulatorConfig } from './config';

/**
 * Builds the CIS simulator from environment variables (validated; a bad value stops it with a
 * message naming the key). Returns an initialised app that is not yet listening.
 */
export async function createApp(
  env: Record<string, string | undefined>,
  opts: { logDestination?: DestinationStream } = {},
): Promise<NestFastifyApplication> {
  const config = loadConfig(CisSimulatorConfig, env);
  return createServiceApp(AppModule.forRoot(config, opts.logDestination), config, {
    serviceName: 'cis-simulator',
    title: 'CIS simulator',
    description:
      'Stand-in for the DWP Customer Information System (CIS) web service, with its own database of persons keyed by ' +
      'NINO or CRN. `cis` endpoints are what cis-interface calls: register/deregister/list interests (RI-1, RI-2), ' +
      'retrieve personal data (RD-2..RD-5: HTTP 200 with outcome found or rejected; technical error HTTP 503 ' +
      'TECHNICAL_ERROR), apply updates (SU-1..SU-7: HTTP 200 with an update response code). CIS broadcasts changes to ' +
      'cis-interface at POST {CIS_INTERFACE_URL}/broadcasts (body CisBroadcastBatch, header Idempotency-Key: ' +
      '<batchId>), retried until answered 2xx: changes recorded on UK day D are sent 24 hours after D ends (BR-2), ' +
      'only the day’s latest change per item (BR-3), one transaction per item (BR-4), only with an interest ' +
      '(BR-1); CMG’s own updates are never broadcast back. `admin` endpoints seed persons, record DWP changes, run ' +
      'broadcasts and inject faults. Every endpoint needs role system. Terms: receiving parent (PWC), paying parent (NRP).',
  });
}
