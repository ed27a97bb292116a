// The one place that says which Chromium drives the app in tests, screenshots and tools: the path in
// HAUL_CHROMIUM when set, else Debian's (/usr/bin/chromium, which .ci/run installs), else
// Playwright's own. `npm test` calls ensureChromium() before the end-to-end tests, so a fresh
// machine without Debian's Chromium gets Playwright's, installed with Playwright's installer.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * How Haul starts Chromium: no sandbox (tests run as root), no GPU, and no background networking,
 * which a closed network refuses over and over.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where Playwright keeps its own Chromium for the installed Playwright version (installed or not). */
export function playwrightChromium() {
  const { chromium } = createRequire(import.meta.url)('@playwright/test');
  return chromium.executablePath();
}

/**
 * The Chromium to use, without installing anything: `HAUL_CHROMIUM`, else Debian's where it
 * exists, else Playwright's own.
 * @param {{ env?: NodeJS.ProcessEnv, debian?: string, playwright?: () => string }} [where]
 * @returns {{ path: string, kind: 'env' | 'debian' | 'playwright' }}
 */
export function chooseChromium(where = {}) {
  const env = where.env ?? process.env;
  const debian = where.debian ?? DEBIAN_CHROMIUM;
  if (env.HAUL_CHROMIUM) return { path: env.HAUL_CHROMIUM, kind: 'env' };
  if (existsSync(debian)) return { path: debian, kind: 'debian' };
  return { path: (where.playwright ?? playwrightChromium)(), kind: 'playwright' };
}

/** The path alone, for Playwright's launch options. */
export function chromiumPath() {
  return chooseChromium().path;
}

/** Runs Playwright's installer for its Chromium (with the system libraries it needs, as root where apt-get is). */
function playwrightInstall() {
  const withDeps =
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const args = ['install', ...(withDeps ? ['--with-deps'] : []), '--no-shell', 'chromium'];
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0)
    throw new Error(
      `Playwright's installer could not install its Chromium (exit ${r.status ?? r.error?.message}). ` +
        `Install Debian's instead (apt-get install chromium) or set HAUL_CHROMIUM to a Chromium you have, then run npm test again.`,
    );
}

/**
 * The Chromium to use, installed: where neither HAUL_CHROMIUM nor Debian's is there and
 * Playwright's own is missing, installs Playwright's with its installer and says so on `log`.
 * @param {{ env?: NodeJS.ProcessEnv, debian?: string, playwright?: () => string, install?: () => void, log?: (line: string) => void }} [options]
 * @returns {{ path: string, kind: 'env' | 'debian' | 'playwright', installed: boolean }}
 */
export function ensureChromium(options = {}) {
  const chosen = chooseChromium(options);
  if (chosen.kind !== 'playwright' || existsSync(chosen.path)) return { ...chosen, installed: false };
  const log = options.log ?? console.log;
  log(
    `chromium: ${options.debian ?? DEBIAN_CHROMIUM} is missing, so the tests use Playwright's own Chromium; installing it with Playwright's installer (npx playwright install chromium).`,
  );
  (options.install ?? playwrightInstall)();
  if (!existsSync(chosen.path))
    throw new Error(`Playwright's installer finished, but its Chromium is not at ${chosen.path}.`);
  return { ...chosen, installed: true };
}
