// BitLocker for the rest of Haul, whatever the platform: the state of a drive's volumes (for the
// drive list, `haul bitlocker status`, the wizard), and whether a recovery password opens a
// volume (`haul bitlocker check`, the wizard's key field, the Azure gate). Linux asks blkid and
// cryptsetup, Windows manage-bde; macOS has no BitLocker and says so. Everything runs through the
// system-tool port, so tests can hand in a stand-in runner and a platform.
import { messageOf } from '../../../shared/errors';
import { realpathSync, statSync } from 'node:fs';
import {
  recoveryPasswordProblem,
  normalizeRecoveryPassword,
  type DriveEncryption,
  type KeyCheckResult,
  type VolumeEncryption,
} from '../../../shared/bitlocker';
import { mountOf } from '../drives/target';
import { spawnTool } from '../system/spawn';
import { ToolError, type Platform, type ToolRunner } from '../system/tools';
import { linuxCheckKey, linuxDriveVolumes, linuxVolumes, lsblkTree, blkidType } from './linux';
import { driveLetter, windowsCheckKey, windowsVolumes } from './windows';

export interface BitLockerTools {
  run: ToolRunner;
  platform: Platform;
  /** how often a long task (turning BitLocker on) asks how far it is; default 5 s (tests shorten it) */
  pollMs?: number;
}

export const systemTools = (): BitLockerTools => ({ run: spawnTool, platform: process.platform });

export const NO_BITLOCKER_ON_MAC =
  'macOS cannot read or write BitLocker drives, and the Azure data center takes only BitLocker-encrypted NTFS drives: prepare drives for Azure on Windows or Linux. (Jobs with the local sandbox work here.)';

const errorText = (e: unknown) => messageOf(e);

/** The state of every volume of a drive, an image file, a drive letter or a mount point. */
export async function volumeStatus(target: string, tools: BitLockerTools = systemTools()): Promise<DriveEncryption> {
  if (tools.platform === 'darwin') return { volumes: [], support: 'none', error: NO_BITLOCKER_ON_MAC };
  if (tools.platform === 'win32') {
    const letter = driveLetter(target);
    if (!letter)
      throw new ToolError(
        'failed',
        'manage-bde',
        `"${target}" is not a drive letter; give the drive as E: (its letter).`,
      );
    return { volumes: await windowsVolumes(tools.run, letter), support: 'full' };
  }
  const device = linuxDeviceOf(target);
  return { volumes: await linuxVolumes(tools.run, device), support: 'full' };
}

/** A mount point's device (what is mounted there); anything else as given. */
function linuxDeviceOf(target: string): string {
  try {
    if (statSync(target).isDirectory()) {
      // a drive's mount point stands for the drive; a folder somewhere on a disk does not
      const m = mountOf(target);
      if (m?.source.startsWith('/dev/') && m.mountPoint === realpathSync(target)) return m.source;
      throw new ToolError(
        'failed',
        'blkid',
        `${target} is a folder, not where a drive is mounted; give the drive (such as /dev/sdb1) or its mount point.`,
      );
    }
  } catch (e) {
    if (e instanceof ToolError) throw e;
  }
  return target;
}

/** The drive list's drives, each with its volumes' state (one lookup for them all). */
export async function drivesEncryption(
  drives: { device: string; mountpoints: string[] }[],
  tools: BitLockerTools = systemTools(),
): Promise<Map<string, DriveEncryption>> {
  const out = new Map<string, DriveEncryption>();
  if (!drives.length) return out;
  if (tools.platform === 'darwin') {
    for (const d of drives) out.set(d.device, { volumes: [], support: 'none', error: NO_BITLOCKER_ON_MAC });
    return out;
  }
  if (tools.platform === 'win32') {
    let volumes: VolumeEncryption[] = [];
    let error: string | undefined;
    try {
      volumes = await windowsVolumes(tools.run);
    } catch (e) {
      error = errorText(e);
    }
    for (const d of drives) {
      const letters = d.mountpoints.map((m) => driveLetter(m)).filter(Boolean);
      const mine = volumes.filter((v) => letters.includes(v.volume));
      out.set(d.device, error ? { volumes: [], support: 'full', error } : { volumes: mine, support: 'full' });
    }
    return out;
  }
  const found = await linuxDriveVolumes(
    tools.run,
    drives.map((d) => d.device),
  );
  for (const d of drives) {
    const v = found.get(d.device);
    out.set(
      d.device,
      v instanceof Error
        ? { volumes: [], support: 'full', error: errorText(v) }
        : { volumes: v ?? [], support: 'full' },
    );
  }
  return out;
}

