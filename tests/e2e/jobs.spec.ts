// Jobs in the app, end to end in browser mode: a station of its own (haul serve with its local
// service), jobs made with the official SDK as any other tool would, the data center played with
// `haul ops`, and the screens followed without a reload. Saves a screenshot of every screen to
// the screenshots folder (shotPath: 1440×900, and -1024 at 1024×700).
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shotPath, startStation, stationService, type Station, type StationService } from './station';
import { bytes, md5, writeDrive } from '../service/datacenter/helpers';
import { expectCustomerWords } from './words';

// Each step is seen by the page's own polling (every 3 s while a job is shown), not by a reload.
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

let station: Station;
let svc: StationService;
let drives: string;

async function shot(page: Page, name: string): Promise<void> {
  await expectCustomerWords(page, name);
  for (const [w, h, suffix] of [
    [1440, 900, ''],
    [1024, 700, '-1024'],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(150);
    await page.screenshot({ path: shotPath(`${name}${suffix}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function sdkJob(
  name: string,
  driveList: Array<{ driveId: string; manifestHash: string }>,
  withReturnAddress = true,
): Promise<void> {
  const { subscriptionId, resourceGroup } = svc.connection;
  await svc.client.jobs.create(name, resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Import',
      ...(withReturnAddress
        ? { returnAddress: RETURN_ADDRESS, returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' } }
        : {}),
      logLevel: 'Error',
      driveList: driveList.map((d) => ({
        ...d,
        bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
        manifestFile: '\\DriveManifest.xml',
      })),
    },
  });
}

/** A prepared drive in a folder; `corrupt` flips a byte of one file after its MD5 went into the manifest. */
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

/** Logs in with the token (a new page has no cookie yet), then goes to the screen. */
async function open(page: Page, hash: string): Promise<void> {
  await page.goto(station.url);
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

const jobState = (page: Page) => page.getByTestId('job-detail');
const diagramNode = (page: Page, kind: 'job' | 'drive', state: string) =>
  page.getByTestId(`diagram-${kind}`).locator(`[data-state="${state}"]`);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  drives = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-drives-'));
  station = await startStation();
  svc = await stationService(station.dataDir);
});

test.afterAll(async () => {
  await station?.dispose();
  if (drives) rmSync(drives, { recursive: true, force: true });
});

test('with no job yet, Jobs invites a first one and New job opens the wizard', async ({ page }) => {
  await page.goto(station.url);
  await expect(page.getByTestId('jobs-empty')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByTestId('status-online')).toHaveText('online');
  await shot(page, 'jobs-empty');
  await page.getByTestId('new-job').click();
  await expect(page).toHaveURL(/#\/new$/);
});

test('J1/D1: a job created with the official SDK appears in the list; its detail shows both diagrams with Creating lit and the drives Specified', async ({
  page,
}) => {
  const a = await drive('E2EGOOD1');
  const b = await drive('E2EGOOD2');
  await sdkJob('sdk-photos', [a, b]);
  await sdkJob('sdk-no-address', [{ driveId: 'E2ENOADDR1', manifestHash: '109B21108597EF36D5785F08303F3638' }], false);

  await page.goto(station.url);
  const row = page.getByTestId('job-row').filter({ hasText: 'sdk-photos' });
  await expect(row).toBeVisible({ timeout: 45_000 });
  await expect(row.getByTestId('state-badge')).toHaveText('Creating');
  await expect(row).toContainText('Ship the drives and enter the tracking number');
  await expect(page.getByTestId('jobs-count')).toHaveText('2 jobs');
  await shot(page, 'jobs-list');

  // Search and the state filter narrow the list; a search for nothing says so.
  await page.getByRole('searchbox').fill('e2enoaddr');
  await expect(page.getByTestId('job-row')).toHaveCount(1);
  await page.getByRole('searchbox').fill('nothing-like-this');
  await expect(page.getByText('No job matches')).toBeVisible();
  await page.getByRole('button', { name: 'Show all jobs' }).click();
  await expect(page.getByTestId('job-row')).toHaveCount(2);

  await row.getByTestId('job-link').click();
  await expect(page).toHaveURL(/#\/jobs\/sdk-photos$/);
  await expect(jobState(page)).toHaveAttribute('data-state', 'Creating');
  await expect(diagramNode(page, 'job', 'Creating')).toHaveAttribute('data-status', 'current');
  await expect(diagramNode(page, 'drive', 'Specified')).toHaveAttribute('data-status', 'current');
  await expect(page.getByTestId('diagram-job').getByRole('img')).toHaveAccessibleName('Job sdk-photos state');
  await expect(page.getByTestId('diagram-job').getByRole('img')).toHaveAccessibleDescription(
    /Job state now: Creating\./,
  );
  const driveRows = page.getByTestId('job-drive-row');
  await expect(driveRows).toHaveCount(2);
  for (const r of await driveRows.all()) await expect(r).toHaveAttribute('data-state', 'Specified');
  await expect(page.getByTestId('deadline').first()).toHaveAttribute('data-rule', 'J2');
  await shot(page, 'job-detail');
});

test('J5: a job without a return address cannot be shipped, and the button says why', async ({ page }) => {
  await open(page, '#/jobs/sdk-no-address');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Creating', { timeout: 45_000 });
  await expect(page.getByTestId('action-ship')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('action-ship-why')).toContainText('return address');
  await expect(page.getByTestId('action-ship-why')).toContainText('rule J5');
  await expect(page.getByTestId('next-step')).toHaveText('Enter the return address');
});

test('J5/J4: Ship stays disabled with the J5 reason while the tracking number is empty; the Ship form moves the job to Shipping', async ({
  page,
}) => {
  await open(page, '#/jobs/sdk-photos');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Creating', { timeout: 45_000 });
  await page.getByTestId('action-ship').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('ship-to')).toContainText('Job name: sdk-photos');
  await dialog.getByTestId('ship-carrier').selectOption('FedEx');
  await expect(dialog.getByTestId('ship-submit')).toHaveAttribute('aria-disabled', 'true');
  await expect(dialog.getByTestId('ship-why')).toContainText('tracking number');
  await expect(dialog.getByTestId('ship-why')).toContainText('rule J5');
  await shot(page, 'ship-dialog');
  // Typed values survive closing and reopening the dialog.
  await dialog.getByTestId('ship-tracking').fill('1Z-E2E-0001');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByTestId('action-ship').click();
  await expect(page.getByRole('dialog').getByTestId('ship-tracking')).toHaveValue('1Z-E2E-0001');
  await expect(page.getByRole('dialog').getByTestId('ship-submit')).not.toHaveAttribute('aria-disabled', 'true');
  await page.getByRole('dialog').getByTestId('ship-submit').click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(jobState(page)).toHaveAttribute('data-state', 'Shipping');
  await expect(diagramNode(page, 'job', 'Shipping')).toHaveAttribute('data-status', 'current');
  await expect(diagramNode(page, 'job', 'Creating')).toHaveAttribute('data-status', 'visited');
  await expect(page.getByTestId('timeline-entry').first()).toHaveAttribute('data-state', 'Shipping');
  await expect(page.getByTestId('action-cancel')).not.toHaveAttribute('aria-disabled', 'true');
});

test('J7-J10/J13: haul ops moves it through Received, Transferring and Packaging to Completed, each step showing without a reload; Cancel is disabled with the J13 reason from Received on', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const [a, b] = [path.join(drives, 'E2EGOOD1'), path.join(drives, 'E2EGOOD2')];
  await open(page, '#/jobs/sdk-photos');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Shipping', { timeout: 45_000 });

  await svc.ops('package-arrived', '--job', 'sdk-photos', '--drive', `E2EGOOD1=${a}`, '--drive', `E2EGOOD2=${b}`);
  await expect(jobState(page)).toHaveAttribute('data-state', 'Received', STEP);
  await expect(diagramNode(page, 'job', 'Received')).toHaveAttribute('data-status', 'current');
  await expect(page.getByTestId('action-cancel')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('action-cancel-why')).toContainText('rule J13');
  await expect(page.getByTestId('action-cancel-why')).toContainText('Received');
  await expect(diagramNode(page, 'job', 'Creating')).toHaveAttribute('data-status', 'visited');

  // One drive copied, the other waiting: the job is Transferring (J8).
  await svc.ops('start-drive', '--job', 'sdk-photos', '--drive-id', 'E2EGOOD1');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Transferring', STEP);
  await expect(page.getByTestId('action-cancel')).toHaveAttribute('aria-disabled', 'true');
  await expect(page.getByTestId('job-drive-row').filter({ hasText: 'E2EGOOD1' })).toHaveAttribute(
    'data-state',
    'Completed',
  );
  await shot(page, 'job-transferring');

  await svc.ops('start-drive', '--job', 'sdk-photos', '--drive-id', 'E2EGOOD2');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Packaging', STEP);
  await expect(page.getByTestId('detail-percent')).toHaveText('100 %');

  await svc.ops('ship-back', '--job', 'sdk-photos', '--carrier', 'FedEx', '--tracking', 'RET-E2E-1');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Completed', STEP);
  await expect(diagramNode(page, 'job', 'Completed')).toHaveAttribute('data-status', 'current');
  await expect(diagramNode(page, 'job', 'Closed')).toHaveAttribute('data-status', 'unreachable');
  await expect(diagramNode(page, 'drive', 'ShippedBack')).toHaveAttribute('data-status', 'current');
  for (const s of ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging'])
    await expect(diagramNode(page, 'job', s)).toHaveAttribute('data-status', 'visited');
  const states = await page
    .getByTestId('timeline-entry')
    .evaluateAll((els) =>
      els.filter((e) => e.getAttribute('data-subject') === 'job').map((e) => e.getAttribute('data-state')),
    );
  expect(states.reverse()).toEqual(['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed']);
  await shot(page, 'job-completed');

  // The list followed too.
  await page.getByRole('link', { name: 'All jobs' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: 'sdk-photos' }).getByTestId('state-badge')).toHaveText(
    'Completed',
  );
});

test('D7/G4: a corrupted drive ends CompletedMoreInfo, and the log viewer lists the failed blob', async ({ page }) => {
  test.setTimeout(120_000);
  const bad = await drive('E2EBAD1', true);
  await sdkJob('sdk-corrupt', [bad]);
  await open(page, '#/jobs/sdk-corrupt');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Creating', { timeout: 45_000 });
  await page.getByTestId('action-ship').click();
  await page.getByRole('dialog').getByTestId('ship-carrier').selectOption('DHL');
  await page.getByRole('dialog').getByTestId('ship-tracking').fill('DHL-E2E-2');
  await page.getByRole('dialog').getByTestId('ship-submit').click();
  await expect(jobState(page)).toHaveAttribute('data-state', 'Shipping');

  await svc.ops('package-arrived', '--job', 'sdk-corrupt', '--drive', `E2EBAD1=${bad.dir}`);
  await svc.ops('start-drive', '--job', 'sdk-corrupt', '--drive-id', 'E2EBAD1');
  const row = page.getByTestId('job-drive-row').filter({ hasText: 'E2EBAD1' });
  await expect(row).toHaveAttribute('data-state', 'CompletedMoreInfo', STEP);
  await expect(diagramNode(page, 'drive', 'CompletedMoreInfo')).toHaveAttribute('data-status', 'current');
  await expect(page.getByTestId('job-alert').filter({ hasText: 'Drive E2EBAD1: imported with errors' })).toBeVisible();

  await row.getByTestId('error-log-link').click();
  await expect(page).toHaveURL(/#\/jobs\/sdk-corrupt\/drives\/E2EBAD1\/log$/);
  const failed = page.getByTestId('log-row').filter({ hasText: 'e2ebad1/photo.bin' });
  await expect(failed).toBeVisible({ timeout: 20_000 });
  await expect(failed).toContainText('s1/e2ebad1/photo.bin');
  await expect(page.getByTestId('log-row').filter({ hasText: 'e2ebad1/good.bin' })).toHaveCount(0);
  await expect(page.getByTestId('log-status')).toHaveText('1 file not imported');
  await expect(page.getByTestId('log-status-code')).toHaveText('Status in the log: CompletedWithErrors');
  await shot(page, 'log-viewer');

  // Filtering by a status the failed row does not have hides it.
  const statuses = await page.getByTestId('log-status-filter').locator('option').allTextContents();
  expect(statuses.some((s) => /^all statuses/i.test(s))).toBe(true);
  await page.getByRole('searchbox').fill('no-such-blob');
  await expect(page.getByTestId('log-row')).toHaveCount(0);
});

test('Edit says it restarts the 14 days (J3) and keeps what was typed when the service refuses; BitLocker keys stay masked until revealed', async ({
  page,
}) => {
  await open(page, '#/jobs/sdk-no-address');
  await expect(jobState(page)).toHaveAttribute('data-state', 'Creating', { timeout: 45_000 });
  await page.getByTestId('action-edit').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('edit-j3')).toContainText('rules J3, J2');
  await dialog.getByTestId('edit-recipientName').fill('Grace Example');
  await dialog.getByTestId('edit-email').fill('not-an-email');
  await dialog.getByTestId('edit-submit').click();
  // Checked before sending: the field says what is wrong; nothing typed is lost.
  await expect(dialog.getByText(/email address/i).first()).toBeVisible();
  await expect(dialog.getByTestId('edit-recipientName')).toHaveValue('Grace Example');
  await shot(page, 'edit-dialog');
  for (const [k, v] of Object.entries({
    streetAddress1: '2 Test Road',
    city: 'Sampleton',
    postalCode: '12345',
    countryOrRegion: 'Sandboxia',
    phone: '+00 555 0101',
    email: 'grace@example.com',
  }))
    await dialog.getByTestId(`edit-${k}`).fill(v);
  await dialog.getByTestId('edit-submit').click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByTestId('return-address')).toContainText('Grace Example');
  await expect(page.getByTestId('action-ship')).not.toHaveAttribute('aria-disabled', 'true');

  await page.getByTestId('action-keys').click();
  const keys = page.getByRole('dialog').getByTestId('keys');
  await expect(keys).not.toContainText('111111-222222');
  await shot(page, 'keys-dialog');
  await page.getByRole('dialog').getByTestId('reveal-keys').click();
  await expect(keys).toContainText('111111-222222-333333-444444-555555-666666-777777-888888');
});

test('the job detail reads in the dark theme too', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(station.url);
  await page.evaluate("location.hash = '#/jobs/sdk-corrupt'");
  await expect(page.getByTestId('job-detail')).toBeVisible({ timeout: 45_000 });
  await shot(page, 'job-detail-dark');
  await page.evaluate("location.hash = '#/jobs'");
  await expect(page.getByTestId('job-row').first()).toBeVisible();
  await shot(page, 'jobs-list-dark');
  await context.close();
});

test('the rows stay where they are while a reloaded list is checked with the service and after it answers', async ({
  page,
}) => {
  // The page's fresh list (jobs.rows) is held back, so main's kept list and its notice stay on screen until
  // the test lets the answers through.
  let held: Array<() => void> = [];
  await page.routeWebSocket(/\/bridge$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { channel?: string; payload?: { answer?: string } };
      if (frame.channel === 'jobs.rows' && frame.payload?.answer !== 'kept') held.push(() => server.send(message));
      else server.send(message);
    });
    server.onMessage((message) => ws.send(message));
  });
  for (const [width, height] of [
    [1024, 700],
    [1440, 900],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(station.url);
    await expect(page.getByTestId('jobs-refreshing')).toBeVisible({ timeout: 45_000 });
    const row = page.getByTestId('job-row').first();
    await expect(row).toBeVisible();
    const checking = (await row.boundingBox())!.y;
    for (const send of held) send();
    held = [];
    await expect(page.getByTestId('jobs-refreshing')).toBeHidden(STEP);
    expect((await row.boundingBox())!.y, `${width}×${height}: the first row moved`).toBe(checking);
    await expect(page.getByTestId('jobs-checked')).toContainText('Up to date');
  }
  await shot(page, 'jobs-list-checked');
});
