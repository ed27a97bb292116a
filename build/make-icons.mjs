// Makes the app's icons in build/icons from renderer/public/favicon.svg: Chromium (Playwright)
// renders the SVG at 1024 px (ImageMagick here has no SVG renderer), ImageMagick's convert scales
// it to every size the packages need and packs icon.ico. electron-builder makes the macOS .icns
// from icon.png. Run: node build/make-icons.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, ensureChromium } from '../tests/tools/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'build', 'icons');
mkdirSync(out, { recursive: true });
const { chromium } = createRequire(import.meta.url)('@playwright/test');
const svg = readFileSync(path.join(root, 'renderer', 'public', 'favicon.svg'), 'utf8');

const browser = await chromium.launch({ executablePath: ensureChromium().path, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1024, height: 1024 } });
await page.setContent(
  `<html><body style="margin:0;background:transparent">${svg.replace('<svg ', '<svg width="1024" height="1024" ')}</body></html>`,
);
await page.screenshot({ path: path.join(out, 'icon.png'), omitBackground: true });
await browser.close();

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
for (const s of sizes)
  execFileSync('convert', [path.join(out, 'icon.png'), '-resize', `${s}x${s}`, path.join(out, `${s}x${s}.png`)]);
execFileSync(
  'convert',
  [16, 24, 32, 48, 64, 128, 256].map((s) => path.join(out, `${s}x${s}.png`)).concat(path.join(out, 'icon.ico')),
);
// The tray: 16 px at 1x (Windows, Linux), 32 px for @2x (macOS) — the files the shell loads.
execFileSync('convert', [path.join(out, 'icon.png'), '-resize', '16x16', path.join(out, 'tray.png')]);
execFileSync('convert', [path.join(out, 'icon.png'), '-resize', '32x32', path.join(out, 'tray@2x.png')]);
console.error(`haul icons: ${out}`);
