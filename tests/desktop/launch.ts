// Starts the built desktop app (out/main/index.cjs) under the stand-in electron, the way Electron
// would: load the bundle, fire `ready`, wait for the window. `invoke` calls main as our page does;
// `quit` quits as the person would and waits until main/core has stopped.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { MAIN_BUNDLE, assertFreshBuild } from './built';
import { createFakeElectron, loadBundle, type FakeElectron } from './fakeElectron';

export interface Launched {
  fake: FakeElectron;
  userData: string;
  invoke(
    channel: string,
    payload?: unknown,
  ): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;
  /** Quits (unless `expectExit` is false) and removes the data folder. */
  close(): Promise<void>;
}

type Invoke = (
  event: unknown,
  channel: unknown,
  payload: unknown,
) => Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

export async function launchApp(
  options: { prepare?: (userData: string) => void; configure?: (fake: FakeElectron) => void } = {},
): Promise<Launched> {
  assertFreshBuild();
  const userData = mkdtempSync(path.join(os.tmpdir(), 'haul-desktop-'));
  options.prepare?.(userData);
  const fake = createFakeElectron({ userData });
  options.configure?.(fake);
  loadBundle(MAIN_BUNDLE, fake);
  fake.app.fireReady();
  await vi.waitFor(
    () => {
      if (fake.app.exitCode !== undefined)
        throw new Error(`the app exited with ${fake.app.exitCode} before it opened a window`);
      if (!fake.windows[0]?.loadedUrl) throw new Error('no window yet');
    },
    { timeout: 30_000, interval: 50 },
  );
  return {
    fake,
    userData,
    invoke(channel, payload = {}) {
      const handler = fake.ipcHandlers.get('haul:invoke') as Invoke | undefined;
      if (!handler) throw new Error('main registered no haul:invoke handler');
      const contents = fake.windows.find((w) => !w.destroyed)?.webContents ?? fake.windows[0]!.webContents;
      return handler({ sender: contents, senderFrame: contents.mainFrame }, channel, payload);
    },
    async close() {
      if (fake.app.exitCode === undefined) {
        fake.app.quit();
        await vi.waitFor(
          () => {
            if (fake.app.exitCode === undefined) throw new Error('the app has not exited');
          },
          { timeout: 30_000, interval: 50 },
        );
      }
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
