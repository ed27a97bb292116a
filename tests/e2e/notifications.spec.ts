// Browser mode, end to end: a job created outside the app (the official SDK) and moved by the
// operators (`haul ops`) is followed by the tracker on its own station; its notices appear in the
// centre without a reload, and one opens the job. Screenshots of the bell and the panel.
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStation, stationService, type Station, type StationService, shotPath } from './station';
import { bytes, prepareDrive, RETURN_ADDRESS, DELIVERY } from '../service/helpers';
import { expectCustomerWords } from './words';

let station: Station;
let svc: StationService;
let work: string;

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-notices-'));
  // Its own station, polling every second instead of every 15 s to 30 min.
  process.env.HAUL_TRACKER_POLL_MS = '1000';
  try {
    station = await startStation();
  } finally {
    delete process.env.HAUL_TRACKER_POLL_MS;
  }
  svc = await stationService(station.dataDir);
});
test.afterAll(async () => {
  await station?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openCentre(page: Page) {
  const centre = page.getByTestId('notification-centre');
  if (!(await centre.isVisible())) await page.getByTestId('notification-bell').click();
  await expect(centre).toBeVisible();
  return centre;
}

test('a job made with the SDK and moved by haul ops: the notices come in without a reload and open the job', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(station.url);
  await expect(page.getByTestId('notification-bell')).toBeVisible();
  let loads = 0;
  page.on('load', () => loads++);

  const drivePath = path.join(work, 'NOTIFY1');
  const manifestHash = await prepareDrive(drivePath, 'NOTIFY1', [
    { blobPath: 'notify/a.bin', data: bytes(200_000, 3) },
  ]);
  const rg = svc.connection.resourceGroup;
  await svc.client.jobs.create('e2e-notices', rg, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${svc.connection.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      diagnosticsPath: 'waimportexport',
      driveList: [
        {
          driveId: 'NOTIFY1',
          manifestHash,
          bitLockerKey: '000000-111111-222222-333333-444444-555555-666666-777777',
          manifestFile: '\\DriveManifest.xml',
        },
      ],
    },
  });

  // It shows up: the tracker follows it (first sight says nothing).
  const centre = await openCentre(page);
  await expect(centre.getByTestId('tracker-status')).toHaveText(/Updated .* · 1 job followed/, { timeout: 30_000 });

  await svc.client.jobs.update('e2e-notices', rg, { state: 'Shipping', deliveryPackage: DELIVERY });
  await expect(centre.getByTestId('notice').first()).toContainText('Job e2e-notices is Shipping', { timeout: 20_000 });

  await svc.ops('package-arrived', '--job', 'e2e-notices', '--drive', `NOTIFY1=${drivePath}`);
  await expect(centre.getByTestId('notice').first()).toContainText(
    'Job e2e-notices: the data center received your drives',
    { timeout: 20_000 },
  );
  await svc.ops('start-drive', '--job', 'e2e-notices', '--drive-id', 'NOTIFY1');
  await expect(
    centre.getByTestId('notice').filter({ hasText: 'Job e2e-notices: drives processed, being packed' }),
  ).toHaveCount(1, { timeout: 20_000 });
  await svc.ops('ship-back', '--job', 'e2e-notices', '--carrier', 'FedEx', '--tracking', 'RET-E2E');
  await expect(centre.getByTestId('notice').first()).toContainText('Job e2e-notices is Completed', { timeout: 20_000 });

  // Every step once, newest first, all unread; the bell counts them.
  const titles = (await centre.getByTestId('notice').locator('span > :first-child').allTextContents()).reverse();
  expect(titles).toEqual([
    'Job e2e-notices is Shipping',
    'Drive NOTIFY1 of job e2e-notices was received',
    'Job e2e-notices: the data center received your drives',
    'Drive NOTIFY1 of job e2e-notices: copy started',
    'Job e2e-notices: copying data',
    'Drive NOTIFY1 of job e2e-notices copied without errors',
    'Job e2e-notices: drives processed, being packed',
    'Job e2e-notices: all data copied (100%)',
    'Drive NOTIFY1 of job e2e-notices shipped back',
    'Job e2e-notices is Completed',
  ]);
  await expect(page.getByTestId('unread-count')).toHaveText('10');
  expect(loads).toBe(0); // no reload

  await expectCustomerWords(page, 'notification centre');
  await page.screenshot({ path: shotPath('notifications.png') });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shotPath('notifications-1440.png') });
  await centre.getByRole('tab', { name: 'Settings' }).click();
  await expect(centre.getByRole('switch', { name: /A drive finished with errors/ })).toBeChecked();
  await page.screenshot({ path: shotPath('notifications-settings-1440.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: shotPath('notifications-settings.png') });
  await centre.getByRole('tab', { name: /Notifications/ }).click();

  // Clicking one marks it read and opens its job.
  await centre.getByTestId('notice').filter({ hasText: 'is Completed' }).click();
  await expect(page).toHaveURL(/#\/jobs\/e2e-notices$/);
  await expect(page.getByTestId('unread-count')).toHaveText('9');

  // Kept in the data folder: after a reload the centre shows the same, read marks included.
  await page.reload();
  const again = await openCentre(page);
  await expect(again.getByTestId('notice')).toHaveCount(10);
  await expect(again.locator('[data-unread="true"]')).toHaveCount(9);
  expect(errors).toEqual([]);
});
