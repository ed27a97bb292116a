// Haul on the desktop: the tray (active jobs and copies, Open, Quit), what closing the window does
// (keep tracking in the tray: a setting), asking before quitting while drives are being prepared,
// taskbar/dock progress during a copy, the keep-awake port over powerSaveBlocker, the app menu
// with the standard roles, and open-at-login (a setting). Everything it needs from electron comes
// in as arguments, so tests drive it with the stand-in electron.
import type {
  App,
  BrowserWindow,
  Dialog,
  Menu as MenuType,
  MenuItemConstructorOptions,
  NativeImage,
  PowerSaveBlocker,
  Tray as TrayType,
} from 'electron';
import type { Core } from '../core/bridge/core';
import type { KeepAwake, KeepAwakePort } from '../core/prep/engine/keepAwake';
import type { PrepSessionInfo } from '../../shared/prep/session';

/** The keep-awake port of main/core/prep, over Electron's powerSaveBlocker. */
export function powerSaveKeepAwake(blocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>): KeepAwakePort {
  return {
    async acquire(_why: string): Promise<KeepAwake> {
      // The display may sleep; the computer may not (a copy takes hours).
      const id = blocker.start('prevent-app-suspension');
      let released = false;
      return {
        active: true,
        message: 'Haul keeps this computer from sleeping while the drives are prepared.',
        release() {
          if (released) return;
          released = true;
          if (blocker.isStarted(id)) blocker.stop(id);
        },
      };
    },
  };
}

/** A copy in progress, for the tray, the taskbar and the question before quitting. */
export interface ActiveCopy {
  sessionId: string;
  jobName: string;
  /** 0..1 once the copy knows its size. */
  fraction?: number;
}

const ACTIVE_STATES = new Set<PrepSessionInfo['state']>(['planning', 'copying', 'verifying', 'stopping']);

/**
 * The hook into the prep sessions (main/core/prep, ctx.prep): which copies are running now. Kept
 * current from prep.session and prep.progress events, so quitting can ask without awaiting main.
 */
export class CopyActivity {
  private readonly copies = new Map<string, ActiveCopy>();
  private readonly listeners = new Set<() => void>();

  constructor(core: Pick<Core, 'events' | 'context'>) {
    core.events.on((event, payload) => {
      if (event === 'prep.session') this.session(payload as PrepSessionInfo);
      if (event === 'prep.progress') {
        const p = payload as {
          sessionId: string;
          jobName: string;
          event: { type: string; bytesDone?: number; bytesTotal?: number };
        };
        if (p.event.type !== 'progress') return;
        const fraction = p.event.bytesTotal ? Math.min(1, (p.event.bytesDone ?? 0) / p.event.bytesTotal) : undefined;
        this.copies.set(p.sessionId, {
          sessionId: p.sessionId,
          jobName: p.jobName,
          ...(fraction !== undefined ? { fraction } : {}),
        });
        this.emit();
      }
    });
    // Sessions already running when the shell starts listening (none today: main starts them).
    void core.context.prep?.list().then(
      (sessions) => sessions.forEach((s) => this.session(s)),
      () => undefined,
    );
  }

  private session(info: PrepSessionInfo) {
    if (ACTIVE_STATES.has(info.state)) {
      if (!this.copies.has(info.sessionId))
        this.copies.set(info.sessionId, { sessionId: info.sessionId, jobName: info.jobName });
    } else {
      this.copies.delete(info.sessionId);
    }
    this.emit();
  }

  private emit() {
    for (const l of this.listeners) l();
  }

  active(): ActiveCopy[] {
    return [...this.copies.values()];
  }