/**
 * The BitLocker volume a target means on Linux: the volume itself, the BitLocker partition under
 * a mount point (through its opened mapping), or a disk's only BitLocker partition.
 */
export async function linuxBitLockerVolume(run: ToolRunner, target: string): Promise<string> {
  const device = linuxDeviceOf(target);
  let isBlock = false;
  try {
    isBlock = statSync(device).isBlockDevice();
  } catch {
    throw new ToolError(
      'failed',
      'blkid',
      `${target} does not exist; give a drive (such as /dev/sdb1) or an image file.`,
    );
  }
  if (!isBlock) return device;
  // an opened volume: lsblk -s lists the mapping, then what it stands on
  const inverse = await run({ tool: 'lsblk', args: ['-J', '-p', '-s', '-o', 'NAME,TYPE', device] });
  if (inverse.code === 0) {
    interface N {
      name: string;
      type?: string;
      children?: N[];
    }
    const chain: N[] = [];
    const walk = (n: N) => {
      chain.push(n);
      n.children?.forEach(walk);
    };
    (JSON.parse(inverse.stdout) as { blockdevices?: N[] }).blockdevices?.forEach(walk);
    const crypt = chain.findIndex((n) => n.type === 'crypt');
    if (crypt >= 0 && chain[crypt + 1]) return chain[crypt + 1]!.name;
  }
  if ((await blkidType(run, device))?.TYPE === 'BitLocker') return device;
  const tree = await lsblkTree(run, device);
  const parts = (tree[0]?.children ?? []).filter((c) => c.type === 'part');
  const bitlocker: string[] = [];
  for (const p of parts) if ((await blkidType(run, p.name))?.TYPE === 'BitLocker') bitlocker.push(p.name);
  if (bitlocker.length === 1) return bitlocker[0]!;
  if (bitlocker.length > 1)
    throw new ToolError(
      'failed',
      'blkid',
      `${device} holds ${bitlocker.length} BitLocker volumes (${bitlocker.join(', ')}); name the one to check.`,
    );
  return device;
}

/**
 * Whether a recovery password opens a volume. On Windows `key` may be left out: Haul reads the
 * drive's own. A key that cannot be a recovery password is refused before any tool runs.
 */
export async function checkKey(
  target: string,
  key: string | undefined,
  tools: BitLockerTools = systemTools(),
): Promise<KeyCheckResult> {
  if (tools.platform === 'darwin') return { result: 'unsupported', volume: target, message: NO_BITLOCKER_ON_MAC };
  if (key !== undefined) {
    const problem = recoveryPasswordProblem(key);
    if (problem)
      return {
        result: 'refused',
        volume: target,
        message: `This is not the recovery password of ${target}. ${problem}`,
      };
  }
  try {
    if (tools.platform === 'win32') return await windowsCheckKey(tools.run, target, key);
    if (key === undefined)
      return {
        result: 'error',
        volume: target,
        message: 'Give the recovery password: on Linux, Haul cannot read it from the drive.',
      };
    const volume = await linuxBitLockerVolume(tools.run, target);
    return await linuxCheckKey(tools.run, volume, normalizeRecoveryPassword(key));
  } catch (e) {
    return { result: 'error', volume: target, message: errorText(e) };
  }
}

/** The key check of a volume already found (the BitLocker partition, or a drive letter): no lookup of what a path stands on. */
export async function checkVolumeKey(volume: string, key: string, tools: BitLockerTools): Promise<KeyCheckResult> {
  if (tools.platform === 'darwin') return { result: 'unsupported', volume, message: NO_BITLOCKER_ON_MAC };
  const problem = recoveryPasswordProblem(key);
  if (problem)
    return { result: 'refused', volume, message: `This is not the recovery password of ${volume}. ${problem}` };
  try {
    return tools.platform === 'win32'
      ? await windowsCheckKey(tools.run, volume, key)
      : await linuxCheckKey(tools.run, volume, normalizeRecoveryPassword(key));
  } catch (e) {
    return { result: 'error', volume, message: errorText(e) };
  }
}
