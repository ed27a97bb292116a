// BitLocker on Linux through its tools: blkid finds the volume type, cryptsetup reads BitLocker's
// metadata (cipher, protectors, unfinished encryption) and checks a recovery password without
// opening anything (--test-passphrase: no device-mapper needed), lsblk shows whether a volume is
// opened (a `crypt` child) and what is mounted. The key goes to cryptsetup on standard input.
import { statSync } from 'node:fs';
import type { KeyCheckResult, VolumeEncryption } from '../../../shared/bitlocker';
import { needsAdmin, toolFailed, toolSays, ToolError, type ToolRunner } from '../system/tools';
import {
  mountsOf,
  openedMappingOf,
  parseBitlkDump,
  parseBlkidExport,
  parseKeyTest,
  parseLsblkTree,
  volumesOf,
  type BitlkDump,
  type LsblkNode,
} from './linuxParse';

/** A key check takes about 1.5 s (BitLocker stretches the key a million times): allow plenty on a busy machine. */
const KEY_TEST_TIMEOUT_MS = 120_000;

/** The file system type blkid reads on a device or image file; undefined when it finds none. */
export async function blkidType(run: ToolRunner, device: string): Promise<Record<string, string> | undefined> {
  const call = { tool: 'blkid' as const, args: ['-p', '-o', 'export', device] };
  const r = await run(call);
  // 0: found; 2: nothing recognised (an empty or unformatted volume)
  if (r.code === 0) return parseBlkidExport(r.stdout);
  if (/Permission denied|Operation not permitted/i.test(r.stderr)) {
    if (process.getuid?.() !== 0) throw needsAdmin('blkid');
    throw new ToolError(
      'needs-admin',
      'blkid',
      `This system does not let Haul read ${device}, even as root (${toolSays(r)}); check that the drive is attached and not held by another program.`,
    );
  }
  if (r.code === 2) return undefined;
  if (/No such file|No such device/i.test(r.stderr))
    throw new ToolError('failed', 'blkid', `${device} does not exist; check that the drive is attached.`);
  throw toolFailed(call, r, 'Check that the drive is attached.');
}

/** BitLocker's metadata of a volume. */
export async function bitlkDump(run: ToolRunner, device: string): Promise<BitlkDump> {
  const call = { tool: 'cryptsetup' as const, args: ['bitlkDump', '--debug', device] };
  const r = await run(call);
  if (r.code !== 0) {
    if (/Permission denied|access denied/i.test(`${r.stdout}${r.stderr}`)) throw needsAdmin('cryptsetup');
    throw toolFailed(call, r, 'Check that the drive is attached and is a BitLocker volume.');
  }
  return parseBitlkDump(r.stdout);
}

const isBlockDevice = (path: string): boolean => {
  try {
    return statSync(path).isBlockDevice();
  } catch {
    return false;
  }
};

/** The block device tree under a device (the disk, its partitions, opened mappings, mounts). */
export async function lsblkTree(run: ToolRunner, device?: string): Promise<LsblkNode[]> {
  const call = {
    tool: 'lsblk' as const,
    args: ['-J', '-p', '-o', 'NAME,TYPE,FSTYPE,MOUNTPOINT', ...(device ? [device] : [])],
  };
  const r = await run(call);
  if (r.code !== 0) throw toolFailed(call, r, 'Check that the drive is attached.');
  return parseLsblkTree(r.stdout);
}

/** One volume's state: its file system, or BitLocker (locked, or unlocked with what is inside). */
export async function probeVolume(run: ToolRunner, node: LsblkNode): Promise<VolumeEncryption> {
  const mapping = openedMappingOf(node);
  const out: VolumeEncryption = { volume: node.name, bitlocker: 'none', mountpoints: mountsOf(node) };
  let ids: Record<string, string> | undefined;
  try {
    ids = await blkidType(run, node.name);
  } catch (e) {
    // Without root, blkid cannot read the device: the desktop's udev knows the type (lsblk FSTYPE).
    if (!(e instanceof ToolError)) throw e;
    return withoutRights(out, node, mapping, e.message);
  }
  const type = ids?.TYPE;
  if (type !== 'BitLocker') {
    const fs = type ?? node.fstype ?? undefined;
    if (fs) out.fileSystem = fs;
    else out.note = 'No file system was found on it (not formatted).';
    return out;
  }
  const dump = await bitlkDump(run, node.name);
  out.bitlocker = mapping ? 'unlocked' : 'locked';
  out.protectors = dump.protectors;
  out.toGo = dump.toGo;
  if (dump.method) out.method = dump.method;
  out.conversion = dump.unfinished ? 'encrypting' : 'encrypted';
  if (dump.unfinished)
    out.note =
      'BitLocker has not finished encrypting this volume (or was stopped part-way): let Windows finish it (manage-bde -resume) before it is shipped.';
  if (mapping) {
    const inner = await blkidType(run, mapping.name).catch(() => undefined);
    const fs = inner?.TYPE ?? mapping.fstype ?? undefined;
    if (fs) out.fileSystem = fs;
    const mounts = [mapping, ...(mapping.children ?? [])].flatMap(mountsOf);
    out.mountpoints = [...new Set([...out.mountpoints, ...mounts])];
  }
  return out;
}

