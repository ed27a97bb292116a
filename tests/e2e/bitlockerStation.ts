// The station for tests/e2e/bitlocker.spec.ts, run as its own process (node --import tsx): main/core
// with an Azure connection (a stand-in credential; ARM is the local sandbox), the browser server,
// and three drives — a loop device holding a real Windows-made BitLocker volume (locked, read by
// the real blkid and cryptsetup), a loop-mounted ext4 drive, and an unlocked BitLocker drive with
// NTFS inside, played by a stand-in for the tools around a real mount (no device-mapper here).
// Prints one JSON line — {"url","draftId"} or {"skip": why} — and cleans everything up on SIGTERM.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawDrive } from '../../main/core/drives/list';
import { spawnTool } from '../../main/core/system/spawn';
import type { ToolRunner } from '../../main/core/system/tools';
import { loopDevice, skipWhy, unpack, type Unpacked } from '../bitlocker/fixture';
import { startTestService, type TestService } from '../service/helpers';
import { runStation, say, startAzureStation, stopAzureStation, type AzureStation } from './azureStation';
import { makeTestDrives, type TestDrives } from './loop';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const recorded = (name: string) => readFileSync(path.join(ROOT, 'tests/bitlocker/recorded', name), 'utf8');

let service: TestService;
let fx: Unpacked;
let lockedLoop: { device: string; detach(): void } | undefined;
let drives: TestDrives;
const started: AzureStation = {};
let work: string;

/** The real tools, except around one made-up disk: an unlocked BitLocker partition whose NTFS is mounted at `mount`. */
function toolsWithUnlockedDrive(mapping: string, mount: string): ToolRunner {
  const disk = {
    name: '/dev/sdz',
    type: 'disk',
    children: [{ name: '/dev/sdz1', type: 'part', children: [{ name: mapping, type: 'crypt', mountpoint: mount }] }],
  };
  return async (call) => {
    const line = [call.tool, ...call.args].join(' ');
    if (line === `lsblk -J -p -s -o NAME,TYPE ${mapping}`)
      return ok(
        JSON.stringify({
          blockdevices: [{ name: mapping, type: 'crypt', children: [{ name: '/dev/sdz1', type: 'part' }] }],
        }),
      );
    if (line === 'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT /dev/sdz1')
      return ok(JSON.stringify({ blockdevices: [disk.children[0]] }));
    if (line === 'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT') {
      const real = await spawnTool(call);
      const doc = JSON.parse(real.stdout) as { blockdevices: { name: string }[] };
      return ok(JSON.stringify({ blockdevices: [...doc.blockdevices.filter((d) => d.name !== mapping), disk] }));
    }
    if (line === 'blkid -p -o export /dev/sdz1') return ok('TYPE=BitLocker\nUSAGE=crypto\n');
    if (line === `blkid -p -o export ${mapping}`) return ok('TYPE=ntfs\n');
    if (line === 'cryptsetup bitlkDump --debug /dev/sdz1') return ok(recorded('bitlkDump-debug.bitlk-aes-xts-128.txt'));
    if (line.startsWith('cryptsetup open --type bitlk --test-passphrase') && line.endsWith('/dev/sdz1'))
      return call.stdin === RP
        ? ok(recorded('testpass.opens.out'))
        : { code: 1, stdout: recorded('testpass.wrong.bitlk-aes-xts-128.out'), stderr: '' };
    return spawnTool(call);
  };
}
const ok = (stdout: string) => ({ code: 0, stdout, stderr: '' });

async function main(): Promise<void> {
  if (skipWhy) return say({ skip: `the BitLocker test images are needed: ${skipWhy}` });
  fx = unpack();
  const loop = loopDevice(fx.image('bitlk-aes-xts-256').file);
  if ('why' in loop) return say({ skip: `a loop device is needed for the locked BitLocker drive: ${loop.why}` });
  lockedLoop = loop;
  drives = makeTestDrives(2, 16);
  work = mkdtempSync(path.join(os.tmpdir(), 'haul-e2e-bitlocker-'));
  mkdirSync(path.join(work, 'photos'));
  writeFileSync(path.join(work, 'photos', 'harbour.jpg'), Buffer.alloc(200_000, 7));

  service = await startTestService();
  const [plain, unlocked] = drives.drives;
  const mapping = unlocked!.device ?? '/dev/haul-no-loop';
  const list: RawDrive[] = [
    {
      device: lockedLoop.device,
      description: 'WD Elements',
      size: 104857600,
      mountpoints: [],
      removable: true,
      system: false,
      readOnly: false,
      virtual: false,
      serial: 'WD-WX21A19ATFF3',
    },
    {
      device: plain!.device ?? '/dev/haul-plain',
      description: 'Seagate Expansion',
      size: 16 * 1048576,
      mountpoints: [plain!.mount],
      removable: true,
      system: false,
      readOnly: false,
      virtual: false,
      serial: 'NA8F2K1L',
    },
    {
      device: '/dev/sdz',
      description: 'Samsung T7',
      size: 16 * 1048576,
      mountpoints: [unlocked!.mount],
      removable: true,
      system: false,
      readOnly: false,
      virtual: false,
      serial: 'S5SXNG0R',
    },
  ];
  const draftId = await startAzureStation(started, {
    work,
    service,
    list,
    bitlocker: { run: toolsWithUnlockedDrive(mapping, unlocked!.mount), platform: 'linux' },
  });
  say({ url: started.server!.urlWithToken, draftId });
}

async function cleanup(): Promise<void> {
  await stopAzureStation(started);
  await service?.cleanup();
  drives?.dispose();
  lockedLoop?.detach();
  fx?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
}

runStation(main, cleanup);
