import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyDrive } from '../../main/core/drives/classify';
import { isShippableDevice, parseLsblkSerials, type RawDrive } from '../../main/core/drives/list';
import { parseMountinfo } from '../../main/core/drives/target';
import { DriveWatcher } from '../../main/core/drives/watch';

const usb = (over: Partial<RawDrive> = {}): RawDrive => ({
  device: '/dev/sdb',
  description: 'WD Elements',
  size: 4e12,
  mountpoints: ['/media/u/WD'],
  removable: true,
  system: false,
  readOnly: false,
  virtual: false,
  serial: 'WX1',
  ...over,
});

describe('drives', () => {
  it("reads serial numbers from lsblk; partitions inherit their disk's serial", () => {
    const m = parseLsblkSerials(
      JSON.stringify({
        blockdevices: [
          { name: 'sdb', serial: 'WD-123', children: [{ name: 'sdb1', serial: null }] },
          { name: 'loop0', serial: null },
        ],
      }),
    );
    expect(m.get('/dev/sdb')).toBe('WD-123');
    expect(m.get('/dev/sdb1')).toBe('WD-123');
    expect(m.has('/dev/loop0')).toBe(false);
  });

  it('leaves swap in memory, RAM disks and loop devices with nothing mounted out of the drives a person is shown', () => {
    expect(isShippableDevice({ device: '/dev/zram0', mountpoints: [] })).toBe(false);
    expect(isShippableDevice({ device: '/dev/ram3', mountpoints: [] })).toBe(false);
    expect(isShippableDevice({ device: '/dev/loop7', mountpoints: [] })).toBe(false);
    expect(isShippableDevice({ device: '/dev/loop7', mountpoints: [{ path: '/mnt/image' }] })).toBe(true);
    expect(isShippableDevice({ device: '/dev/sdb', mountpoints: [] })).toBe(true);
    expect(isShippableDevice({ device: '/dev/vda', mountpoints: [{ path: '/' }] })).toBe(true);
  });

  it('blocks the system drive, read-only drives, drives holding a source, too-small drives — with reasons in words', () => {
    const empty = { readDir: () => [] };
    expect(classifyDrive(usb(), empty).status).toBe('ok');
    const sys = classifyDrive(usb({ system: true, removable: false, mountpoints: ['/'] }), empty);
    expect(sys.status).toBe('blocked');
    expect(sys.reasons.map((r) => r.code)).toContain('system');
    expect(classifyDrive(usb({ readOnly: true }), empty).reasons[0]!.message).toMatch(/read-only/);
    const holds = classifyDrive(usb(), { ...empty, sources: ['/media/u/WD/photos'] });
    expect(holds.status).toBe('blocked');
    expect(holds.reasons[0]!.message).toMatch(/\/media\/u\/WD\/photos/);
    expect(classifyDrive(usb({ size: 1000 }), { ...empty, smallestFile: 5000 }).reasons[0]!.code).toBe('too-small');
  });

  it('blocks a drive holding a source reached through a symlink, as the drive it really is on', () => {
    const work = mkdtempSync(join(tmpdir(), 'haul-classify-'));
    try {
      mkdirSync(join(work, 'drive', 'photos'), { recursive: true });
      symlinkSync(join(work, 'drive'), join(work, 'link'));
      const d = classifyDrive(usb({ mountpoints: [join(work, 'drive')] }), {
        readDir: () => [],
        sources: [join(work, 'link', 'photos')],
      });
      expect(d.status).toBe('blocked');
      expect(d.reasons.map((r) => r.code)).toContain('holds-source');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('warns about internal, non-empty and multiply mounted drives', () => {
    const w = classifyDrive(usb({ removable: false, mountpoints: ['/a', '/b'] }), {
      readDir: () => ['lost+found', 'holiday.mov'],
    });
    expect(w.status).toBe('warned');
    expect(w.reasons.map((r) => r.code).sort()).toEqual([
      'mounted-elsewhere',
      'not-empty',
      'not-empty',
      'not-removable',
    ]);
    expect(classifyDrive(usb(), { readDir: () => ['lost+found'] }).status).toBe('ok');
  });

  it('hot-plug: reports drives added and removed between polls', async () => {
    let now: RawDrive[] = [usb()];
    const w = new DriveWatcher(async () => now, 60_000);
    const added: string[] = [];
    const removed: string[] = [];
    w.on('added', (d) => added.push(d.device));
    w.on('removed', (d) => removed.push(d.device));
    await w.poll();
    expect(added).toEqual([]);
    now = [usb(), usb({ device: '/dev/sdc', serial: 'WX2' })];
    await w.poll();
    expect(added).toEqual(['/dev/sdc']);
    now = [usb({ device: '/dev/sdc', serial: 'WX2' })];
    await w.poll();
    expect(removed).toEqual(['/dev/sdb']);
    w.stop();
  });

  it('finds the device under a mount path from mountinfo (escaped spaces included)', () => {
    const m = parseMountinfo('36 25 7:0 / /mnt/my\\040drive rw,relatime shared:1 - ext4 /dev/loop0 rw\n');
    expect(m[0]).toEqual({ mountPoint: '/mnt/my drive', fsType: 'ext4', source: '/dev/loop0', readOnly: false });
  });

  it('tells a read-only mount from mountinfo, by the mount flag or the file system flag', () => {
    const m = parseMountinfo(
      [
        '36 25 7:0 / /mnt/a ro,relatime shared:1 - ext4 /dev/loop0 rw',
        '37 25 7:1 / /mnt/b rw,relatime shared:2 - ext4 /dev/loop1 ro,errors=remount-ro',
        '38 25 7:2 / /mnt/c rw,relatime shared:3 - vfat /dev/loop2 rw,errors=remount-ro',
      ].join('\n'),
    );
    expect(m.map((e) => [e.mountPoint, e.readOnly])).toEqual([
      ['/mnt/a', true],
      ['/mnt/b', true],
      ['/mnt/c', false],
    ]);
  });
});
