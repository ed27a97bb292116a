// Where the built bundles are, and a refusal to test a stale or missing build: this phase runs
// after `node main/build.mjs` in `npm test`; run alone, build first. HAUL_OUT_DIR points the
// tests at another build (used to prove the load check fails on an old bundle).
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = process.env.HAUL_OUT_DIR ? path.resolve(process.env.HAUL_OUT_DIR) : path.join(ROOT, 'out');
export const MAIN_BUNDLE = path.join(OUT, 'main', 'index.cjs');
export const PRELOAD_BUNDLE = path.join(OUT, 'preload', 'index.cjs');
export const RENDERER_HTML = path.join(OUT, 'renderer', 'index.html');

function newestSource(dir: string): { file: string; mtimeMs: number } {
  let best = { file: '', mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|tsx|mjs)$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath, entry.name);
    const { mtimeMs } = statSync(file);
    if (mtimeMs > best.mtimeMs) best = { file, mtimeMs };
  }
  return best;
}

/** Throws (the test fails, never skips) when the bundles are missing or older than their sources. */
export function assertFreshBuild(): void {
  for (const file of [MAIN_BUNDLE, PRELOAD_BUNDLE, RENDERER_HTML]) {
    if (!existsSync(file))
      throw new Error(`${path.relative(ROOT, file)} is missing: run "node main/build.mjs" first (npm test does).`);
  }
  if (process.env.HAUL_OUT_DIR) return;
  const built = statSync(MAIN_BUNDLE).mtimeMs;
  for (const dir of ['main/electron', 'main/core', 'shared']) {
    const newest = newestSource(path.join(ROOT, dir));
    if (newest.mtimeMs > built + 1000) {
      throw new Error(
        `out/ is older than ${path.relative(ROOT, newest.file)}: run "node main/build.mjs" first (npm test does).`,
      );
    }
  }
}
