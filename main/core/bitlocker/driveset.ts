// The driveset's Encryption=Encrypt, as WAImportExport does it (Windows): before the copy, BitLocker
// is turned on for each drive whose row asks for it — formatted NTFS first where the row says
// FormatOption=Format and the person typed "FORMAT G:" — and the new recovery password becomes the
// target's key, so the copy writes it into the drive's DriveInfo file (and the job gets it). A
// drive that is encrypted already (a run that was stopped, and started again) is not formatted or
// encrypted again: its key is read. `haul prep --driveset` runs this; the app turns each drive on
// from its row (bitlocker.turnOn) instead, and the gate holds the plan until it is.
import type { DrivesetTarget } from '../prep/app/inputs';
import { ToolError, type ToolRunner } from '../system/tools';
import { ensureBitLocker, formatConfirmation, formatConfirmed, type EnableProgress, type Ensured } from './enable';
import { driveLetter, windowsVolumes } from './windows';

export interface DrivesetEncryptOptions {
  run: ToolRunner;
  /** what the person typed to let Haul format drives ("FORMAT G:"), one per drive */
  confirmations?: string[];
  /** asks the person to type the confirmation for one drive (a terminal); absent: only `confirmations` count */
  ask?: (letter: string, row: { file: string; row: number }) => Promise<string>;
  onProgress?: (p: EnableProgress & { row: number }) => void;
  onDone?: (t: DrivesetTarget, r: Ensured) => void;
  pollMs?: number;
  signal?: AbortSignal;
}

/** Turns BitLocker on where the driveset asks; answers the targets with each new recovery password as its key. */
export async function encryptDrivesetTargets(
  targets: DrivesetTarget[],
  opts: DrivesetEncryptOptions,
): Promise<DrivesetTarget[]> {
  const out: DrivesetTarget[] = [];
  for (const t of targets) {
    if (!t.encrypt) {
      out.push(t);
      continue;
    }
    const { file, row, format } = t.encrypt;
    const letter = driveLetter(t.path.slice(0, 3));
    if (!letter)
      throw new ToolError(
        'failed',
        'manage-bde',
        `${file}, row ${row}: "${t.path}" is not a drive letter; give the drive as E: to have BitLocker turned on.`,
      );
    let confirmation: string | undefined;
    if (format) {
      // a drive already encrypted (a run started again) is never formatted: no confirmation needed
      const now = (await windowsVolumes(opts.run, letter)).find((v) => v.volume === letter);
      if (now?.bitlocker === 'none') {
        confirmation =
          opts.confirmations?.find((c) => formatConfirmed(c, letter)) ??
          (opts.ask ? await opts.ask(letter, { file, row }) : undefined);
        if (!confirmation || !formatConfirmed(confirmation, letter))
          throw new ToolError(
            'failed',
            'powershell',
            `${file}, row ${row}, says FormatOption=Format: formatting erases everything on ${letter}. Type "${formatConfirmation(letter)}" to confirm (--confirm-format "${formatConfirmation(letter)}"). Nothing was changed.`,
          );
      }
    }
    const r = await ensureBitLocker(t.path, {
      run: opts.run,
      ...(confirmation ? { format: { confirmation } } : {}),
      ...(opts.onProgress ? { onProgress: (p: EnableProgress) => opts.onProgress!({ ...p, row }) } : {}),
      ...(opts.pollMs !== undefined ? { pollMs: opts.pollMs } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    opts.onDone?.(t, r);
    out.push({ ...t, bitLockerKey: r.recoveryPassword });
  }
  return out;
}
