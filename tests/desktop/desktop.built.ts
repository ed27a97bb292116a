// The built desktop app's wiring, under the stand-in electron: one instance (a second launch
// quits and the first shows its window), the tray with its icon file, close keeps tracking, open
// at login from Settings, the standard menu, and a start at login that shows only the tray.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAIN_BUNDLE, OUT, assertFreshBuild } from './built';
import { createFakeElectron, loadBundle, type FakeMenuItem } from './fakeElectron';
import { launchApp, type Launched } from './launch';

describe('single instance', () => {
  it('a second launch does not start: it quits before creating a window or main/core', async () => {
    assertFreshBuild();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-second-'));
    try {
      const fake = createFakeElectron({ userData: dir });
      fake.app.gotLock = false;
      loadBundle(MAIN_BUNDLE, fake);
      fake.app.fireReady();
      await new Promise((r) => setTimeout(r, 200));
      expect(fake.app.quitCalls).toBe(1);
      expect(fake.windows).toHaveLength(0);
      expect(fake.ipcHandlers.size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the desktop app', () => {
  let app: Launched;
  afterAll(async () => {
    await app?.close();
  });

  it('the first instance shows and focuses its window when a second launch asks', async () => {
    app = await launchApp();
    const w = app.fake.windows[0]!;
    await vi.waitFor(() => expect(w.visible).toBe(true));
    w.minimize();
    w.hide();
    app.fake.app.emit('second-instance', {}, ['haul'], process.cwd());
    expect(w.visible).toBe(true);
    expect(w.minimized).toBe(false);
    expect(w.focused).toBeGreaterThan(0);
  });

  it('has a tray icon (a file next to the bundle) with Open and Quit, and the standard menu', () => {
    expect(app.fake.trays).toHaveLength(1);
    expect(app.fake.trays[0]!.image).toBe(path.join(OUT, 'main', 'tray.png'));
    expect(existsSync(app.fake.trays[0]!.image as string)).toBe(true);
    const labels = (app.fake.trays[0]!.menu!.items as FakeMenuItem[]).map((i) => i.label).filter(Boolean);
    expect(labels[0]).toBe('Open Haul');
    expect(labels.at(-1)).toBe('Quit Haul');
    expect((app.fake.appMenu!.items as FakeMenuItem[]).map((i) => i.role)).toContain('editMenu');
  });

  it('closing the window keeps Haul tracking in the tray; Open brings it back', () => {
    const w = app.fake.windows[0]!;
    w.close();
    expect(w.destroyed).toBe(false);
    expect(w.visible).toBe(false);
    expect(app.fake.notifications).toEqual([expect.objectContaining({ title: 'Haul is still running' })]);
    (app.fake.trays[0]!.menu!.items as FakeMenuItem[]).find((i) => i.label === 'Open Haul')!.click!();
    expect(w.visible).toBe(true);
  });

  it('open at login follows the setting saved from the Settings screen', async () => {
    expect(await app.invoke('settings.set', { general: { openAtLogin: true } })).toMatchObject({ ok: true });
    expect(app.fake.app.loginItemCalls.at(-1)).toEqual({ openAtLogin: true, openAsHidden: true, args: ['--hidden'] });
  });
});

describe('started at login (--hidden)', () => {
  it('opens only the tray; the window appears when asked', async () => {
    process.argv.push('--hidden');
    let hidden: Launched | undefined;
    try {
      hidden = await launchApp();
      await new Promise((r) => setTimeout(r, 50));
      expect(hidden.fake.windows[0]!.visible).toBe(false);
      expect(hidden.fake.trays).toHaveLength(1);
      hidden.fake.app.emit('second-instance', {}, [], process.cwd());
      expect(hidden.fake.windows[0]!.visible).toBe(true);
    } finally {
      process.argv.splice(process.argv.indexOf('--hidden'), 1);
      await hidden?.close();
    }
  });
});
