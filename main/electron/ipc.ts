// Every ipcMain request goes through this one wrapper: it checks that the sender is our window's
// main frame showing our own page, that the channel exists, and (via dispatch) that the payload
// matches the channel's schema — before any handler in main/core runs.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { BridgeResult } from '../../shared/ipc/contract';
import type { Core } from '../core/bridge/core';
import { dispatch } from '../core/bridge/dispatch';

export const INVOKE = 'haul:invoke';
export const EVENT = 'haul:event';

export interface SenderPolicy {
  /** The window whose page may call main. */
  webContents(): WebContents | undefined;
  /** The URL our page was loaded from (file:///…/index.html, or the dev server in development). */
  appUrl: string;
}

export function isTrustedSender(event: IpcMainInvokeEvent, policy: SenderPolicy): boolean {
  const contents = policy.webContents();
  const frame = event.senderFrame;
  if (!contents || !frame || event.sender !== contents) return false;
  if (frame !== contents.mainFrame) return false;
  try {
    const actual = new URL(frame.url);
    const expected = new URL(policy.appUrl);
    return (
      actual.protocol === expected.protocol && actual.host === expected.host && actual.pathname === expected.pathname
    );
  } catch {
    return false;
  }
}

export function handleInvoke(core: Core, policy: SenderPolicy) {
  return async (event: IpcMainInvokeEvent, channel: unknown, payload: unknown): Promise<BridgeResult<unknown>> => {
    if (!isTrustedSender(event, policy)) {
      return { ok: false, error: { code: 'forbidden', message: 'Only the Haul window may call its main process.' } };
    }
    return dispatch(core.handlers, channel, payload);
  };
}

export function registerIpc(ipcMain: IpcMain, core: Core, policy: SenderPolicy): () => void {
  ipcMain.handle(INVOKE, handleInvoke(core, policy));
  const stop = core.events.on((event, payload) => {
    const contents = policy.webContents();
    if (contents && !contents.isDestroyed()) contents.send(EVENT, event, payload);
  });
  return () => {
    ipcMain.removeHandler(INVOKE);
    stop();
  };
}
