// The new-job wizard end to end, in browser mode, against a station of its own: two loop-mounted
// ext4 drives (temp folders where loop devices cannot be made) and a generated dataset. The import
// journey from the first step to a Completed job whose blobs match the source files byte for byte;
// a restart in the middle of Prepare that resumes from the journal; an export job with a prefix and
// the preview's drive count; a draft that survives a server restart. Each step is photographed
// into the screenshots folder (shotPath) as wizard-<n>-<step>.png (1024×700, and -1440 at 1440×900).
import { expect, test, type Locator, type Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startStation, stationService, type Station, shotPath } from './station';
import { makeTestDrives, type TestDrives } from './loop';

test.describe.configure({ mode: 'serial' });
test.setTimeout(240_000);

const ACCOUNT = 'haulsandbox';

let station: Station;
let drives: TestDrives;
let work: string;

/** A dataset of ~52 MB (more than one 48 MiB drive takes): big files, small files, a nested folder, and one bad name. */
function makeDataset(root: string): { dir: string; files: Map<string, string>; bad: string } {
  const dir = path.join(root, 'dataset');
  mkdirSync(path.join(dir, 'raw', 'day2'), { recursive: true });
  const files = new Map<string, string>();
  const put = (rel: string, size: number) => {
    const data = randomBytes(size);
    writeFileSync(path.join(dir, rel), data);
    files.set(rel, createHash('md5').update(data).digest('hex'));
  };
  for (let i = 0; i < 10; i++) put(`raw/big-${i}.bin`, 4_500_000 + i * 1000);
  for (let i = 0; i < 30; i++) put(`raw/day2/small-${i}.txt`, 20_000 + i * 977);
  put('notes.txt', 1234);
  // A blob name may not end with a dot: pre-flight names this file and says what to do.
  const bad = path.join(dir, 'draft.');
  writeFileSync(bad, 'not allowed as a blob name');
  return { dir, files, bad };
}

async function shoot(page: Page, n: number, step: string, focus?: Locator) {
  // The part of the step the picture is about, scrolled into view.
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`wizard-${n}-${step}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shotPath(`wizard-${n}-${step}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
}

const next = (page: Page) => page.getByTestId('wizard-next');
const stepHeading = (page: Page, title: string) =>
  expect(page.locator('#wizard-step-heading')).toHaveText(new RegExp(`^\\d\\. ${title}$`));

/** Moves the page to a route of the app (this file is type-checked without the DOM library). */
const goHash = (page: Page, hash: string) =>
  page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);

async function openWizard(page: Page, url: string) {
  await page.goto(url);
  await expect(page.getByTestId('status-service-state')).toHaveText('ready', { timeout: 60_000 });
  // The Jobs screen's New job opens the wizard.
  await page.getByTestId('new-job').click();
  await expect(page).toHaveURL(/#\/new$/);
  await stepHeading(page, 'Type and where');
}

async function fillType(page: Page, kind: 'Import' | 'Export', jobName: string) {
  await page.getByRole('radio', { name: new RegExp(`^${kind}:`) }).check();
  await page.getByRole('textbox', { name: /^Storage account/ }).fill(ACCOUNT);
  // ARM rules as you type: a space is refused next to the field, and what was typed stays.
  const name = page.getByRole('textbox', { name: /^Job name/ });
  await name.fill('bad name');
  await expect(page.getByText(/The job name "bad name" is not valid/)).toBeVisible();
  await expect(next(page)).toBeDisabled();
  await expect(name).toHaveValue('bad name');
  await name.fill(jobName);
  await expect(page.getByText(/is not valid/)).toHaveCount(0);
  await page.getByRole('combobox', { name: /^Data center/ }).click();
  await page.getByRole('option', { name: /^Sandbox West/ }).click();
  await expect(page.getByTestId('location-details')).toContainText('100 Placeholder Loop');
  await expect(page.getByTestId('location-carriers')).toContainText('FedEx');
}

async function useFolder(page: Page, folder: string) {
  await page.getByRole('button', { name: 'Use a folder…' }).click();
  const dialog = page.getByRole('dialog');
  // the dialog opens on the home folder; typing before its listing lands raced it (a listing that
  // set the box between fill's select-all and its insert left "/root" in front of the folder)
  await expect(dialog.getByTestId('browse-path')).not.toHaveValue('');
  await dialog.getByTestId('browse-path').fill(folder);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog.getByTestId('browse-path')).toHaveValue(folder);
  await dialog.getByRole('button', { name: 'Use this folder' }).click();
  await expect(dialog).toHaveCount(0);
}

