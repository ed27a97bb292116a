// Releasing a drive Haul prepared: its header (HaulDrive.json), its manifest (DriveManifest.xml),
// the session folders the header and the manifest name, and Haul's temporaries go; every other
// file on the drive (the customer's own) stays. Refused unless the person typed the job name the
// drive is bound to. Also: which mounted drives hold a Haul header, and for which job.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import {
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveHeader,
  parseDriveManifest,
  sessionOf,
  type DriveHeader,
} from '../../../shared/formats/driveManifest';
import { sessionIdProblem } from '../../../shared/prep/names';
import { HaulError, messageOf } from '../../../shared/errors';

/** Folders Haul writes on a drive besides the session folders (temporaries; the manifest's room). */
const HAUL_TEMPORARIES = ['.haul-tmp'];

export interface PreparedDriveInfo {
  path: string;
  driveId: string;
  jobName: string;
  sessionIds: string[];
  /** bytes in the session folders (what release frees) */
  bytes: number;
}

export interface ReleaseResult {
  path: string;
  driveId: string;
  jobName: string;
  removedFiles: number;
  removedBytes: number;
  /** entries left at the drive's root (the customer's own files and folders) */
  kept: string[];
}

export class ReleaseRefused extends HaulError {
  declare readonly code: 'not-prepared' | 'not-confirmed' | 'failed';
  constructor(message: string, code: ReleaseRefused['code']) {
    super(code, message, 'jobName');
    this.name = 'ReleaseRefused';
  }
}

function readHeader(root: string): DriveHeader | undefined {
  const file = join(root, HEADER_FILE);
  if (!existsSync(file)) return undefined;
  return parseDriveHeader(readFileSync(file, 'utf8'));
}

/** The session folders of a prepared drive: the header's, and any the manifest's blobs live in. */
function sessionsOf(root: string, header: DriveHeader): string[] {
  const ids = new Set(header.sessionIds);
  try {
    const manifest = parseDriveManifest(readFileSync(join(root, MANIFEST_FILE), 'utf8'));
    for (const b of manifest.blobs) ids.add(sessionOf(b.filePath));
  } catch {
    /* no manifest (never finished) or a damaged one: the header's sessions are all there is */
  }
  // Only plain names directly under the root: never "..", never a path.
  return [...ids].filter((id) => id && !sessionIdProblem(id) && !id.includes('/') && !id.includes('\\'));
}

function sizeOf(path: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return { files, bytes };
  }
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) {
      const s = sizeOf(p);
      files += s.files;
      bytes += s.bytes;
    } else {
      files++;
      try {
        bytes += statSync(p).size;
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return { files, bytes };
}

/** The Haul header of a drive at `root`, with what its sessions hold; undefined when Haul never prepared it. */
export function preparedDrive(root: string): PreparedDriveInfo | undefined {
  let header: DriveHeader | undefined;
  try {
    header = readHeader(root);
  } catch {
    return undefined;
  }
  if (!header) return undefined;
  const sessionIds = sessionsOf(root, header);
  const bytes = sessionIds.reduce((s, id) => s + sizeOf(join(root, id)).bytes, 0);
  return { path: root, driveId: header.driveId, jobName: header.jobName, sessionIds, bytes };
}

/**
 * Removes Haul's files from a prepared drive. `confirmJobName` must be the job the drive is bound
 * to, as the person typed it.
 */
export function releaseDrive(root: string, confirmJobName: string): ReleaseResult {
  let header: DriveHeader | undefined;
  try {
    header = readHeader(root);
  } catch (e) {
    // A damaged header is still Haul's: the person confirms with the job name they saw elsewhere.
    throw new ReleaseRefused(
      `The drive header at ${root} cannot be read (${messageOf(e)}); Haul does not remove files it cannot tell are its own. Delete ${HEADER_FILE}, ${MANIFEST_FILE} and the session folders yourself.`,
      'not-prepared',
    );
  }
  if (!header)
    throw new ReleaseRefused(
      `${root} holds no ${HEADER_FILE}: Haul did not prepare it, so there is nothing to release.`,
      'not-prepared',
    );
  if (confirmJobName.trim() !== header.jobName)
    throw new ReleaseRefused(
      `Type the job name the drive is bound to ("${header.jobName}") to release it; nothing was removed.`,
      'not-confirmed',
    );
  let removedFiles = 0;
  let removedBytes = 0;
  const remove = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p).isDirectory() ? sizeOf(p) : { files: 1, bytes: statSync(p).size };
    rmSync(p, { recursive: true, force: true });
    removedFiles += s.files;
    removedBytes += s.bytes;
  };
  try {
    for (const id of sessionsOf(root, header)) remove(join(root, id));
    for (const t of HAUL_TEMPORARIES) remove(join(root, t));
    remove(join(root, MANIFEST_FILE));
    // the header last: until it goes, the drive still says it is Haul's, and release can run again
    remove(join(root, HEADER_FILE));
  } catch (e) {
    throw new ReleaseRefused(
      `Releasing ${root} stopped part way (${messageOf(e)}); run it again once the drive can be written.`,
      'failed',
    );
  }
  const kept = readdirSync(root).filter((n) => n !== 'lost+found');
  return { path: root, driveId: header.driveId, jobName: header.jobName, removedFiles, removedBytes, kept };
}
