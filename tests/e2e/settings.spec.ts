// The Settings screen in browser mode: a damaged settings file is reported above every screen
// (kept, with where it went), the screen shows the defaults Haul runs on, and the desktop-only
// options say why they are off. Saves the screenshots settings-*.png (shotPath).
import { expect, test } from '@playwright/test';
import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStation, type Station, shotPath } from './station';

let station: Station;

test.beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-settings-'));
  writeFileSync(path.join(dataDir, 'settings.json'), '{"version": 1, "general": {"keepTrackingWhen');
  station = await startStation(dataDir);
});
test.afterAll(async () => {
  await station?.dispose();
});

test('a damaged settings file: Haul says so on any screen, keeps the file, and runs on defaults', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(station.url);
  const notice = page.getByTestId('settings-recovered');
  await expect(notice).toContainText('Your settings were reset');
  await expect(notice).toContainText('not valid JSON (cut short or damaged)');
  const aside = readdirSync(station.dataDir).find((f) => f.startsWith('settings.corrupt-'));
  expect(aside).toBeDefined();
  await expect(notice).toContainText(path.join(station.dataDir, aside!));

  await notice.getByRole('link', { name: 'Check your settings.' }).click();
  await expect(page).toHaveURL(/#\/settings$/);
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
  const keep = page.getByTestId('setting-keep-tracking');
  await expect(keep).toBeChecked();
  await expect(keep).toBeDisabled();
  await expect(page.getByTestId('settings-section-general')).toContainText('These apply to the desktop app');
  // Browser mode keeps secrets with a key file, and says that it is weaker than the keychain.
  await expect(page.getByTestId('secrets-note')).toContainText(
    `a key kept in ${path.join(station.dataDir, 'secrets.key')}, readable only by you`,
  );
  await expect(page.getByTestId('secrets-note')).toContainText("weaker than the operating system's keychain");
  await expect(page.getByText(`Settings file: ${path.join(station.dataDir, 'settings.json')}`)).toBeVisible();

  for (const [w, h] of [
    [1024, 700],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: shotPath(`settings-${w}x${h}.png`) });
  }
  await notice.getByRole('button', { name: 'Close' }).click();
  await expect(notice).toHaveCount(0);

  // The connection: the sandbox by default (ready once the service is), Azure offers both sign-ins.
  await expect(page.getByTestId('connection-label')).toHaveText('Local sandbox');
  await expect(page.getByTestId('connection-state')).toHaveText('connected', { timeout: 45_000 });
  await page.getByRole('radio', { name: 'Azure' }).check();
  await expect(page.getByTestId('sign-in-browser')).toBeVisible();
  await expect(page.getByTestId('sign-in-code')).toBeVisible();
  await page.getByTestId('settings-section-connection').scrollIntoViewIfNeeded();
  for (const [w, h] of [
    [1024, 700],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page
      .getByTestId('settings-section-connection')
      .screenshot({ path: shotPath(`settings-connection-${w}x${h}.png`) });
  }
  expect(errors).toEqual([]);
});
