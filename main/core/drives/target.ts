// A target given as a mount path or a folder (headless servers, tests, advanced use). Its
// driveId comes from the drive header already on it, else the serial of the device under it,
// else an id derived from the folder itself (the same for a plan and the copy that follows),
// which the copy writes into the drive header (HaulDrive.json).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statfsSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HEADER_FILE, parseDriveHeader } from '../../../shared/formats/driveManifest';
import { linuxSerialOf } from './list';

export interface TargetInfo {
  /** the path as given, resolved */
  path: string;
  driveId: string;
  /** where the id came from */
  idSource: 'header' | 'serial' | 'generated';
  device?: string;
  fsType?: string;
  mountPoint?: string;
  capacity: number;
  free: number;
  caseInsensitive: boolean;
  /** longest file name (bytes) and path (bytes) the target file system allows */
  maxNameBytes: number;
  maxPathBytes: number;
  /** the drive header already there, if any */
  existingJob?: string;
  /** the folder is the root of a file system of its own (a drive), not a folder on a bigger disk */
  ownFileSystem: boolean;
  /** why nothing can be written there (mounted read-only, or the probe write in its root failed) */
  notWritable?: string;
}

export interface MountEntry {
  mountPoint: string;
  source: string;
  fsType: string;
  /** mounted read-only (the mount's own flag or its file system's) */
  readOnly: boolean;
}

/**
 * The path with every symlink followed; for a path that does not exist yet, its nearest existing
 * parent's real path with the rest appended (a journal about to be created).
 */
export function realPath(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realPath(parent), basename(abs));
  }
}

/** Parses /proc/self/mountinfo lines. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const ro = (opts: string | undefined) => (opts ?? '').split(',').includes('ro');
    if (l[4] && r[0] && r[1])
      out.push({ mountPoint: unescape(l[4]), fsType: r[0], source: unescape(r[1]), readOnly: ro(l[5]) || ro(r[2]) });
  }
  return out;
}

export function mountOf(path: string): MountEntry | undefined {
  if (process.platform !== 'linux') return undefined;
  let entries: MountEntry[];
  try {
    entries = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return undefined;
  }
  const real = realpathSync(path);
  let best: MountEntry | undefined;
  for (const e of entries) {
    const mp = e.mountPoint;
    if (real === mp || real.startsWith(mp.endsWith('/') ? mp : `${mp}/`)) {
      if (!best || mp.length >= best.mountPoint.length) best = e;
    }
  }
  return best;
}

const CASE_INSENSITIVE_FS = new Set([
  'vfat',
  'msdos',
  'exfat',
  'ntfs',
  'ntfs3',
  'fuseblk',
  'hfs',
  'hfsplus',
  'apfs',
  'cifs',
  'smbfs',
]);
const FAT_LIKE = new Set(['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk']);

/**
 * Writes and removes a probe file in the folder: whether it can be written at all (the error in
 * words when not) and whether names differing only in case are one.
 */
export function probeFolder(dir: string): { writeError?: string; caseInsensitive: boolean } {
  const name = `.haul-probe-${randomBytes(4).toString('hex')}`;
  const p = join(dir, name);
  try {
    writeFileSync(p, '');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { writeError: `${err.code ?? 'error'}: ${err.message.replace(/^[A-Z]+: /, '')}`, caseInsensitive: false };
  }
  try {
    return { caseInsensitive: existsSync(join(dir, name.toUpperCase())) };
  } finally {
    rmSync(p, { force: true });
  }
}

/** The folder is where a file system is mounted (its device differs from its parent's), on any platform. */
export function isFileSystemRoot(real: string): boolean {
  const parent = dirname(real);
  return parent === real || statSync(real).dev !== statSync(parent).dev;
}

/**
 * The id of a folder without a header or serial: derived from the folder itself (device, inode,
 * birth time), so `--plan-only` (or the app's plan) shows the id the copy then writes.
 */
export function derivedDriveId(real: string): string {
  const st = statSync(real, { bigint: true });
  const key = `${st.dev}:${st.ino}:${st.birthtimeNs}:${real}`;
  return `HAUL-${createHash('sha256').update(key).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** Describes a target folder; throws a clear Error when it is missing or not a folder. */
export async function resolveTarget(path: string): Promise<TargetInfo> {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`The target "${path}" does not exist; mount the drive, or create the folder, and try again.`);
  }
  if (!st.isDirectory()) throw new Error(`The target "${path}" is not a folder; give the drive's mount path.`);
  const real = realpathSync(path);
  const fs = statfsSync(real);
  const mount = mountOf(real);
  let driveId: string | undefined;
  let idSource: TargetInfo['idSource'] = 'generated';
  let existingJob: string | undefined;
  const headerPath = join(real, HEADER_FILE);
  if (existsSync(headerPath)) {
    try {
      const h = parseDriveHeader(readFileSync(headerPath, 'utf8'));
      driveId = h.driveId;
      existingJob = h.jobName;
      idSource = 'header';
    } catch {
      /* a damaged header: fall through to the serial; the copy rewrites it */
    }
  }
  // Only a drive of its own (the folder is its mount point) takes the device's serial: a folder
  // somewhere on a bigger disk is not "the drive".
  if (!driveId && mount && mount.mountPoint === real && mount.source.startsWith('/dev/')) {
    const serial = await linuxSerialOf(mount.source);
    if (serial) {
      driveId = serial;
      idSource = 'serial';
    }
  }
  if (!driveId) {
    driveId = derivedDriveId(real);
    idSource = 'generated';
  }
  const fsType = mount?.fsType;
  const probe = probeFolder(real);
  const info: TargetInfo = {
    path: real,
    driveId,
    idSource,
    capacity: fs.blocks * fs.bsize,
    free: fs.bavail * fs.bsize,
    caseInsensitive: fsType && CASE_INSENSITIVE_FS.has(fsType) ? true : probe.caseInsensitive,
    maxNameBytes: 255,
    maxPathBytes: fsType && FAT_LIKE.has(fsType) ? 32_760 : 4095,
    ownFileSystem: isFileSystemRoot(real),
  };
  if (mount?.readOnly) info.notWritable = 'it is mounted read-only';
  else if (probe.writeError) info.notWritable = `a test file could not be written in it (${probe.writeError})`;
  if (mount) {
    info.device = mount.source;
    info.fsType = mount.fsType;
    info.mountPoint = mount.mountPoint;
  }
  if (existingJob !== undefined) info.existingJob = existingJob;
  return info;
}