/** What lsblk alone says of a volume Haul may not read: the type udev found, opened or not. */
function withoutRights(
  out: VolumeEncryption,
  node: LsblkNode,
  mapping: LsblkNode | undefined,
  why: string,
): VolumeEncryption {
  const fs = node.fstype ?? undefined;
  if (fs === 'BitLocker') {
    out.bitlocker = mapping ? 'unlocked' : 'locked';
    if (mapping?.fstype) out.fileSystem = mapping.fstype;
    out.note = `Its protectors and progress are unknown: ${why}`;
  } else if (fs) out.fileSystem = fs;
  else {
    out.bitlocker = 'unknown';
    out.note = why;
  }
  return out;
}

/** Every volume of a device (a disk: its partitions) or of an image file. */
export async function linuxVolumes(run: ToolRunner, target: string): Promise<VolumeEncryption[]> {
  if (!isBlockDevice(target)) {
    try {
      statSync(target);
    } catch {
      throw new ToolError(
        'failed',
        'blkid',
        `${target} does not exist; give a drive (such as /dev/sdb) or an image file.`,
      );
    }
    return [await probeVolume(run, { name: target, type: 'file' })];
  }
  const tree = await lsblkTree(run, target);
  const disk = tree[0];
  if (!disk) return [];
  // a partition given directly is one volume; a disk, each of its partitions
  const nodes = disk.type === 'part' || disk.type === 'crypt' ? [disk] : volumesOf(disk);
  return Promise.all(nodes.map((n) => probeVolume(run, n)));
}

/** The volumes of several disks at once (one lsblk for all), by disk device path. */
export async function linuxDriveVolumes(
  run: ToolRunner,
  devices: string[],
): Promise<Map<string, VolumeEncryption[] | Error>> {
  const out = new Map<string, VolumeEncryption[] | Error>();
  let tree: LsblkNode[] = [];
  try {
    tree = await lsblkTree(run);
  } catch (e) {
    for (const d of devices) out.set(d, e as Error);
    return out;
  }
  for (const device of devices) {
    const disk = tree.find((n) => n.name === device);
    if (!disk) {
      out.set(device, []);
      continue;
    }
    try {
      out.set(device, await Promise.all(volumesOf(disk).map((n) => probeVolume(run, n))));
    } catch (e) {
      out.set(device, e as Error);
    }
  }
  return out;
}

/**
 * Whether the recovery password opens the BitLocker volume, asked of cryptsetup without opening
 * it. The volume's protectors are read first: one without a recovery password is said to be so.
 */
export async function linuxCheckKey(run: ToolRunner, volume: string, key: string): Promise<KeyCheckResult> {
  const ids = await blkidType(run, volume);
  if (ids?.TYPE !== 'BitLocker')
    return {
      result: 'not-bitlocker',
      volume,
      message: `${volume} is not encrypted with BitLocker${ids?.TYPE ? ` (it holds ${ids.TYPE})` : ''}; there is no key to check.`,
    };
  const dump = await bitlkDump(run, volume);
  if (!dump.protectors.includes('recovery-password'))
    return {
      result: 'no-recovery-password',
      volume,
      message: `${volume} has no recovery password (its BitLocker protectors: ${dump.protectors.join(', ') || 'none'}); on Windows add one with "manage-bde -protectors -add X: -RecoveryPassword", then give that key.`,
    };
  const call = {
    tool: 'cryptsetup' as const,
    args: ['open', '--type', 'bitlk', '--test-passphrase', '--debug', volume],
    stdin: key,
    timeoutMs: KEY_TEST_TIMEOUT_MS,
  };
  const r = await run(call);
  const answer = parseKeyTest(r.code, r.stdout, r.stderr);
  switch (answer.kind) {
    case 'opens':
      return { result: 'opens', volume, message: `The recovery password opens ${volume}.` };
    case 'refused':
      return { result: 'refused', volume, message: `The recovery password does not open ${volume}.` };
    case 'unfinished':
      return {
        result: 'unfinished',
        volume,
        message: `BitLocker has not finished encrypting ${volume}, so its key cannot be checked here: let Windows finish (manage-bde -status shows the progress), then check again.`,
      };
    case 'needs-admin':
      throw needsAdmin('cryptsetup');
    case 'not-bitlocker':
      return { result: 'not-bitlocker', volume, message: `${volume} is not a BitLocker volume cryptsetup can read.` };
    case 'error':
      throw toolFailed(call, { ...r, stdout: '' }, 'Check that the drive is attached and try again.');
  }
}
