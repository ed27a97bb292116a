// A target given as a mount path or a folder (headless servers, tests, advanced use). Its
// driveId comes from the drive header already on it, else the serial of the device under it,
// else a generated id that the copy writes into the drive header (HaulDrive.json).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statfsSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
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
}

interface MountEntry {
  mountPoint: string;
  source: string;
  fsType: string;
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
    if (l[4] && r[0] && r[1]) out.push({ mountPoint: unescape(l[4]), fsType: r[0], source: unescape(r[1]) });
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

/** Probes whether the folder treats names differing only in case as one (creates and removes a file). */
export function probeCaseInsensitive(dir: string): boolean {
  const name = `.haul-case-probe-${randomBytes(4).toString('hex')}`;
  const p = join(dir, name);
  try {
    writeFileSync(p, '');
    return existsSync(join(dir, name.toUpperCase()));
  } catch {
    return false;
  } finally {
    rmSync(p, { force: true });
  }
}

export function generateDriveId(): string {
  return `HAUL-${randomBytes(6).toString('hex').toUpperCase()}`;
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
    driveId = generateDriveId();
    idSource = 'generated';
  }
  const fsType = mount?.fsType;
  const info: TargetInfo = {
    path: real,
    driveId,
    idSource,
    capacity: fs.blocks * fs.bsize,
    free: fs.bavail * fs.bsize,
    caseInsensitive: fsType && CASE_INSENSITIVE_FS.has(fsType) ? true : probeCaseInsensitive(real),
    maxNameBytes: 255,
    maxPathBytes: fsType && FAT_LIKE.has(fsType) ? 32_760 : 4095,
  };
  if (mount) {
    info.device = mount.source;
    info.fsType = mount.fsType;
    info.mountPoint = mount.mountPoint;
  }
  if (existingJob !== undefined) info.existingJob = existingJob;
  return info;
}
