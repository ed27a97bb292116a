import { expect, test } from '@playwright/test';
import { drivelistList } from '../../main/core/drivelist';
import { isShippableDevice } from '../../main/core/drives/list';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const url = () => {
  const u = process.env.HAUL_URL;
  if (!u) throw new Error('HAUL_URL is not set: the global setup did not start haul serve');
  return u;
};

test('the Drives screen shows what main/core reported through the bridge: platform, data folder, drives', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url());
  // The token moved from the address into a cookie.
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole('navigation', { name: 'Haul' }).getByRole('button', { name: 'Drives' }).click();
  await expect(page).toHaveURL(/#\/drives$/);
  const platformName =
    { linux: 'Linux', win32: 'Windows', darwin: 'macOS' }[process.platform as string] ?? process.platform;
  await expect(page.getByTestId('platform')).toHaveText(`${platformName} (${process.arch})`);
  await expect(page.getByTestId('data-dir')).toHaveText(process.env.HAUL_DATA_DIR_E2E!);
  // The same drives drivelist sees from this test process, one row each, less swap and RAM disks
  // (zram, ram) and loop devices with nothing mounted, which are not drives a person ships.
  const seen = await drivelistList();
  const expected = seen.filter((d) => isShippableDevice({ device: d.device, mountpoints: d.mountpoints ?? [] }));
  const rows = page.getByTestId('drive-row');
  await expect(rows).toHaveCount(expected.length);
  for (const d of expected) await expect(rows.filter({ hasText: d.device })).toHaveCount(1);
  for (const d of seen.filter((x) => /\/dev\/(zram|ram)\d+$/.test(x.device)))
    await expect(rows.filter({ hasText: d.device })).toHaveCount(0);
  // The drive holding the operating system is shown blocked, and why.
  const system = (await drivelistList()).find((d) => d.isSystem);
  if (system) {
    const row = rows.filter({ hasText: system.device });
    await expect(row.getByTestId('drive-status')).toHaveText('blocked');
    await expect(row).toContainText('This is the system drive');
  }
  // The local sandbox service is the default backend: main started it and reports where it listens.
  await expect(page.getByTestId('service-state')).toHaveText('ready', { timeout: 45_000 });
  await expect(page.getByTestId('service-endpoint')).toHaveText(/^https:\/\/127\.0\.0\.1:\d+$/);
  expect(errors).toEqual([]);
});

test('without the token the page is refused and says how to get in', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const response = await page.goto(url().replace(/\?token=.*/, ''));
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('haul serve');
  await context.close();
});

test('the token cookie never reaches another web server on this computer (cookies ignore ports)', async ({ page }) => {
  await page.goto(url());
  const token = new URL(url()).searchParams.get('token')!;
  const seen: string[] = [];
  const other = http.createServer((req, res) => {
    seen.push(`${req.url} ${req.headers.cookie ?? ''}`);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>another server</title><img src="/pixel.png"><a href="/deeper/">deeper</a>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const otherPort = (other.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${otherPort}/`);
    await page.getByRole('link', { name: 'deeper' }).click();
    await expect(page).toHaveURL(/\/deeper\/$/);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const request of seen) expect(request).not.toContain(token);
    // The page itself still has it: back in Haul's folder, the app works without the token in the address.
    await page.goto(url().replace(/\?token=.*/, ''));
    await expect(page.getByRole('navigation', { name: 'Haul' })).toBeVisible();
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

test("a page from another origin cannot open the bridge socket, even one that learnt Haul's folder", async ({
  page,
}) => {
  // Log in first so the browser holds the cookie. A page on another port that knows the folder
  // (the cookie's path) makes the browser send the cookie: only the Origin check stops it.
  await page.goto(url());
  const port = process.env.HAUL_PORT;
  const bridge = `ws://127.0.0.1:${port}${new URL(url()).pathname}bridge`;
  const attacker = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><script>
      const ws = new WebSocket('${bridge}');
      ws.onopen = () => { document.title = 'open'; };
      ws.onerror = () => { document.title = 'refused'; };
    </script>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  try {
    const attackerPort = (attacker.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${attackerPort}/`);
    await expect(page).toHaveTitle(/open|refused/);
    expect(await page.title()).toBe('refused');
    // Control: the same script served by Haul itself would connect (the cookie is there).
    await page.goto(url());
    const ours = await page.evaluate(
      async (u) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(u);
          ws.onopen = () => {
            ws.close();
            resolve('open');
          };
          ws.onerror = () => resolve('refused');
        }),
      bridge,
    );
    expect(ours).toBe('open');
  } finally {
    await new Promise((resolve) => attacker.close(resolve));
  }
});
