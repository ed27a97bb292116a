// Turn on BitLocker from the app, in the browser as a customer sees it, on an Azure connection: the
// Drives screen offers it for an NTFS drive without BitLocker; on the wizard's drive step the chosen
// drive says Azure does not take it as it is and offers the action; the confirmation says what
// happens (used space only, AES-256, how long); progress shows while Windows encrypts; then the new
// recovery password is read back from the drive into the job's key field (masked, checked against
// the drive), the plan becomes ready, and the copy keeps it for the session in the encrypted secret store. The
// station (./bitlockerWindowsStation.ts, its own process) plays Windows with a stand-in for
// manage-bde answering with output in the formats Microsoft documents (no Windows here); the plan
// and the copy run on a real loop-mounted drive.
// Screenshots: bitlocker-on-<name>.png at 1024×700 and -1440 at 1440×900 (shotPath).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { parseDriveInfo } from '../../shared/formats/driveManifest';
import { keyName } from '../../main/core/prep/app/manager';
import { openSecretStore } from '../../main/core/secrets';
import { keyFileCipher } from '../../main/core/secrets/keyFile';
import { ROOT, shotPath } from './station';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const RP = '235818-357951-253979-013365-241120-245575-342914-591910';

let station: ChildProcess | undefined;
let url = '';
let draftId = '';
let dataDir = '';

async function shoot(page: Page, name: string, focus?: Locator) {
  await page.setViewportSize({ width: 1024, height: 700 });
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`bitlocker-on-${name}.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1440, height: 900 });
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`bitlocker-on-${name}-1440.png`), animations: 'disabled' });
  await page.setViewportSize({ width: 1024, height: 700 });
}

const goHash = (page: Page, hash: string) =>
  page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);

test.beforeAll(async () => {
  station = spawn(process.execPath, ['--import', 'tsx', 'tests/e2e/bitlockerWindowsStation.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the Windows BitLocker station did not start within 90 s')),
      90_000,
    );
    readline.createInterface({ input: station!.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    station!.once('exit', (code) => reject(new Error(`the Windows BitLocker station exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url?: string; draftId?: string; dataDir?: string; skip?: string; error?: string };
  if (info.error) throw new Error(info.error);
  test.skip(!!info.skip, info.skip ?? '');
  url = info.url!;
  draftId = info.draftId!;
  dataDir = info.dataDir!;
});

test.afterAll(async () => {
  if (!station || station.exitCode !== null) return;
  const exited = new Promise((resolve) => station!.once('exit', resolve));
  station.kill('SIGTERM');
  await exited;
});

test('the Drives screen offers Turn on BitLocker for an NTFS drive without it', async ({ page }) => {
  await page.goto(url);
  await goHash(page, '#/drives');
  const row = page.getByTestId('drive-row');
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  await expect(row.getByTestId('drive-encryption')).toContainText('NTFS · not encrypted');
  await expect(row.getByTestId('drive-encryption')).toContainText(
    'Azure does not take it: it is not encrypted with BitLocker.',
  );
  await expect(row.getByTestId('turn-on')).toHaveText('Turn on BitLocker');
  // Windows can: no "why not" line
  await expect(page.getByTestId('turn-on-why')).toHaveCount(0);
  await shoot(page, 'drives');
});

