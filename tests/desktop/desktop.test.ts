// Haul on the desktop, with the stand-in electron and a core that only has events and settings:
// the tray lists running copies and active jobs, the taskbar shows copy progress, quitting during
// a copy asks first (and Keep copying keeps it), the keep-awake port holds a powerSaveBlocker for
// exactly as long as asked, and closing the window keeps tracking unless the setting says not.
import { afterAll, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App, BrowserWindow, Dialog, Menu, NativeImage, Tray } from 'electron';
import type { Core } from '../../main/core/bridge/core';
import { openSettings } from '../../main/core/settings';
import { openConfBackend } from '../../main/core/settings/conf';
import { appMenuTemplate, powerSaveKeepAwake, setUpDesktop } from '../../main/electron/desktop';
import { createFakeElectron, FakeBrowserWindow, type FakeElectron, type FakeMenuItem } from './fakeElectron';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-desktop-unit-'));
  dirs.push(dir);
  const fake: FakeElectron = createFakeElectron({ userData: dir });
  const bus = new EventEmitter();
  const settings = openSettings(dir, openConfBackend);
  const core = {
    events: {
      emit: (e: string, p: unknown) => void bus.emit('e', e, p),
      on: (fn: (e: string, p: unknown) => void) => {
        bus.on('e', fn);
        return () => bus.off('e', fn);
      },
    },
    context: { settings },
  } as unknown as Pick<Core, 'events' | 'context'>;
  const m = fake.module as {
    Menu: typeof Menu;
    Tray: typeof Tray;
    dialog: Dialog;
    BrowserWindow: new (o: object) => BrowserWindow;
  };
  const window = new m.BrowserWindow({}) as unknown as FakeBrowserWindow;
  let opened = 0;
  let stillRunning = 0;
  const desktop = setUpDesktop({
    app: fake.app as unknown as App,
    Menu: m.Menu,
    Tray: m.Tray,
    dialog: m.dialog,
    trayIcon: '/opt/Haul/tray.png' as unknown as NativeImage,
    core,
    window: () => (window.destroyed ? undefined : (window as unknown as BrowserWindow)),
    open: () => {
      opened += 1;
      window.show();
    },
    notifyStillRunning: () => {
      stillRunning += 1;
    },
    platform: 'linux',
  });
  desktop.attach(window as unknown as BrowserWindow);
  const labels = () => (fake.trays[0]!.menu!.items as FakeMenuItem[]).filter((i) => i.label).map((i) => i.label);
  const click = (label: string) =>
    (fake.trays[0]!.menu!.items as FakeMenuItem[]).find((i) => i.label === label)!.click!();
  const copying = (state = 'copying') =>
    core.events.emit('prep.session', { sessionId: 's1', jobName: 'photos-2026', state } as never);
  const progress = (done: number, total: number) =>
    core.events.emit('prep.progress', {
      sessionId: 's1',
      jobName: 'photos-2026',
      event: { type: 'progress', phase: 'copy', bytesDone: done, bytesTotal: total, filesDone: 1, filesTotal: 2 },
    } as never);
  return {
    fake,
    core,
    settings,
    window,
    desktop,
    labels,
    click,
    copying,
    progress,
    opened: () => opened,
    stillRunning: () => stillRunning,
  };
}

describe('the tray', () => {
  it('has Open and Quit, says when nothing is active, and lists running copies and jobs not yet over', () => {
    const t = setUp();
    expect(t.fake.trays).toHaveLength(1);
    expect(t.fake.trays[0]!.image).toBe('/opt/Haul/tray.png');
    expect(t.labels()).toEqual(['Open Haul', 'No active jobs', 'Quit Haul']);
    t.copying();
    t.progress(25, 100);
    t.core.events.emit('job.updated', { kind: 'updated', name: 'archive-2025', view: { state: 'Shipping' } } as never);
    t.core.events.emit('job.updated', { kind: 'updated', name: 'done-2024', view: { state: 'Completed' } } as never);
    expect(t.labels()).toEqual([
      'Open Haul',
      'Preparing drives for photos-2026 — 25%',
      'archive-2025: Shipping',
      'Quit Haul',
    ]);
    expect(t.fake.trays[0]!.tooltip).toBe('Haul — preparing one job');
    t.click('Open Haul');
    expect(t.opened()).toBe(1);
    t.core.events.emit('job.updated', {
      kind: 'removed',
      name: 'archive-2025',
      goneAt: '2026-12-01T00:00:00Z',
    } as never);
    t.copying('finished');
    expect(t.labels()).toEqual(['Open Haul', 'No active jobs', 'Quit Haul']);
  });
});

