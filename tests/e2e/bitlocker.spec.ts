// BitLocker on an Azure connection, in the browser as a customer sees it: the Drives screen and
// the wizard's drive step show each drive's file system and BitLocker state; a drive the data
// center cannot read is refused with the reason; a recovery password is checked against the drive
// as it is typed — a wrong one refused on that step, naming the drive — and the plan is ready only
// once the key opens it. The station (./bitlockerStation.ts, its own process) runs main/core with
// an Azure connection and three drives: a real Windows-made BitLocker volume on a loop device
// (locked), an ext4 loop drive, and an unlocked BitLocker drive with NTFS inside played by a
// stand-in for cryptsetup and blkid (no device-mapper here).
// Screenshots: bitlocker-<name>.png at 1024×700 and -1440 at 1440×900 (shotPath).
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ROOT, shotPath } from './station';

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const OTHER = '404558-436711-420860-678557-638220-018909-039941-695321';

let station: ChildProcess | undefined;
let url = '';
let draftId = '';

async function shoot(page: Page, name: string, focus?: Locator) {
  await page.setViewportSize({ width: 1024, height: 700 });
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`bitlocker-${name}.png`) });
  await page.setViewportSize({ width: 1440, height: 900 });
  if (focus) await focus.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shotPath(`bitlocker-${name}-1440.png`) });
  await page.setViewportSize({ width: 1024, height: 700 });
}

test.beforeAll(async () => {
  station = spawn(process.execPath, ['--import', 'tsx', 'tests/e2e/bitlockerStation.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the BitLocker station did not start within 90 s')), 90_000);
    readline.createInterface({ input: station!.stdout! }).once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    station!.once('exit', (code) => reject(new Error(`the BitLocker station exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url?: string; draftId?: string; skip?: string; error?: string };
  if (info.error) throw new Error(info.error);
  test.skip(!!info.skip, info.skip ?? '');
  url = info.url!;
  draftId = info.draftId!;
});

test.afterAll(async () => {
  if (!station || station.exitCode !== null) return;
  const exited = new Promise((resolve) => station!.once('exit', resolve));
  station.kill('SIGTERM');
  await exited;
});

test('the Drives screen shows each drive’s file system and BitLocker state, and whether Azure takes it', async ({
  page,
}) => {
  await page.goto(url);
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/drives';
  });
  const rows = page.getByTestId('drive-row');
  await expect(rows).toHaveCount(3, { timeout: 30_000 });
  await expect(rows.nth(0).getByTestId('drive-encryption')).toContainText('BitLocker, locked');
  await expect(rows.nth(1).getByTestId('drive-encryption')).toContainText('ext4 · not encrypted');
  await expect(rows.nth(1).getByTestId('drive-encryption')).toContainText(
    'Azure does not take it: it is formatted ext4, not NTFS, and not encrypted with BitLocker.',
  );
  await expect(rows.nth(2).getByTestId('drive-encryption')).toContainText('NTFS · BitLocker, unlocked');
  await expect(page.getByTestId('status-backend')).toHaveText('Azure: Contoso production');
  // off Windows no Turn on BitLocker button that could not work: what to do instead
  await expect(page.getByTestId('turn-on')).toHaveCount(0);
  const why = page.getByTestId('turn-on-why');
  await expect(why).toContainText('Haul does not encrypt drives on this computer');
  await expect(why).toContainText('Haul cannot turn BitLocker on from Linux');
  await expect(why.locator('code')).toHaveText([
    'haul bitlocker on E: --key-file E.key',
    'manage-bde -on E: -RecoveryPassword -UsedSpaceOnly',
  ]);
  await shoot(page, 'drives');
});

test('the wizard refuses a drive Azure cannot read, and a wrong key where it is typed; the right key makes the plan ready', async ({
  page,
}) => {
  await page.goto(url);
  await page.evaluate((id) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = `#/new/${id}`;
  }, draftId);
  await expect(page.locator('#wizard-step-heading')).toHaveText(/^\d\. Drives$/, { timeout: 30_000 });
  const list = page.getByTestId('wizard-drive-list');
  await expect(list.getByTestId('drive-encryption-state')).toHaveText(
    ['BitLocker, locked', 'ext4 · not encrypted', 'NTFS · BitLocker, unlocked'],
    { timeout: 30_000 },
  );

  // the ext4 drive: the plan says why Azure cannot take it, naming the drive; Next stays off
  await page.getByRole('checkbox', { name: /^Use NA8F2K1L/ }).check();
  const refusal = page.getByText(
    /cannot go to the Azure data center: it is formatted ext4, not NTFS, and not encrypted with BitLocker/,
  );
  await expect(refusal).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  // the fix names a Windows computer, and the notice says what to do there; no button here
  await expect(
    page.getByText(/Format the drive NTFS \(this erases it\) and turn BitLocker on on a Windows computer/),
  ).toBeVisible();
  await expect(page.getByTestId('encryption-notice')).toContainText('Haul cannot turn BitLocker on from Linux');
  await expect(page.getByTestId('chosen-drives').getByTestId('turn-on')).toHaveCount(0);
  await shoot(page, 'wizard-not-ntfs', refusal);
  await shoot(page, 'wizard-off-windows', page.getByTestId('encryption-notice'));
  await page.getByRole('checkbox', { name: /^Use NA8F2K1L/ }).uncheck();

  // the NTFS BitLocker drive: its key field, masked; a typo, a wrong key, then its own key
  await page.getByRole('checkbox', { name: /^Use S5SXNG0R/ }).check();
  const key = page.getByTestId('drive-key-input');
  await expect(key).toHaveAttribute('type', 'password');
  const field = page.getByTestId('drive-key');
  await key.fill(RP.replace('245575', '245576'));
  // the drive is named as the plan names it: its drive id (here Haul's own, the loop device having no serial)
  await expect(field).toContainText(
    /Not the recovery password of (S5SXNG0R|HAUL-[0-9A-F]+): Group 6 of the recovery password is not one BitLocker makes/,
  );
  await key.fill(OTHER);
  await expect(field).toContainText(/This recovery password does not open (S5SXNG0R|HAUL-[0-9A-F]+)\./, {
    timeout: 30_000,
  });
  await expect(page.getByText(/The recovery password given for the drive .+ does not open it/)).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByTestId('wizard-next')).toBeDisabled();
  await shoot(page, 'wizard-wrong-key', field);
  await expect(page.getByText(OTHER)).toHaveCount(0);

  await key.fill(RP);
  await expect(field).toContainText(/Checked: this recovery password opens (S5SXNG0R|HAUL-[0-9A-F]+)\./, {
    timeout: 30_000,
  });
  await expect(page.getByTestId('confirm-ids')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/cannot go to the Azure data center|does not open it/)).toHaveCount(0);
  await page.getByRole('button', { name: 'Show the recovery password' }).click();
  await expect(key).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide the recovery password' }).click();
  await expect(key).toHaveAttribute('type', 'password');
  await shoot(page, 'wizard-key-checked', field);
});
