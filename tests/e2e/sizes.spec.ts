// The app at the sizes people use: 1440×900, 1024×700, 640×480, and 200 % zoom of 1440×900 and of
// 1024×700 (720×450 and 512×350 CSS pixels at twice the pixel density). At each: the nav has labels,
// icons or a menu; a job's name, its drive ids and its tracking number are whole on the screen (never
// cut, never scrolled out of view sideways); the words are for a customer; and each screen's picture
// is saved (shotPath) to be looked at.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { shotPath, startStation, stationService, type Station, type StationService } from './station';
import { expectCustomerWords } from './words';

const SIZES = [
  { name: '1440', width: 1440, height: 900, scale: 1, nav: 'wide' },
  { name: '1024', width: 1024, height: 700, scale: 1, nav: 'wide' },
  { name: '640', width: 640, height: 480, scale: 1, nav: 'medium' },
  { name: '1440-zoom200', width: 720, height: 450, scale: 2, nav: 'medium' },
  { name: '1024-zoom200', width: 512, height: 350, scale: 2, nav: 'narrow' },
] as const;

const LONG_NAME = 'quarterly-archive-of-the-northern-region-photographs-2026';
const DRIVES = ['HAUL-4BEA9BD4F2A1C0DE', 'WD-WX41D95EKPL7-SERIAL-02'];
const TRACKING = '1Z-999-AA1-01-2345-6784';

let station: Station;
let svc: StationService;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  station = await startStation();
  svc = await stationService(station.dataDir);
  const { subscriptionId, resourceGroup } = svc.connection;
  const job = (name: string) =>
    svc.client.jobs.create(name, resourceGroup, {
      location: 'Sandbox West',
      properties: {
        storageAccountId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/haulsandbox`,
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
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '989ffff' },
        logLevel: 'Error',
        driveList: DRIVES.map((driveId) => ({
          driveId: name === LONG_NAME ? driveId : `${driveId}-B`,
          bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: '109B21108597EF36D5785F08303F3638',
        })),
      },
    });
  await job(LONG_NAME);
  await job('second-job');
  await svc.client.jobs.update(LONG_NAME, resourceGroup, {
    state: 'Shipping',
    deliveryPackage: { carrierName: 'FedEx', trackingNumber: TRACKING },
  });
});

test.afterAll(async () => {
  await station?.dispose();
});

/** Where an element's text is cut: by its own width, or by an ancestor that hides or scrolls what overflows. */
async function clipped(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.flatMap((el) => {
      const out: string[] = [];
      const text = (el.textContent ?? '').trim();
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${text}: wider than its box`);
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > window.innerWidth + 1) out.push(`${text}: outside the window`);
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (r.left < pr.left - 1 || r.right > pr.right + 1) out.push(`${text}: cut by ${p.tagName.toLowerCase()}`);
      }
      return out;
    }),
  );
}

async function pageAt(browser: Browser, size: (typeof SIZES)[number]) {
  const context = await browser.newContext({
    viewport: { width: size.width, height: size.height },
    deviceScaleFactor: size.scale,
  });
  const page = await context.newPage();
  await page.goto(station.url);
  return { context, page };
}

for (const size of SIZES) {
  test(`at ${size.name}: the nav fits the width, and names, drive ids and the tracking number are never cut`, async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const { context, page } = await pageAt(browser, size);
    try {
      // The jobs list.
      const row = page.getByTestId('job-row').filter({ hasText: LONG_NAME });
      await expect(row).toBeVisible({ timeout: 45_000 });
      if (size.nav === 'narrow') {
        await expect(page.getByTestId('nav-menu-button')).toBeVisible();
        await expect(page.getByTestId('app-nav')).toHaveCount(0);
      } else await expect(page.getByTestId('app-nav')).toHaveAttribute('data-size', size.nav);
      expect(await clipped(page, '[data-testid="job-link"]')).toEqual([]);
      await expectCustomerWords(page, `jobs list at ${size.name}`);
      await page.screenshot({ path: shotPath(`sizes-jobs-${size.name}.png`) });

      // The job page: the drive ids a customer matches against the labels on the drives.
      await row.getByTestId('job-link').click();
      await expect(page.getByTestId('job-drive-row')).toHaveCount(DRIVES.length);
      for (const id of DRIVES) await expect(page.getByTestId('drive-id').filter({ hasText: id })).toHaveText(id);
      expect(await clipped(page, '[data-testid="drive-id"]')).toEqual([]);
      expect(await clipped(page, '#job-title')).toEqual([]);
      await expect(page.getByTestId('tracking-number')).toHaveText(TRACKING);
      expect(await clipped(page, '[data-testid="tracking-number"]')).toEqual([]);
      await expectCustomerWords(page, `job page at ${size.name}`);
      await page.screenshot({ path: shotPath(`sizes-job-${size.name}.png`), fullPage: true });

      // The other screens, through the nav (or its menu).
      for (const [screen, check] of [
        ['Drives', 'drive-row'],
        ['Settings', undefined],
      ] as const) {
        if (size.nav === 'narrow') {
          await page.getByTestId('nav-menu-button').click();
          await page.getByTestId('nav-menu').getByRole('button', { name: screen }).click();
          await expect(page.getByTestId('nav-menu')).toBeHidden();
        } else await page.getByRole('navigation', { name: 'Haul' }).getByRole('button', { name: screen }).click();
        await expect(page).toHaveURL(new RegExp(`#/${screen.toLowerCase()}$`));
        if (check) await expect(page.getByTestId(check).first()).toBeVisible();
        await page.waitForTimeout(300);
        await expectCustomerWords(page, `${screen} at ${size.name}`);
        await page.screenshot({ path: shotPath(`sizes-${screen.toLowerCase()}-${size.name}.png`), fullPage: true });
      }
    } finally {
      await context.close();
    }
  });
}

test('the bell, the nav and the search are one tab stop each', async ({ page }) => {
  await page.goto(station.url);
  await expect(page.getByTestId('job-row').first()).toBeVisible({ timeout: 45_000 });
  const stops: string[] = [];
  await page.locator('body').focus();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()}:${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}` : '';
      }),
    );
  }
  expect(stops.filter((s) => /Notifications/.test(s))).toHaveLength(1);
  expect(stops.filter((s) => /^button:(Jobs|Drives|Settings)$/.test(s))).toHaveLength(1);
  expect(stops.filter((s) => s.startsWith('input:'))).toHaveLength(1);
});
