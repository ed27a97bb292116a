// Target checks before anything is written: each drive resolved (driveId, free space, file
// system), then the list as a whole — the same drive twice, a target inside the data or the data
// on a target, the journal on a target, a drive prepared for another job. Problems are returned
// in words for any UI, never thrown.
import { resolve, sep } from 'node:path';
import type { DatasetEntry } from '../../../shared/formats/dataset';
import type { ResolvedTarget, TargetProblem } from '../../../shared/prep/session';
import { resolveTarget, type TargetInfo } from '../drives/target';
import type { Journal } from './journal';
import { MAX_DRIVES } from './plan';

export interface PrepTarget {
  path: string;
  bitLockerKey?: string;
}

export interface ResolvedTargets {
  infos: TargetInfo[];
  problems: TargetProblem[];
}

/**
 * Resolves every target. A folder with no Haul header and no serial gets a generated id; the
 * same id is kept for the same folder across plan and start (`knownIds`) and across runs of one
 * journal, so what the person confirmed is what gets written.
 */
export async function resolveTargets(
  targets: PrepTarget[],
  opts: { journal?: Journal; knownIds?: Map<string, string> } = {},
): Promise<ResolvedTargets> {
  const problems: TargetProblem[] = [];
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
        message: (e as Error).message,
        fix: 'Mount the drive (or create the folder), or remove it from the list.',
      });
      continue;
    }
    if (info.idSource === 'generated') {
      const known =
        opts.knownIds?.get(info.path) ??
        [...(opts.journal?.drives ?? [])].find(([, d]) => d.generated && d.target === info.path)?.[0];
      if (known) info.driveId = known;
      opts.knownIds?.set(info.path, info.driveId);
    }
    infos.push(info);
  }
  return { infos, problems };
}

/** Problems of the target list against the data, the journal and the job. */
export function checkTargets(
  infos: TargetInfo[],
  entries: DatasetEntry[],
  journalPath: string,
  jobName: string,
): TargetProblem[] {
  const problems: TargetProblem[] = [];
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
      const src = resolve(e.basePath);
      if (a.path === src || a.path.startsWith(src + sep))
        problems.push({
          code: 'inside-source',
          target: a.path,
          message: `The target ${a.path} is inside the data to copy (${e.basePath}); the copy would copy itself.`,
          fix: 'Pick a target outside the data.',
        });
      else if (src.startsWith(a.path + sep))
        problems.push({
          code: 'holds-source',
          target: a.path,
          message: `The data to copy (${e.basePath}) is on the target drive ${a.path}.`,
          fix: 'Copy onto a different drive.',
        });
    }
    if (journalPath.startsWith(a.path + sep))
      problems.push({
        code: 'holds-journal',
        target: a.path,
        message: `The journal ${journalPath} is on the target drive ${a.path}; keep it on this machine (it is how an interrupted copy resumes).`,
        fix: 'Put the journal elsewhere, e.g. in your home folder.',
      });
    if (a.existingJob !== undefined && a.existingJob !== jobName) {
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
