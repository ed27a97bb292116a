// The Electron shell: small on purpose. It creates the window, wires ipcMain to main/core through
// the validating wrapper, and turns core events into desktop notifications.
import { app, BrowserWindow, ipcMain, Notification, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCore, type Core } from '../core/bridge/core';
import { ExternalLinks } from '../core/links';
import { registerIpc } from './ipc';
import { openElectronStoreBackend } from './settingsStore';
import { safeStorageCipher } from './safeStorageCipher';
import { hardenApp, secureWebPreferences } from './window';

app.enableSandbox();
const links = new ExternalLinks();
let mainWindow: BrowserWindow | undefined;
let core: Core | undefined;

// out/main/index.cjs -> out/renderer/index.html, out/preload/index.cjs
const outDir = path.resolve(__dirname, '..');
const indexHtml = path.join(outDir, 'renderer', 'index.html');
const appUrl = process.env.HAUL_RENDERER_URL ?? pathToFileURL(indexHtml).href;

async function createWindow(): Promise<void> {
  mainWindow = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Haul',
    show: false,
    webPreferences: secureWebPreferences(path.join(outDir, 'preload', 'index.cjs')),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = undefined;
  });
  await mainWindow.loadURL(appUrl);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.whenReady().then(async () => {
    hardenApp(app, session.defaultSession, links, shell);
    // The local sandbox service is the default backend: the bundled CLI, run by Electron as Node.
    // Packaged, out/cli sits outside the asar archive (electron-builder.yml asarUnpack).
    const cli = path.join(outDir, 'cli', 'haul.mjs').replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    core = await createCore({
      dataDir: app.getPath('userData'),
      watchDrives: true,
      host: 'desktop',
      settingsBackend: openElectronStoreBackend,
      secretCipher: (dir) => safeStorageCipher(safeStorage, dir),
      localService: { command: [process.execPath, cli], env: { ELECTRON_RUN_AS_NODE: '1' } },
    });
    registerIpc(ipcMain, core, { webContents: () => mainWindow?.webContents, appUrl });
    core.events.on((event, payload) => {
      if (event === 'notification' && Notification.isSupported()) {
        const p = payload as { title: string; body: string };
        new Notification({ title: p.title, body: p.body }).show();
      }
    });
    await createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) void createWindow();
    });
  }).catch((err: unknown) => {
    console.error('Haul could not start:', err);
    app.exit(1);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Stop main/core (the local service, drive watcher) before the process ends: hold the quit once,
  // dispose, then exit.
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed || !core) return;
    event.preventDefault();
    disposed = true;
    const done = core.dispose().catch((err: unknown) => console.error('Haul could not stop cleanly:', err instanceof Error ? err.message : String(err)));
    void done.then(() => app.exit(0));
  });
}
