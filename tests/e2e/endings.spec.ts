// The end of a job, end to end in browser mode: the endings a customer must be able to trust —
// a file that failed its MD5 (D7, J11), a drive that never arrived (D4, J11), a job cancelled
// while Shipping (J14) — each made with the official SDK and played by `haul ops`, then read on
// the job page, its row in the Jobs list, the drive table, the log viewer and the bell. The same
// verdict everywhere; never a green "Completed 100 %", never "Nothing left to do" while files are
// missing. Screenshots of each ending's page, the list and the bell (1440×900 and 1024×700).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shotPath, startStation, stationService, type Station, type StationService } from './station';
import { bytes, md5, writeDrive } from '../service/datacenter/helpers';

const STEP = { timeout: 20_000 };
const RETURN_ADDRESS = {
  recipientName: 'Ada Example',
  streetAddress1: '1 Test Street',
  city: 'Sampleton',
  stateOrProvince: 'SP',
  postalCode: '12345',
  countryOrRegion: 'Sandboxia',
  phone: '+00 555 0100',
  email: 'ada@example.com',
};
const DELIVERY = { carrierName: 'FedEx', trackingNumber: '1Z-END-0001', driveCount: 2, shipDate: '2026-12-01' };

let station: Station;
let svc: StationService;
let drives: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  drives = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-endings-'));
  // Its own station, its tracker polling every second (the notices come without waiting minutes).
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
  if (drives) rmSync(drives, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  for (const [w, h, suffix] of [
    [1440, 900, ''],
    [1024, 700, '-1024'],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(200);
    await page.screenshot({ path: shotPath(`${name}${suffix}.png`) });
  }
  // The whole page too, in a tall window (the app scrolls inside its own pane): what lies below
  // the fold — the drive table, the diagrams' legends. For looking at, never for the README.
  if (process.env.HAUL_SCREENSHOTS !== 'docs') {
    await page.setViewportSize({ width: 1440, height: 2400 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: shotPath(`${name}-full.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** A prepared drive: good.bin (6,000 bytes) and photo.bin (9,000 bytes); `corrupt` damages photo.bin after its MD5 went into the manifest. */
async function drive(id: string, corrupt = false): Promise<{ driveId: string; manifestHash: string; dir: string }> {
  const dir = path.join(drives, id);
  const xml = await writeDrive(dir, id, [
    { blobPath: `${id.toLowerCase()}/good.bin`, data: bytes(6000, 7) },
    { blobPath: `${id.toLowerCase()}/photo.bin`, data: bytes(9000, 11) },
  ]);
  if (corrupt) {
    const file = path.join(dir, 's1', id.toLowerCase(), 'photo.bin');
    const b = Buffer.from(readFileSync(file));
    b[100] = (b[100] ?? 0) ^ 0xff;
    writeFileSync(file, b);
  }
  return { driveId: id, manifestHash: md5(xml), dir };
}

/** Creates the job with the official SDK and sets it to Shipping, as a script or the portal would. */
async function sdkJob(name: string, list: Array<{ driveId: string; manifestHash: string }>): Promise<void> {
  const { subscriptionId, resourceGroup } = svc.connection;
  await svc.client.jobs.create(name, resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      logLevel: 'Error',
      driveList: list.map((d) => ({
        ...d,
        bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
        manifestFile: '\\DriveManifest.xml',
      })),
    },
  });
  await svc.client.jobs.update(name, resourceGroup, { state: 'Shipping', deliveryPackage: DELIVERY });
}

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(station.url);
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

/**
 * The customer opens the job while it is Shipping (the app follows a job from its first look), so
 * its ending is a change Haul sees and tells, not a first sighting of a job already over.
 */
async function followFromShipping(page: Page, job: string): Promise<void> {
  await open(page, `#/jobs/${job}`);
  await expect(detail(page)).toHaveAttribute('data-state', 'Shipping', STEP);
}

const detail = (page: Page) => page.getByTestId('job-detail');
const header = (page: Page) => detail(page).getByTestId('verdict').first();
const driveRow = (page: Page, id: string) => page.getByTestId('job-drive-row').filter({ hasText: id });
const listRow = (page: Page, name: string) => page.getByTestId('job-row').filter({ hasText: name });

async function centre(page: Page): Promise<Locator> {
  const c = page.getByTestId('notification-centre');
  if (!(await c.isVisible())) await page.getByTestId('notification-bell').click();
  await expect(c).toBeVisible();
  return c;
}

async function noticeTitles(c: Locator, job: string): Promise<string[]> {
  const all = await c.getByTestId('notice').locator('span > :first-child').allTextContents();
  return all.filter((t) => t.includes(` ${job}`)).reverse();
}

test('D7/J11: a file that failed its MD5 — imported with errors, 40 % copied, what to do next; the same on the row, the drive table, the log and the bell', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const bad = await drive('ENDMD5A1', true);
  await sdkJob('end-md5', [bad]);
  await followFromShipping(page, 'end-md5');
  await svc.ops('package-arrived', '--job', 'end-md5', '--drive', `ENDMD5A1=${bad.dir}`);
  await svc.ops('start-drive', '--job', 'end-md5', '--drive-id', 'ENDMD5A1');
  await svc.ops('ship-back', '--job', 'end-md5', '--carrier', 'FedEx', '--tracking', 'RET-MD5');

  await expect(detail(page)).toHaveAttribute('data-state', 'Closed', { timeout: 45_000 });
  // 6,000 of the manifest's 15,000 bytes were imported: photo.bin (9,000 bytes) failed its MD5.
  await expect(header(page)).toHaveText('Imported with errors', STEP);
  await expect(header(page)).toHaveAttribute('data-verdict', 'importedWithErrors');
  await expect(page.getByTestId('detail-percent')).toHaveText('40 %');
  await expect(page.getByTestId('verdict-headline')).toContainText(
    '1 file (9.00 kB) of drive ENDMD5A1 was not imported',
  );
  await expect(page.getByTestId('next-step')).toHaveText(
    'Send the 1 file not imported again: the error log of drive ENDMD5A1 names them',
  );
  await expect(page.getByTestId('next-step-who')).toHaveText('Your turn');
  await expect(page.getByTestId('verdict-why')).toContainText('rule J11');
  // The drive is ShippedBack: the banner still says what the copy left behind.
  await expect(page.getByTestId('job-alert').filter({ hasText: 'Drive ENDMD5A1: imported with errors' })).toBeVisible();
  const row = driveRow(page, 'ENDMD5A1');
  await expect(row).toHaveAttribute('data-state', 'ShippedBack');
  await expect(row).toHaveAttribute('data-verdict', 'importedWithErrors');
  await expect(row.getByTestId('drive-percent')).toHaveText('40 %');
  await expect(row.getByTestId('drive-bytes')).toHaveText('6.00 kBof 15.0 kB');
  await expect(page.getByTestId('diagram-outcome').first()).toHaveText('Closed: Imported with errors');
  await shot(page, 'ending-md5');

  // The log viewer: the failed file wears "Not imported", with its reason, not a status code.
  await row.getByTestId('error-log-link').click();
  const failed = page.getByTestId('log-row').filter({ hasText: 'endmd5a1/photo.bin' });
  await expect(failed.getByTestId('log-row-outcome')).toHaveText('Not imported', STEP);
  await expect(failed).toContainText('Md5Mismatch');
  await expect(page.getByTestId('log-status')).toHaveText('1 file not imported');
  await shot(page, 'ending-md5-log');

  // The list says the same.
  await page.evaluate("location.hash = '#/jobs'");
  const r = listRow(page, 'end-md5');
  await expect(r.getByTestId('verdict')).toHaveText('Imported with errors', STEP);
  await expect(r.getByTestId('job-percent')).toHaveText('40 %');
  await expect(r).toContainText('Send the 1 file not imported again');

  // And the bell: no "all data copied (100%)", the Closed notice says what was not imported.
  const c = await centre(page);
  await expect(c.getByTestId('notice').filter({ hasText: 'Job end-md5 is Closed: imported with errors' })).toHaveCount(
    1,
    STEP,
  );
  const titles = await noticeTitles(c, 'end-md5');
  expect(titles.some((t) => /all data copied/.test(t))).toBe(false);
  await expect(
    c.getByTestId('notice').filter({ hasText: 'Job end-md5 is Closed: imported with errors' }),
  ).toContainText('was not imported');
});

test('D4/J11: a drive that never arrived — partly imported, "Never arrived" in the drive table, the D4 notice in the bell, no "Nothing left to do"', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const here = await drive('ENDHERE1');
  const lost = await drive('ENDLOST1');
  await sdkJob('end-lost', [here, lost]);
  await followFromShipping(page, 'end-lost');
  await svc.ops('package-arrived', '--job', 'end-lost', '--drive', `ENDHERE1=${here.dir}`);
  await svc.ops('start-drive', '--job', 'end-lost', '--drive-id', 'ENDHERE1');
  await svc.ops('ship-back', '--job', 'end-lost', '--carrier', 'FedEx', '--tracking', 'RET-LOST');

  await expect(detail(page)).toHaveAttribute('data-state', 'Closed', { timeout: 45_000 });
  await expect(header(page)).toHaveText('Partly imported', STEP);
  await expect(page.getByTestId('detail-percent')).toHaveText('1 of 2 drives imported');
  await expect(page.getByTestId('verdict-headline')).toHaveText(
    '1 drive of 2 was not imported (ENDLOST1: never arrived); every file of drive ENDHERE1 was imported.',
  );
  await expect(page.getByTestId('next-step')).toHaveText('Send the files of drive ENDLOST1 again, in a new job');
  await expect(page.getByTestId('next-step-who')).not.toHaveText('Nothing left to do');
  await expect(page.getByTestId('verdict-why')).toContainText('rule D4');
  await expect(driveRow(page, 'ENDLOST1')).toHaveAttribute('data-verdict', 'notImported');
  await expect(driveRow(page, 'ENDLOST1').getByTestId('drive-verdict')).toHaveText('Never arrived');
  await expect(driveRow(page, 'ENDLOST1').getByTestId('drive-percent')).toHaveText('Never arrived');
  await expect(driveRow(page, 'ENDHERE1').getByTestId('drive-verdict')).toHaveText('Imported');
  await expect(driveRow(page, 'ENDHERE1').getByTestId('drive-percent')).toHaveText('100 %');
  await shot(page, 'ending-never-received');

  await page.evaluate("location.hash = '#/jobs'");
  const r = listRow(page, 'end-lost');
  await expect(r.getByTestId('verdict')).toHaveText('Partly imported', STEP);
  await expect(r).toContainText('1 of 2 drives imported');
  await expect(r).toContainText('Send the files of drive ENDLOST1 again');

  const c = await centre(page);
  await expect(c.getByTestId('notice').filter({ hasText: 'Job end-lost is Closed: partly imported' })).toHaveCount(
    1,
    STEP,
  );
  const titles = await noticeTitles(c, 'end-lost');
  expect(titles).toContain('Drive ENDLOST1 of job end-lost never arrived');
  expect(titles.filter((t) => t === 'Drive ENDLOST1 of job end-lost never arrived')).toHaveLength(1);
  expect(titles.some((t) => /all data copied/.test(t))).toBe(false);
  await shot(page, 'ending-bell');
});

test('J14: a job cancelled while Shipping — the copy skipped, it reads "Cancelled", "Not copied", never a green "Completed 100 %"', async ({
  page,
}) => {
  test.setTimeout(150_000);
  const d = await drive('ENDCANCEL1');
  await sdkJob('end-cancel', [d]);
  await open(page, '#/jobs/end-cancel');
  await expect(detail(page)).toHaveAttribute('data-state', 'Shipping', { timeout: 45_000 });
  // The customer cancels in Haul (J13: allowed while Shipping).
  await page.getByTestId('action-cancel').click();
  await page.getByRole('alertdialog').getByTestId('confirm').click();
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
  await expect(header(page)).toHaveText('Cancelled', STEP);

  await svc.ops('package-arrived', '--job', 'end-cancel', '--drive', `ENDCANCEL1=${d.dir}`);
  await svc.ops('ship-back', '--job', 'end-cancel', '--carrier', 'FedEx', '--tracking', 'RET-CANCEL');
  await expect(detail(page)).toHaveAttribute('data-state', 'Completed', STEP);
  await expect(header(page)).toHaveText('Cancelled');
  await expect(header(page)).toHaveAttribute('data-verdict', 'cancelled');
  await expect(page.getByTestId('detail-percent')).toHaveText('Not copied');
  await expect(page.getByTestId('verdict-headline')).toHaveText(
    'Cancelled: nothing was imported. Drives that reached the data center were shipped back uncopied.',
  );
  await expect(page.getByTestId('verdict-why')).toContainText('rule J14');
  await expect(driveRow(page, 'ENDCANCEL1').getByTestId('drive-verdict')).toHaveText('Not copied');
  await shot(page, 'ending-cancelled');

  await page.evaluate("location.hash = '#/jobs'");
  const r = listRow(page, 'end-cancel');
  await expect(r.getByTestId('verdict')).toHaveText('Cancelled', STEP);
  await expect(r.getByTestId('job-percent')).toHaveCount(0);
  await expect(r).toContainText('Not copied');
  await shot(page, 'ending-list');

  const c = await centre(page);
  const done = c.getByTestId('notice').filter({ hasText: 'Job end-cancel is Completed (cancelled)' });
  await expect(done).toHaveCount(1, STEP);
  await expect(done).toContainText('Nothing was imported');
});
