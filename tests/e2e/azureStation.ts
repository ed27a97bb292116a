// What the BitLocker stations (bitlockerStation.ts, bitlockerWindowsStation.ts) share: main/core with
// an Azure connection (a stand-in credential; ARM is the local sandbox), a saved draft of the import
// "harbour-photos" of `<work>/photos` waiting on its Drives step, and the browser server; and the way
// each runs as its own process, printing one JSON line and cleaning everything up on SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { startBrowserServer, type BrowserServer } from '../../main/core/browser/server';
import type { RawDrive } from '../../main/core/drives/list';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import type { CoreOptions } from '../../main/core/services';
import type { TestService } from '../service/helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a station started, filled as it starts, so its cleanup stops whatever came up before a failure. */
export interface AzureStation {
  core?: Core;
  server?: BrowserServer;
}

/**
 * Starts main/core on `<work>/data` with the drives `list` and the BitLocker tools given, connects it
 * to the sandbox as Azure, saves the harbour-photos draft and serves the renderer; returns the draft's id.
 */
export async function startAzureStation(
  into: AzureStation,
  o: { work: string; service: TestService; list: RawDrive[]; bitlocker: CoreOptions['bitlocker'] },
): Promise<string> {
  const c = o.service.svc.connection;
  const core = (into.core = await createCore({
    dataDir: path.join(o.work, 'data'),
    listDrives: async () => o.list,
    keepAwake: noKeepAwake,
    ...(o.bitlocker ? { bitlocker: o.bitlocker } : {}),
    azure: {
      armEndpoint: c.endpoint,
      ca: o.service.ca,
      credentials: () => ({
        getToken: async () => ({ token: c.token, expiresOnTimestamp: Date.now() + 3_600_000 }),
        authenticate: async () => ({
          authority: 'login.microsoftonline.com',
          homeAccountId: 'h',
          clientId: 'c',
          tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
          username: 'ada@contoso.com',
        }),
      }),
    },
  }));
  const signIn = await dispatch(core.handlers, 'connection.signIn', { method: 'browser' });
  if (!signIn.ok) throw new Error(signIn.error.message);
  const use = await dispatch(core.handlers, 'connection.use', {
    kind: 'azure',
    subscriptionId: c.subscriptionId,
    subscriptionName: 'Contoso production',
    resourceGroup: c.resourceGroup,
  });
  if (!use.ok || (use.value as { kind?: string }).kind !== 'azure')
    throw new Error(`the Azure connection did not come up: ${JSON.stringify(use)}`);
  const saved = await dispatch(core.handlers, 'drafts.save', {
    draft: {
      step: 'drives',
      values: {
        type: {
          kind: 'import',
          storageAccountId: o.service.storageAccountId(),
          location: 'West US',
          jobName: 'harbour-photos',
        },
        importData: {
          mode: 'picked',
          paths: [path.join(o.work, 'photos')],
          destination: 'photos/',
          blobType: 'BlockBlob',
          disposition: 'rename',
        },
      },
    },
  });
  if (!saved.ok) throw new Error(saved.error.message);
  into.server = await startBrowserServer({ core, rendererDir: path.join(ROOT, 'out/renderer'), port: 0 });
  return (saved.value as { id: string }).id;
}

/** Stops the server and main/core a station started. */
export async function stopAzureStation(started: AzureStation): Promise<void> {
  await started.server?.close();
  await started.core?.dispose();
}

/** Prints one JSON line for the spec that started this process. */
export const say = (o: object) => void process.stdout.write(`${JSON.stringify(o)}\n`);

/** Runs a station process: `main`, then `cleanup` on SIGTERM or SIGINT, or after an error it reports. */
export function runStation(main: () => Promise<void>, cleanup: () => Promise<void>): void {
  let ending = false;
  const end = () => {
    if (ending) return;
    ending = true;
    void cleanup().finally(() => process.exit(0));
  };
  process.on('SIGTERM', end);
  process.on('SIGINT', end);
  main().catch((e: unknown) => {
    say({ error: e instanceof Error ? e.message : String(e) });
    end();
  });
}