test('the wizard turns BitLocker on for the chosen drive, records its new key for the job, and the copy keeps it encrypted, never in a file in clear', async ({
  page,
}) => {
  await page.goto(url);
  await goHash(page, `#/new/${draftId}`);
  await expect(page.locator('#wizard-step-heading')).toHaveText(/^\d\. Drives$/, { timeout: 30_000 });
  await expect(page.getByTestId('encryption-notice')).toContainText(
    'Azure takes only NTFS drives encrypted with BitLocker',
  );
  await expect(page.getByTestId('encryption-notice')).toContainText('press Turn on BitLocker beside it');
  await page.getByRole('checkbox', { name: /^Use WX52A3C0KL7J/ }).check();
  const chosen = page.getByTestId('chosen-drives');
  const bitlocker = chosen.getByTestId('chosen-drive-bitlocker');
  await expect(bitlocker).toContainText(
    'Not encrypted with BitLocker (NTFS): the Azure data center does not take it as it is.',
  );
  // no key to give for a drive without BitLocker; the plan says why it is not ready
  await expect(chosen.getByTestId('drive-key-input')).toHaveCount(0);
  await expect(page.getByText(/cannot go to the Azure data center: it is not encrypted with BitLocker/)).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  // the drive as the plan names it (here a generated id: a loop device has no serial)
  const driveId = (await chosen.getByTestId('chosen-drive-id').innerText()).trim();
  expect(driveId).toMatch(/^HAUL-[0-9A-F]{12}$/);
  await shoot(page, 'wizard-chosen', bitlocker);

  // the confirmation says what happens
  await bitlocker.getByTestId('turn-on').click();
  const dialog = page.getByTestId('turn-on-dialog');
  await expect(dialog).toContainText('AES-256 (XTS) with a new 48-digit recovery password');
  await expect(dialog).toContainText('you type nothing');
  await expect(dialog).toContainText(
    /Only the space in use is encrypted \([\d.]+ [kM]B now\): that takes a minute or two\./,
  );
  await expect(dialog).toContainText('Haul must run as administrator.');
  await shoot(page, 'dialog');
  await page.getByTestId('turn-on-confirm').click();

  // progress while Windows encrypts
  const progress = bitlocker.getByTestId('turn-on-progress');
  await expect(progress).toContainText('Encrypting the used space: 37 %', { timeout: 15_000 });
  // nothing to type while Windows encrypts: the key comes by itself; the plan says it is encrypting, not "turn it on"
  await expect(chosen.getByTestId('drive-key-input')).toHaveCount(0);
  await expect(
    page.getByText(/cannot go to the Azure data center: BitLocker has not finished encrypting it \(37\.5%\)/),
  ).toBeVisible({
    timeout: 15_000,
  });
  await expect(page.getByText('Press Turn on BitLocker beside the drive', { exact: false })).toHaveCount(0);
  await shoot(page, 'progress', bitlocker);

  // done: the key read back from the drive fills the job's key field, masked, and it checks out
  await expect(bitlocker.getByTestId('turn-on-done')).toContainText(
    `BitLocker is on for ${driveId} (AES-256). Its new recovery password was read from the drive and recorded for the job harbour-photos.`,
    { timeout: 30_000 },
  );
  const key = chosen.getByTestId('drive-key-input');
  await expect(key).toHaveAttribute('type', 'password');
  await expect(key).toHaveValue(RP);
  await expect(chosen.getByTestId('drive-key')).toContainText(`Checked: this recovery password opens ${driveId}.`, {
    timeout: 30_000,
  });
  await expect(page.getByText(RP)).toHaveCount(0);
  await expect(page.getByTestId('confirm-ids')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/cannot go to the Azure data center/)).toHaveCount(0);
  await shoot(page, 'done', bitlocker);

  // the copy: the key the drive gave is kept for the session, encrypted; the DriveInfo file in the
  // app's data folder carries the manifest hash only (no key in clear at rest, docs/security.md)
  const ids = (await page.getByTestId('confirm-ids').innerText()).split(/,\s*/);
  await page.getByTestId('confirm-input').fill(ids.join(', '));
  await page.getByTestId('wizard-next').click();
  await expect(page.locator('#wizard-step-heading')).toHaveText(/^\d\. Prepare$/);
  await expect(page.getByTestId('prep-state')).toHaveText('Verified', { timeout: 120_000 });
  const journals = path.join(dataDir, 'prep', 'journals');
  const infos = readdirSync(journals).filter((f) => /_DriveInfo_.+\.xml$/.test(f));
  expect(infos).toHaveLength(1);
  const info = parseDriveInfo(readFileSync(path.join(journals, infos[0]!), 'utf8'));
  expect(info).toMatchObject({ driveId, bitLockerKey: '' });
  expect(info.manifestHash).toMatch(/^[0-9A-F]{32}$/);
  const sessionId = /^(.+)_DriveInfo_.+\.xml$/.exec(infos[0]!)![1]!;
  const secrets = openSecretStore(dataDir, keyFileCipher(dataDir));
  expect(await secrets.get(keyName(sessionId, driveId))).toBe(RP);
});
