import 'reflect-metadata';
import { startTracing } from '@cms/platform/dist/tracing';

// Tracing first (on when OTEL_EXPORTER_OTLP_ENDPOINT is set): its instrumentations patch http and pg
// only as they are required, so nothing may have loaded them yet (Nest and the app load pg).
const tracing = startTracing('correspondence');

// Required, not imported: imports would be hoisted above startTracing.
const { ConfigError, loadConfig, runService } = require('@cms/platform') as typeof import('@cms/platform');
const { createApp } = require('./app') as typeof import('./app');
const { CorrespondenceConfig } = require('./config') as typeof import('./config');

async function main(): Promise<void> {
  const config = loadConfig(CorrespondenceConfig, process.env);
  const app = await createApp(process.env);
  await runService(app, config, 'correspondence', async () => tracing?.shutdown());
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
