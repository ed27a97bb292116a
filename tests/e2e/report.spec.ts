// The end of a job, end to end in browser mode: an import of two drives prepared by the app (one
// file damaged after prep, one drive that never arrives), played by `haul ops`; its completion
// report on screen, as CSV and printed; verify the import, clean and then with blobs changed and
// deleted in Azurite; re-send, which opens the wizard on a draft of the files not imported; and an
// export job's returned drive checked and copied off, with its BitLocker key next to it.
// Screenshots of each screen at 1440×900 and 1024×700.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { shotPath, startStation, stationService, type Station, type StationService } from './station';
import { bytes } from '../service/datacenter/helpers';

const STEP = { timeout: 30_000 };
const MiB = 1024 * 1024;
const JOB = 'end-report';
const EXPORT = 'end-export';
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
let work: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-report-'));
  station = await startStation();
  svc = await stationService(station.dataDir);
});

test.afterAll(async () => {
  await station?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Screenshots at 1440×900 and 1024×700 (`focus` scrolled into view in each), and the whole page. */
async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  for (const [w, h, suffix] of [
    [1440, 900, ''],
    [1024, 700, '-1024'],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(250);
    if (focus) await focus.evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: shotPath(`${name}${suffix}.png`) });
  }
  if (process.env.HAUL_SCREENSHOTS !== 'docs') {
    await page.setViewportSize({ width: 1440, height: 2600 });
    await page.waitForTimeout(250);
    await page.screenshot({ path: shotPath(`${name}-full.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** A call on window.haul, as the screens make them; the value, or the test fails with main's words. */
async function haul<T>(page: Page, method: string, payload: unknown): Promise<T> {
  const r = (await page.evaluate(
    ([m, p]) => (globalThis as unknown as { haul: Record<string, (x: unknown) => Promise<unknown>> }).haul[m]!(p),
    [method, payload] as const,
  )) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value;
}

interface SessionInfo {
  sessionId: string;
  state: string;
  result?: { ok: boolean; message: string; drives: { driveId: string; manifestHash: string }[] };
}

/** A drive prepared by the app (prep.plan, prep.start), as the wizard's Prepare step does. */
async function prepare(page: Page, src: string, dir: string, destination: string) {
  mkdirSync(dir, { recursive: true });
  const spec = {
    jobName: JOB,
    sources: { kind: 'picked', paths: [src], destination },
    targets: [{ path: dir, allowFolder: true }],
    verify: false,
  };
  const plan = await haul<{ ready: boolean; targets: { driveId: string }[] }>(page, 'prepPlan', spec);
  expect(plan.ready).toBe(true);
  const s = await haul<SessionInfo>(page, 'prepStart', {
    ...spec,
    confirmedDriveIds: plan.targets.map((t) => t.driveId),
  });
  await expect
    .poll(
      async () => (await haul<SessionInfo[]>(page, 'prepSessions', {})).find((x) => x.sessionId === s.sessionId)?.state,
      {
        timeout: 60_000,
      },
    )
    .toBe('finished');
  const done = (await haul<SessionInfo[]>(page, 'prepSessions', {})).find((x) => x.sessionId === s.sessionId)!;
  expect(done.result?.ok, done.result?.message).toBe(true);
  return { ...done.result!.drives[0]!, dir };
}

function storage(): BlobServiceClient {
  const accounts = JSON.parse(
    readFileSync(path.join(station.dataDir, 'service', 'azurite', 'accounts.json'), 'utf8'),
  ) as {
    port: number;
    accounts: Record<string, string>;
  };
  return new BlobServiceClient(
    `http://127.0.0.1:${accounts.port}/haulsandbox`,
    new StorageSharedKeyCredential('haulsandbox', accounts.accounts.haulsandbox!),
  );
}

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(station.url);
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
}

let srcA: string;
let srcB: string;

test('the completion report: per drive and per source file, as CSV and printed; verify the import; re-send', async ({
  page,
}) => {
  test.setTimeout(300_000);
  srcA = path.join(work, 'src', 'photos-2024');
  srcB = path.join(work, 'src', 'archive');
  const filesA: Record<string, Buffer> = {
    'IMG_0001.jpg': bytes(120_000, 3),
    'IMG_0002.jpg': bytes(98_000, 5),
    'raw/IMG_0412.CR2': bytes(6 * MiB + 321, 7),
    'video/clip.mp4': bytes(5 * MiB, 9),
  };
  const filesB: Record<string, Buffer> = {
    'ledger-2019.xlsx': bytes(40_000, 11),
    'scans/contract.pdf': bytes(70_000, 13),
  };
  for (const [dir, files] of [
    [srcA, filesA],
    [srcB, filesB],
  ] as const)
    for (const [rel, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), data);
    }

  await page.goto(station.url);
  const a = await prepare(page, srcA, path.join(work, 'driveA'), 'photos/');
  const b = await prepare(page, srcB, path.join(work, 'driveB'), 'archive/');
  // The RAW file is damaged on drive A after its MD5 went into the manifest.
  const manifest = readFileSync(path.join(a.dir, 'DriveManifest.xml'), 'utf8');
  const rel = /<FilePath>([^<]*IMG_0412\.CR2)<\/FilePath>/.exec(manifest)![1]!.replace(/\\/g, '/').replace(/^\//, '');
  const raw = path.join(a.dir, rel);
  const data = readFileSync(raw);
  data[5 * MiB] = data[5 * MiB]! ^ 0xff;
  writeFileSync(raw, data);

  const { subscriptionId, resourceGroup } = svc.connection;
  await svc.client.jobs.create(JOB, resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Import',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      logLevel: 'Error',
      driveList: [a, b].map((d) => ({
        driveId: d.driveId,
        manifestHash: d.manifestHash,
        bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
        manifestFile: '\\DriveManifest.xml',
      })),
    },
  });
  await svc.client.jobs.update(JOB, resourceGroup, {
    state: 'Shipping',
    deliveryPackage: { carrierName: 'FedEx', trackingNumber: '1Z-REPORT-1', driveCount: 2, shipDate: '2026-12-01' },
  });
  await svc.ops('package-arrived', '--job', JOB, '--drive', `${a.driveId}=${a.dir}`);
  await svc.ops('start-drive', '--job', JOB, '--drive-id', a.driveId);
  await svc.ops('ship-back', '--job', JOB, '--carrier', 'FedEx', '--tracking', 'RET-REPORT');

  // The job page: the report in one line, the way to it.
  await open(page, `#/jobs/${JOB}`);
  await expect(page.getByTestId('job-detail')).toHaveAttribute('data-state', 'Closed', STEP);
  await expect(page.getByTestId('end-report-summary')).toHaveText(
    '3 of 6 files imported (5.46 MB); 3 not imported (6.40 MB).',
    STEP,
  );
  await shot(page, 'report-job-card');
  await page.getByTestId('open-report').click();

  // The report: totals, drives, the files not imported with their source files.
  const report = page.getByTestId('report');
  await expect(report.getByTestId('report-verdict')).toHaveText('Partly imported', STEP);
  await expect(page.getByTestId('total-imported')).toContainText('3 of 6');
  await expect(page.getByTestId('total-failed')).toContainText('1 file, 6.29 MB');
  await expect(page.getByTestId('total-not-received')).toContainText('2 files, 110 kB');
  await expect(
    page.getByTestId('report-drive').filter({ hasText: a.driveId }).getByTestId('report-drive-count'),
  ).toHaveText('3 of 4');
  const rows = page.getByTestId('report-table').getByTestId('report-row');
  await expect(rows).toHaveCount(3, STEP);
  await expect(rows.nth(0).getByTestId('report-row-source')).toHaveText(path.join(srcA, 'raw/IMG_0412.CR2'));
  await expect(rows.nth(0)).toContainText('Md5Mismatch');
  await expect(rows.nth(1).getByTestId('report-row-source')).toHaveText(path.join(srcB, 'ledger-2019.xlsx'));
  await expect(rows.nth(1)).toContainText('its drive never reached the data center');
  await shot(page, 'report');

  // CSV of the files not imported: the source files, the reasons.
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    (async () => {
      await page.getByTestId('report-csv').click();
      await page.getByTestId('report-csv-not-imported').click();
    })(),
  ]);
  expect(csv.suggestedFilename()).toBe(`${JOB}-not-imported.csv`);
  const text = readFileSync(await csv.path(), 'utf8');
  expect(text.trim().split('\r\n')).toHaveLength(4);
  expect(text).toContain(`Not imported,Md5Mismatch,${path.join(srcA, 'raw/IMG_0412.CR2')},photos/raw/IMG_0412.CR2`);
  expect(text).toContain(`Not imported,DriveNeverReceived,${path.join(srcB, 'scans/contract.pdf')}`);

  // The printed page: the report alone, every file not imported and (few enough) every file imported.
  // In a browser the page prints itself (window.print, counted here instead of opening the dialog).
  await page.evaluate(() => {
    const w = globalThis as unknown as { print: () => void; printed: number };
    w.printed = 0;
    w.print = () => (w.printed += 1);
  });
  await page.getByTestId('report-print').click();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { printed: number }).printed), STEP).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-not-imported').getByTestId('report-row')).toHaveCount(3);
  await expect(page.getByTestId('print-imported').getByTestId('report-row')).toHaveCount(3);
  await expect(page.locator('nav[aria-label="Haul"]')).toBeHidden();
  await expect(page.getByTestId('report-print')).toBeHidden();
  await page.setViewportSize({ width: 1024, height: 1400 });
  await page.screenshot({ path: shotPath('report-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.setViewportSize({ width: 1280, height: 800 });

  // Verify the import: clean first.
  await page.getByTestId('verify-budget').fill('1');
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-status')).toHaveAttribute('data-state', 'done', STEP);
  await expect(page.getByTestId('verify-clean')).toBeVisible();
  await expect(page.getByTestId('verify-summary')).toHaveText('3 files match');
  await shot(page, 'report-verify-clean', page.getByTestId('verify-import'));

  // Then someone deletes one blob and changes two in the storage account.
  const photos = storage().getContainerClient('photos');
  await photos.getBlobClient('IMG_0001.jpg').delete();
  const changed = Buffer.from(filesA['IMG_0002.jpg']!);
  changed[10] = changed[10]! ^ 1;
  await photos.getBlockBlobClient('IMG_0002.jpg').upload(changed, changed.length);
  const clip = Buffer.from(filesA['video/clip.mp4']!);
  clip[4 * MiB + 1] = clip[4 * MiB + 1]! ^ 1;
  const cb = photos.getBlockBlobClient('video/clip.mp4');
  const ids = ['AAAA', 'AAAB'];
  await cb.stageBlock(ids[0]!, clip.subarray(0, 4 * MiB), 4 * MiB);
  await cb.stageBlock(ids[1]!, clip.subarray(4 * MiB), clip.length - 4 * MiB);
  await cb.commitBlockList(ids);
  await page.getByTestId('verify-start').click();
  await expect(page.getByTestId('verify-mismatch')).toHaveCount(3, STEP);
  await expect(page.getByTestId('verify-summary')).toHaveText('3 files not as imported');
  const mm = page.getByTestId('verify-mismatch');
  await expect(mm.filter({ hasText: path.join(srcA, 'IMG_0001.jpg') })).toHaveAttribute('data-kind', 'missing');
  await expect(mm.filter({ hasText: path.join(srcA, 'IMG_0002.jpg') })).toHaveAttribute('data-kind', 'content');
  await expect(mm.filter({ hasText: path.join(srcA, 'video/clip.mp4') })).toHaveAttribute('data-kind', 'content');
  await shot(page, 'report-verify-mismatches', page.getByTestId('verify-import'));

  // Re-send: a new draft of exactly the files not imported; the wizard opens it.
  await page.getByTestId('report-resend').click();
  await expect(page).toHaveURL(/#\/new\/[A-Za-z0-9-]+$/, STEP);
  const draftId = decodeURIComponent(page.url().split('#/new/')[1]!);
  const draft = await haul<{ values: { type: { jobName: string }; importData: { dataset: { text: string } } } }>(
    page,
    'draftsGet',
    { id: draftId },
  );
  expect(draft.values.type.jobName).toBe(`${JOB}-resend`);
  const lines = draft.values.importData.dataset.text.trim().split('\n');
  expect(lines.slice(1)).toEqual([
    `"${path.join(srcA, 'raw/IMG_0412.CR2')}","photos/raw/IMG_0412.CR2",BlockBlob,rename,None,None`,
    `"${path.join(srcB, 'ledger-2019.xlsx')}","archive/ledger-2019.xlsx",BlockBlob,rename,None,None`,
    `"${path.join(srcB, 'scans/contract.pdf')}","archive/scans/contract.pdf",BlockBlob,rename,None,None`,
  ]);
  await page.waitForTimeout(500);
  await shot(page, 'report-resend-wizard');
});

test("an export job's returned drive: its BitLocker key, checked against the manifest's MD5s, copied off", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const { subscriptionId, resourceGroup } = svc.connection;
  await svc.client.jobs.create(EXPORT, resourceGroup, {
    location: 'Sandbox West',
    properties: {
      storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
      jobType: 'Export',
      returnAddress: RETURN_ADDRESS,
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
      export: { blobPathPrefix: ['/photos/'] },
    },
  });
  await svc.client.jobs.update(EXPORT, resourceGroup, {
    state: 'Shipping',
    deliveryPackage: { carrierName: 'FedEx', trackingNumber: '1Z-EXPORT-1', driveCount: 1, shipDate: '2026-12-01' },
  });
  const target = path.join(work, 'export1');
  await svc.ops('package-arrived', '--job', EXPORT, '--drive', 'EXPBLANK1');
  await svc.ops('export', '--job', EXPORT, '--target', `EXPBLANK1=${target}`);
  await svc.ops('ship-back', '--job', EXPORT, '--carrier', 'FedEx', '--tracking', 'RET-EXPORT');

  await open(page, `#/jobs/${EXPORT}`);
  await expect(page.getByTestId('end-received')).toBeVisible(STEP);
  await page.getByTestId('open-received').click();
  const drive = page.getByTestId('received-drive').filter({ hasText: 'EXPBLANK1' });
  await expect(drive.getByTestId('received-key')).toHaveText('••••••-••••••-••••••-••••••-…', STEP);
  await page.getByTestId('received-reveal').click();
  await expect(drive.getByTestId('received-key')).toHaveText(/^\d{6}(-\d{6}){7}$/, STEP);

  await page.getByTestId('received-drive-path').fill(target);
  await page.getByTestId('received-check').click();
  await expect(page.getByTestId('received-status')).toHaveAttribute('data-state', 'done', STEP);
  await expect(page.getByTestId('received-summary')).toHaveText(
    'Checked 2 files of drive EXPBLANK1: every block matches the manifest',
  );
  await shot(page, 'received-checked');

  // A file damaged on the way back: the check names it; the copy leaves it out and copies the rest.
  const m = readFileSync(path.join(target, 'DriveManifest.xml'), 'utf8');
  const clipRel = /<FilePath>([^<]*clip\.mp4)<\/FilePath>/.exec(m)![1]!.replace(/\\/g, '/').replace(/^\//, '');
  const clipFile = path.join(target, clipRel);
  const bad = readFileSync(clipFile);
  bad[7] = bad[7]! ^ 0xff;
  writeFileSync(clipFile, bad);
  await page.getByTestId('received-check').click();
  await expect(page.getByTestId('received-problem')).toHaveCount(1, STEP);
  await expect(page.getByTestId('received-problem')).toContainText('photos/video/clip.mp4');

  const dest = path.join(work, 'restored');
  await page.getByTestId('received-destination').fill(dest);
  await page.getByTestId('received-copy').click();
  await expect(page.getByTestId('received-status')).toHaveAttribute('data-kind', 'copy', STEP);
  await expect(page.getByTestId('received-status')).toHaveAttribute('data-state', 'done', STEP);
  await expect(page.getByTestId('received-summary')).toHaveText('1 problem: 1 of 2 files copied');
  await expect(page.getByTestId('received-problem')).toContainText('was not copied: block 1');
  expect(readdirSync(path.join(dest, 'photos')).sort()).toEqual(['IMG_0002.jpg']);
  await shot(page, 'received-copied', page.getByTestId('received-status'));
});
