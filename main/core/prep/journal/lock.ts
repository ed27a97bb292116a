// One run per journal, and one run per drive. `<journal>.lock` and `<drive>/.haul-run.lock`
// (proper-lockfile) are kept fresh while the run lives and taken over once stale — a killed run's
// lock is stale after a few seconds, so a resume after a crash waits for that at most. Locks sit at
// real paths, so one journal or drive reached through a symlink is still one lock. A drive's lock
// has its run's name beside it (`.haul-run.json`), so a second run is refused naming the first:
// two runs writing one drive would leave it a manifest that neither run reported.
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import * as z from 'zod';
import { realPath } from '../../drives/target';
import { HaulError } from '../../../../shared/errors';

/** Another run holds what this run needs (a journal, a drive). */
export class PrepBusy extends HaulError {
  constructor(message: string, target?: string) {
    super('busy', message, target);
    this.name = 'PrepBusy';
  }
}

export class JournalBusy extends PrepBusy {
  constructor(readonly journal: string) {
    super(`Another preparation is using the journal ${journal}; wait for it to finish or stop it first.`);
    this.name = 'JournalBusy';
  }
}

/** Who writes a drive: kept beside the drive's lock while the run lives. */
export const driveRun = z.object({
  session: z.string(),
  jobName: z.string(),
  journal: z.string(),
  host: z.string(),
  pid: z.number().int(),
  startedAt: z.number(),
});
export type DriveRun = z.infer<typeof driveRun>;

export const DRIVE_LOCK = '.haul-run.lock';
export const DRIVE_RUN_FILE = '.haul-run.json';

export class DriveBusy extends PrepBusy {
  constructor(
    override readonly target: string,
    readonly holder: DriveRun | undefined,
  ) {
    super(
      `The drive ${target} is being written by another preparation${
        holder
          ? `: session ${holder.session} of job ${holder.jobName} (journal ${holder.journal}, process ${holder.pid} on ${holder.host}, since ${new Date(holder.startedAt).toISOString()})`
          : ''
      }. A drive takes one preparation at a time: wait for that one to finish or stop it, then run this again.`,
      target,
    );
    this.name = 'DriveBusy';
  }
}

const STALE_MS = 5000;

const UPDATE_MS = 1000;

function lockTime(lockPath: string): number | undefined {
  try {
    return statSync(lockPath).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * True when a run is alive behind the lock: its run refreshes it every second. A killed run's lock
 * stops moving — right after a kill -9 it still looks fresh, so watch it for two refreshes.
 */
async function heldByLiveRun(lockPath: string): Promise<boolean> {
  const first = lockTime(lockPath);
  if (first === undefined || Date.now() - first > 2 * UPDATE_MS) return false;
  const until = Date.now() + 2 * UPDATE_MS + 200;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = lockTime(lockPath);
    if (now === undefined) return false;
    if (now !== first) return true;
  }
  return false;
}

/**
 * Takes a lock at `lockfilePath` for `file`; resolves to its release. A lock its run keeps fresh is
 * refused within about a second (ELOCKED); one that is no longer refreshed (a killed run) is waited
 * for until it goes stale.
 */
async function takeLock(
  file: string,
  lockfilePath: string,
  onCompromised?: (e: Error) => void,
): Promise<() => Promise<void>> {
  const release = await lockfile.lock(file, {
    lockfilePath,
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    retries: (await heldByLiveRun(lockfilePath)) ? 0 : { retries: 8, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
    // a lost lock means another run may have taken it: say so, do not crash main
    onCompromised: onCompromised ?? (() => undefined),
  });
  return async () => {
    try {
      await release();
    } catch {
      /* already released or compromised */
    }
  };
}

/** The run named beside a drive's lock, when it can be read. */
export function driveHolder(target: string): DriveRun | undefined {
  try {
    return driveRun.parse(JSON.parse(readFileSync(join(realPath(target), DRIVE_RUN_FILE), 'utf8')));
  } catch {
    return undefined;
  }
}

/** True while a live run holds the drive's lock (its lock keeps being refreshed). */
export async function driveInUse(target: string): Promise<DriveRun | true | undefined> {
  const lockPath = join(realPath(target), DRIVE_LOCK);
  if (!(await heldByLiveRun(lockPath))) return undefined;
  return driveHolder(target) ?? true;
}

/**
 * Takes a drive for one run, held until the release it resolves to; names the run beside the lock.
 * A drive another live run holds is refused with DriveBusy naming that run.
 */
export async function lockDrive(
  target: string,
  run: Omit<DriveRun, 'host' | 'pid' | 'startedAt'>,
  onCompromised?: (e: Error) => void,
): Promise<() => Promise<void>> {
  const root = realPath(target);
  const me: DriveRun = { ...run, host: hostname(), pid: process.pid, startedAt: Date.now() };
  // A drive pulled out takes its lock with it: that is the copy's "the drive was removed" for that
  // drive alone, not another run taking it over. Only a run named beside the lock that is not this
  // one has taken the drive.
  const takenOver =
    onCompromised &&
    ((e: Error) => {
      const holder = driveHolder(target);
      if (holder && (holder.pid !== me.pid || holder.host !== me.host || holder.startedAt !== me.startedAt))
        onCompromised(e);
    });
  let release: () => Promise<void>;
  try {
    release = await takeLock(root, join(root, DRIVE_LOCK), takenOver);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new DriveBusy(target, driveHolder(target));
    throw e;
  }
  const file = join(root, DRIVE_RUN_FILE);
  try {
    writeFileSync(file, `${JSON.stringify(me)}\n`);
  } catch {
    /* the lock alone keeps other runs out; the name is for the message */
  }
  return async () => {
    rmSync(file, { force: true });
    await release();
  };
}

/**
 * Takes the journal's lock; resolves to its release. A lock its run keeps fresh is refused within
 * about a second; one that is no longer refreshed (a killed run) is waited for until it goes stale.
 */
export async function lockJournal(given: string, onCompromised?: (e: Error) => void): Promise<() => Promise<void>> {
  const journal = realPath(given);
  const lockfilePath = `${journal}.lock`;
  try {
    return await takeLock(journal, lockfilePath, onCompromised);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new JournalBusy(given);
    throw e;
  }
}