describe('progress and quitting during a copy', () => {
  it('shows the copy on the taskbar (indeterminate until its size is known) and removes it when done', () => {
    const t = setUp();
    t.copying();
    expect(t.window.progress.at(-1)).toBe(2);
    t.progress(50, 200);
    expect(t.window.progress.at(-1)).toBe(0.25);
    t.copying('finished');
    expect(t.window.progress.at(-1)).toBe(-1);
  });

  it('asks before quitting while a copy runs: Keep copying keeps Haul running, Quit anyway quits', async () => {
    const t = setUp();
    t.copying();
    t.fake.messageBoxAnswers.push(0);
    t.click('Quit Haul');
    await new Promise((r) => setTimeout(r, 10));
    expect(t.fake.messageBoxes).toHaveLength(1);
    expect(t.fake.messageBoxes[0]).toMatchObject({
      message: 'Haul is preparing drives for photos-2026.',
      buttons: ['Keep copying', 'Quit anyway'],
      cancelId: 0,
    });
    expect(t.window.destroyed).toBe(false);
    t.fake.messageBoxAnswers.push(1);
    t.click('Quit Haul');
    await new Promise((r) => setTimeout(r, 10));
    expect(t.fake.messageBoxes).toHaveLength(2);
    expect(t.window.destroyed).toBe(true);
  });

  it('quits without asking when nothing is copying', () => {
    const t = setUp();
    t.click('Quit Haul');
    expect(t.fake.messageBoxes).toHaveLength(0);
    expect(t.window.destroyed).toBe(true);
  });
});

describe('closing the window', () => {
  it('keeps tracking in the tray by default (hides, says so once); with the setting off it closes', () => {
    const t = setUp();
    t.window.show();
    t.window.close();
    expect(t.window.destroyed).toBe(false);
    expect(t.window.visible).toBe(false);
    t.window.show();
    t.window.close();
    expect(t.stillRunning()).toBe(1);
    t.settings.update({ general: { keepTrackingWhenClosed: false } });
    t.window.close();
    expect(t.window.destroyed).toBe(true);
  });
});

describe('open at login and the menu', () => {
  it('follows the setting, starting hidden in the tray', () => {
    const t = setUp();
    expect(t.fake.app.loginItemCalls).toEqual([]);
    t.settings.update({ general: { openAtLogin: true } });
    expect(t.fake.app.loginItemCalls).toEqual([{ openAtLogin: true, openAsHidden: true, args: ['--hidden'] }]);
    t.settings.update({ general: { openAtLogin: false } });
    expect(t.fake.app.loginItemCalls.at(-1)).toMatchObject({ openAtLogin: false });
  });

  it('the app menu uses the standard roles (and the app menu on macOS)', () => {
    const t = setUp();
    expect((t.fake.appMenu!.items as FakeMenuItem[]).map((i) => i.role)).toEqual([
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
      'help',
    ]);
    expect(appMenuTemplate('darwin', 'Haul')[0]).toMatchObject({ role: 'appMenu' });
  });
});

describe('keep awake during a copy (powerSaveBlocker)', () => {
  it('holds a prevent-app-suspension blocker until released, once', async () => {
    const fake = createFakeElectron({ userData: os.tmpdir() });
    const port = powerSaveKeepAwake(fake.module.powerSaveBlocker as Parameters<typeof powerSaveKeepAwake>[0]);
    const held = await port.acquire('Copying photos-2026');
    expect(held.active).toBe(true);
    expect(fake.powerSave.started).toEqual([{ id: 1, type: 'prevent-app-suspension' }]);
    expect(fake.powerSave.active.size).toBe(1);
    held.release();
    held.release();
    expect(fake.powerSave.stopped).toEqual([1]);
    expect(fake.powerSave.active.size).toBe(0);
  });
});
