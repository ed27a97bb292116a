// Unlock on Linux: cryptsetup opens the BitLocker volume (device-mapper), the NTFS inside is
// mounted with ntfs3 or ntfs-3g, Haul prepares it there, and lock undoes it all. These machines
// have no device-mapper, so the real unlock runs only where /dev/mapper/control exists (and says
// why it skipped elsewhere); the NTFS mount runs for real on a plain NTFS loop device; everything
// else (the commands built, the key on stdin, the errors, the cleanup) against a stand-in.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  openSync,
  readSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_MAPPER, lockLinux, mountNtfs, unlockLinux, unmount } from '../../main/core/bitlocker/unlock';
import { spawnTool } from '../../main/core/system/spawn';
import type { ToolCall } from '../../main/core/system/tools';
import { loopDevice, skipWhy, unpack, type Unpacked } from './fixture';
import { standIn } from './standIn';

const RP = '235818-357951-253979-013365-241120-245575-342914-591910';
const OTHER = '404558-436711-420860-678557-638220-018909-039941-695321';
const dump = readFileSync(join(import.meta.dirname, 'recorded', 'bitlkDump-debug.bitlk-aes-xts-128.txt'), 'utf8');
const wrong = (name: string) => ({
  code: 1,
  stdout: readFileSync(join(import.meta.dirname, 'recorded', `testpass.wrong.${name}.out`), 'utf8'),
});

const hasDm = existsSync(DEVICE_MAPPER);
const realWhy =
  skipWhy ||
  (!hasDm ? `this kernel has no device-mapper (${DEVICE_MAPPER} is missing)` : '') ||
  (process.getuid?.() !== 0 ? 'unlocking needs root' : '');
if (realWhy) console.log(`NOTE: the real BitLocker unlock test is skipped: ${realWhy}.`);

