import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, chromiumPath } from '../tools/chromium.mjs';

// The Chromium of tests/tools/chromium.mjs: HAUL_CHROMIUM, else Debian's, else Playwright's own
// (npm test installs that one where Debian's is missing).
export const chromiumLaunch = { executablePath: chromiumPath(), args: CHROMIUM_ARGS };

export default defineConfig({
  outputDir: fileURLToPath(new URL('../../test-results', import.meta.url)),
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: process.env.HAUL_PW_REPORTER
    ? [['list'], ['json', { outputFile: process.env.HAUL_PW_REPORTER }]]
    : [['list']],
  projects: [
    {
      name: 'browser-mode',
      testDir: fileURLToPath(new URL('.', import.meta.url)),
      use: { browserName: 'chromium', launchOptions: chromiumLaunch, viewport: { width: 1280, height: 720 } },
    },
    {
      name: 'electron',
      testDir: fileURLToPath(new URL('../electron', import.meta.url)),
    },
  ],
  globalSetup: fileURLToPath(new URL('./global-setup.ts', import.meta.url)),
});
