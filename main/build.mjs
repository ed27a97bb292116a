// Builds everything that runs outside the test runner:
//   out/main/index.cjs     Electron main process (CommonJS, electron external)
//   out/preload/index.cjs  the preload: one CommonJS file, sandbox-compatible (no require of node modules)
//   out/cli/haul.mjs       the `haul` CLI, split into chunks (out/cli/chunk-*.mjs) that each subcommand loads
//                          as it needs them; next to it the workers and child processes it starts by file name
//   out/renderer/          the React app (Vite)
// Usage: node main/build.mjs [--no-renderer]
import { build as esbuild } from 'esbuild';
import { build as viteBuild, createLogger } from 'vite';
import { fileURLToPath } from 'node:url';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = new Set(process.argv.slice(2));

// Packages that must stay real files next to the bundle: native parts, runtime file lookups,
// or programs started as their own process.
const external = ['electron', 'drivelist', 'azurite', 'fsevents', 'bufferutil', 'utf-8-validate'];

// The `haul` command, split into chunks (out/cli/chunk-<hash>.mjs) along main/cli/haul.ts's dynamic
// import() of each subcommand: `haul prep` loads the code prep reaches and compiles neither browser
// mode nor the local service nor the Azure SDKs. The chunks sit next to haul.mjs, so that code asking
// for a file next to its own (import.meta.url: a worker, azuriteChild.mjs, ../renderer) finds it from
// a chunk as from the entry.
export const CLI_ENTRIES = { haul: 'main/cli/haul.ts' };

// What code starts by file name in a thread or process of its own, next to haul.mjs in out/cli/: each
// one self-contained file. A worker thread compiles every module it loads in its own isolate, so a
// chunk shared with haul.mjs or another worker saves nothing at run time, while each further file
// it loads adds a few milliseconds to its start.
export const STANDALONE_ENTRIES = {
  azuriteChild: 'service/datacenter/azuriteChild.mjs',
  // drive preparation: one worker entry per job (WORKER_SOURCES in main/core/prep/threads/workerBoot.ts names them)
  copyWorker: 'main/core/prep/copy/copyWorker.ts',
  smallCopyWorker: 'main/core/prep/copy/smallCopyWorker.ts',
  verifyWorker: 'main/core/prep/verify/verifyWorker.ts',
  hashBlocksWorker: 'main/core/prep/hash/hashBlocksWorker.ts',
  flushWorker: 'main/core/prep/flush/flushWorker.ts',
  writeWorker: 'main/core/prep/copy/writeWorker.ts',
  manifestWorker: 'main/core/prep/engine/manifestWorker.ts',
};

function fail(what) {
  console.error(`haul build: ${what}; every build warning is an error.`);
  process.exit(1);
}

// Every warning is an error: a warning here has meant a bundle that throws when loaded (an empty
// import.meta in the CommonJS main process). esbuild prints its warnings; we then refuse the result.
async function build(options) {
  const result = await esbuild(options);
  if (result.warnings.length > 0)
    fail(`${result.warnings.length} warning(s) building ${Object.values(options.entryPoints).join(', ')} (see above)`);
  return result;
}

// The CommonJS bundles have no import.meta: give code that asks for import.meta.url (createRequire,
// workers started by URL) the bundle's own file URL, as it would have under ESM.
const cjsImportMeta = {
  define: { 'import.meta.url': '__haulImportMetaUrl' },
  banner: { js: "const __haulImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external,
};

await rm(`${root}/out/cli`, { recursive: true, force: true });

// The ESM bundles of out/cli/: the CommonJS dependencies bundled into them still call require(): give them one.
const cliCommon = {
  ...common,
  outdir: 'out/cli',
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  banner: {
    js: "import { createRequire as __haulCreateRequire } from 'node:module'; const require = __haulCreateRequire(import.meta.url);",
  },
};

await Promise.all([
  build({ ...cliCommon, entryPoints: CLI_ENTRIES, splitting: true, chunkNames: 'chunk-[hash]' }),
  build({ ...cliCommon, entryPoints: STANDALONE_ENTRIES }),
  build({
    ...common,
    ...cjsImportMeta,
    entryPoints: { index: 'main/electron/main.ts' },
    outdir: 'out/main',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
  }),
  build({
    ...common,
    entryPoints: { index: 'main/electron/preload.ts' },
    outdir: 'out/preload',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    platform: 'browser',
    external: ['electron'],
  }),
]);

if (!args.has('--no-renderer')) {
  // Vite (and Rolldown's warnings, which it logs) the same way: printed, then the build fails.
  const viteLogger = createLogger('warn');
  const viteWarnings = [];
  const warn = viteLogger.warn.bind(viteLogger);
  viteLogger.warn = (msg, options) => {
    viteWarnings.push(msg);
    warn(msg, options);
  };
  viteLogger.warnOnce = viteLogger.warn;
  await viteBuild({
    configFile: `${root}/renderer/vite.config.ts`,
    root: `${root}/renderer`,
    build: { outDir: `${root}/out/renderer` },
    configLoader: 'runner',
    logLevel: 'warn',
    customLogger: viteLogger,
  });
  if (viteWarnings.length > 0) fail(`${viteWarnings.length} warning(s) building the renderer (see above)`);
  // Browser mode's bridge script (index.html loads it before the app; under Electron it is a no-op).
  await build({
    ...common,
    entryPoints: { 'haul-bridge': 'renderer/src/bridge/browser.ts' },
    outdir: 'out/renderer',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    external: [],
  });
}
// The tray icon sits next to the main bundle (inside the packaged app's asar); build/make-icons.mjs makes it.
await mkdir(`${root}/out/main`, { recursive: true });
for (const name of ['tray.png', 'tray@2x.png'])
  await copyFile(`${root}/build/icons/${name}`, `${root}/out/main/${name}`);
console.error('haul build: out/ is ready');
