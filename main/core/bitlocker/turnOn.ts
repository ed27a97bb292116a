// Turning BitLocker on from the app (Windows): one task per drive letter, run in main while the
// page shows its progress. A request answers once Windows is encrypting (so a refusal — not NTFS,
// locked, no administrator rights, a format not confirmed — is the request's own error, said in
// the dialog that asked); the rest arrives as bitlocker.progress events. A task never holds the new recovery
// password: the renderer reads it back from the drive (bitlocker.readKey) once the task is done.
import { HaulError, messageOf } from '../../../shared/errors';
import type { BitLockerSupport, TurnOnTask } from '../../../shared/ipc/channels/bitlocker';
import type { BitLockerTools } from '.';
import { ensureBitLocker } from './enable';
import { driveLetter } from './windows';

/** Where and how BitLocker can be turned on instead: Windows, with Haul there, its CLI, or manage-bde. */
const ON_WINDOWS =
  'On a Windows computer, turn it on with Haul there (Turn on BitLocker), or as administrator with "haul bitlocker on E: --key-file E.key" or "manage-bde -on E: -RecoveryPassword -UsedSpaceOnly"';

/** Why Haul cannot turn BitLocker on here, and what to do instead; undefined on Windows, where it can. */
export function whyNoTurnOn(platform: string): string | undefined {
  if (platform === 'win32') return undefined;
  if (platform === 'darwin')
    return `Haul cannot turn BitLocker on from a Mac (macOS cannot read or write BitLocker drives). ${ON_WINDOWS}, and prepare the drive there or on Linux.`;
  if (platform === 'linux')
    return `Haul cannot turn BitLocker on from Linux (Linux tools can open a BitLocker drive, not create one). ${ON_WINDOWS}; then give the drive's recovery password here, where Haul checks that it opens the drive.`;
  return `Haul turns BitLocker on only on Windows. ${ON_WINDOWS}.`;
}

export function bitLockerSupport(platform: string): BitLockerSupport {
  const why = whyNoTurnOn(platform);
  return { platform, turnOn: !why, readKey: platform === 'win32', ...(why ? { why } : {}) };
}

export class TurnOnRefused extends HaulError {
  constructor(message: string) {
    super('refused', message, 'target');
    this.name = 'TurnOnRefused';
  }
}

export interface TurnOnOptions {
  /** format NTFS first, with what the person typed to confirm it */
  format?: { confirmation: string };
  /** how often to ask manage-bde how far it is (default 5 s) */
  pollMs?: number;
}

export class TurnOnTasks {
  private readonly tasks = new Map<string, TurnOnTask>();
  /** stops the waiting when main shuts down (Windows goes on encrypting; the next start follows it) */
  private readonly stop = new AbortController();

  constructor(
    private readonly tools: () => BitLockerTools,
    private readonly emit: (task: TurnOnTask) => void,
    /** after a task ends either way: the drive list's BitLocker state is stale */
    private readonly ended: () => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  dispose(): void {
    this.stop.abort(new Error('Haul was closed while Windows was encrypting; open the drive again to follow it.'));
  }

  list(): TurnOnTask[] {
    return [...this.tasks.values()];
  }

  /**
   * Starts turning BitLocker on for a drive; answers once Windows is encrypting it (or it is done).
   * Throws TurnOnRefused when it did not start (with why and what to do).
   */
  async start(target: string, opts: TurnOnOptions = {}): Promise<TurnOnTask> {
    const tools = this.tools();
    const why = whyNoTurnOn(tools.platform);
    if (why) throw new TurnOnRefused(why);
    const volume = driveLetter(target.slice(0, 3));
    if (!volume)
      throw new TurnOnRefused(
        `${target} is not a drive with a letter; Haul turns BitLocker on for a drive such as E:.`,
      );
    const running = this.tasks.get(volume);
    if (running && running.phase !== 'done' && running.phase !== 'failed')
      throw new TurnOnRefused(`Haul is already turning BitLocker on for ${volume} (${running.phase}); wait for it.`);

    let task: TurnOnTask = {
      target,
      volume,
      phase: 'checking',
      format: !!opts.format,
      startedAt: this.now().toISOString(),
    };
    const update = (change: Partial<TurnOnTask>) => {
      task = { ...task, ...change };
      this.tasks.set(volume, task);
      this.emit(task);
    };
    this.tasks.set(volume, task);

    return new Promise<TurnOnTask>((answer, refuse) => {
      let answered = false;
      let told = false;
      const answerOnce = () => {
        if (answered) return;
        answered = true;
        answer(task);
      };
      ensureBitLocker(target, {
        run: tools.run,
        ...(opts.format ? { format: opts.format } : {}),
        ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
        signal: this.stop.signal,
        onProgress: (p) => {
          if (p.phase === 'done') return; // said once, with its end time, below
          told = true;
          update({ phase: p.phase, ...(p.percent !== undefined ? { percent: p.percent } : {}) });
          // BitLocker is on its way: the request has its answer, progress goes on as events
          if (p.phase === 'encrypting' || p.phase === 'reading-key') answerOnce();
        },
      }).then(
        // the key ensureBitLocker read is dropped here: the renderer reads it back from the drive
        () => {
          update({ phase: 'done', percent: 100, endedAt: this.now().toISOString() });
          answerOnce();
          this.ended();
        },
        (e: unknown) => {
          const message = messageOf(e);
          if (!answered) {
            // the request's own error; a page that heard the task begin hears it end too
            answered = true;
            if (told) update({ phase: 'failed', message, endedAt: this.now().toISOString() });
            else this.tasks.delete(volume);
            refuse(new TurnOnRefused(message));
          } else update({ phase: 'failed', message, endedAt: this.now().toISOString() });
          this.ended();
        },
      );
    });
  }
}
