// A change after Prepare, as a customer makes it, in browser mode on two loop-mounted drives (temp
// folders where loop devices cannot be made): the drives are prepared and verified, the customer
// goes Back to the first step and renames the job, comes forward, and the Drives step shows the
// job's copy staying where it is; Update writes next to nothing (measured on the drives' file
// systems: at most 5 % of the dataset), the job is created with the drives as prepared, and the
// import into Azurite holds each file exactly once.
import { expect, test, type Page } from '@playwright/test';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { shotPath, startStation, stationService, type Station } from './station';
import { makeTestDrives, type TestDrives } from './loop';

test.setTimeout(400_000);

const ACCOUNT = 'haulsandbox';
let station: Station;
let drives: TestDrives;
let work: string;

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-wizard-change-'));
  drives = makeTestDrives(2, 48);
  station = await startStation();
});

test.afterAll(async () => {
  // the drives are given back even when the station's teardown stumbles
  try {
    await station?.dispose();
  } finally {
    drives?.dispose();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const next = (page: Page) => page.getByTestId('wizard-next');
const stepHeading = (page: Page, title: string) =>
  expect(page.locator('#wizard-step-heading')).toHaveText(new RegExp(`^\\d\\. ${title}$`));
/** Bytes in use on the drives' file systems: what a copy writes shows here. */
const used = () =>
  drives.drives.reduce((n, d) => {
    const s = statfsSync(d.mount);
    return n + (s.blocks - s.bfree) * s.bsize;
  }, 0);

async function shoot(page: Page, name: string) {
  // bars drawn where they end, not half way through their transition
  await page.screenshot({ path: shotPath(`wizard-change-${name}.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: shotPath(`wizard-change-${name}-1440.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1024, height: 700 });
}

async function useFolder(page: Page, folder: string) {
  await page.getByRole('button', { name: 'Use a folder…' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('browse-path')).not.toHaveValue('');
  await dialog.getByTestId('browse-path').fill(folder);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog.getByTestId('browse-path')).toHaveValue(folder);
  await dialog.getByRole('button', { name: 'Use this folder' }).click();
  await expect(dialog).toHaveCount(0);
}

async function confirmDrives(page: Page) {
  await expect(page.getByTestId('capacity-bar')).toHaveCount(2, { timeout: 30_000 });
  const ids = (await page.getByTestId('confirm-ids').innerText()).split(/,\s*/);
  await page.getByTestId('confirm-input').fill(ids.join(', '));
  await expect(next(page)).toBeEnabled();
  return ids;
}

test('Back, a renamed job and forward: the drives keep their copy, Update writes at most 5 % of the data, and the import holds each file once (J1, D1)', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const dir = path.join(work, 'dataset');
  mkdirSync(path.join(dir, 'raw'), { recursive: true });
  const files = new Map<string, string>();
  const put = (rel: string, size: number) => {
    const data = randomBytes(size);
    writeFileSync(path.join(dir, rel), data);
    files.set(rel, createHash('md5').update(data).digest('hex'));
  };
  for (let i = 0; i < 10; i++) put(`raw/big-${i}.bin`, 4_500_000 + i * 1000);
  for (let i = 0; i < 30; i++) put(`raw/small-${i}.txt`, 20_000 + i * 977);
  const datasetBytes = [...files.keys()].reduce((n, rel) => n + readFileSync(path.join(dir, rel)).length, 0);

  await page.goto(station.url);
  await expect(page.getByTestId('status-service-state')).toHaveText('ready', { timeout: 60_000 });
  await page.getByTestId('new-job').click();
  await page.getByRole('radio', { name: /^Import:/ }).check();
  await page.getByRole('textbox', { name: /^Storage account/ }).fill(ACCOUNT);
  await page.getByRole('textbox', { name: /^Job name/ }).fill('wizard-change-1');
  await page.getByRole('combobox', { name: /^Data center/ }).click();
  await page.getByRole('option', { name: /^Sandbox West/ }).click();
  await next(page).click();
  await stepHeading(page, 'Data');
  await page.getByTestId('source-path').fill(dir);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('textbox', { name: /^Container and prefix/ }).fill('photos/2026/');
  await expect(page.getByTestId('preflight-ok')).toBeVisible({ timeout: 30_000 });
  await next(page).click();
  await stepHeading(page, 'Drives');
  for (const d of drives.drives) await useFolder(page, d.mount);
  for (let k = 0; !drives.loop && k < drives.drives.length; k++)
    await page
      .getByTestId('folder-warning')
      .first()
      .getByRole('button', { name: 'Write into this folder anyway' })
      .click();
  await confirmDrives(page);
  await expect(next(page)).toHaveText(/Prepare 2 drives/);
  await next(page).click();
  await stepHeading(page, 'Prepare');
  await expect(page.getByTestId('prep-state')).toHaveText('Verified', { timeout: 180_000 });
  const afterFirst = used();

  // Back to the first step: the job is renamed.
  await page
    .getByRole('navigation', { name: 'Wizard steps' })
    .getByRole('button', { name: /Type and where/ })
    .click();
  await stepHeading(page, 'Type and where');
  await page.getByRole('textbox', { name: /^Job name/ }).fill('wizard-change-2');
  await next(page).click();
  await stepHeading(page, 'Data');
  await expect(page.getByTestId('preflight-ok')).toBeVisible({ timeout: 30_000 });
  await next(page).click();
  await stepHeading(page, 'Drives');
  // The job's own copy is drawn as this job's, staying; nothing is planned to be copied again.
  const bars = page.getByTestId('capacity-bar');
  await expect(bars.filter({ hasText: 'of this job there already' })).toHaveCount(2, { timeout: 30_000 });
  for (const bar of await bars.all()) await expect(bar).toContainText(/0 B · 0 files to copy/);
  await confirmDrives(page);
  await expect(next(page)).toHaveText(/Update 2 drives/);
  await shoot(page, 'drives-update');
  await next(page).click();
  await stepHeading(page, 'Prepare');
  await expect(page.getByTestId('prep-state')).toHaveText('Verified', { timeout: 180_000 });
  await expect(page.getByTestId('prep-result')).toContainText('0 copied now');
  // nothing new to copy is said as such, and the verify read the manifests, not the 46 MB again
  await expect(page.getByTestId('prep-overall-text')).toContainText('Nothing new to copy');
  await expect(page.getByTestId('prep-notes')).toContainText(/40 files verified by an earlier run .* not read again/);
  await shoot(page, 'prepare-update');
  const written = used() - afterFirst;
  console.log(
    `Update after the rename wrote ${written} bytes onto the drives: ${((100 * written) / datasetBytes).toFixed(2)} % of the ${datasetBytes}-byte dataset`,
  );
  expect(written).toBeLessThanOrEqual(0.05 * datasetBytes);
  // what the Update's verify did not read is said, with a full verify offered; it reads every block
  const offer = page.getByTestId('full-verify-offer');
  await expect(offer).toContainText('40 files');
  await offer.scrollIntoViewIfNeeded();
  await shoot(page, 'prepare-update-result');
  await page.getByTestId('full-verify').click();
  await expect(offer).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('prep-result-drive')).toHaveText([/every block verified/, /every block verified/]);
  await expect(page.getByTestId('prep-state')).toHaveText('Verified');

  await next(page).click();
  await stepHeading(page, 'Return shipping');
  await page.getByRole('combobox', { name: /^Carrier/ }).click();
  await page.getByRole('option', { name: 'FedEx' }).click();
  await page.getByRole('textbox', { name: /^Carrier account number/ }).fill('123456789');
  await page.getByRole('textbox', { name: /^Contact name/ }).fill('Ada Operator');
  await page.getByRole('textbox', { name: /^Phone/ }).fill('+00 555 0100');
  await page.getByRole('textbox', { name: /^Email/ }).fill('ada@example.com');
  await page.getByRole('textbox', { name: /^Street address\s*\*?$/ }).fill('1 Test Street');
  await page.getByRole('textbox', { name: /^City/ }).fill('Testville');
  await page.getByRole('textbox', { name: /^Postal code/ }).fill('12345');
  await page.getByRole('textbox', { name: /^Country or region/ }).fill('Sandboxia');
  await next(page).click();
  await stepHeading(page, 'Review and create');
  const ids = await page.getByTestId('review-drive').allInnerTexts();
  expect(ids).toHaveLength(2);
  await page.getByRole('button', { name: 'Create import job' }).click();
  await expect(page).toHaveURL(/#\/jobs\/wizard-change-2$/, { timeout: 30_000 });

  // The data center imports both drives.
  const svc = await stationService(station.dataDir);
  const rg = svc.connection.resourceGroup;
  const job = await svc.client.jobs.get('wizard-change-2', rg);
  const driveIds = job.properties?.driveList?.map((d) => d.driveId!) ?? [];
  expect(driveIds).toHaveLength(2);
  await svc.client.jobs.update('wizard-change-2', rg, {
    state: 'Shipping',
    deliveryPackage: {
      carrierName: 'FedEx',
      trackingNumber: '123456789012',
      driveCount: 2,
      shipDate: new Date().toISOString().slice(0, 10),
    },
  });
  const mountOf = (id: string) =>
    drives.drives.find((d) => {
      try {
        return readFileSync(path.join(d.mount, 'HaulDrive.json'), 'utf8').includes(`"${id}"`);
      } catch {
        return false;
      }
    })!.mount;
  await svc.ops(
    'package-arrived',
    '--job',
    'wizard-change-2',
    ...driveIds.flatMap((id) => ['--drive', `${id}=${mountOf(id)}`]),
  );
  for (const id of driveIds) await svc.ops('start-drive', '--job', 'wizard-change-2', '--drive-id', id);

  // Each source file exactly once, byte for byte; no "(1)" copies.
  const state = JSON.parse(readFileSync(path.join(station.dataDir, 'service', 'azurite', 'accounts.json'), 'utf8')) as {
    port: number;
    accounts: Record<string, string>;
  };
  const container = new BlobServiceClient(
    `http://127.0.0.1:${state.port}/${ACCOUNT}`,
    new StorageSharedKeyCredential(ACCOUNT, state.accounts[ACCOUNT]!),
  ).getContainerClient('photos');
  const names: string[] = [];
  for await (const b of container.listBlobsFlat({ prefix: '2026/' })) names.push(b.name);
  expect(names.sort()).toEqual([...files.keys()].map((rel) => `2026/${rel}`).sort());
  for (const [rel, md5] of files) {
    const data = await container.getBlobClient(`2026/${rel}`).downloadToBuffer();
    expect(createHash('md5').update(data).digest('hex'), rel).toBe(md5);
  }
});
