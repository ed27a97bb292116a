// Find: per drive, its file system and BitLocker state (locked or unlocked), in the drive list and
// for a device or image. On the real BitLocker volumes made by Windows (unpacked at test time),
// on loop devices where this machine allows them, and — where no device-mapper or Windows is at
// hand — against a stand-in for the tools answering with recorded output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureReadiness, describeVolume } from '../../shared/bitlocker';
import { checkKey, drivesEncryption, NO_BITLOCKER_ON_MAC, volumeStatus } from '../../main/core/bitlocker';
import { DriveEncryptionProbe } from '../../main/core/drives/encryption';
import { spawnTool } from '../../main/core/system/spawn';
import type { ClassifiedDrive } from '../../shared/prep/types';
import { loopDevice, skipWhy, unpack, type Unpacked } from './fixture';
import { standIn } from './standIn';

const linux = { run: spawnTool, platform: 'linux' as const };
const drive = (device: string, mountpoints: string[] = []): ClassifiedDrive => ({
  device,
  description: 'test drive',
  size: 104857600,
  mountpoints,
  removable: true,
  system: false,
  readOnly: false,
  status: 'ok',
  reasons: [],
});

if (skipWhy) console.log(`NOTE: BitLocker image tests skipped: ${skipWhy}.`);

describe.skipIf(!!skipWhy)('the real BitLocker volumes made by Windows', () => {
  let fx: Unpacked;
  beforeAll(() => {
    fx = unpack();
  });
  afterAll(() => fx?.cleanup());

  it('finds every image as BitLocker, locked, with its cipher and whether it has a recovery password', async () => {
    expect(fx.images.length).toBeGreaterThanOrEqual(20);
    for (const img of fx.images) {
      const { volumes, support } = await volumeStatus(img.file, linux);
      expect(support).toBe('full');
      expect(volumes, img.name).toHaveLength(1);
      const v = volumes[0]!;
      expect(v.bitlocker, img.name).toBe('locked');
      expect(v.method, img.name).toMatch(img.cipher.startsWith('aes-xts') ? /^XTS-AES (128|256)$/ : /^AES (128|256)/);
      expect(v.protectors!.includes('recovery-password'), img.name).toBe(img.recoveryPassword !== '');
      expect(v.toGo, img.name).toBe(img.name.includes('togo'));
    }
  });

  it('reports the image without a recovery protector as such, and the unfinished ones as still encrypting', async () => {
    const [clear] = (await volumeStatus(fx.image('bitlk-aes-xts-128-clearkey-only').file, linux)).volumes;
    expect(clear!.protectors).toEqual(['clear-key']);
    expect(azureReadiness(clear!).why).toBe('it has no recovery password, which the data center needs to open it');
    for (const name of ['bitlk-aes-xts-128-eow', 'bitlk-partially-encrypted-aes-cbc-128']) {
      const [v] = (await volumeStatus(fx.image(name).file, linux)).volumes;
      expect(v, name).toMatchObject({ bitlocker: 'locked', conversion: 'encrypting' });
      expect(v!.note).toMatch(/has not finished encrypting/);
      expect(azureReadiness(v!).ok).toBe(false);
    }
    const [xts] = (await volumeStatus(fx.image('bitlk-aes-xts-128').file, linux)).volumes;
    expect(describeVolume(xts!)).toBe('BitLocker, locked');
  });

  it('shows a BitLocker drive in the drive list (a loop device holding a Windows-made volume)', async (t) => {
    const loop = loopDevice(fx.image('bitlk-aes-xts-256').file);
    if ('why' in loop) return t.skip(`no loop device here: ${loop.why}`);
    try {
      const [d] = await new DriveEncryptionProbe(linux).attach([drive(loop.device)]);
      expect(d!.encryption).toMatchObject({ support: 'full', volumes: [{ volume: loop.device, bitlocker: 'locked' }] });
      expect(d!.encryption!.volumes[0]!.method).toBe('XTS-AES 256');
    } finally {
      loop.detach();
    }
  });
});

