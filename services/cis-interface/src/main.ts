import 'reflect-metadata';
import { ConfigError, loadConfig, runService } from '@cms/platform';
import { createApp } from './app';
import { CisInterfaceConfig } from './config';

async function main(): Promise<void> {
  const config = loadConfig(CisInterfaceConfig, process.env);
  const app = await createApp(process.env);
  await runService(app, config, 'cis-interface');
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
