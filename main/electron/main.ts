// The Electron shell: small on purpose. It creates the window, wires ipcMain to main/core through
// the validating wrapper, turns core events into desktop notifications, and lives on the desktop
// (./desktop.ts: tray, close-to-tray, quit confirmation, progress, keep-awake, menu, login item).
import { messageOf } from '../../shared/errors';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  powerSaveBlocker,
  safeStorage,
  session,
  shell,
  Tray,
} from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../core/bridge/core';
import { createElectronNotifier } from './notifier';
import { ExternalLinks } from '../core/links';
import { powerSaveKeepAwake, setUpDesktop, type Desktop } from './desktop';
import { registerIpc } from './ipc';
import { openElectronStoreBackend } from './settingsStore';
import { safeStorageCipher } from './safeStorageCipher';
import { hardenApp, secureWebPreferences } from './window';
import { reportPrinter } from './printReport';

app.enableSandbox();
const links = new ExternalLinks();
let mainWindow: BrowserWindow | undefined;
let core: Core | undefined;
let desktop: Desktop | undefined;
// Started at login: only the tray until the person opens the window.
const startHidden = process.argv.includes('--hidden');

// out/main/index.cjs -> out/renderer/index.html, out/preload/index.cjs
const outDir = path.resolve(__dirname, '..');
const indexHtml = path.join(outDir, 'renderer', 'index.html');
const appUrl = process.env.HAUL_RENDERER_URL ?? pathToFileURL(indexHtml).href;
// Packaged, out/cli sits outside the asar archive (electron-builder.yml asarUnpack).
const unpacked = (p: string) => p.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
const cliDir = unpacked(path.join(outDir, 'cli'));

async function createWindow(show: boolean): Promise<void> {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    title: 'Haul',
    show: false,
    webPreferences: secureWebPreferences(path.join(outDir, 'preload', 'index.cjs')),
  });
  mainWindow = window;
  if (show) window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  desktop?.attach(window);
  await window.loadURL(appUrl);
}

function openWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) {
    void createWindow(true);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

if (!app.requestSingleInstanceLock()) {
  // A second launch: the first instance shows its window (second-instance below); this one ends.
  app.quit();
} else {
  app.on('second-instance', () => openWindow());
  app
    .whenReady()
    .then(async () => {
      hardenApp(app, session.defaultSession, links, shell);
      // The local sandbox service is the default backend: the bundled CLI, run by Electron as Node.
      core = await createCore({
        dataDir: app.getPath('userData'),
        watchDrives: true,
        localService: {
          command: [process.execPath, path.join(cliDir, 'haul.mjs')],
          env: { ELECTRON_RUN_AS_NODE: '1' },
        },
        host: 'desktop',
        settingsBackend: openElectronStoreBackend,
        secretCipher: (dir) => safeStorageCipher(safeStorage, dir),
        keepAwake: powerSaveKeepAwake(powerSaveBlocker),
        prepWorkerDir: pathToFileURL(`${cliDir}${path.sep}`),
        // A job's completion report as a PDF: the window's report page through printToPDF.
        printReport: reportPrinter({ window: () => mainWindow, dialog, downloads: () => app.getPath('downloads') }),
        // Desktop notifications for what the tracker finds (muted kinds and quiet hours are decided in
        // main/core); a click opens the window on that job.
        notifier: createElectronNotifier(Notification, (jobName) => {
          openWindow();
          core?.context.notifications?.openJob(jobName);
        }),
      });
      registerIpc(ipcMain, core, { webContents: () => mainWindow?.webContents, appUrl });
      desktop = setUpDesktop({
        app,
        Menu,
        Tray,
        dialog,
        trayIcon: path.join(__dirname, 'tray.png'),
        core,
        window: () => mainWindow,
        open: openWindow,
        notifyStillRunning: () => {
          if (Notification.isSupported())
            new Notification({
              title: 'Haul is still running',
              body: 'It keeps tracking your jobs in the tray. Quit from the tray icon to stop it.',
            }).show();
        },
      });
      await createWindow(!startHidden);
      app.on('activate', () => openWindow());
    })
    .catch((err: unknown) => {
      console.error('Haul could not start:', messageOf(err));
      app.exit(1);
    });
  app.on('window-all-closed', () => {
    // With "keep tracking" on, the window only hides, so this means: really closed.
    if (process.platform !== 'darwin' || desktop?.quitting) app.quit();
  });
  // Stop main/core (the local service, drive watcher, running copies) before the process ends:
  // hold the quit once, dispose, then exit.
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !core) return;
    event.preventDefault();
    disposed = true;
    const done = core.dispose().catch((err: unknown) => console.error('Haul could not stop cleanly:', messageOf(err)));
    void done.then(() => app.exit(0));
  });
}
