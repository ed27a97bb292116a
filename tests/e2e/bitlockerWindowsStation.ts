// The station for tests/e2e/bitlockerTurnOn.spec.ts, run as its own process (node --import tsx):
// main/core with an Azure connection (a stand-in credential; ARM is the local sandbox), the browser
// server, and one drive G: on a Windows played by a stand-in for manage-bde and PowerShell, which
// answer with output in the formats Microsoft documents (tests/bitlocker/recorded/windows/; no
// Windows here): NTFS without BitLocker until `manage-bde -on`, then encrypting (0 %, 37.5 % for a
// few seconds), then encrypted, with its recovery password readable once BitLocker is on.
// The copy itself is real: the drive's path "G:\" is a folder of that name in this process's
// working folder, where a loop-mounted ext4 file system is bind-mounted, so the plan and the copy
// run on a file system of its own. Prints one JSON line — {"url","draftId","dataDir"} or
// {"skip": why} — and cleans everything up on SIGTERM.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore, type Core } from '../../main/core/bridge/core';
import { dispatch } from '../../main/core/bridge/dispatch';
import { startBrowserServer, type BrowserServer } from '../../main/core/browser/server';
import type { RawDrive } from '../../main/core/drives/list';
import { noKeepAwake } from '../../main/core/prep/engine/keepAwake';
import type { ToolRunner } from '../../main/core/system/tools';
import { startTestService, type TestService } from '../service/helpers';
import { makeTestDrives, type TestDrives } from './loop';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const win = (name: string) => readFileSync(path.join(ROOT, 'tests/bitlocker/recorded/windows', name), 'utf8');

let service: TestService;
let drives: TestDrives;
let core: Core;
let server: BrowserServer;
let work: string;
let bound: string | undefined;

/** manage-bde and PowerShell for drive G:, BitLocker off until -on; the encryption takes about 8 s. */
function windowsTools(): ToolRunner {
  let onAt: number | undefined;
  const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });
  const status = () => {
    if (onAt === undefined) return win('status-G.decrypted.en.txt');
    const s = (Date.now() - onAt) / 1000;
    return s < 1.5
      ? win('status-G.encrypting-0.en.txt')
      : s < 8
        ? win('status-G.encrypting-37.en.txt')
        : win('status-G.encrypted.en.txt');
  };
  return async (call) => {
    const line = [call.tool, ...call.args].join(' ');
    if (line === 'manage-bde -status' || line === 'manage-bde -status G:') return ok(status());
    if (call.tool === 'powershell' && line.includes('Get-Volume'))
      return ok('[{"DriveLetter":"G","FileSystem":"NTFS"}]');
    if (line.startsWith('manage-bde -on G: -RecoveryPassword -UsedSpaceOnly')) {
      onAt = Date.now();
      return ok(win('on.en.txt'));
    }
    if (line === 'manage-bde -protectors -get G: -Type RecoveryPassword')
      return onAt === undefined
        ? {
            code: -2144272383,
            stdout:
              'ERROR: An error occurred (code 0x80310001):\r\nBitLocker Drive Encryption is not enabled on this volume.\r\n',
            stderr: '',
          }
        : ok(win('protectors-get.recovery.en.txt'));
    return { code: 1, stdout: '', stderr: `the Windows stand-in has no answer for: ${line}` };
  };
}

async function main(): Promise<void> {
  drives = makeTestDrives(1, 16);
  if (!drives.loop) return say({ skip: 'a loop-mounted drive is needed (run as root, with loop devices)' });
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-bitlocker-windows-'));
  // "G:\" is the drive's path as Windows names it; here, a folder of that name in the working folder
  process.chdir(work);
  bound = path.join(work, 'G:\\');
  mkdirSync(bound);
  execFileSync('mount', ['--bind', drives.drives[0]!.mount, bound]);
  mkdirSync(path.join(work, 'photos'));
  writeFileSync(path.join(work, 'photos', 'harbour.jpg'), Buffer.alloc(300_000, 7));
  writeFileSync(path.join(work, 'photos', 'quay.jpg'), Buffer.alloc(120_000, 3));

  service = await startTestService();
  const c = service.svc.connection;
  const list: RawDrive[] = [
    {
      device: drives.drives[0]!.device!,
      description: 'WD My Passport',
      size: 16 * 1048576,
      mountpoints: ['G:\\'],
      removable: true,
      system: false,
      readOnly: false,
      virtual: false,
      serial: 'WX52A3C0KL7J',
    },
  ];
  core = await createCore({
    dataDir: path.join(work, 'data'),
    listDrives: async () => list,
    keepAwake: noKeepAwake,
    bitlocker: { run: windowsTools(), platform: 'win32', pollMs: 400 },
    azure: {
      armEndpoint: c.endpoint,
      ca: service.ca,
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
  });
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
          storageAccountId: service.storageAccountId(),
          location: 'West US',
          jobName: 'harbour-photos',
        },
        importData: {
          mode: 'picked',
          paths: [path.join(work, 'photos')],
          destination: 'photos/',
          blobType: 'BlockBlob',
          disposition: 'rename',
        },
      },
    },
  });
  if (!saved.ok) throw new Error(saved.error.message);
  server = await startBrowserServer({ core, rendererDir: path.join(ROOT, 'out/renderer'), port: 0 });
  say({
    url: server.urlWithToken,
    draftId: (saved.value as { id: string }).id,
    dataDir: path.join(work, 'data'),
  });
}

async function cleanup(): Promise<void> {
  await server?.close();
  await core?.dispose();
  await service?.cleanup();
  if (bound)
    try {
      execFileSync('umount', [bound]);
    } catch {
      execFileSync('umount', ['-l', bound]);
    }
  drives?.dispose();
  process.chdir(os.tmpdir());
  if (work) rmSync(work, { recursive: true, force: true });
}

const say = (o: object) => void process.stdout.write(`${JSON.stringify(o)}\n`);
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