describe('file systems that are not BitLocker, on loop devices', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'haul-fs-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads ext4 and NTFS as not encrypted, with their file system', async (t) => {
    const mk = (name: string, cmd: string, args: string[]) => {
      const img = join(work, name);
      spawnSync('truncate', ['-s', '16M', img]);
      const r = spawnSync(cmd, [...args, img], {
        encoding: 'utf8',
        env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
      });
      return r.status === 0 ? img : undefined;
    };
    const ext4 = mk('ext4.img', 'mkfs.ext4', ['-q', '-F']);
    const ntfs = mk('ntfs.img', 'mkntfs', ['-q', '-F', '-f']);
    if (!ext4 || !ntfs) return t.skip('mkfs.ext4 or mkntfs (ntfs-3g) is not installed');
    expect((await volumeStatus(ext4, linux)).volumes[0]).toMatchObject({ bitlocker: 'none', fileSystem: 'ext4' });
    const [n] = (await volumeStatus(ntfs, linux)).volumes;
    expect(n).toMatchObject({ bitlocker: 'none', fileSystem: 'ntfs' });
    expect(azureReadiness(n!).why).toBe('it is not encrypted with BitLocker');
    expect(describeVolume(n!)).toBe('NTFS · not encrypted');
  });
});

describe('states only a stand-in can show here', () => {
  it('Linux: an unlocked BitLocker partition, NTFS inside, mounted (cryptsetup opened it: no device-mapper here)', async () => {
    const tools = standIn({
      'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT': {
        stdout: JSON.stringify({
          blockdevices: [
            {
              name: '/dev/sdb',
              type: 'disk',
              children: [
                {
                  name: '/dev/sdb1',
                  type: 'part',
                  fstype: 'BitLocker',
                  children: [
                    { name: '/dev/mapper/haul-sdb1', type: 'crypt', fstype: 'ntfs', mountpoint: '/mnt/haul/sdb1' },
                  ],
                },
              ],
            },
          ],
        }),
      },
      'blkid -p -o export /dev/sdb1': { stdout: 'DEVNAME=/dev/sdb1\nVERSION=2\nTYPE=BitLocker\nUSAGE=crypto\n' },
      'blkid -p -o export /dev/mapper/haul-sdb1': { stdout: 'DEVNAME=/dev/mapper/haul-sdb1\nTYPE=ntfs\n' },
      'cryptsetup bitlkDump --debug /dev/sdb1': {
        stdout: readFileSync(join(import.meta.dirname, 'recorded', 'bitlkDump-debug.bitlk-aes-xts-128.txt'), 'utf8'),
      },
    });
    const found = await drivesEncryption([{ device: '/dev/sdb', mountpoints: [] }], {
      run: tools.run,
      platform: 'linux',
    });
    const [v] = found.get('/dev/sdb')!.volumes;
    expect(v).toMatchObject({
      volume: '/dev/sdb1',
      bitlocker: 'unlocked',
      fileSystem: 'ntfs',
      mountpoints: ['/mnt/haul/sdb1'],
    });
    expect(azureReadiness(v!)).toEqual({ ok: true });
    expect(describeVolume(v!)).toBe('NTFS · BitLocker, unlocked');
  });

  it('Linux without root: the type udev found, and why the rest is unknown', async () => {
    const tools = standIn({
      'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT': {
        stdout: '{"blockdevices":[{"name":"/dev/sdc","type":"disk","fstype":"BitLocker","mountpoint":null}]}',
      },
      'blkid -p -o export /dev/sdc': { code: 2, stderr: 'blkid: error: /dev/sdc: Permission denied\n' },
    });
    const uid = process.getuid;
    process.getuid = () => 1000;
    try {
      const [v] = (
        await drivesEncryption([{ device: '/dev/sdc', mountpoints: [] }], { run: tools.run, platform: 'linux' })
      ).get('/dev/sdc')!.volumes;
      expect(v).toMatchObject({ bitlocker: 'locked' });
      expect(v!.note).toMatch(/run Haul as root/);
    } finally {
      process.getuid = uid;
    }
  });

  it('Windows: manage-bde -status and Get-Volume, mapped to the drive by its letters', async () => {
    const status = readFileSync(join(import.meta.dirname, 'recorded', 'windows', 'status.en.txt'), 'utf8');
    const tools = standIn({
      'manage-bde -status': { stdout: status },
      powershell: { stdout: '[{"DriveLetter":"G","FileSystem":"NTFS"},{"DriveLetter":"F","FileSystem":"NTFS"}]' },
    });
    const found = await drivesEncryption(
      [
        { device: '\\\\.\\PHYSICALDRIVE2', mountpoints: ['G:\\'] },
        { device: '\\\\.\\PHYSICALDRIVE3', mountpoints: ['E:\\'] },
        { device: '\\\\.\\PHYSICALDRIVE4', mountpoints: ['F:\\'] },
      ],
      { run: tools.run, platform: 'win32' },
    );
    expect(found.get('\\\\.\\PHYSICALDRIVE2')!.volumes[0]).toMatchObject({
      volume: 'G:',
      bitlocker: 'unlocked',
      conversion: 'encrypting',
      percent: 37.5,
      fileSystem: 'NTFS',
    });
    expect(found.get('\\\\.\\PHYSICALDRIVE3')!.volumes[0]).toMatchObject({ volume: 'E:', bitlocker: 'locked' });
    expect(found.get('\\\\.\\PHYSICALDRIVE4')!.volumes[0]).toMatchObject({ bitlocker: 'none', fileSystem: 'NTFS' });
    // one manage-bde for all drives
    expect(tools.lines().filter((l) => l.startsWith('manage-bde'))).toEqual(['manage-bde -status']);
  });

  it('Windows: a refusal for lack of rights says to run as administrator, on every drive', async () => {
    const denied = readFileSync(join(import.meta.dirname, 'recorded', 'windows', 'access-denied.en.txt'), 'utf8');
    const tools = standIn({ 'manage-bde -status': { code: -2147024891, stdout: denied } });
    const found = await drivesEncryption([{ device: 'PD2', mountpoints: ['G:\\'] }], {
      run: tools.run,
      platform: 'win32',
    });
    expect(found.get('PD2')!.error).toMatch(/run Haul as administrator/);
  });

  it('macOS: says plainly there is no BitLocker, and refuses to check a key', async () => {
    const tools = standIn({});
    const found = await drivesEncryption([{ device: '/dev/disk4', mountpoints: ['/Volumes/X'] }], {
      run: tools.run,
      platform: 'darwin',
    });
    expect(found.get('/dev/disk4')).toEqual({ volumes: [], support: 'none', error: NO_BITLOCKER_ON_MAC });
    expect(NO_BITLOCKER_ON_MAC).toMatch(/^macOS cannot read or write BitLocker drives/);
    expect(
      (
        await checkKey('/dev/disk4', '235818-357951-253979-013365-241120-245575-342914-591910', {
          run: tools.run,
          platform: 'darwin',
        })
      ).result,
    ).toBe('unsupported');
    expect(tools.calls).toHaveLength(0);
  });

  it('the drive list keeps what it found for a few seconds, then looks again', async () => {
    let t = 0;
    const tools = standIn({ 'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT': { stdout: '{"blockdevices":[]}' } });
    const probe = new DriveEncryptionProbe({ run: tools.run, platform: 'linux' }, 5000, () => t);
    await probe.attach([drive('/dev/sdx')]);
    await probe.attach([drive('/dev/sdx')]);
    expect(tools.calls).toHaveLength(1);
    t = 6000;
    await probe.attach([drive('/dev/sdx')]);
    expect(tools.calls).toHaveLength(2);
  });
});
