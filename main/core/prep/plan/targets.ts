// Target checks before anything is written: each drive resolved (driveId, free space, file
// system, writable), classified as the drive list classifies it (a blocked drive is refused, a
// folder that is not a drive of its own only when the person allowed it), then the list as a
// whole — the same drive twice, a target inside the data or the data on a target, the journal on
// a target, a drive prepared for another job. Paths are compared as real paths (symlinks
// followed). Problems are returned in words for any UI, never thrown.
import { statSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { DatasetEntry } from '../../../../shared/formats/dataset';
import type { ResolvedTarget, TargetNote, TargetProblem } from '../../../../shared/prep/session';
import { classifyDrive } from '../../drives/classify';
import { linuxFsChain, listDrives, type DriveLister, type RawDrive } from '../../drives/list';
import { realPath, resolveTarget, type TargetInfo } from '../../drives/target';

export { realPath };
import type { Journal } from '../journal/journal';
import { MAX_DRIVES } from './plan';
import { messageOf } from '../../../../shared/errors';

export interface PrepTarget {
  path: string;
  bitLockerKey?: string;
  /** the person confirmed writing into a folder that is not a drive of its own */
  allowFolder?: boolean;
}

export interface ResolvedTargets {
  infos: TargetInfo[];
  problems: TargetProblem[];
  notes: TargetNote[];
}

const inside = (child: string, parent: string): boolean =>
  child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** The drive of the drive list a target's file system belongs to (the root file system counts as the system drive). */
function driveOf(info: TargetInfo, drives: RawDrive[]): RawDrive | undefined {
  // Linux knows the target's mount; elsewhere the longest drive mount point holding it is taken.
  const root =
    info.mountPoint ??
    drives
      .flatMap((d) => d.mountpoints)
      .filter((m) => inside(info.path, realPath(m)))
      .sort((a, b) => b.length - a.length)[0];
  if (root === undefined) return undefined;
  const found = drives.find((d) => d.mountpoints.some((m) => realPath(m) === root));
  if (found || root !== '/') return found;
  return {
    device: info.device ?? '/',
    description: 'the root file system',
    size: info.capacity,
    mountpoints: ['/'],
    removable: false,
    system: true,
    readOnly: false,
    virtual: false,
  };
}

/**
 * Resolves every target. A folder with no Haul header and no serial gets a generated id (derived
 * from the folder itself); the same id is kept for the same folder across plan and start
 * (`knownIds`), so what the person confirmed is what gets written. Later runs read it from the
 * header the copy wrote.
 */
export async function resolveTargets(
  targets: PrepTarget[],
  opts: {
    journal?: Journal;
    knownIds?: Map<string, string>;
    /** the drive list (injectable for tests); default: the one `haul drives` shows */
    lister?: DriveLister;
    /** the data's sources: a drive holding one is blocked, as in the drive list */
    sources?: string[];
    /** every target may be a folder that is not a drive of its own */
    allowFolders?: boolean;
    /** the job goes to Azure: note targets its data center cannot read */
    forAzure?: boolean;
  } = {},
): Promise<ResolvedTargets> {
  const problems: TargetProblem[] = [];
  const notes: TargetNote[] = [];
  // The drive list (lsblk and friends, tens of ms each) is asked while the targets are looked at.
  const listed: Promise<RawDrive[]> = targets.length
    ? (opts.lister ?? listDrives)().catch(() => [])
    : Promise.resolve([]);
  const sources = (opts.sources ?? []).map(realPath);
  if (targets.length > MAX_DRIVES) {
    problems.push({
      code: 'too-many',
      target: '',
      message: `${targets.length} drives were given; a job takes at most ${MAX_DRIVES}.`,
      fix: 'Split the data into more jobs, or use larger drives.',
    });
  }
  const infos: TargetInfo[] = [];
  for (const t of targets) {
    let info: TargetInfo;
    try {
      info = await resolveTarget(t.path);
    } catch (e) {
      problems.push({
        code: 'not-found',
        target: t.path,
        message: messageOf(e),
        fix: 'Mount the drive (or create the folder), or remove it from the list.',
      });
      continue;
    }
    // A drive without a header is a new drive: another drive swapped in at the same path must not
    // carry the old one's id. The journal's id for this path is kept only when the drive holds that
    // id's files (a drive that took files over and was stopped before its header was written).
    if (info.idSource === 'generated') {
      const previous = [...(opts.journal?.drives ?? [])].find(([, d]) => d.generated && d.target === info.path)?.[0];
      const known =
        opts.knownIds?.get(info.path) ??
        (previous !== undefined && holdsFilesOf(info.path, opts.journal!, previous) ? previous : undefined);
      if (known) info.driveId = known;
      opts.knownIds?.set(info.path, info.driveId);
    }
    const refusal = usability(info, t, await listed, sources, opts.allowFolders === true);
    if (refusal.problem) {
      problems.push(refusal.problem);
      continue;
    }
    if (refusal.note) notes.push(refusal.note);
    if (opts.forAzure) notes.push(...(await azureNotes(info, t)));
    infos.push(info);
  }
  return { infos, problems, notes };
}

/** True when the folder holds (a sample of) the files the journal put on drive `driveId`, at their size. */
function holdsFilesOf(root: string, journal: Journal, driveId: string): boolean {
  const files = journal.filesOnDrive(driveId).slice(0, 8);
  return (
    files.length > 0 &&
    files.every((f) => {
      try {
        return statSync(join(root, f.path)).size === f.size;
      } catch {
        return false;
      }
    })
  );
}

/** Whether Haul may write there at all: the drive list's verdict, the folder rule, writability. */
function usability(
  info: TargetInfo,
  t: PrepTarget,
  drives: RawDrive[],
  sources: string[],
  allowFolders: boolean,
): { problem?: TargetProblem; note?: TargetNote } {
  const drive = driveOf(info, drives);
  const verdict = drive ? classifyDrive(drive, { sources, readDir: () => [] }) : undefined;
  const name = drive ? `${drive.device}${drive.description ? `, ${drive.description}` : ''}` : '';
  const blocked = (verdict?.reasons ?? []).filter(
    (r) => r.severity === 'blocked' && (r.code !== 'system' || info.ownFileSystem),
  );
  if (blocked.length)
    return {
      problem: {
        code: 'blocked',
        target: t.path,
        message: `The target ${info.path} is on a drive the drive list blocks (${name}): ${blocked[0]!.message}`,
        fix: 'Pick another drive from the drive list.',
      },
    };
  if (info.notWritable)
    return {
      problem: {
        code: 'not-writable',
        target: t.path,
        message: `Nothing can be written on the target ${info.path}: ${info.notWritable}.`,
        fix: 'Remount the drive read-write or remove its write protection (or give yourself write access), or pick another drive.',
      },
    };
  if (!info.ownFileSystem) {
    const where = verdict?.system ? `a folder on the system drive (${name})` : 'a folder, not a drive of its own';
    const text = {
      // the path as given, so the app can tie the confirmation to the drive the person chose
      target: t.path,
      message: `The target ${info.path} is ${where}: the data goes onto the disk that holds it (a drive that is not mounted there leaves an empty mount point like this).`,
    };
    if (t.allowFolder || allowFolders)
      return { note: { code: 'folder', ...text, fix: 'Make sure this is the folder you mean to ship.' } };
    return {
      problem: {
        code: 'folder',
        ...text,
        fix: 'Mount the drive there, pick a drive from the drive list, or confirm that you mean this folder.',
      },
    };
  }
  return {};
}

const NTFS = new Set(['ntfs', 'ntfs3']);

/** What Azure's data center needs that the local sandbox does not: NTFS, BitLocker. */
async function azureNotes(info: TargetInfo, t: PrepTarget): Promise<TargetNote[]> {
  const chain = info.device?.startsWith('/dev/') ? await linuxFsChain(info.device) : [];
  // lsblk names the file system under a FUSE mount (ntfs-3g shows as fuseblk); without it, fuseblk says nothing
  const fs = chain[0] || (info.fsType === 'fuseblk' ? undefined : info.fsType);
  const notes: TargetNote[] = [];
  if (fs && !NTFS.has(fs))
    notes.push({
      code: 'not-ntfs',
      target: info.path,
      message: `The drive at ${info.path} (${info.driveId}) is formatted ${fs}; the Azure data center reads only NTFS drives.`,
      fix: 'Copy onto a drive formatted NTFS (format it first, which erases it).',
    });
  if (!t.bitLockerKey && !chain.includes('BitLocker'))
    notes.push({
      code: 'no-bitlocker',
      target: info.path,
      message: `The drive at ${info.path} (${info.driveId}) is not BitLocker-protected (no key given); the Azure data center takes only BitLocker-encrypted drives.`,
      fix: 'Encrypt the drive with BitLocker and give its recovery key.',
    });
  return notes;
}

/** Problems of the target list against the data, the journal and the job. */
export function checkTargets(
  infos: TargetInfo[],
  entries: DatasetEntry[],
  journalPath: string,
  jobName: string,
  /** drives this journal prepared for this session: theirs, whatever job name their header holds (a renamed job) */
  own: ReadonlySet<string> = new Set(),
): TargetProblem[] {
  const problems: TargetProblem[] = [];
  // infos hold real paths already (resolveTarget)
  for (const [k, a] of infos.entries()) {
    for (const b of infos.slice(k + 1)) {
      if (a.path === b.path)
        problems.push({
          code: 'duplicate',
          target: b.path,
          message: `The target ${a.path} is listed twice.`,
          fix: 'List each drive once.',
        });
      else if (a.driveId === b.driveId)
        problems.push({
          code: 'same-drive',
          target: b.path,
          message: `The targets ${a.path} and ${b.path} are the same drive (${a.driveId}).`,
          fix: 'List each drive once.',
        });
      else if (a.device && a.device === b.device && a.mountPoint === a.path && b.mountPoint === b.path)
        problems.push({
          code: 'same-drive',
          target: b.path,
          message: `The targets ${a.path} and ${b.path} are on the same drive (${a.device}).`,
          fix: 'List each drive once.',
        });
    }
    for (const e of entries) {
      const src = realPath(e.basePath);
      if (inside(a.path, src))
        problems.push({
          code: 'inside-source',
          target: a.path,
          message: `The target ${a.path} is inside the data to copy (${e.basePath}); the copy would copy itself.`,
          fix: 'Pick a target outside the data.',
        });
      else if (inside(src, a.path))
        problems.push({
          code: 'holds-source',
          target: a.path,
          message: `The data to copy (${e.basePath}) is on the target drive ${a.path}.`,
          fix: 'Copy onto a different drive.',
        });
    }
    if (inside(realPath(journalPath), a.path))
      problems.push({
        code: 'holds-journal',
        target: a.path,
        message: `The journal ${journalPath} is on the target drive ${a.path}; keep it on this machine (it is how an interrupted copy resumes).`,
        fix: 'Put the journal elsewhere, e.g. in your home folder.',
      });
    if (a.existingJob !== undefined && a.existingJob !== jobName && !own.has(a.driveId)) {
      problems.push({
        code: 'other-job',
        target: a.path,
        message: `The drive at ${a.path} (${a.driveId}) was prepared for the job "${a.existingJob}", not "${jobName}".`,
        fix: `Use another drive, or prepare it for the job "${a.existingJob}".`,
      });
    }
  }
  return problems;
}

export function describeTarget(t: TargetInfo): ResolvedTarget {
  const out: ResolvedTarget = {
    path: t.path,
    driveId: t.driveId,
    idSource: t.idSource,
    capacity: t.capacity,
    free: t.free,
  };
  if (t.device) out.device = t.device;
  if (t.fsType) out.fsType = t.fsType;
  if (t.existingJob !== undefined) out.existingJob = t.existingJob;
  return out;
}
