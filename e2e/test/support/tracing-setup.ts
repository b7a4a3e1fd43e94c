/**
 * Tracing for one test file, started exactly as a service's main.ts starts it (the platform's
 * startTracing: http, undici and pg instrumentations, W3C propagation) but into an in-memory
 * exporter. Import it FIRST in the test file, before anything that loads http, pg or the services.
 * The path to the platform's tracing module is direct because `@cms/platform` would load Nest and pg.
 *
 * Jest loads modules through a registry of its own, and hands require-in-the-middle a stand-in for
 * Node's `module`, so the instrumentations' require hooks never fire here (in a service they do).
 * Undici's needs no hook (diagnostics channels); http and pg are handed to the instrumentations
 * below, as their hook would: the same patch, on the very module objects the services will load.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { tracing } from '@opentelemetry/sdk-node';
import { startTracing } from '../../../libs/platform/src/tracing';

/** Every span ended in this process since the last `reset()`. */
export const spans = new tracing.InMemorySpanExporter();

/** The running SDK, shut down by the test file when it is done. */
export const tracingHandle = startTracing('e2e', {
  spanProcessors: [new tracing.SimpleSpanProcessor(spans)],
})!;

interface ModuleDefinition {
  name: string;
  files: { name: string }[];
}
interface HookedInstrumentation {
  getModuleDefinitions(): ModuleDefinition[];
  _onRequire(def: ModuleDefinition, exports: unknown, name: string, baseDir?: string): unknown;
}

/** The folder of package `name` (its main file's, or above): pg-pool's exports hide its package.json. */
function packageDir(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); dir !== path.dirname(dir); dir = path.dirname(dir))
    if (existsSync(path.join(dir, 'package.json')) && require(path.join(dir, 'package.json')).name === name)
      return dir;
  throw new Error(`no package.json of ${name}`);
}

for (const instrumentation of tracingHandle.instrumentations as HookedInstrumentation[]) {
  for (const def of instrumentation.getModuleDefinitions()) {
    if (def.name === 'http' || def.name === 'https') {
      instrumentation._onRequire(def, require(def.name), def.name);
    } else if (def.name === 'pg' || def.name === 'pg-pool') {
      const baseDir = packageDir(def.name);
      instrumentation._onRequire(def, require(def.name), def.name, baseDir);
      for (const file of def.files.filter((f) => !f.name.includes('native')))
        instrumentation._onRequire(def, require(file.name), file.name, baseDir);
    }
  }
}
