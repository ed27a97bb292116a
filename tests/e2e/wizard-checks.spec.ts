// What the wizard checks on the step where it is typed, in browser mode against a station of its
// own: a closed data center (and where its drives go, said the same on the job page and in the Ship
// dialog), the return address's required fields and formats, the carriers of the location, the
// return address of the last job offered on the next, Discard asking first, the Ship dialog's
// drive count and tracking number, and the Drives step naming the file no drive can hold.
// Screenshots of each at 1024×700 and 1440×900 (shotPath: wizard-check-<name>[-1440].png).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import os from 'node:os';
import path from 'node:path';
import { shotPath, startStation, stationService, type Station } from './station';
import { makeTestDrives, type TestDrives } from './loop';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const ACCOUNT = 'haulsandbox';
let station: Station;
let work: string;

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-checks-'));
  station = await startStation();
});

test.afterAll(async () => {
  await station?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

const next = (page: Page) => page.getByTestId('wizard-next');
const stepHeading = (page: Page, title: string) =>
  expect(page.locator('#wizard-step-heading')).toHaveText(new RegExp(`^\\d\\. ${title}$`));

async function shoot(page: Page, name: string, focus?: Locator) {
  // The part of the screen the picture is about, scrolled into view.
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`wizard-check-${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shotPath(`wizard-check-${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
}

async function openWizard(page: Page) {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(station.url);
  await expect(page.getByTestId('status-service-state')).toHaveText('ready', { timeout: 60_000 });
  await page.getByTestId('new-job').click();
  await stepHeading(page, 'Type and where');
}

async function typeStep(page: Page, kind: 'Import' | 'Export', jobName: string, location = 'Sandbox West') {
  await page.getByRole('radio', { name: new RegExp(`^${kind}:`) }).check();
  await page.getByRole('textbox', { name: /^Storage account/ }).fill(ACCOUNT);
  await page.getByRole('textbox', { name: /^Job name/ }).fill(jobName);
  await page.getByRole('combobox', { name: /^Data center/ }).click();
  await page.getByRole('option', { name: new RegExp(`^${location}`) }).click();
}

async function exportDataStep(page: Page) {
  await next(page).click();
  await stepHeading(page, 'Data');
  await page.getByRole('textbox', { name: /^Blob path prefixes/ }).fill('/photos/');
  await next(page).click();
  await stepHeading(page, 'Return shipping');
}

const field = (page: Page, name: RegExp) => page.getByRole('textbox', { name });

test('the storage account is one of the resource group’s: the list is offered, and an account that does not exist is refused on the first step', async ({
  page,
}) => {
  await openWizard(page);
  await expect(page.getByTestId('storage-accounts')).toContainText(ACCOUNT, { timeout: 30_000 });
  await typeStep(page, 'Import', 'checks-account-1');
  await field(page, /^Storage account/).fill('nosuchaccount');
  await expect(
    page.getByText(/There is no storage account "nosuchaccount" in .*: choose one of the list \(haulsandbox/),
  ).toBeVisible();
  await expect(next(page)).toBeDisabled();
  await shoot(page, 'unknown-account');
  await field(page, /^Storage account/).fill(ACCOUNT);
  await expect(next(page)).toBeEnabled();
});

test('a closed data center says where its drives go, offers that one, and Next waits until it is chosen', async ({
  page,
}) => {
  await openWizard(page);
  await typeStep(page, 'Import', 'checks-closed-1', 'Sandbox North');
  const closed = page.getByTestId('location-closed');
  await expect(closed).toContainText('Sandbox North is closed');
  await expect(closed).toContainText('ship them to Sandbox West');
  // The address shown is where the drives go: Sandbox West's, not the closed site's own.
  await expect(page.getByTestId('location-address')).toContainText('100 Placeholder Loop');
  await expect(page.getByTestId('location-address')).not.toContainText('3 Nowhere Street');
  await expect(next(page)).toBeDisabled();
  await shoot(page, 'closed-location');
  await closed.getByRole('button', { name: 'Use Sandbox West' }).click();
  await expect(page.getByRole('combobox', { name: /^Data center/ })).toHaveText(/Sandbox West/);
  await expect(page.getByTestId('location-closed')).toHaveCount(0);
  await expect(next(page)).toBeEnabled();
});

test('the job page and the Ship dialog of a job at a closed site name the site the drives go to, with its address', async ({
  page,
}) => {
  const svc = await stationService(station.dataDir);
  const { subscriptionId, resourceGroup } = svc.connection;
  await svc.client.jobs.create('checks-north-1', resourceGroup, {
    location: 'Sandbox North',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}`,
      jobType: 'Import',
      returnAddress: {
        recipientName: 'Ada Example',
        streetAddress1: '1 Test Street',
        city: 'Sampleton',
        postalCode: '12345',
        countryOrRegion: 'Sandboxia',
        phone: '+00 555 0100',
        email: 'ada@example.com',
      },
      returnShipping: { carrierName: 'UPS', carrierAccountNumber: '989ffff' },
      logLevel: 'Error',
      driveList: ['NORTHA', 'NORTHB'].map((driveId) => ({
        driveId,
        bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '0123456789ABCDEF0123456789ABCDEF',
      })),
    },
  });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(`${station.url}#/jobs/checks-north-1`);
  await expect(page.getByTestId('job-location-closed')).toContainText('ship them to Sandbox West', {
    timeout: 45_000,
  });
  await expect(page.getByTestId('job-ship-to')).toContainText('100 Placeholder Loop');
  await shoot(page, 'job-closed-location', page.getByTestId('job-ship-to'));

  await page.getByTestId('action-ship').click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('ship-to')).toContainText('Send the package to Sandbox West');
  await expect(dialog.getByTestId('ship-location-closed')).toContainText('Sandbox North does not take drives now');
  // The drive count must be the job's drives; a tracking number of an unknown shape is only noted.
  await dialog.getByTestId('ship-carrier').selectOption('UPS');
  await dialog.getByTestId('ship-tracking').fill('x');
  await dialog.getByTestId('ship-count').fill('5');
  await expect(dialog.getByText(/This job has 2 drives/).first()).toBeVisible();
  await expect(dialog.getByText(/does not look like a UPS tracking number/)).toBeVisible();
  await expect(dialog.getByTestId('ship-submit')).toHaveAttribute('aria-disabled', 'true');
  await shoot(page, 'ship-dialog-checks');
  await dialog.getByTestId('ship-count').fill('2');
  await expect(dialog.getByText(/This job has 2 drives/)).toHaveCount(0);
  await expect(dialog.getByText(/does not look like a UPS tracking number/)).toBeVisible();
  await expect(dialog.getByTestId('ship-submit')).not.toHaveAttribute('aria-disabled', 'true');
});

test('the return address: each blank required field is named once Next is pressed, a phone and a postal code must look like one, carriers are the location’s', async ({
  page,
}) => {
  await openWizard(page);
  await typeStep(page, 'Export', 'checks-address-1', 'Sandbox East');
  await exportDataStep(page);
  await expect(next(page)).toBeDisabled();
  await next(page).click({ force: true });
  for (const text of [
    'The contact name is required.',
    'The phone number is required.',
    'The street address is required.',
    'The city is required.',
    'The postal code is required.',
    'The country or region is required.',
  ])
    await expect(page.getByText(text)).toBeVisible();
  await shoot(page, 'shipping-blank');
  await page.getByRole('combobox', { name: /^Carrier/ }).click();
  // Sandbox East ships with FedEx, DHL and TNT; not UPS.
  await expect(page.getByRole('option')).toHaveText(['FedEx', 'DHL', 'TNT']);
  await page.getByRole('option', { name: 'TNT' }).click();
  await field(page, /^Carrier account number/).fill('123456789');
  await field(page, /^Contact name/).fill('Ada Operator');
  await field(page, /^Phone/).fill('abc');
  await field(page, /^Email/).fill('ada@example.com');
  await field(page, /^Street address\s*\*?$/).fill('1 Test Street');
  await field(page, /^City/).fill('Testville');
  await field(page, /^Postal code/).fill('!');
  await field(page, /^Country or region/).fill('Sandboxia');
  await expect(page.getByText('"abc" is not a phone number')).toBeVisible();
  await expect(page.getByText('"!" is not a postal code')).toBeVisible();
  await expect(next(page)).toBeDisabled();
  await shoot(page, 'shipping-formats', field(page, /^Phone/));
  await field(page, /^Phone/).fill('+00 555 0100');
  await field(page, /^Postal code/).fill('12345');
  await expect(next(page)).toBeEnabled();
  await next(page).click();
  await stepHeading(page, 'Review and create');
  await page.getByRole('button', { name: 'Create export job' }).click();
  await expect(page).toHaveURL(/#\/jobs\/checks-address-1$/, { timeout: 30_000 });

  // The next job offers that return address and contact.
  await openWizard(page);
  await typeStep(page, 'Export', 'checks-address-2', 'Sandbox East');
  await exportDataStep(page);
  const saved = page.getByTestId('saved-contact');
  await expect(saved).toContainText('Ada Operator, 1 Test Street, 12345 Testville');
  await shoot(page, 'shipping-saved-contact');
  await saved.getByRole('button', { name: 'Use it' }).click();
  await expect(field(page, /^Phone/)).toHaveValue('+00 555 0100');
  await expect(field(page, /^Carrier account number/)).toHaveValue('123456789');
  await expect(next(page)).toBeEnabled();
});

test('Discard draft asks first; keeping the draft keeps what was typed', async ({ page }) => {
  await openWizard(page);
  await typeStep(page, 'Import', 'checks-discard-1');
  await expect(page.getByTestId('draft-save-state')).toHaveText(/Draft saved/, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Discard draft' }).click();
  const dialog = page.getByTestId('discard-dialog');
  await expect(dialog).toContainText('This cannot be undone');
  await shoot(page, 'discard');
  await page.getByRole('button', { name: 'Keep the draft' }).click();
  await expect(field(page, /^Job name/)).toHaveValue('checks-discard-1');
  await page.getByRole('button', { name: 'Discard draft' }).click();
  await page.getByTestId('discard-confirm').click();
  await expect(page).toHaveURL(/#\/jobs$/);
  await expect(page.getByTestId('draft-row').filter({ hasText: 'checks-discard-1' })).toHaveCount(0);
});

test('the Drives step names the file no chosen drive can hold, why, and offers Exclude; excluded, the plan is ready', async ({
  page,
}) => {
  const drives: TestDrives = makeTestDrives(1, 24);
  try {
    const data = path.join(work, 'too-big');
    mkdirSync(data);
    writeFileSync(path.join(data, 'huge.bin'), randomBytes(30 * 1024 * 1024));
    writeFileSync(path.join(data, 'small.txt'), randomBytes(10_000));
    await openWizard(page);
    await typeStep(page, 'Import', 'checks-too-big-1');
    await next(page).click();
    await stepHeading(page, 'Data');
    await page.getByTestId('source-path').fill(data);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await field(page, /^Container and prefix/).fill('big/');
    await expect(page.getByTestId('preflight-ok')).toBeVisible({ timeout: 30_000 });
    await next(page).click();
    await stepHeading(page, 'Drives');
    await page.getByRole('button', { name: 'Use a folder…' }).click();
    const browse = page.getByRole('dialog');
    await expect(browse.getByTestId('browse-path')).not.toHaveValue('');
    await browse.getByTestId('browse-path').fill(drives.drives[0]!.mount);
    await browse.getByRole('button', { name: 'Go' }).click();
    await expect(browse.getByTestId('browse-path')).toHaveValue(drives.drives[0]!.mount);
    await browse.getByRole('button', { name: 'Use this folder' }).click();
    if (!drives.loop)
      await page.getByTestId('folder-warning').getByRole('button', { name: 'Write into this folder anyway' }).click();
    const huge = path.join(data, 'huge.bin');
    const problems = page.getByTestId('drives-problems');
    await expect(problems).toContainText(huge, { timeout: 30_000 });
    await expect(problems).toContainText('does not fit in the free space of the largest drive');
    await expect(page.getByTestId('drives-file-problems')).toContainText('add a drive');
    await shoot(page, 'drives-too-large', problems);
    await problems.getByRole('button', { name: `Exclude ${huge}` }).click();
    await expect(page.getByTestId('confirm-ids')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('drives-problems')).toHaveCount(0);

    // The plan is confirmed; then someone fills the drive. Start reads the free space again and
    // refuses, saying what changed, before a byte is written; the plan shown is the new one.
    const bar = page.getByTestId('capacity-bar');
    const freeBefore = await page.getByTestId('chosen-drives').innerText();
    await page.getByTestId('confirm-input').fill(await page.getByTestId('confirm-ids').innerText());
    writeFileSync(path.join(drives.drives[0]!.mount, 'someone-else.bin'), randomBytes(6 * 1024 * 1024));
    await next(page).click();
    await expect(page.getByText(/The drives changed since the plan you confirmed: .* free now \(was /)).toBeVisible({
      timeout: 30_000,
    });
    await stepHeading(page, 'Drives');
    expect(existsSync(path.join(drives.drives[0]!.mount, 'HaulDrive.json'))).toBe(false);
    await expect(page.getByTestId('chosen-drives')).not.toHaveText(freeBefore, { timeout: 30_000 });
    await expect(bar).toHaveCount(1);
    // The confirmation typed for the old plan no longer counts.
    await expect(page.getByTestId('confirm-input')).toHaveValue('');
    await expect(next(page)).toBeDisabled();
    await shoot(page, 'drives-plan-changed', page.getByText(/The drives changed since/));
  } finally {
    drives.dispose();
  }
});

/** The sandbox's Azurite, as the station's local service wrote it (port and account keys). */
function azurite(dataDir: string): BlobServiceClient {
  const state = JSON.parse(readFileSync(path.join(dataDir, 'service', 'azurite', 'accounts.json'), 'utf8')) as {
    port: number;
    accounts: Record<string, string>;
  };
  return new BlobServiceClient(
    `http://127.0.0.1:${state.port}/${ACCOUNT}`,
    new StorageSharedKeyCredential(ACCOUNT, state.accounts[ACCOUNT]!),
  );
}

test('an export browses the account: its containers and blobs, a prefix that names nothing refused, the drives counted from the real blob sizes', async ({
  page,
}) => {
  await openWizard(page);
  await stationService(station.dataDir);
  const container = azurite(station.dataDir).getContainerClient('exportsrc');
  await container.createIfNotExists();
  for (const [name, size] of [
    ['2026/a.bin', 300_000],
    ['2026/b.bin', 200_000],
    ['old/c.bin', 100_000],
  ] as const)
    await container.getBlockBlobClient(name).uploadData(randomBytes(size));

  await typeStep(page, 'Export', 'checks-export-1');
  await next(page).click();
  await stepHeading(page, 'Data');
  const row = page.getByTestId('account-container').filter({ hasText: 'exportsrc' });
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await row.getByRole('button', { name: 'exportsrc', exact: true }).click();
  await expect(page.getByText('/exportsrc/2026/a.bin')).toBeVisible();
  await row.getByRole('button', { name: 'All of /exportsrc/' }).click();
  await expect(page.getByRole('textbox', { name: /^Blob path prefixes/ })).toHaveValue('/exportsrc/');
  const paths = page.getByTestId('export-paths');
  await expect(paths).toContainText('/exportsrc/: 3 blobs, 600 kB', { timeout: 15_000 });
  await page.getByTestId('export-drive-size').fill('2TB');
  await expect(page.getByTestId('export-estimate')).toContainText('1 drive of 2.00 TB');
  await expect(next(page)).toBeEnabled();

  // A prefix in a container that does not exist names nothing: said next to it, and Next waits.
  await page.getByRole('textbox', { name: /^Blob path prefixes/ }).fill('/exportsrc/2026/\n/nosuch/');
  await expect(paths).toContainText('/exportsrc/2026/: 2 blobs, 500 kB', { timeout: 15_000 });
  await expect(paths).toContainText('There is no container "nosuch"');
  await expect(next(page)).toBeDisabled();
  await shoot(page, 'export-browse', paths);
  await page.getByRole('textbox', { name: /^Blob path prefixes/ }).fill('/exportsrc/2026/');
  await expect(paths).not.toContainText('nosuch', { timeout: 15_000 });
  await expect(next(page)).toBeEnabled();
});
