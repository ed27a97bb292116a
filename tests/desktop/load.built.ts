// The load check: the *built* Electron main and preload bundles, run under Node with a recording
// stand-in for `electron` (the binary cannot be downloaded here). This is what `npm start` does
// first, so a bundle that throws on load — as the CommonJS main did with an empty import.meta —
// fails here instead of on the customer's desktop.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAIN_BUNDLE, PRELOAD_BUNDLE, RENDERER_HTML, assertFreshBuild } from './built';
import { createFakeElectron, loadBundle, type FakeElectron } from './fakeElectron';
import { launchApp, type Launched } from './launch';

type Invoke = (
  event: unknown,
  channel: unknown,
  payload: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

describe('the built main bundle', () => {
  let fake: FakeElectron;
  let userData: string;

  beforeAll(async () => {
    assertFreshBuild();
    userData = mkdtempSync(path.join(os.tmpdir(), 'haul-load-'));
    fake = createFakeElectron({ userData });
    loadBundle(MAIN_BUNDLE, fake);
    fake.app.fireReady();
    await vi.waitFor(
      () => {
        if (fake.app.exitCode !== undefined)
          throw new Error(`the app exited with ${fake.app.exitCode} before it opened a window`);
        expect(fake.windows[0]?.loadedUrl).toBeDefined();
      },
      { timeout: 30_000, interval: 50 },
    );
  });

  afterAll(async () => {
    if (fake?.windows.length) {
      fake.app.quit();
      // The shell stops main/core (and the local service it started) before it exits.
      await vi.waitFor(() => expect(fake.app.exitCode).toBeDefined(), { timeout: 30_000, interval: 50 });
    }
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it('loads under Node without throwing, asks for the sandbox and the single-instance lock', () => {
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.app.exitCode).toBeUndefined();
  });

  it('creates one window with the secure preferences and the built preload', () => {
    expect(fake.windows).toHaveLength(1);
    const prefs = fake.windows[0]!.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs.preload).toBe(PRELOAD_BUNDLE);
    expect(existsSync(prefs.preload as string)).toBe(true);
  });

  it('loads the built renderer from a file', () => {
    const url = fake.windows[0]!.loadedUrl!;
    expect(url).toBe(pathToFileURL(RENDERER_HTML).href);
    expect(existsSync(fileURLToPath(url))).toBe(true);
  });

  it('registers the IPC handler, which answers our page and refuses anyone else', async () => {
    expect([...fake.ipcHandlers.keys()]).toEqual(['haul:invoke']);
    const invoke = fake.ipcHandlers.get('haul:invoke') as Invoke;
    const contents = fake.windows[0]!.webContents;
    const info = await invoke({ sender: contents, senderFrame: contents.mainFrame }, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { name: 'Haul', dataDir: userData } });
    const foreign = await invoke({ sender: contents, senderFrame: { url: 'https://evil.example/' } }, 'app.info', {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('denies every permission request and blocks navigation in every web contents', () => {
    const decided: boolean[] = [];
    fake.permissionRequestHandler?.(fake.windows[0]!.webContents, 'media', (allowed: boolean) => decided.push(allowed));
    expect(decided).toEqual([false]);
    const nav = {
      defaultPrevented: false,
      preventDefault() {
        nav.defaultPrevented = true;
      },
    };
    fake.windows[0]!.webContents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.defaultPrevented).toBe(true);
  });
});

describe('settings in the desktop app (electron-store)', () => {
  let launched: Launched;
  afterAll(async () => {
    await launched?.close();
  });

  it('moves a damaged settings file aside, runs on defaults, says so, and saves changes to the file', async () => {
    launched = await launchApp({
      prepare: (dir) => writeFileSync(path.join(dir, 'settings.json'), '{"version":1,"general":{"openAt'),
    });
    const got = await launched.invoke('settings.get');
    expect(got).toMatchObject({
      ok: true,
      value: {
        host: 'desktop',
        file: path.join(launched.userData, 'settings.json'),
        recovered: { reason: expect.stringMatching(/cut short/) },
      },
    });
    const aside = (got.value as { recovered: { movedTo: string } }).recovered.movedTo;
    expect(readFileSync(aside, 'utf8')).toBe('{"version":1,"general":{"openAt');
    const set = await launched.invoke('settings.set', { general: { keepTrackingWhenClosed: false } });
    expect(set).toMatchObject({ ok: true, value: { settings: { general: { keepTrackingWhenClosed: false } } } });
    expect(JSON.parse(readFileSync(path.join(launched.userData, 'settings.json'), 'utf8'))).toMatchObject({
      version: 1,
      general: { keepTrackingWhenClosed: false },
    });
    // The change was pushed to the window too.
    expect(
      launched.fake.windows[0]!.webContents.sent.some(([ch, ev]) => ch === 'haul:event' && ev === 'settings.changed'),
    ).toBe(true);
  });
});

describe('the built preload bundle', () => {
  it('exposes window.haul (one function per channel) and not ipcRenderer', async () => {
    assertFreshBuild();
    const fake = createFakeElectron({ userData: os.tmpdir() });
    loadBundle(PRELOAD_BUNDLE, fake);
    expect(Object.keys(fake.exposed)).toEqual(['haul']);
    const haul = fake.exposed.haul as Record<string, unknown>;
    expect(Object.isFrozen(haul)).toBe(true);
    expect(Object.values(haul)).not.toContain(fake.module.ipcRenderer);
    expect(Object.keys(haul)).not.toContain('ipcRenderer');
    expect(Object.values(haul).every((v) => typeof v === 'function')).toBe(true);
    await (haul.appInfo as () => Promise<unknown>)();
    expect(fake.ipcRendererInvokes).toEqual([['haul:invoke', 'app.info', {}]]);
    // Events reach a subscriber through the one listener the preload keeps.
    const seen: unknown[] = [];
    (haul.onServiceChanged as (fn: (p: unknown) => void) => () => void)((p) => seen.push(p));
    for (const fn of fake.ipcRendererListeners.get('haul:event') ?? [])
      fn({}, 'service.changed', { state: 'ready', kind: 'local' });
    expect(seen).toEqual([{ state: 'ready', kind: 'local' }]);
  });
});
