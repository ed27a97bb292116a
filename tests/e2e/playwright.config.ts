import { defineConfig } from '@playwright/test';
import { fileURLToPath } from 'node:url';

// Debian's Chromium (Playwright cannot download its own browsers here). Flags: no sandbox as root,
// and no background networking, which this closed network would refuse over and over.
export const chromiumLaunch = {
  executablePath: process.env.HAUL_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

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
