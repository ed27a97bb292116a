// Starting the prep workers both from source (tsx, vitest: .ts files need tsx's loader inside
// the worker) and from the esbuild bundle (out/cli/<name>.mjs next to haul.mjs). Each worker is
// its own entry, named for what it does; in source each lives in the folder of its part of the
// pipeline, in the bundle they all sit side by side.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** The worker entries (main/core/prep/<folder>/<name>.ts, bundled as out/cli/<name>.mjs by main/build.mjs). */
export const WORKERS = [
  'copyWorker',
  'smallCopyWorker',
  'verifyWorker',
  'hashBlocksWorker',
  'flushWorker',
  'writeWorker',
  'manifestWorker',
] as const;
export type WorkerName = (typeof WORKERS)[number];

/** Each worker's source file, relative to main/core/prep (main/build.mjs bundles the same files). */
export const WORKER_SOURCES: Record<WorkerName, string> = {
  copyWorker: 'copy/copyWorker.ts',
  smallCopyWorker: 'copy/smallCopyWorker.ts',
  verifyWorker: 'verify/verifyWorker.ts',
  hashBlocksWorker: 'hash/hashBlocksWorker.ts',
  flushWorker: 'flush/flushWorker.ts',
  writeWorker: 'copy/writeWorker.ts',
  manifestWorker: 'engine/manifestWorker.ts',
};

/** A worker's source file (main/core/prep/<folder>/<name>.ts) when running from source. */
const sourceFile = (name: WorkerName): URL => new URL(`../${WORKER_SOURCES[name]}`, import.meta.url);

/**
 * A worker's file: `dir` when given (an Electron bundle that ships the workers elsewhere), else
 * its source file (WORKER_SOURCES) in source, <name>.mjs next to the bundle.
 */
export function workerFile(name: WorkerName, dir?: URL): URL {
  if (dir) {
    const base = dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`);
    const ts = new URL(`./${name}.ts`, base);
    return ts.protocol === 'file:' && existsSync(fileURLToPath(ts)) ? ts : new URL(`./${name}.mjs`, base);
  }
  const src = sourceFile(name);
  if (src.protocol === 'file:' && existsSync(fileURLToPath(src))) return src;
  return new URL(`./${name}.mjs`, import.meta.url);
}

/**
 * A worker's helper, started from inside a worker: from source (`self` a .ts file) the helper's own
 * source file, from a bundle the helper's bundle next to the worker's own.
 */
export function siblingWorker(name: WorkerName, self: string): URL {
  return self.endsWith('.ts') ? sourceFile(name) : new URL(`./${name}.mjs`, self);
}

export function startWorker(url: URL, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  // A bundle needs none of the parent's flags; a loader among them (tsx's --import) would be loaded
  // again in every worker, 50-100 ms each.
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData, transferList, execArgv: [] });
  // From source: register tsx's loader inside the worker, then load the module.
  const apiCjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const apiEsm = pathToFileURL(apiCjs.replace(/index\.cjs$/, 'index.mjs')).href;
  const boot = `import { register } from ${JSON.stringify(apiEsm)}; register(); await import(${JSON.stringify(url.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData,
    transferList,
    execArgv: [],
  });
}

/**
 * Worker threads run a little nicer than the engine's main thread (on Linux the priority is per
 * thread), so the app's event loop stays responsive while every core is busy copying and hashing.
 */
export function runNicer(): void {
  try {
    setPriority(0, Math.min(19, getPriority(0) + 5));
  } catch {
    /* not permitted here: keep the default */
  }
}
