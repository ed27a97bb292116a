// One run per journal: `<journal>.lock` (proper-lockfile), kept fresh while the run lives and
// taken over once it is stale — a killed run's lock is stale after a few seconds, so a resume
// after a crash waits for that at most.
import lockfile from 'proper-lockfile';

export class JournalBusy extends Error {
  constructor(readonly journal: string) {
    super(`Another preparation is using the journal ${journal}; wait for it to finish or stop it first.`);
    this.name = 'JournalBusy';
  }
}

const STALE_MS = 5000;

/** Takes the journal's lock (waiting up to about 8 s for a stale one); resolves to its release. */
export async function lockJournal(journal: string, onCompromised?: (e: Error) => void): Promise<() => Promise<void>> {
  try {
    const release = await lockfile.lock(journal, {
      lockfilePath: `${journal}.lock`,
      realpath: false,
      stale: STALE_MS,
      update: 1000,
      retries: { retries: 8, factor: 1.5, minTimeout: 200, maxTimeout: 2000 },
      // a lost lock means another run may have taken the journal: say so, do not crash main
      onCompromised: onCompromised ?? (() => undefined),
    });
    return async () => { try { await release(); } catch { /* already released or compromised */ } };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOCKED') throw new JournalBusy(journal);
    throw e;
  }
}
