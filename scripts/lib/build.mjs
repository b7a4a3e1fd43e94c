// The build `npm start` runs: every service and the @cms libraries it uses, emitted by the
// TypeScript compiler as ONE program with type checking off (`noCheck`): the same JavaScript `tsc`
// writes (decorator metadata included, which Swagger and TypeORM read, so it must come from the
// type checker rather than a per-file transpiler), in ~6 s instead of the ~25 s `nx run-many -t
// build` takes on two cores to type-check ten projects one after another. Type errors are the job of
// `npm run typecheck`, the tests and CI. Skipped when no source changed since the last build.
//
// Layout of `outDir` (the packages' own dist/ folders, which tsc and Nx own, are never touched):
//   libs/<lib>/src/…, services/<service>/src/…   the emitted JavaScript (and source maps)
//   node_modules/@cms/<lib>/package.json          points at libs/<lib>/src/index.js
// A service finds the libraries by walking up to outDir/node_modules, and everything else through
// NODE_PATH (the repository's node_modules; see `nodePath`).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const VERSION = 1; // of this layout: a change rebuilds

const manifest = (dir) => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

/** Every workspace package under libs/ and services/ with a src/, by name. */
function workspacePackages(root) {
  const byName = new Map();
  for (const group of ['libs', 'services']) {
    for (const name of readdirSync(path.join(root, group))) {
      const dir = path.join(root, group, name);
      if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src'))) {
        byName.set(manifest(dir).name, { dir, group, name, pkg: manifest(dir) });
      }
    }
  }
  return byName;
}

function sources(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The directory NODE_PATH must name so that a service built by `build` finds third-party packages. */
export const nodePath = (root) => path.join(root, 'node_modules');

/** The entry point of `service` in a build. */
export const mainOf = (outDir, service) => path.join(outDir, 'services', service, 'src', 'main.js');

/**
 * What a build of `services` takes in: the packages (the services and the @cms libraries they depend
 * on), their source files, and a digest of everything that goes into it (sources, configs,
 * manifests, the compiler's version) to tell whether the build in `outDir` is current.
 */
function inputsOf({ root, services }) {
  const all = workspacePackages(root);
  const wanted = new Map();
  const add = (name) => {
    const p = all.get(name);
    if (!p || wanted.has(name)) return;
    wanted.set(name, p);
    for (const dep of Object.keys(p.pkg.dependencies ?? {})) if (dep.startsWith('@cms/')) add(dep);
  };
  for (const s of services) add(`@cms/${s}`);
  const files = [...wanted.values()].flatMap((p) => sources(path.join(p.dir, 'src'))).sort();
  const tsVersion = createRequire(path.join(root, 'package.json'))('typescript/package.json').version;
  const inputs = [
    ...files,
    path.join(root, 'tsconfig.base.json'),
    ...[...wanted.values()].map((p) => path.join(p.dir, 'package.json')),
  ];
  const stamp = createHash('sha256').update(`${VERSION} ${tsVersion} ${[...wanted.keys()].join(' ')}\n`);
  for (const f of inputs) {
    const st = statSync(f);
    stamp.update(`${path.relative(root, f)} ${st.size} ${st.mtimeMs}\n`);
  }
  return { wanted, files, digest: stamp.digest('hex') };
}

/** True when `outDir` holds a build of `services` from the sources as they are now (a few ms). */
export function isCurrent({ root, outDir, services }) {
  const stampFile = path.join(outDir, '.stamp');
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8') === inputsOf({ root, services }).digest;
}

/**
 * Builds `services` (names such as 'service-requests') and the @cms libraries they depend on into
 * `outDir`, unless the build there is current. Resolves to `{ files, ms, reused }`; rejects with the
 * compiler's errors when it cannot emit (syntax errors, a missing file).
 */
export async function build({ root, outDir, services }) {
  const started = Date.now();
  const { wanted, files, digest } = inputsOf({ root, services });
  if (isCurrent({ root, outDir, services }))
    return { files: files.length, ms: Date.now() - started, reused: true };
  const { default: ts } = await import('typescript');

  const configPath = path.join(root, 'tsconfig.base.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  const staging = `${outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const options = {
    ...config.options,
    noCheck: true,
    noEmitOnError: false,
    declaration: false,
    declarationMap: false,
    rootDir: root,
    outDir: staging,
    // The libraries from their sources (as Jest maps them), not from their dist/ type declarations.
    paths: Object.fromEntries(
      [...wanted.values()]
        .filter((p) => p.group === 'libs')
        .map((p) => [p.pkg.name, [path.join(p.dir, 'src/index.ts')]]),
    ),
  };
  const program = ts.createProgram(files, options);
  const result = program.emit();
  const errors = [
    ...program.getSyntacticDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...result.diagnostics,
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (result.emitSkipped || errors.length) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      ts.formatDiagnostics(errors, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => root,
        getNewLine: () => '\n',
      }) || 'the TypeScript compiler emitted nothing',
    );
  }

  writeFileSync(path.join(staging, 'package.json'), '{ "private": true, "type": "commonjs" }\n');
  for (const p of wanted.values()) {
    // Packages npm nested under a package (a version other than the root's) stay the ones it uses.
    if (existsSync(path.join(p.dir, 'node_modules'))) {
      symlinkSync(path.join(p.dir, 'node_modules'), path.join(staging, p.group, p.name, 'node_modules'));
    }
    if (p.group !== 'libs') continue;
    const dir = path.join(staging, 'node_modules', p.pkg.name);
    mkdirSync(dir, { recursive: true });
    const entry = path.relative(dir, path.join(staging, 'libs', p.name, 'src', 'index.js'));
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: p.pkg.name, private: true, type: 'commonjs', main: entry }, null, 2)}\n`,
    );
  }
  writeFileSync(path.join(staging, '.stamp'), digest);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(staging, outDir);
  return { files: files.length, ms: Date.now() - started, reused: false };
}

// `node scripts/lib/build.mjs <root> <outDir> <service>…`: the build in a process of its own (the
// compiler's memory is returned when it ends); prints `{ files, ms, reused }`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root, outDir, ...services] = process.argv.slice(2);
  build({ root, outDir, services }).then(
    ({ files, ms, reused }) => process.stdout.write(JSON.stringify({ files, ms, reused })),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
