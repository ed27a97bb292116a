// The built `haul` CLI (out/cli/, main/build.mjs) loads what the command run needs and no more: a
// fresh `haul prep` compiles the code it reaches before it does anything, so browser mode, the local
// service and the Azure SDKs in its way would cost every run's start. What a command loads is
// recorded by a module hook in the real process and named by the bundles' source maps.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKERS } from '../../main/core/prep/threads/workerBoot';
import { OUT, assertFreshBuild } from './built';

const CLI_DIR = path.join(OUT, 'cli');
// the checkout the build came from: source map paths are relative to it
const CHECKOUT = path.dirname(OUT);

/** The sources (relative to the checkout, as in `service/server.ts`) a built file of out/cli/ holds. */
function sourcesOf(file: string): string[] {
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  return map.sources.map((s) =>
    path
      .relative(CHECKOUT, path.resolve(path.dirname(file), s))
      .split(path.sep)
      .join('/'),
  );
}

/** Runs `node out/cli/haul.mjs ...args`; the files of out/cli/ it loaded, and the sources in them. */
function loadedBy(args: string[]): { status: number | null; stdout: string; files: string[]; sources: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-cli-load-'));
  try {
    const log = path.join(dir, 'loaded.txt');
    const hooks =
      "import { appendFileSync } from 'node:fs';" +
      `export async function load(url, context, next) { if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }`;
    const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`;
    const r = spawnSync(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(register)}`, path.join(CLI_DIR, 'haul.mjs'), ...args],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((url) => fileURLToPath(url));
    const sources = [...new Set(files.filter((f) => f.startsWith(CLI_DIR + path.sep)).flatMap(sourcesOf))];
    return { status: r.status, stdout: r.stdout, files, sources };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Code `haul prep` never runs: the local service, the Azure SDKs, browser mode and its bridge. */
const notForPrep = (s: string) =>
  s.startsWith('service/') ||
  s.includes('node_modules/@azure/') ||
  s === 'main/cli/serve.ts' ||
  s.startsWith('main/core/bridge/');

describe('the built haul CLI', () => {
  it('`haul prep --help` loads prep and the engine, but not the local service, the Azure SDKs or browser mode', () => {
    assertFreshBuild();
    const r = loadedBy(['prep', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}haul prep --journal J/);
    expect(r.sources).toContain('main/cli/prep.ts');
    expect(r.sources).toContain('main/core/prep/engine/session.ts');
    expect(r.sources.filter(notForPrep)).toEqual([]);
  });

  it('`haul service --help` loads the local service and the Azure SDK: the check above sees what a command loads', () => {
    assertFreshBuild();
    const r = loadedBy(['service', '--help']);
    expect(r.status).toBe(0);
    expect(r.sources.filter((s) => s.startsWith('service/')).length).toBeGreaterThan(0);
    expect(r.sources.filter((s) => s.includes('node_modules/@azure/')).length).toBeGreaterThan(0);
  });

  it('every prep worker is one file that carries none of zod’s translations but English', () => {
    assertFreshBuild();
    for (const w of WORKERS) {
      const file = path.join(CLI_DIR, `${w}.mjs`);
      // a worker thread compiles what it loads itself: no chunk to load besides its own file
      expect(readFileSync(file, 'utf8'), w).not.toMatch(/^import\s[^;]*["']\.\.?\//m);
      const locales = sourcesOf(file).filter((s) => s.includes('node_modules/zod/v4/locales/'));
      expect(
        locales.filter((s) => !s.endsWith('/en.js')),
        w,
      ).toEqual([]);
    }
  });

  it('the workers that copy, hash, flush and verify carry no zod and no XML parser', () => {
    assertFreshBuild();
    for (const w of WORKERS.filter((name) => name !== 'manifestWorker')) {
      const heavy = sourcesOf(path.join(CLI_DIR, `${w}.mjs`)).filter((s) =>
        /node_modules\/(zod|fast-xml-parser|csv-parse)\//.test(s),
      );
      expect(heavy, w).toEqual([]);
    }
  });
});
