// Unlock a BitLocker drive on Linux and mount the NTFS inside, so Haul can prepare it there (an
// import from Linux, which WAImportExport cannot do) or read what Azure wrote on it (an export
// drive comes back encrypted: its keys are the job's listBitLockerKeys). cryptsetup opens the
// volume through device-mapper (the key on standard input), the kernel's ntfs3 driver mounts it,
// or ntfs-3g where the kernel has none. Anything that fails half-way is undone: the mount point
// removed, the mapping closed.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { normalizeRecoveryPassword, recoveryPasswordProblem } from '../../../shared/bitlocker';
import { mountOf } from '../drives/target';
import { needsAdmin, toolFailed, toolSays, ToolError, type ToolRunner } from '../system/tools';
import { blkidType, linuxCheckKey, lsblkTree } from './linux';
import { openedMappingOf, mountsOf, parseKeyTest } from './linuxParse';

export const DEVICE_MAPPER = '/dev/mapper/control';

export interface UnlockOptions {
  run: ToolRunner;
  /** where mount points are made (default: <tmp>/haul-bitlocker) */
  mountRoot?: string;
  readOnly?: boolean;
  /** whether this kernel has device-mapper (injectable for tests) */
  hasDeviceMapper?: () => boolean;
}

export interface Unlocked {
  volume: string;
  /** the device-mapper name (/dev/mapper/<name>) */
  name: string;
  mountPoint: string;
  /** which driver mounted the NTFS */
  driver: 'ntfs3' | 'ntfs-3g';
  /** which of the keys given opened it (0 for a single key) */
  keyIndex: number;
  /** unmounts, closes the mapping, removes the mount point */
  close(): Promise<void>;
}

const noDeviceMapper = () =>
  new ToolError(
    'failed',
    'cryptsetup',
    `This Linux kernel has no device-mapper (${DEVICE_MAPPER} is missing), which cryptsetup needs to open a BitLocker drive: load it ("sudo modprobe dm_crypt") or use a Linux machine that has it.`,
  );

/** A device-mapper name for a volume: haul-<device>-<random>, only the characters dm allows. */
export function mappingName(volume: string): string {
  return `haul-${basename(volume)
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .slice(0, 40)}-${randomBytes(3).toString('hex')}`;
}

/** Mounts an NTFS device: the kernel's ntfs3 first, ntfs-3g (FUSE) where the kernel lacks it. */
export async function mountNtfs(
  run: ToolRunner,
  device: string,
  dir: string,
  readOnly = false,
): Promise<'ntfs3' | 'ntfs-3g'> {
  const opts = readOnly ? ['-o', 'ro'] : [];
  const kernel = await run({ tool: 'mount', args: ['-t', 'ntfs3', ...opts, device, dir] });
  if (kernel.code === 0) return 'ntfs3';
  const fuse = await run({ tool: 'ntfs-3g', args: [...(readOnly ? ['-o', 'ro'] : []), device, dir] }).catch(
    (e: unknown) => e as Error,
  );
  if (!(fuse instanceof Error) && fuse.code === 0) return 'ntfs-3g';
  const why = fuse instanceof Error ? fuse.message : toolSays(fuse);
  if (/Permission denied|Operation not permitted|only root/i.test(`${toolSays(kernel)} ${why}`))
    throw needsAdmin('mount', 'linux', 'mount the drive');
  throw new ToolError(
    'failed',
    'mount',
    `The NTFS on ${device} could not be mounted: the kernel's ntfs3 said "${toolSays(kernel)}", ntfs-3g said "${why}". If Windows did not shut the drive down cleanly, plug it into Windows and eject it safely, then try again.`,
  );
}

/** Unmounts a folder (a busy mount is reported with what to do). */
export async function unmount(run: ToolRunner, dir: string): Promise<void> {
  const call = { tool: 'umount' as const, args: [dir] };
  const r = await run(call);
  if (r.code === 0) return;
  if (/not mounted/i.test(r.stderr)) return;
  throw toolFailed(
    call,
    r,
    `Close every program using ${dir} (a terminal in it, a file manager), then lock the drive again.`,
  );
}

