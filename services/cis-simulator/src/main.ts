import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@cms/platform';
import { createApp } from './app';
import { CisSimulatorConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig(CisSimulatorConfig, process.env);
  const app = await createApp(process.env);
  await runService(app, config, 'cis-simulator');
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
