// A recording stand-in for the `electron` module, for machines without the Electron binary. It
// implements just what Haul's shell calls, records every call, and lets a test drive the app
// (ready, second launch, closing the window, quitting). `loadBundle` loads a *built* CommonJS
// bundle (out/main/index.cjs, out/preload/index.cjs) with `require('electron')` answered by it.
import { EventEmitter } from 'node:events';
import Module, { createRequire } from 'node:module';

type Listener = (...args: unknown[]) => unknown;

/** An Electron-style event: `preventDefault()` is recorded. */
export function fakeEvent(extra: Record<string, unknown> = {}) {
  const e = {
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
    ...extra,
  };
  return e;
}

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly mainFrame: { url: string };
  readonly sent: unknown[][] = [];
  windowOpenHandler?: (details: { url: string }) => { action: string };
  destroyed = false;
  constructor(url = '') {
    super();
    this.mainFrame = { url };
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(fn: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = fn;
  }
  getURL() {
    return this.mainFrame.url;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  static created: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  loadedUrl?: string;
  visible = false;
  minimized = false;
  focused = 0;
  destroyed = false;
  progress: Array<number> = [];
  constructor(
    readonly options: Record<string, unknown>,
    private readonly app: FakeApp,
  ) {
    super();
    this.webContents = new FakeWebContents();
    FakeBrowserWindow.all.push(this);
    FakeBrowserWindow.created.push(this);
    // Electron emits web-contents-created for every new contents, before the page loads.
    app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  static getAllWindows() {
    return FakeBrowserWindow.all.filter((w) => !w.destroyed);
  }
  async loadURL(url: string) {
    this.loadedUrl = url;
    this.webContents.mainFrame.url = url;
    queueMicrotask(() => this.emit('ready-to-show'));
  }
  show() {
    this.visible = true;
    this.minimized = false;
  }
  hide() {
    this.visible = false;
  }
  isVisible() {
    return this.visible;
  }
  focus() {
    this.focused += 1;
  }
  isMinimized() {
    return this.minimized;
  }
  minimize() {
    this.minimized = true;
  }
  restore() {
    this.minimized = false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setProgressBar(value: number) {
    this.progress.push(value);
  }
  /** What the person's click on the window's close button does. */
  close() {
    const e = fakeEvent();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    if (FakeBrowserWindow.getAllWindows().length === 0) this.app.emit('window-all-closed');
  }
}

export class FakeApp extends EventEmitter {
  ready = false;
  private readyResolve!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });
  sandboxEnabled = false;
  /** false: another instance holds the lock (this launch is the second one). */
  gotLock = true;
  quitCalls = 0;
  exitCode?: number;
  quitting = false;
  loginItem = { openAtLogin: false };
  loginItemCalls: Array<Record<string, unknown>> = [];
  dockProgress: number[] = [];
  badge: string[] = [];
  constructor(private readonly userData: string) {
    super();
  }
  enableSandbox() {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    return this.gotLock;
  }
  whenReady() {
    return this.readyPromise;
  }
  isReady() {
    return this.ready;
  }
  getPath(name: string) {
    if (name === 'userData') return this.userData;
    return `${this.userData}/${name}`;
  }
  getName() {
    return 'Haul';
  }
  getVersion() {
    return '0.0.0-test';
  }
  setAppUserModelId(_id: string) {}
  setLoginItemSettings(settings: Record<string, unknown>) {
    this.loginItemCalls.push(settings);
    this.loginItem.openAtLogin = Boolean(settings.openAtLogin);
  }
  getLoginItemSettings() {
    return { ...this.loginItem };
  }
  /** Electron's quit: before-quit (cancellable), then windows close, then will-quit (cancellable), then quit. */
  quit() {
    this.quitCalls += 1;
    const before = fakeEvent();
    this.emit('before-quit', before);
    if (before.defaultPrevented) return;
    this.quitting = true;
    for (const w of FakeBrowserWindow.getAllWindows()) {
      const e = fakeEvent();
      w.emit('close', e);
      if (e.defaultPrevented) {
        this.quitting = false;
        return;
      }
      w.destroyed = true;
      w.webContents.destroyed = true;
      w.emit('closed');
    }
    const will = fakeEvent();
    this.emit('will-quit', will);
    if (will.defaultPrevented) {
      this.quitting = false;
      return;
    }
    this.emit('quit');
  }
  exit(code = 0) {
    this.exitCode = code;
  }
  focus() {}
  /** The test's "Electron is ready". */
  fireReady() {
    this.ready = true;
    this.emit('ready');
    this.readyResolve();
  }
}

export interface FakeTray {
  image: unknown;
  tooltip?: string;
  menu?: FakeMenu;
  destroyed: boolean;
  listeners: EventEmitter;
}

export interface FakeMenuItem {
  label?: string;
  role?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  submenu?: FakeMenuItem[] | FakeMenu;
  click?: (...args: unknown[]) => void;
  [key: string]: unknown;
}

export interface FakeMenu {
  items: FakeMenuItem[];
}

/** Everything the app did with electron, for the test to assert on. */
export interface FakeElectron {
  module: Record<string, unknown>;
  app: FakeApp;
  windows: typeof FakeBrowserWindow.created;
  ipcHandlers: Map<string, Listener>;
  ipcRendererListeners: Map<string, Listener[]>;
  ipcRendererInvokes: unknown[][];
  exposed: Record<string, unknown>;
  permissionRequestHandler?: Listener;
  permissionCheckHandler?: Listener;
  cspHeaders?: Listener;
  notifications: Array<Record<string, unknown>>;
  trays: FakeTray[];
  appMenu?: FakeMenu | null;
  /** Queue of answers for dialog.showMessageBox (button index); default 0. */
  messageBoxAnswers: number[];
  messageBoxes: Array<Record<string, unknown>>;
  powerSave: { started: Array<{ id: number; type: string }>; stopped: number[]; active: Set<number> };
  safeStorage: { available: boolean; encrypted: number };
  openedExternal: string[];
}

export function createFakeElectron(options: { userData: string }): FakeElectron {
  FakeBrowserWindow.all = [];
  FakeBrowserWindow.created = [];
  const app = new FakeApp(options.userData);
  const fake: FakeElectron = {
    module: {},
    app,
    windows: FakeBrowserWindow.created,
    ipcHandlers: new Map(),
    ipcRendererListeners: new Map(),
    ipcRendererInvokes: [],
    exposed: {},
    notifications: [],
    trays: [],
    messageBoxAnswers: [],
    messageBoxes: [],
    powerSave: { started: [], stopped: [], active: new Set() },
    safeStorage: { available: true, encrypted: 0 },
    openedExternal: [],
  };

  const session = {
    setPermissionRequestHandler(fn: Listener) {
      fake.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler(fn: Listener) {
      fake.permissionCheckHandler = fn;
    },
    webRequest: {
      onHeadersReceived(fn: Listener) {
        fake.cspHeaders = fn;
      },
    },
  };

  let nextBlocker = 1;
  class Tray {
    readonly record: FakeTray;
    constructor(image: unknown) {
      this.record = { image, destroyed: false, listeners: new EventEmitter() };
      fake.trays.push(this.record);
    }
    setToolTip(text: string) {
      this.record.tooltip = text;
    }
    setContextMenu(menu: FakeMenu) {
      this.record.menu = menu;
    }
    on(name: string, fn: Listener) {
      this.record.listeners.on(name, fn);
      return this;
    }
    destroy() {
      this.record.destroyed = true;
    }
    isDestroyed() {
      return this.record.destroyed;
    }
  }

  fake.module = {
    app,
    BrowserWindow: Object.assign(
      function BrowserWindow(this: unknown, opts: Record<string, unknown>) {
        return new FakeBrowserWindow(opts, app);
      },
      { getAllWindows: () => FakeBrowserWindow.getAllWindows() },
    ),
    ipcMain: {
      handle(channel: string, fn: Listener) {
        if (fake.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        fake.ipcHandlers.set(channel, fn);
      },
      removeHandler(channel: string) {
        fake.ipcHandlers.delete(channel);
      },
      on() {},
    },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        fake.ipcRendererInvokes.push(args);
        return { ok: true, value: null };
      },
      on(channel: string, fn: Listener) {
        const list = fake.ipcRendererListeners.get(channel) ?? [];
        list.push(fn);
        fake.ipcRendererListeners.set(channel, list);
      },
    },
    contextBridge: {
      exposeInMainWorld(key: string, value: unknown) {
        fake.exposed[key] = value;
      },
    },
    session: { defaultSession: session },
    shell: {
      openExternal: async (url: string) => {
        fake.openedExternal.push(url);
      },
    },
    Notification: Object.assign(
      function Notification(this: { show(): void }, opts: Record<string, unknown>) {
        this.show = () => void fake.notifications.push(opts);
      },
      { isSupported: () => true },
    ),
    Tray,
    Menu: {
      buildFromTemplate(items: FakeMenuItem[]): FakeMenu {
        return { items };
      },
      setApplicationMenu(menu: FakeMenu | null) {
        fake.appMenu = menu;
      },
    },
    nativeImage: {
      createFromPath(p: string) {
        return { path: p, isEmpty: () => false, resize: () => ({ path: p }) };
      },
      createEmpty() {
        return { path: '', isEmpty: () => true };
      },
    },
    dialog: {
      async showMessageBox(_win: unknown, opts?: Record<string, unknown>) {
        fake.messageBoxes.push((opts ?? _win) as Record<string, unknown>);
        return { response: fake.messageBoxAnswers.shift() ?? 0, checkboxChecked: false };
      },
      showMessageBoxSync(_win: unknown, opts?: Record<string, unknown>) {
        fake.messageBoxes.push((opts ?? _win) as Record<string, unknown>);
        return fake.messageBoxAnswers.shift() ?? 0;
      },
    },
    powerSaveBlocker: {
      start(type: string) {
        const id = nextBlocker++;
        fake.powerSave.started.push({ id, type });
        fake.powerSave.active.add(id);
        return id;
      },
      stop(id: number) {
        fake.powerSave.stopped.push(id);
        fake.powerSave.active.delete(id);
      },
      isStarted(id: number) {
        return fake.powerSave.active.has(id);
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => fake.safeStorage.available,
      // Not real encryption: a reversible marker, so a test can see that main asked for it (and a
      // grep for the secret still fails, as it would on the real keychain-encrypted bytes).
      encryptString(text: string) {
        fake.safeStorage.encrypted += 1;
        return Buffer.concat([Buffer.from('FAKE-SAFESTORAGE:'), Buffer.from(text, 'utf8').map((b) => b ^ 0x5a)]);
      },
      decryptString(buf: Buffer) {
        const head = Buffer.from('FAKE-SAFESTORAGE:');
        if (!buf.subarray(0, head.length).equals(head))
          throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(buf.subarray(head.length).map((b) => b ^ 0x5a)).toString('utf8');
      },
    },
  };
  return fake;
}

type Loader = { _load(request: string, parent: unknown, isMain: boolean): unknown };

/**
 * Loads a built CommonJS bundle afresh, with `require('electron')` answered by the stand-in.
 * Node's own loader runs the file (not Vitest's), exactly as Electron would.
 */
export function loadBundle(file: string, fake: FakeElectron): unknown {
  const loader = Module as unknown as Loader;
  const original = loader._load;
  loader._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    if (request === 'electron') return fake.module;
    return original.call(this, request, parent, isMain);
  };
  const req = createRequire(import.meta.url);
  try {
    delete req.cache[file];
    return req(file);
  } finally {
    loader._load = original;
  }
}