/** Step 2 of an import: the dataset added, its file with a bad name excluded, then Next. */
async function dataStep(page: Page, dataset: { dir: string; bad: string }, shots?: boolean) {
  await stepHeading(page, 'Data');
  await page.getByTestId('source-path').fill(dataset.dir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('textbox', { name: /^Container and prefix/ }).fill('photos/2026/');
  // Pre-flight names the file with the bad name and what to do; Next waits until it is excluded.
  const problems = page.getByTestId('preflight-problems');
  await expect(problems).toContainText(dataset.bad, { timeout: 30_000 });
  await expect(next(page)).toBeDisabled();
  if (shots) await shoot(page, 2, 'data', problems);
  await page.getByRole('button', { name: `Exclude ${dataset.bad}` }).click();
  await expect(page.getByTestId('excluded')).toContainText(dataset.bad);
  await expect(page.getByTestId('preflight-ok')).toBeVisible({ timeout: 30_000 });
  await expect(next(page)).toBeEnabled();
  await next(page).click();
}

/** Steps 1–3 of an import, up to the typed confirmation; returns the confirmed drive ids. */
async function importUpToPrepare(
  page: Page,
  jobName: string,
  dataset: { dir: string; bad: string },
  opts: { shots?: boolean; maxRateMBs?: number } = {},
) {
  await fillType(page, 'Import', jobName);
  if (opts.shots) await shoot(page, 1, 'type');
  await next(page).click();

  await dataStep(page, dataset, opts.shots);

  await stepHeading(page, 'Drives');
  await expect(page.getByTestId('wizard-drive-list')).toBeVisible();
  for (const d of drives.drives) await useFolder(page, d.mount);
  await expect(page.getByTestId('chosen-drives').locator('li')).toHaveCount(2);
  // Temp folders (no loop devices) are not drives of their own: the wizard asks to confirm each.
  for (let k = 0; !drives.loop && k < drives.drives.length; k++) {
    await page
      .getByTestId('folder-warning')
      .first()
      .getByRole('button', { name: 'Write into this folder anyway' })
      .click();
    await expect(page.getByTestId('target-note')).toHaveCount(k + 1, { timeout: 30_000 });
  }
  // The plan as capacity bars: both drives take a share (the data does not fit on one).
  const bars = page.getByTestId('capacity-bar');
  await expect(bars).toHaveCount(2, { timeout: 30_000 });
  for (const bar of await bars.all()) await expect(bar).not.toContainText(/^0 B/);
  // the sandbox takes any drive, and says so (on Azure: NTFS + BitLocker, tests/e2e/bitlocker*.spec.ts)
  await expect(page.getByTestId('encryption-notice')).toContainText('The local sandbox takes any drive');
  if (opts.maxRateMBs) await page.getByTestId('max-rate').fill(String(opts.maxRateMBs));
  const ids = (await page.getByTestId('confirm-ids').innerText()).split(/,\s*/);
  expect(ids).toHaveLength(2);
  // Typing the wrong ids keeps Next shut; the exact ids open it.
  await page.getByTestId('confirm-input').fill(ids[0]!);
  await expect(page.getByText('These are not exactly the drive ids above.')).toBeVisible();
  await expect(next(page)).toBeDisabled();
  await page.getByTestId('confirm-input').fill(ids.join(', '));
  await expect(next(page)).toBeEnabled();
  if (opts.shots) await shoot(page, 3, 'drives', page.getByTestId('capacity-bars'));
  await next(page).click();
  await stepHeading(page, 'Prepare');
  return ids;
}

async function fillShipping(page: Page) {
  await stepHeading(page, 'Return shipping');
  await expect(next(page)).toBeDisabled();
  await page.getByRole('combobox', { name: /^Carrier/ }).click();
  await page.getByRole('option', { name: 'FedEx' }).click();
  await page.getByRole('textbox', { name: /^Carrier account number/ }).fill('123456789');
  await page.getByRole('textbox', { name: /^Contact name/ }).fill('Ada Operator');
  await page.getByRole('textbox', { name: /^Phone/ }).fill('+00 555 0100');
  const email = page.getByRole('textbox', { name: /^Email/ });
  await email.fill('ada@example');
  await expect(page.getByText(/must be an email address/i)).toBeVisible();
  await email.fill('ada@example.com');
  await page.getByRole('textbox', { name: /^More emails/ }).fill('ops@example.com');
  await page.getByRole('textbox', { name: /^Street address\s*\*?$/ }).fill('1 Test Street');
  await page.getByRole('textbox', { name: /^City/ }).fill('Testville');
  await page.getByRole('textbox', { name: /^Postal code/ }).fill('12345');
  await page.getByRole('textbox', { name: /^Country or region/ }).fill('Sandboxia');
  await expect(next(page)).toBeEnabled();
}

/** Where the local service's Azurite listens, and the sandbox account's key (written by the service). */
function azurite(dataDir: string): BlobServiceClient | undefined {
  try {
    const state = JSON.parse(readFileSync(path.join(dataDir, 'service', 'azurite', 'accounts.json'), 'utf8')) as {
      port?: number;
      accounts: Record<string, string>;
    };
    const key = state.accounts[ACCOUNT];
    if (!state.port || !key) return undefined;
    return new BlobServiceClient(
      `http://127.0.0.1:${state.port}/${ACCOUNT}`,
      new StorageSharedKeyCredential(ACCOUNT, key),
    );
  } catch {
    return undefined;
  }
}

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-wizard-'));
  drives = makeTestDrives(2, 48);
  station = await startStation();
});