  /** The taskbar's value: the average of the copies that know their size; undefined when none run. */
  progress(): number | undefined {
    const copies = this.active();
    if (copies.length === 0) return undefined;
    const known = copies.filter((c) => c.fraction !== undefined);
    if (known.length === 0) return 2; // Electron: > 1 shows an indeterminate bar
    return known.reduce((sum, c) => sum + (c.fraction ?? 0), 0) / known.length;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Jobs the tray shows: every job main has seen that is not over yet, from job.updated. */
export class TrackedJobs {
  private readonly jobs = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  static readonly OVER = new Set(['Completed', 'Closed', 'Deleted']);

  constructor(core: Pick<Core, 'events'>) {
    core.events.on((event, payload) => {
      if (event !== 'job.updated') return;
      const p = payload as { kind: string; name: string; view?: { state: string } };
      if (p.kind === 'updated' && p.view && !TrackedJobs.OVER.has(p.view.state)) this.jobs.set(p.name, p.view.state);
      else this.jobs.delete(p.name);
      for (const l of this.listeners) l();
    });
  }

  list(): Array<{ name: string; state: string }> {
    return [...this.jobs].map(([name, state]) => ({ name, state })).sort((a, b) => a.name.localeCompare(b.name));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface DesktopDeps {
  app: App;
  Menu: Pick<typeof MenuType, 'buildFromTemplate' | 'setApplicationMenu'>;
  Tray: new (image: NativeImage | string) => TrayType;
  dialog: Pick<Dialog, 'showMessageBox'>;
  trayIcon: NativeImage | string;
  core: Pick<Core, 'events' | 'context'>;
  /** The window, if it exists now. */
  window(): BrowserWindow | undefined;
  /** Shows the window (creating it if it was closed). */
  open(): void;
  /** Say once that Haul keeps running in the tray (a notification). */
  notifyStillRunning?(): void;
  platform?: NodeJS.Platform;
}

export interface Desktop {
  copies: CopyActivity;
  jobs: TrackedJobs;
  /** Wires a (new) window: close keeps tracking, progress goes to its taskbar button. */
  attach(window: BrowserWindow): void;
  /** The tray menu, as built last (tests read it). */
  trayMenu(): MenuItemConstructorOptions[];
  /** Set by quit: the next close really closes. */
  readonly quitting: boolean;
}

/** The app menu: the platform's standard roles. */
export function appMenuTemplate(platform: NodeJS.Platform, name: string): MenuItemConstructorOptions[] {
  return [
    ...(platform === 'darwin' ? [{ label: name, role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'About Haul', role: 'about' }] },
  ];
}

/** The tray's menu: open, the drives being prepared, the jobs tracked (or that there are none), quit. */
function trayMenuItems(
  running: ReturnType<CopyActivity['active']>,
  tracked: ReturnType<TrackedJobs['list']>,
  open: () => void,
  quit: () => void,
): MenuItemConstructorOptions[] {
  return [
    { label: 'Open Haul', click: open },
    { type: 'separator' },
    ...(running.length
      ? running.map((c) => ({
          label: `Preparing drives for ${c.jobName}${c.fraction !== undefined ? ` — ${Math.round(c.fraction * 100)}%` : ''}`,
          enabled: false,
        }))
      : []),
    ...(tracked.length
      ? tracked.map((j) => ({ label: `${j.name}: ${j.state}`, click: open }))
      : running.length
        ? []
        : [{ label: 'No active jobs', enabled: false }]),
    { type: 'separator' },
    { label: 'Quit Haul', click: quit },
  ];
}

/** Asks whether to quit while drives are being prepared; true for "Quit anyway". */
async function askToQuit(d: DesktopDeps, names: string): Promise<boolean> {
  const { response } = await d.dialog.showMessageBox({
    type: 'warning',
    title: 'Quit Haul?',
    message: `Haul is preparing drives for ${names}.`,
    detail:
      'If you quit now, the copy stops. Files already copied are kept: Resume continues where it stopped, the next time you open Haul.',
    buttons: ['Keep copying', 'Quit anyway'],
    defaultId: 0,
    cancelId: 0,
  });
  return response === 1;
}

export function setUpDesktop(d: DesktopDeps): Desktop {
  const platform = d.platform ?? process.platform;
  const copies = new CopyActivity(d.core);
  const jobs = new TrackedJobs(d.core);
  const settings = d.core.context.settings;
  let quitting = false;
  let confirmedQuit = false;
  let saidStillRunning = false;
  let lastMenu: MenuItemConstructorOptions[] = [];

  d.Menu.setApplicationMenu(d.Menu.buildFromTemplate(appMenuTemplate(platform, 'Haul')));

  // Open at login follows the setting (Windows and macOS; Linux desktops have no such API).
  const applyLogin = () => {
    const { openAtLogin } = settings.get().general;
    if (d.app.getLoginItemSettings().openAtLogin !== openAtLogin)
      d.app.setLoginItemSettings({ openAtLogin, openAsHidden: true, args: ['--hidden'] });
  };
  applyLogin();
  settings.onChange(applyLogin);

  const tray = new d.Tray(d.trayIcon);
  tray.setToolTip('Haul');
  const quit = () => {
    quitting = true;
    d.app.quit();
  };
  const rebuildTray = () => {
    const running = copies.active();
    const tracked = jobs.list();
    const items = trayMenuItems(running, tracked, () => d.open(), quit);
    lastMenu = items;
    tray.setContextMenu(d.Menu.buildFromTemplate(items));
    tray.setToolTip(
      running.length ? `Haul — preparing ${running.length === 1 ? 'one job' : `${running.length} jobs`}` : 'Haul',
    );
  };
  rebuildTray();
  tray.on('click', () => d.open());

  const showProgress = () => {
    const w = d.window();
    if (!w || w.isDestroyed()) return;
    const p = copies.progress();
    // -1 removes the bar (taskbar on Windows and Linux, dock on macOS).
    w.setProgressBar(p === undefined ? -1 : p, p === 2 ? { mode: 'indeterminate' } : { mode: 'normal' });
  };
  copies.onChange(() => {
    rebuildTray();
    showProgress();
  });
  jobs.onChange(rebuildTray);

  // Quitting while drives are being prepared: ask first. Cancel keeps copying.
  d.app.on('before-quit', (event) => {
    quitting = true;
    const running = copies.active();
    if (running.length === 0 || confirmedQuit) return;
    event.preventDefault();
    quitting = false;
    const names = [...new Set(running.map((c) => c.jobName))].join(', ');
    void askToQuit(d, names).then((yes) => {
      if (!yes) return;
      confirmedQuit = true;
      quit();
    });
  });

  return {
    copies,
    jobs,
    get quitting() {
      return quitting;
    },
    trayMenu: () => lastMenu,
    attach(window) {
      window.on('close', (event) => {
        if (quitting || !settings.get().general.keepTrackingWhenClosed) return;
        // Keep tracking in the tray: hide instead of closing.
        event.preventDefault();
        window.hide();
        if (!saidStillRunning) {
          saidStillRunning = true;
          d.notifyStillRunning?.();
        }
      });
      showProgress();
    },
  };
}
