// Starting the prep workers both from source (tsx, vitest: .ts files need tsx's loader inside
// the worker) and from the esbuild bundle (out/cli/<name>.mjs next to haul.mjs). Each worker is
// its own entry, named for what it does.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** The worker entries (main/core/prep/<name>.ts, bundled as out/cli/<name>.mjs by main/build.mjs). */
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

/**
 * A worker's file: `dir` when given (an Electron bundle that ships the workers elsewhere), else
 * <name>.ts next to this module in source, <name>.mjs next to the bundle.
 */
export function workerFile(name: WorkerName, dir?: URL): URL {
  if (dir) {
    const base = dir.href.endsWith('/') ? dir : new URL(`${dir.href}/`);
    const ts = new URL(`./${name}.ts`, base);
    return ts.protocol === 'file:' && existsSync(fileURLToPath(ts)) ? ts : new URL(`./${name}.mjs`, base);
  }
  const src = new URL(`./${name}.ts`, import.meta.url);
  if (src.protocol === 'file:' && existsSync(fileURLToPath(src))) return src;
  return new URL(`./${name}.mjs`, import.meta.url);
}

/** The same worker family's sibling: a worker starts its helpers from its own folder. */
export function siblingWorker(name: WorkerName, self: string): URL {
  return new URL(`./${name}${self.endsWith('.ts') ? '.ts' : '.mjs'}`, self);
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
