// The Electron shell, with `electron` mocked (no Electron binary on these machines): the ipcMain
// wrapper refuses an unknown channel, a bad payload and a foreign sender; the window is sandboxed;
// navigation and new windows are blocked; only https links main produced are opened.
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../../main/core/bridge/core';
import { ExternalLinks } from '../../main/core/links';

const appUrl = 'file:///opt/Haul/resources/app.asar/out/renderer/index.html';
const made: string[] = [];
const tmpDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-shell-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function fakeContents() {
  const listeners = new Map<string, (...args: unknown[]) => void>();
  const mainFrame = { url: appUrl };
  return {
    mainFrame,
    sent: [] as unknown[][],
    on: vi.fn((name: string, fn: (...args: unknown[]) => void) => {
      listeners.set(name, fn);
    }),
    emit: (name: string, ...args: unknown[]) => listeners.get(name)?.(...args),
    setWindowOpenHandler: vi.fn(),
    isDestroyed: () => false,
    send(...args: unknown[]) {
      this.sent.push(args);
    },
  };
}

type Invoke = (
  event: unknown,
  channel: unknown,
  payload: unknown,
) => Promise<{ ok: boolean; error?: { code: string; message: string }; value?: unknown }>;

describe('ipcMain wrapper', () => {
  let core: Core;
  let invoke: Invoke;
  let contents: ReturnType<typeof fakeContents>;

  beforeEach(async () => {
    vi.resetModules();
    vi.doMock('electron', () => ({}));
    const { registerIpc } = await import('../../main/electron/ipc');
    core = await createCore({
      dataDir: tmpDir(),
      listDrives: async () => [],
    });
    contents = fakeContents();
    const handlers = new Map<string, Invoke>();
    const ipcMain = { handle: vi.fn((name: string, fn: Invoke) => handlers.set(name, fn)), removeHandler: vi.fn() };
    registerIpc(ipcMain as never, core, { webContents: () => contents as never, appUrl });
    expect([...handlers.keys()]).toEqual(['haul:invoke']);
    invoke = handlers.get('haul:invoke')!;
  });

  const fromOurPage = () => ({ sender: contents, senderFrame: contents.mainFrame });

  it('answers our own page on a known channel', async () => {
    const result = await invoke(fromOurPage(), 'app.info', {});
    expect(result).toMatchObject({ ok: true, value: { name: 'Haul', platform: process.platform } });
  });

  it('refuses an unknown channel', async () => {
    const result = await invoke(fromOurPage(), 'shell.exec', { cmd: 'rm -rf /' });
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses a bad payload', async () => {
    const result = await invoke(fromOurPage(), 'drives.list', 'all of them');
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('refuses a foreign sender: another web contents', async () => {
    const other = fakeContents();
    const result = await invoke({ sender: other, senderFrame: other.mainFrame }, 'app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a foreign sender: a subframe of our window, or our window showing another page', async () => {
    const subframe = { url: appUrl };
    expect(await invoke({ sender: contents, senderFrame: subframe }, 'app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    contents.mainFrame.url = 'https://evil.example/index.html';
    expect(await invoke(fromOurPage(), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    contents.mainFrame.url = 'file:///tmp/downloaded/index.html';
    expect(await invoke(fromOurPage(), 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('refuses a sender with no frame (frame already gone)', async () => {
    expect(await invoke({ sender: contents, senderFrame: null }, 'app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('forwards core events to the window', () => {
    core.events.emit('job.updated', { kind: 'removed', name: 'photos-2026', goneAt: '2026-12-01T19:00:00.000Z' });
    expect(contents.sent).toEqual([
      ['haul:event', 'job.updated', { kind: 'removed', name: 'photos-2026', goneAt: '2026-12-01T19:00:00.000Z' }],
    ]);
  });
});

describe('window and navigation rules', () => {
  it('the window is sandboxed, context-isolated, without Node integration', async () => {
    vi.doMock('electron', () => ({}));
    const { secureWebPreferences } = await import('../../main/electron/window');
    expect(secureWebPreferences('/p.cjs')).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: '/p.cjs',
    });
  });

  it('blocks navigation and new windows; opens only https links main produced', async () => {
    vi.doMock('electron', () => ({}));
    const { hardenContents } = await import('../../main/electron/window');
    const links = new ExternalLinks();
    links.produce('https://www.ups.com/track?tracknum=1Z999');
    const shell = { openExternal: vi.fn(async () => {}) };
    const contents = fakeContents();
    hardenContents(contents as never, links, shell);
    const nav = { preventDefault: vi.fn() };
    contents.emit('will-navigate', nav);
    expect(nav.preventDefault).toHaveBeenCalled();
    const open = contents.setWindowOpenHandler.mock.calls[0]![0] as (d: { url: string }) => { action: string };
    expect(open({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(open({ url: 'http://www.ups.com/track?tracknum=1Z999' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(open({ url: 'https://www.ups.com/track?tracknum=1Z999' })).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://www.ups.com/track?tracknum=1Z999');
  });

  it('refuses to produce a non-https link', () => {
    expect(() => new ExternalLinks().produce('http://example.com')).toThrow(/only https/);
  });
});

describe('preload', () => {
  it('exposes window.haul with one function per channel and never ipcRenderer itself', async () => {
    vi.resetModules();
    const exposed: Record<string, unknown> = {};
    const ipcRenderer = { invoke: vi.fn(async () => ({ ok: true, value: 'pong' })), on: vi.fn() };
    vi.doMock('electron', () => ({
      contextBridge: {
        exposeInMainWorld: (key: string, value: unknown) => {
          exposed[key] = value;
        },
      },
      ipcRenderer,
    }));
    await import('../../main/electron/preload');
    expect(Object.keys(exposed)).toEqual(['haul']);
    const haul = exposed.haul as Record<string, unknown>;
    expect(Object.values(haul)).not.toContain(ipcRenderer);
    expect(Object.values(haul).every((v) => typeof v === 'function')).toBe(true);
    await (haul.appInfo as () => Promise<unknown>)();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('haul:invoke', 'app.info', {});
  });
});
