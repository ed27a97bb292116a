// Starting the prep workers both from source (tsx, vitest: .ts files need tsx's loader inside
// the worker) and from the esbuild bundle (out/cli/prepWorker.mjs next to haul.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The copy worker's file: copyWorker.ts next to this module in source, prepWorker.mjs in the bundle. */
export function copyWorkerUrl(): URL {
  const src = new URL('./copyWorker.ts', import.meta.url);
  if (src.protocol === 'file:' && existsSync(fileURLToPath(src))) return src;
  return new URL('./prepWorker.mjs', import.meta.url);
}

export function startWorker(url: URL, workerData: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  // From source: register tsx's loader inside the worker, then load the module.
  const apiCjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const apiEsm = pathToFileURL(apiCjs.replace(/index\.cjs$/, 'index.mjs')).href;
  const boot = `import { register } from ${JSON.stringify(apiEsm)}; register(); await import(${JSON.stringify(url.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData, execArgv: [] });
}
