// BitLocker as the renderer follows it: what this computer can do (turn BitLocker on: Windows),
// and each drive BitLocker is being turned on for, from bitlocker.progress events (which never
// carry a key). When a drive is done, its new recovery password is read back from the drive
// (bitlocker.readKey) and recorded in the draft that asked — the wizard's memory, where typed keys
// live, never the draft file — and the drive list is read again.
import type { KeyCheckResult } from '../../../shared/bitlocker';
import type { BitLockerSupport, TurnOnTask } from '../../../shared/ipc/channels/bitlocker';
import type { BridgeResult } from '../../../shared/ipc/contract';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

/** Where a drive's new recovery password went once BitLocker was on. */
export type TurnOnOutcome =
  | { recorded: 'draft'; jobName?: string }
  | { recorded: 'drive' }
  | { recorded: 'none'; error: string };

export interface BitLockerSlice {
  support?: BitLockerSupport;
  supportError?: string;
  /** per drive (its mount path as the drive list shows it) */
  tasks: Record<string, TurnOnTask>;
  outcomes: Record<string, TurnOnOutcome>;
  load(): Promise<void>;
  /** Starts turning BitLocker on; answers an error in words when it did not start. */
  turnOn(target: string, opts?: { formatConfirmation?: string }): Promise<string | undefined>;
  onProgress(task: TurnOnTask): void;
  /** Whether `key` opens the drive at `target`; the key is passed on, never kept here. */
  checkKey(target: string, key: string): Promise<BridgeResult<KeyCheckResult>>;
  /** The drive's recovery password, read from the drive (Windows) for the one who asked; never kept here. */
  readKey(target: string): Promise<BridgeResult<{ key: string }>>;
}

declare module './slice' {
  interface HaulState {
    bitlocker: BitLockerSlice;
  }
}

const ended = (t: TurnOnTask) => t.phase === 'done' || t.phase === 'failed';

export const createBitLockerSlice: SliceCreator<'bitlocker'> = (set, get) => {
  const me = () => get().bitlocker;
  /** tasks whose key was read back already (by start time), so a repeated event does not read it again */
  const handled = new Set<string>();

  /** The drive changed: read the drive list again, and where the wizard has it chosen, plan again (its state shows there). */
  const refreshFor = (target: string) =>
    get().wizard.values.drives.drives.some((c) => c.path === target)
      ? get().wizard.refreshDrives()
      : get().drives.refresh();

  /** The drive is done: read its new key back and record it where the draft that asked keeps keys. */
  async function readBack(task: TurnOnTask): Promise<void> {
    const id = `${task.target}\n${task.startedAt}`;
    if (handled.has(id)) return;
    handled.add(id);
    void refreshFor(task.target);
    const wizard = get().wizard;
    const chosen = wizard.values.drives.drives.some((c) => c.path === task.target);
    let outcome: TurnOnOutcome;
    if (!chosen) outcome = { recorded: 'drive' };
    else {
      const r = await bridge().bitlockerReadKey({ target: task.target });
      if (r.ok) {
        get().wizard.setBitLockerKey(task.target, r.value.key);
        const jobName = get().wizard.values.type.jobName;
        outcome = { recorded: 'draft', ...(jobName ? { jobName } : {}) };
      } else outcome = { recorded: 'none', error: r.error.message };
    }
    set({ outcomes: { ...me().outcomes, [task.target]: outcome } });
  }

  return {
    tasks: {},
    outcomes: {},
    async load() {
      try {
        const [support, tasks] = await Promise.all([
          unwrap(bridge().bitlockerSupport()),
          unwrap(bridge().bitlockerTasks()),
        ]);
        // tasks that ended before this page opened are shown, not read back again
        for (const t of tasks) if (ended(t)) handled.add(`${t.target}\n${t.startedAt}`);
        set({ support, supportError: undefined, tasks: Object.fromEntries(tasks.map((t) => [t.target, t])) });
      } catch (err) {
        set({ supportError: errorMessage(err) });
      }
    },
    async turnOn(target, opts = {}) {
      const wizard = get().wizard;
      const chosen = wizard.values.drives.drives.find((c) => c.path === target);
      const r = await bridge().bitlockerTurnOn({
        target,
        ...(wizard.draftId ? { draftId: wizard.draftId } : {}),
        ...(opts.formatConfirmation !== undefined ? { format: { confirmation: opts.formatConfirmation } } : {}),
      });
      if (!r.ok) return r.error.message;
      const { [target]: _old, ...outcomes } = me().outcomes;
      // an event may have come first: the newer state of the same task stays
      const known = me().tasks[target];
      set({
        outcomes,
        tasks: known?.startedAt === r.value.startedAt ? me().tasks : { ...me().tasks, [target]: r.value },
      });
      // the drive is BitLocker's now: its key is asked for before the copy, and read back when done
      if (chosen && !chosen.encrypted)
        wizard.setDrives(wizard.values.drives.drives.map((c) => (c.path === target ? { ...c, encrypted: true } : c)));
      if (ended(me().tasks[target]!) && me().tasks[target]!.phase === 'done') void readBack(me().tasks[target]!);
      return undefined;
    },
    onProgress(task) {
      const before = me().tasks[task.target];
      set({ tasks: { ...me().tasks, [task.target]: task } });
      if (task.phase === 'done') void readBack(task);
      // a new phase, or ten points further (not each percent: planning again reads the sources): the
      // drive list and the plan say what the drive is now, not what it was
      else if (
        before?.phase !== task.phase ||
        before.startedAt !== task.startedAt ||
        Math.floor((before.percent ?? 0) / 10) !== Math.floor((task.percent ?? 0) / 10)
      )
        void refreshFor(task.target);
    },
    checkKey: (target, key) => bridge().bitlockerCheck({ target, key }),
    readKey: (target) => bridge().bitlockerReadKey({ target }),
  };
};