describe.skipIf(!!realWhy)('unlock a real Windows-made BitLocker volume (needs device-mapper)', () => {
  let fx: Unpacked;
  beforeAll(() => {
    fx = unpack();
  });
  afterAll(() => fx?.cleanup());

  it('opens it with its recovery password, mounts the NTFS, and locks it again', async () => {
    const img = fx.image('bitlk-aes-xts-128');
    const loop = loopDevice(img.file);
    if ('why' in loop) throw new Error(loop.why);
    const root = mkdtempSync(join(tmpdir(), 'haul-unlock-'));
    try {
      const u = await unlockLinux(loop.device, [OTHER, img.recoveryPassword], {
        run: spawnTool,
        mountRoot: root,
        readOnly: true,
      });
      expect(u.keyIndex).toBe(1);
      expect(spawnSync('findmnt', [u.mountPoint]).status).toBe(0);
      // the decrypted volume is exactly what Windows wrote (images.conf holds its SHA-256)
      const hash = createHash('sha256')
        .update(readFileSync(`/dev/mapper/${u.name}`))
        .digest('hex');
      expect(hash).toBe(img.sha256);
      await u.close();
      expect(existsSync(u.mountPoint)).toBe(false);
    } finally {
      loop.detach();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('mounting NTFS for real (a plain NTFS loop device: the part of unlock that runs here)', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'haul-ntfs-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('mounts with the kernel’s ntfs3, or ntfs-3g where the kernel has none; files written there are on the volume', async (t) => {
    const img = join(work, 'ntfs.img');
    spawnSync('truncate', ['-s', '16M', img]);
    const mk = spawnSync('mkntfs', ['-q', '-F', '-f', img], {
      env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
    });
    if (mk.status !== 0) return t.skip('mkntfs (ntfs-3g) is not installed');
    if (process.getuid?.() !== 0) return t.skip('mounting needs root');
    const ro = spawnSync('losetup', ['-f', '--show', img], { encoding: 'utf8' });
    if (ro.status !== 0) return t.skip(`no loop device here: ${ro.stderr.trim()}`);
    const dev = ro.stdout.trim();
    const dir = join(work, 'mnt');
    mkdirSync(dir);
    try {
      const driver = await mountNtfs(spawnTool, dev, dir);
      const kernelHasNtfs3 = readFileSync('/proc/filesystems', 'utf8').includes('ntfs3');
      expect(driver).toBe(kernelHasNtfs3 ? 'ntfs3' : 'ntfs-3g');
      writeFileSync(join(dir, 'HaulDrive.json'), '{"hello":"ntfs"}');
      await unmount(spawnTool, dir);
      expect(existsSync(join(dir, 'HaulDrive.json'))).toBe(false);
      // the bytes are on the volume: NTFS keeps a small file's data inside its MFT record
      const fd = openSync(img, 'r');
      const buf = Buffer.alloc(16 * 1024 * 1024);
      readSync(fd, buf, 0, buf.length, 0);
      closeSync(fd);
      expect(buf.includes(Buffer.from('{"hello":"ntfs"}'))).toBe(true);
    } finally {
      spawnSync('umount', [dir]);
      spawnSync('losetup', ['-d', dev]);
    }
  });
});

describe('unlock against a stand-in (commands, key on stdin, errors, cleanup)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'haul-unlock-standin-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const opts = (run: (c: ToolCall) => Promise<{ code: number; stdout: string; stderr: string }>) => ({
    run,
    mountRoot: root,
    hasDeviceMapper: () => true,
  });

  it('opens with cryptsetup (the key on stdin), checks the inside is NTFS, mounts with ntfs3; close undoes it in order', async () => {
    const tools = standIn({
      'cryptsetup open': { stdout: 'Command successful.\n' },
      'blkid -p -o export': { stdout: 'TYPE=ntfs\n' },
      'mount -t ntfs3': {},
      umount: {},
      'cryptsetup close': {},
    });
    const u = await unlockLinux('/dev/sdb1', [RP.replace(/-/g, '')], opts(tools.run));
    const name = u.name;
    expect(name).toMatch(/^haul-sdb1-[0-9a-f]{6}$/);
    expect(u).toMatchObject({ volume: '/dev/sdb1', driver: 'ntfs3', keyIndex: 0, mountPoint: join(root, name) });
    expect(existsSync(u.mountPoint)).toBe(true);
    await u.close();
    expect(tools.lines()).toEqual([
      `cryptsetup open --type bitlk --debug /dev/sdb1 ${name}`,
      `blkid -p -o export /dev/mapper/${name}`,
      `mount -t ntfs3 /dev/mapper/${name} ${u.mountPoint}`,
      `umount ${u.mountPoint}`,
      `cryptsetup close ${name}`,
    ]);
    expect(tools.calls[0]!.stdin).toBe(RP);
    expect(tools.lines().join('\n')).not.toContain(RP.slice(0, 6));
    expect(existsSync(u.mountPoint)).toBe(false);
  });

  it('falls back to ntfs-3g when the kernel has no ntfs3, read-only for an export drive', async () => {
    const tools = standIn({
      'cryptsetup open': {},
      'blkid -p -o export': { stdout: 'TYPE=ntfs\n' },
      'mount -t ntfs3': { code: 32, stderr: "mount: /x: unknown filesystem type 'ntfs3'.\n" },
      'ntfs-3g': {},
    });
    const u = await unlockLinux('/dev/sdc1', [RP], { ...opts(tools.run), readOnly: true });
    expect(u.driver).toBe('ntfs-3g');
    expect(tools.lines()[0]).toBe(`cryptsetup open --type bitlk --readonly --debug /dev/sdc1 ${u.name}`);
    expect(tools.lines().slice(-1)[0]).toBe(`ntfs-3g -o ro /dev/mapper/${u.name} ${u.mountPoint}`);
  });

  it('an export drive: tries the job’s keys (test-passphrase, nothing opened) and opens with the one that fits', async () => {
    const tools = standIn({
      'blkid -p -o export': (c) => ({ stdout: c.args[3] === '/dev/sdd1' ? 'TYPE=BitLocker\n' : 'TYPE=ntfs\n' }),
      'cryptsetup bitlkDump': { stdout: dump },
      'cryptsetup open --type bitlk --test-passphrase': [
        wrong('bitlk-aes-xts-128'),
        { stdout: 'Command successful.\n' },
      ],
      'cryptsetup open --type bitlk --debug': {},
      'mount -t ntfs3': {},
    });
    const u = await unlockLinux('/dev/sdd1', [OTHER, RP], opts(tools.run));
    expect(u.keyIndex).toBe(1);
    const tests = tools.calls.filter((c) => c.args.includes('--test-passphrase'));
    expect(tests.map((c) => c.stdin)).toEqual([OTHER, RP]);
    expect(tools.calls.find((c) => c.args.includes(u.name))!.stdin).toBe(RP);
  });

  it('refuses where there is no device-mapper, saying what to do, before running anything', async () => {
    const tools = standIn({});
    await expect(unlockLinux('/dev/sdb1', [RP], { ...opts(tools.run), hasDeviceMapper: () => false })).rejects.toThrow(
      /no device-mapper \(\/dev\/mapper\/control is missing\).*sudo modprobe dm_crypt/,
    );
    expect(tools.calls).toHaveLength(0);
  });

  it('a wrong key: "does not open", nothing mounted, no mapping left', async () => {
    const tools = standIn({ 'cryptsetup open': wrong('bitlk-aes-cbc-elephant-128') });
    await expect(unlockLinux('/dev/sdb1', [OTHER], opts(tools.run))).rejects.toThrow(
      'The recovery password does not open /dev/sdb1.',
    );
    expect(tools.lines()).toHaveLength(1);
  });

  it('not NTFS inside: refused, the mapping closed and the mount point removed', async () => {
    const tools = standIn({
      'cryptsetup open': {},
      'blkid -p -o export': { stdout: 'TYPE=exfat\n' },
      'cryptsetup close': {},
    });
    await expect(unlockLinux('/dev/sdb1', [RP], opts(tools.run))).rejects.toThrow(/holds exfat, not NTFS/);
    expect(tools.lines().slice(-1)[0]).toMatch(/^cryptsetup close haul-sdb1-/);
  });

  it('a mount that fails: both drivers’ words in the error, the mapping closed, the mount point gone', async () => {
    const tools = standIn({
      'cryptsetup open': {},
      'blkid -p -o export': { stdout: 'TYPE=ntfs\n' },
      'mount -t ntfs3': { code: 32, stderr: 'mount: wrong fs type, bad option, bad superblock\n' },
      'ntfs-3g': { code: 14, stderr: 'The disk contains an unclean file system (0, 0).\n' },
      'cryptsetup close': {},
    });
    const e = await unlockLinux('/dev/sdb1', [RP], opts(tools.run)).catch((x: Error) => x);
    expect((e as Error).message).toMatch(
      /ntfs3 said "mount: wrong fs type.*ntfs-3g said "The disk contains an unclean file system.*eject it safely/,
    );
    const close = tools.lines().slice(-1)[0]!;
    expect(close).toMatch(/^cryptsetup close haul-sdb1-/);
    expect(existsSync(join(root, close.split(' ')[2]!))).toBe(false);
  });

  it('lock: unmounts what unlock mounted and closes the mapping', async () => {
    const name = 'haul-sdb1-abcdef';
    const mp = join(root, name);
    mkdirSync(mp);
    const tools = standIn({
      'lsblk -J -p -s': { stdout: JSON.stringify({ blockdevices: [{ name: '/dev/sdb1', type: 'part' }] }) },
      'lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT /dev/sdb1': {
        stdout: JSON.stringify({
          blockdevices: [
            {
              name: '/dev/sdb1',
              type: 'part',
              children: [{ name: `/dev/mapper/${name}`, type: 'crypt', mountpoint: mp }],
            },
          ],
        }),
      },
      umount: {},
      'cryptsetup close': {},
    });
    expect(await lockLinux('/dev/sdb1', tools.run)).toEqual({ volume: '/dev/sdb1', unmounted: [mp] });
    expect(tools.lines().slice(-2)).toEqual([`umount ${mp}`, `cryptsetup close ${name}`]);
    expect(existsSync(mp)).toBe(false);
  });
});
