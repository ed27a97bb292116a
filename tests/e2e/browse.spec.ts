// The folder browser in browser mode reaches only the folders `haul serve` was started with (the
// station allows home and the temp folder): those are its places, /proc is refused in words that
// say how to allow a folder. Photographed at 1024×700 and 1440×900 (shotPath).
import { expect, test, type Page } from '@playwright/test';
import os from 'node:os';
import { shotPath } from './station';

const url = () => {
  const u = process.env.HAUL_URL;
  if (!u) throw new Error('HAUL_URL is not set: the global setup did not start haul serve');
  return u;
};

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: shotPath(`${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shotPath(`${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
}

test('the folder browser offers only the allowed folders, and refuses /proc saying how to allow a folder', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(url());
  await page.getByTestId('new-job').click();
  await page.getByRole('radio', { name: /^Import:/ }).check();
  await page.getByRole('textbox', { name: /^Storage account/ }).fill('haulsandbox');
  await page.getByRole('textbox', { name: /^Job name/ }).fill('browse-test');
  await page.getByRole('combobox', { name: /^Data center/ }).click();
  await page.getByRole('option', { name: /^Sandbox West/ }).click();
  await page.getByTestId('wizard-next').click();
  await page.getByRole('button', { name: 'Browse…' }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('browse-path')).toHaveValue(os.homedir());
  // The places are the allowed folders, nothing else (no "/", no media folder not allowed).
  for (const place of [os.homedir(), os.tmpdir()])
    await expect(dialog.getByRole('button', { name: place, exact: true })).toBeVisible();
  await expect(dialog.getByRole('button', { name: '/', exact: true })).toHaveCount(0);
  await shoot(page, 'browse-allowed-folders');

  await dialog.getByTestId('browse-path').fill('/proc');
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog).toContainText('/proc is outside them');
  await expect(dialog).toContainText('haul serve --allow-dir "/proc"');
  await expect(dialog.getByText(/^\d+$/)).toHaveCount(0);
  await shoot(page, 'browse-outside-refused');
});
