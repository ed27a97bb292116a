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
import type { RawDrive } from '../../main/core/drives/list';
import type { ToolRunner } from '../../main/core/system/tools';
import { startTestService, type TestService } from '../service/helpers';
import { runStation, say, startAzureStation, stopAzureStation, type AzureStation } from './azureStation';
import { makeTestDrives, type TestDrives } from './loop';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const win = (name: string) => readFileSync(path.join(ROOT, 'tests/bitlocker/recorded/windows', name), 'utf8');

let service: TestService;
let drives: TestDrives;
const started: AzureStation = {};
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
  const draftId = await startAzureStation(started, {
    work,
    service,
    list,
    bitlocker: { run: windowsTools(), platform: 'win32', pollMs: 400 },
  });
  say({ url: started.server!.urlWithToken, draftId, dataDir: path.join(work, 'data') });
}

async function cleanup(): Promise<void> {
  await stopAzureStation(started);
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

runStation(main, cleanup);