test.afterAll(async () => {
  await station?.dispose();
  drives?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('an import job from the wizard: capacity bars, typed confirmation, progress, verified, created, shipped and imported byte-exact (J1, D1, J5, J10)', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const dataset = makeDataset(work);
  const jobName = 'wizard-import-1';
  await openWizard(page, station.url);
  const ids = await importUpToPrepare(page, jobName, dataset, { shots: true, maxRateMBs: 8 });

  // Progress moves, then every drive is verified.
  const overall = page.getByTestId('prep-overall-text');
  await expect(overall).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('prep-drive')).toHaveCount(2);
  await expect(overall).not.toContainText(/^0 B of/, { timeout: 30_000 });
  await shoot(page, 4, 'prepare');
  await expect(page.getByTestId('prep-state')).toHaveText('Verified', { timeout: 120_000 });
  await expect(overall).toContainText(`${dataset.files.size} of ${dataset.files.size} files`);
  await expect(page.getByTestId('prep-notes')).toContainText('verified');
  await next(page).click();

  await fillShipping(page);
  await shoot(page, 5, 'shipping');
  await next(page).click();

  await stepHeading(page, 'Review and create');
  const rows = page.getByTestId('review-drive');
  await expect(rows).toHaveCount(2);
  for (const id of ids) await expect(rows.filter({ hasText: id })).toContainText('\\DriveManifest.xml');
  await expect(rows.first()).toContainText(/[0-9A-F]{32}/);
  // The DriveInfo XML the portal asks for, offered for saving.
  const download = page.waitForEvent('download');
  await rows
    .first()
    .getByRole('button', { name: /Save the DriveInfo XML/ })
    .click();
  const saved = await download;
  expect(saved.suggestedFilename()).toMatch(new RegExp(`^${jobName}_DriveInfo_.+\\.xml$`));
  expect(readFileSync((await saved.path())!, 'utf8')).toMatch(/<ManifestHash>[0-9A-F]{32}<\/ManifestHash>/);
  await shoot(page, 6, 'review', rows.first());
  await page.getByRole('button', { name: 'Create import job' }).click();

  // The new job's page; the service has it in Creating with both prepared drives (J1, D1).
  await expect(page).toHaveURL(new RegExp(`#/jobs/${jobName}$`), { timeout: 30_000 });
  const svc = await stationService(station.dataDir);
  const rg = svc.connection.resourceGroup;
  const job = await svc.client.jobs.get(jobName, rg);
  expect(job.properties?.state).toBe('Creating');
  expect(job.properties?.driveList?.map((d) => d.driveId).sort()).toEqual([...ids].sort());
  await expect(page.locator('main')).toContainText('Creating', { timeout: 30_000 });
  for (const id of ids) await expect(page.locator('main')).toContainText(id);

  // Ship (J5), then the data center: the package arrives, each drive is imported, the drives go back (J10).
  await svc.client.jobs.update(jobName, rg, {
    state: 'Shipping',
    deliveryPackage: {
      carrierName: 'FedEx',
      trackingNumber: '1Z-WIZARD-1',
      driveCount: 2,
      shipDate: new Date().toISOString().slice(0, 10),
    },
  });
  await svc.ops(
    'package-arrived',
    '--job',
    jobName,
    ...drives.drives.flatMap((d, i) => ['--drive', `${ids[i]}=${d.mount}`]),
  );
  for (const id of ids) await svc.ops('start-drive', '--job', jobName, '--drive-id', id);
  await svc.ops('ship-back', '--job', jobName, '--carrier', 'FedEx', '--tracking', '1Z-BACK-1');
  const done = await svc.client.jobs.get(jobName, rg);
  expect(done.properties?.state).toBe('Completed');
  for (const d of done.properties?.driveList ?? []) expect(d.state).toMatch(/^(Completed|ShippedBack)$/);

  // Every source file (but the excluded one) is a blob with the same bytes.
  const blobs = azurite(station.dataDir);
  expect(blobs, 'the sandbox Azurite (accounts.json with its port) must be readable').toBeDefined();
  const container = blobs!.getContainerClient('photos');
  const names: string[] = [];
  for await (const b of container.listBlobsFlat()) names.push(b.name);
  for (const [rel, md5] of dataset.files) {
    const name = names.find((n) => n.endsWith(`/${rel}`));
    expect(name, `a blob for ${rel} under photos/2026/`).toMatch(/^2026\//);
    const data = await container.getBlobClient(name!).downloadToBuffer();
    expect(createHash('md5').update(data).digest('hex'), rel).toBe(md5);
  }
  expect(names.some((n) => n.endsWith('draft.'))).toBe(false);
});

test('closing the window keeps copying; a restart in the middle of Prepare resumes from the journal and finishes verified', async ({
  page: first,
  context,
}) => {
  await first.setViewportSize({ width: 1024, height: 700 });
  // Fresh drives and data for a second job.
  drives.dispose();
  drives = makeTestDrives(2, 48);
  const root = mkdtempSync(path.join(work, 'restart-'));
  const dataset = makeDataset(root);
  await openWizard(first, station.url);
  await importUpToPrepare(first, 'wizard-restart-1', dataset, { maxRateMBs: 3 });
  const draftUrl = new URL(first.url()).hash;
  expect(draftUrl).toMatch(/^#\/new\/[A-Za-z0-9-]+$/);
  const overall = (p: Page) => p.getByTestId('prep-overall-text');
  await expect(overall(first)).toBeVisible({ timeout: 30_000 });
  await expect(first.getByTestId('prep-state')).toHaveText('Copying', { timeout: 30_000 });
  const before = await overall(first).innerText();

  // The window closes; main goes on copying, and a new window shows where it is (prep.sessions).
  await first.close();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(station.url);
  await goHash(page, draftUrl);
  await stepHeading(page, 'Prepare');
  await expect(page.getByTestId('prep-state')).toHaveText('Copying');
  await expect(overall(page)).not.toHaveText(before, { timeout: 15_000 });

  // Main stops in the middle of the copy (some files done, some not) and starts again.
  await expect(overall(page)).toContainText(/ · [1-9]\d* of \d+ files/, { timeout: 30_000 });
  await expect(page.getByTestId('prep-state')).toHaveText('Copying');
  station = await station.restart();
  await page.goto(station.url);
  await expect(page.getByTestId('status-service-state')).toHaveText('ready', { timeout: 60_000 });
  await goHash(page, draftUrl);
  await stepHeading(page, 'Prepare');
  await expect(page.getByTestId('prep-state')).toHaveText(/Interrupted|Stopped/, { timeout: 30_000 });
  await expect(page.getByText('The copy was interrupted')).toBeVisible();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('prep-state')).toHaveText('Verified', { timeout: 180_000 });
  // Files done before the restart were not copied again.
  await expect(page.getByTestId('prep-resumed')).toContainText(`All ${dataset.files.size} files are on the drives`);
  await shoot(page, 4, 'prepare-resumed', page.getByTestId('prep-result'));
  // Nothing was copied twice: each drive's files add up to the dataset.
  const files = (dir: string): number =>
    readdirSync(dir, { withFileTypes: true }).reduce(
      (n, e) =>
        n +
        (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.bin') || e.name.endsWith('.txt') ? 1 : 0),
      0,
    );
  const copied = drives.drives.reduce((n, d) => n + files(d.mount), 0);
  expect(copied).toBe(dataset.files.size);
});

test('an export job through the wizard, with a prefix and the preview of how many drives it needs (D2)', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openWizard(page, station.url);
  const jobName = 'wizard-export-1';
  await fillType(page, 'Export', jobName);
  // An export has no drives to prepare: the wizard leaves out Drives and Prepare.
  const steps = page.getByRole('navigation', { name: 'Wizard steps' });
  await expect(steps.getByRole('button')).toHaveCount(4);
  await expect(steps.getByRole('button', { name: /Drives|Prepare/ })).toHaveCount(0);
  await next(page).click();

  await stepHeading(page, 'Data');
  await expect(next(page)).toBeDisabled();
  await page.getByRole('textbox', { name: /^Blob path prefixes/ }).fill('/photos/');
  await page.getByTestId('export-drive-size').fill('2TB');
  // Three 1.5 TB blobs: no two share a 2 TB drive.
  await page.getByTestId('export-blob-list').fill('photos/a.bin,1.5TB\nphotos/b.bin,1.5TB\nphotos/c.bin,1.5TB\n');
  await expect(page.getByTestId('export-preview')).toContainText('3 drives of 2.00 TB', { timeout: 15_000 });
  await shoot(page, 2, 'data-export');
  await next(page).click();

  await fillShipping(page);
  await next(page).click();
  await stepHeading(page, 'Review and create');
  await expect(page.getByTestId('review-export')).toContainText('/photos/');
  await page.getByRole('button', { name: 'Create export job' }).click();
  await expect(page).toHaveURL(new RegExp(`#/jobs/${jobName}$`), { timeout: 30_000 });
  const svc = await stationService(station.dataDir);
  const job = await svc.client.jobs.get(jobName, svc.connection.resourceGroup);
  expect(job.properties?.jobType).toBe('Export');
  expect(job.properties?.export?.blobPathPrefix).toEqual(['/photos/']);
  expect(job.properties?.driveList ?? []).toEqual([]);
});

test('a draft survives a server restart, with what was typed and the step it was on', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openWizard(page, station.url);
  await page.getByRole('radio', { name: /^Import:/ }).check();
  await page.getByRole('textbox', { name: /^Storage account/ }).fill(ACCOUNT);
  await page.getByRole('textbox', { name: /^Job name/ }).fill('wizard-draft-1');
  await expect(page.getByTestId('draft-save-state')).toHaveText(/Draft saved/, { timeout: 15_000 });
  const hash = new URL(page.url()).hash;
  expect(hash).toMatch(/^#\/new\/[A-Za-z0-9-]+$/);

  station = await station.restart();
  await page.goto(station.url);
  // The Jobs screen lists the draft; opening it returns to the wizard where it was.
  const row = page.getByTestId('draft-row').filter({ hasText: 'wizard-draft-1' });
  await expect(row).toHaveCount(1, { timeout: 15_000 });
  await row.getByRole('button', { name: 'wizard-draft-1', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${hash}$`));
  await stepHeading(page, 'Type and where');
  await expect(page.getByRole('textbox', { name: /^Job name/ })).toHaveValue('wizard-draft-1');
  await expect(page.getByRole('textbox', { name: /^Storage account/ })).toHaveValue(ACCOUNT);
  await expect(page.getByRole('radio', { name: /^Import:/ })).toBeChecked();
});

test('the first step with the keyboard only: every field reached with Tab, chosen with Space, arrows and Enter, and focus follows to the next step', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await openWizard(page, station.url);
  await page.locator('#wizard-step-heading').focus();
  const radio = page.getByRole('radio', { name: /^Import:/ });
  await page.keyboard.press('Tab');
  await expect(radio).toBeFocused();
  await page.keyboard.press('Space');
  await expect(radio).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: /^Storage account/ })).toBeFocused();
  await page.keyboard.type(ACCOUNT);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: /^Job name/ })).toBeFocused();
  await page.keyboard.type('keyboard-job-1');
  await page.keyboard.press('Tab');
  const location = page.getByRole('combobox', { name: /^Data center/ });
  await expect(location).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('listbox')).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(location).toHaveText(/Sandbox/);
  await expect(page.getByTestId('location-details')).toBeVisible();
  // Back is disabled on the first step, so Tab goes on to Next.
  await page.keyboard.press('Tab');
  await expect(next(page)).toBeFocused();
  await page.keyboard.press('Enter');
  await stepHeading(page, 'Data');
  await expect(page.locator('#wizard-step-heading')).toBeFocused();
});

test('a folder that is not a drive of its own is named as such, and Haul writes into it only once confirmed', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const dataset = makeDataset(mkdtempSync(path.join(work, 'folder-target-')));
  await openWizard(page, station.url);
  await fillType(page, 'Import', 'wizard-folder-1');
  await next(page).click();
  await dataStep(page, dataset);
  await stepHeading(page, 'Drives');
  // a plain folder on the system disk (an unmounted mount point would look the same)
  const folder = mkdtempSync(path.join(work, 'not-a-drive-'));
  await useFolder(page, folder);
  const warning = page.getByTestId('folder-warning');
  await expect(warning).toContainText(folder, { timeout: 30_000 });
  await expect(warning).toContainText('is a folder');
  await expect(page.getByTestId('capacity-bar')).toHaveCount(0);
  // the refusal is said once, not again as "the data does not fit"
  await expect(page.getByTestId('more-drives')).toHaveCount(0);
  await shoot(page, 3, 'drives-folder', warning);
  await warning.getByRole('button', { name: 'Write into this folder anyway' }).click();
  await expect(page.getByTestId('target-note')).toContainText(folder, { timeout: 30_000 });
  await expect(page.getByTestId('capacity-bar')).toHaveCount(1, { timeout: 30_000 });
  expect(readdirSync(folder)).toEqual([]);
});
