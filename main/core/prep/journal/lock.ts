// One run per journal: `<journal>.lock` (proper-lockfile), kept fresh while the run lives and
// taken over once it is stale — a killed run's lock is stale after a few seconds, so a resume
// after a crash waits for that at most. The lock sits next to the journal's real path, so one
// journal reached through a symlink is still one lock.
import { statSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { realPath } from '../../drives/target';

export class JournalBusy extends Error {
  constructor(readonly journal: string) {
    super(`Another preparation is using the journal ${journal}; wait for it to finish or stop it first.`);
    this.name = 'JournalBusy';
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
 * Takes the journal's lock; resolves to its release. A lock its run keeps fresh is refused within
 * about a second; one that is no longer refreshed (a killed run) is waited for until it goes stale.
 */
export async function lockJournal(given: string, onCompromised?: (e: Error) => void): Promise<() => Promise<void>> {
  const journal = realPath(given);
  const lockfilePath = `${journal}.lock`;
  try {
    const release = await lockfile.lock(journal, {
      lockfilePath,
      realpath: false,
      stale: STALE_MS,
      update: UPDATE_MS,
      retries: (await heldByLiveRun(lockfilePath)) ? 0 : { retries: 8, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
      // a lost lock means another run may have taken the journal: say so, do not crash main
      onCompromised: onCompromised ?? (() => undefined),
    });
    return async () => {
      try {
        await release();
      } catch {
        /* already released or compromised */
      }
    };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new JournalBusy(given);
    throw e;
  }
}