async function closeMapping(run: ToolRunner, name: string): Promise<void> {
  const call = { tool: 'cryptsetup' as const, args: ['close', name] };
  const r = await run(call);
  if (r.code !== 0 && !/doesn't exist|not active/i.test(r.stderr))
    throw toolFailed(call, r, `Close it with "sudo cryptsetup close ${name}".`);
}

const removeDir = (dir: string) => {
  try {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    /* left for the person: an empty folder */
  }
};

/**
 * Opens a BitLocker volume with the first of `keys` that opens it (an export job's keys: which
 * drive is which is found by trying), and mounts the NTFS inside. Refuses a volume whose inside
 * is not NTFS.
 */
export async function unlockLinux(volume: string, keys: string[], opts: UnlockOptions): Promise<Unlocked> {
  const { run } = opts;
  if (!(opts.hasDeviceMapper ?? (() => existsSync(DEVICE_MAPPER)))()) throw noDeviceMapper();
  const candidates = keys.map(normalizeRecoveryPassword).filter((k) => !recoveryPasswordProblem(k));
  if (!candidates.length)
    throw new ToolError(
      'failed',
      'cryptsetup',
      keys.length
        ? `None of the keys given is a recovery password (48 digits in 8 groups of 6); ${volume} stays locked.`
        : `Give the recovery password of ${volume}.`,
    );
  // With several keys, find the one that opens it first (without opening anything).
  let keyIndex = 0;
  if (candidates.length > 1) {
    keyIndex = -1;
    for (const [k, key] of candidates.entries()) {
      const r = await linuxCheckKey(run, volume, key);
      if (r.result === 'opens') {
        keyIndex = k;
        break;
      }
      if (r.result !== 'refused') throw new ToolError('failed', 'cryptsetup', r.message);
    }
    if (keyIndex < 0)
      throw new ToolError(
        'failed',
        'cryptsetup',
        `None of the ${candidates.length} keys opens ${volume}; check that this drive belongs to the job.`,
      );
  }
  const name = mappingName(volume);
  const open = {
    tool: 'cryptsetup' as const,
    args: ['open', '--type', 'bitlk', ...(opts.readOnly ? ['--readonly'] : []), '--debug', volume, name],
    stdin: candidates[keyIndex]!,
    timeoutMs: 120_000,
  };
  const r = await run(open);
  if (r.code !== 0) {
    const a = parseKeyTest(r.code, r.stdout, r.stderr);
    if (a.kind === 'refused')
      throw new ToolError('failed', 'cryptsetup', `The recovery password does not open ${volume}.`);
    if (a.kind === 'needs-admin') throw needsAdmin('cryptsetup', 'linux', 'open the drive');
    if (a.kind === 'unfinished')
      throw new ToolError(
        'failed',
        'cryptsetup',
        `BitLocker has not finished encrypting ${volume}, and cryptsetup cannot open it until it has: let Windows finish (manage-bde -status), then try again.`,
      );
    throw toolFailed(open, { ...r, stdout: '' }, 'Check that the drive is attached and try again.');
  }
  const mapper = `/dev/mapper/${name}`;
  const root = opts.mountRoot ?? join(tmpdir(), 'haul-bitlocker');
  const mountPoint = join(root, name);
  try {
    const inside = await blkidType(run, mapper);
    if (inside?.TYPE !== 'ntfs')
      throw new ToolError(
        'failed',
        'blkid',
        `${volume} is BitLocker-encrypted but holds ${inside?.TYPE ?? 'no file system'}, not NTFS: the Azure data center reads only NTFS. Format the drive NTFS on Windows (this erases it) and encrypt it again.`,
      );
    mkdirSync(mountPoint, { recursive: true, mode: 0o700 });
    const driver = await mountNtfs(run, mapper, mountPoint, opts.readOnly);
    let closed = false;
    return {
      volume,
      name,
      mountPoint,
      driver,
      keyIndex,
      async close() {
        if (closed) return;
        await unmount(run, mountPoint);
        await closeMapping(run, name);
        removeDir(mountPoint);
        closed = true;
      },
    };
  } catch (e) {
    await closeMapping(run, name).catch(() => undefined);
    removeDir(mountPoint);
    throw e;
  }
}

/**
 * Locks a volume Haul (or anyone) opened: unmounts what is mounted from its mapping and closes
 * it. Given the volume, its mapping, or the mount point.
 */
export async function lockLinux(target: string, run: ToolRunner): Promise<{ volume: string; unmounted: string[] }> {
  let device = target;
  const m = existsSync(target) ? mountOf(target) : undefined;
  if (m && m.mountPoint === target && m.source.startsWith('/dev/')) device = m.source;
  const inverse = await run({ tool: 'lsblk', args: ['-J', '-p', '-s', '-o', 'NAME,TYPE', device] });
  // a mapping given: the volume under it
  if (inverse.code === 0) {
    const doc = JSON.parse(inverse.stdout) as {
      blockdevices?: { name: string; type?: string; children?: { name: string }[] }[];
    };
    const top = doc.blockdevices?.[0];
    if (top?.type === 'crypt' && top.children?.[0]) device = top.children[0].name;
  }
  const [vol] = await lsblkTree(run, device);
  const mapping = vol ? openedMappingOf(vol) : undefined;
  if (!vol || !mapping) throw new ToolError('failed', 'cryptsetup', `${target} is not an unlocked BitLocker volume.`);
  const mounts = [mapping, ...(mapping.children ?? [])].flatMap(mountsOf);
  for (const dir of mounts) await unmount(run, dir);
  await closeMapping(run, basename(mapping.name));
  // only the mount points Haul made (named for their mapping); a folder the person made stays
  for (const dir of mounts) if (basename(dir).startsWith('haul-')) removeDir(dir);
  return { volume: vol.name, unmounted: mounts };
}
