// Turn BitLocker on (Windows), as WAImportExport's /encrypt and its driveset.csv `Encrypt` option
// do: a recovery password protector, used space only, XTS-AES 256; wait for the encryption with
// progress; then read the new recovery password back from the drive, for the job and the
// DriveInfo file. The drive is formatted NTFS first only when asked (driveset FormatOption
// `Format`) and confirmed by typing "FORMAT E:"; without that, a drive that is not NTFS is refused.
import { needsAdmin, toolFailed, ToolError, type ToolRunner } from '../system/tools';
import { driveLetter, windowsReadKeys, windowsVolumes } from './windows';
import { parseManageBdeOn, parseManageBdeStatus } from './windowsParse';

/** The cipher for Import/Export drives: AES-256 (XTS, Windows 10 and later). */
export const ENCRYPTION_METHOD = 'xts_aes256';

export type EnablePhase = 'formatting' | 'starting' | 'encrypting' | 'reading-key' | 'done';

export interface EnableProgress {
  volume: string;
  phase: EnablePhase;
  percent?: number;
}

export interface EnableOptions {
  run: ToolRunner;
  /** format NTFS first: the driveset's Format option, with what the person typed to confirm it */
  format?: { confirmation: string; label?: string };
  onProgress?: (p: EnableProgress) => void;
  /** how often to ask manage-bde how far it is (default 5 s) */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface Enabled {
  volume: string;
  /** the new 48-digit recovery password: for the job and the DriveInfo file, never for a log */
  recoveryPassword: string;
  method: string;
}

/** What the person must type to let Haul format a drive: "FORMAT E:". */
export const formatConfirmation = (letter: string) => `FORMAT ${letter}`;

export function formatConfirmed(typed: string, letter: string): boolean {
  return typed.trim().replace(/\s+/g, ' ').toUpperCase() === formatConfirmation(letter);
}

const wait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason instanceof Error ? signal!.reason : new Error('stopped'));
    };
    // one listener per wait, removed when the wait ends: a long encryption polls many times
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

async function format(run: ToolRunner, letter: string, label: string): Promise<void> {
  const safeLabel = label.replace(/[^A-Za-z0-9 _-]/g, '').slice(0, 32) || 'HAUL';
  const call = {
    tool: 'powershell' as const,
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      `$ErrorActionPreference='Stop'; Format-Volume -DriveLetter ${letter[0]} -FileSystem NTFS -NewFileSystemLabel '${safeLabel}' -Force -Confirm:$false | Out-Null; 'HAUL-FORMATTED'`,
    ],
    timeoutMs: 30 * 60_000,
  };
  const r = await run(call);
  if (r.code === 0 && r.stdout.includes('HAUL-FORMATTED')) return;
  if (/0x80070005|Access (is )?denied|PermissionDenied/i.test(r.stdout + r.stderr))
    throw needsAdmin('powershell', 'win32', 'format the drive');
  throw toolFailed(call, r, 'Close every program using the drive, then try again.');
}

/** Turns BitLocker on and waits until the drive is encrypted; answers with its new recovery password. */
export async function enableBitLocker(target: string, opts: EnableOptions): Promise<Enabled> {
  const { run } = opts;
  const letter = driveLetter(target);
  if (!letter)
    throw new ToolError(
      'failed',
      'manage-bde',
      `"${target}" is not a drive letter; give the drive as E: (its letter).`,
    );
  const progress = (phase: EnablePhase, percent?: number) =>
    opts.onProgress?.({ volume: letter, phase, ...(percent !== undefined ? { percent } : {}) });
  const before = (await windowsVolumes(run, letter)).find((v) => v.volume === letter);
  if (!before)
    throw new ToolError('failed', 'manage-bde', `Windows lists no volume ${letter}; check the drive letter.`);
  if (before.bitlocker !== 'none')
    throw new ToolError(
      'failed',
      'manage-bde',
      before.conversion === 'paused'
        ? `BitLocker's encryption of ${letter} is paused at ${before.percent ?? '?'}%: resume it with "manage-bde -resume ${letter}" (as administrator), then Haul reads its key.`
        : `${letter} is already BitLocker-encrypted${before.bitlocker === 'locked' ? ' and locked' : ''}: Haul reads its recovery password instead of turning BitLocker on again.`,
    );
  if (opts.format) {
    if (!formatConfirmed(opts.format.confirmation, letter))
      throw new ToolError(
        'failed',
        'powershell',
        `Formatting erases everything on ${letter}: type "${formatConfirmation(letter)}" to confirm. Nothing was changed.`,
      );
    progress('formatting');
    await format(run, letter, opts.format.label ?? before.label);
  } else if (before.fileSystem && before.fileSystem.toUpperCase() !== 'NTFS') {
    throw new ToolError(
      'failed',
      'manage-bde',
      `${letter} is formatted ${before.fileSystem}; the Azure data center reads only NTFS. Set FormatOption to Format in the driveset (this erases the drive), or format it NTFS yourself.`,
    );
  }
  progress('starting');
  const on = {
    tool: 'manage-bde' as const,
    args: ['-on', letter, '-RecoveryPassword', '-UsedSpaceOnly', '-EncryptionMethod', ENCRYPTION_METHOD],
    timeoutMs: 5 * 60_000,
  };
  const started = await run(on);
  const a = parseManageBdeOn(started.code, started.stdout, started.stderr);
  if (a.kind === 'needs-admin') throw needsAdmin('manage-bde', 'win32', 'turn BitLocker on');
  if (a.kind === 'error')
    throw new ToolError(
      'failed',
      'manage-bde',
      `manage-bde -on ${letter} failed${a.hresult !== undefined ? ` (0x${a.hresult.toString(16).toUpperCase()})` : ''}: ${a.said} Check that the drive is NTFS and not in use, then try again.`,
    );
  const { method } = await waitForEncryption(letter, opts);
  progress('reading-key', 100);
  const recoveryPassword = await readNewKey(run, letter);
  progress('done', 100);
  return { volume: letter, recoveryPassword, method };
}

export interface Ensured extends Enabled {
  /** what Haul did: turned BitLocker on, waited for an encryption Windows was running, or found the drive encrypted */
  did: 'turned-on' | 'waited' | 'found';
}

/**
 * BitLocker on for a drive, whatever it was (the driveset's `Encrypt`, the app's Turn on BitLocker):
 * turned on when it is off (formatted first only as `enableBitLocker` allows), waited for when
 * Windows is still encrypting it (a run that was stopped), and its recovery password read when it
 * is on already. A drive that is encrypted already is never formatted.
 */
export async function ensureBitLocker(target: string, opts: EnableOptions): Promise<Ensured> {
  const { run } = opts;
  const letter = driveLetter(target);
  if (!letter)
    throw new ToolError(
      'failed',
      'manage-bde',
      `"${target}" is not a drive letter; give the drive as E: (its letter).`,
    );
  const before = (await windowsVolumes(run, letter)).find((v) => v.volume === letter);
  if (!before)
    throw new ToolError('failed', 'manage-bde', `Windows lists no volume ${letter}; check the drive letter.`);
  if (before.bitlocker === 'none') return { ...(await enableBitLocker(target, opts)), did: 'turned-on' };
  if (before.bitlocker === 'locked')
    throw new ToolError(
      'failed',
      'manage-bde',
      `${letter} is BitLocker-encrypted and locked: unlock it in File Explorer (with its password or recovery password), then try again.`,
    );
  if (before.bitlocker === 'unknown')
    throw new ToolError(
      'failed',
      'manage-bde',
      `Haul could not read the BitLocker state of ${letter}${before.note ? ` (${before.note})` : ''}; run Haul as administrator and try again.`,
    );
  if (before.conversion === 'paused')
    throw new ToolError(
      'failed',
      'manage-bde',
      `BitLocker's encryption of ${letter} is paused at ${before.percent ?? '?'}%: resume it with "manage-bde -resume ${letter}" (as administrator), then try again.`,
    );
  if (before.conversion === 'decrypting' || before.conversion === 'decrypted')
    throw new ToolError(
      'failed',
      'manage-bde',
      `BitLocker is being turned off on ${letter}; wait until Windows has decrypted it, then try again.`,
    );
  let did: Ensured['did'] = 'found';
  let method = before.method ?? 'XTS-AES 256';
  if (before.conversion === 'encrypting') {
    did = 'waited';
    ({ method } = await waitForEncryption(letter, opts));
  }
  opts.onProgress?.({ volume: letter, phase: 'reading-key', percent: 100 });
  const keys = await windowsReadKeys(run, letter);
  if (keys.kind === 'none')
    throw new ToolError(
      'failed',
      'manage-bde',
      `${letter} is BitLocker-encrypted but has no recovery password, which the data center needs: add one with "manage-bde -protectors -add ${letter} -RecoveryPassword" (as administrator), then try again.`,
    );
  const recoveryPassword = keys.kind === 'keys' ? keys.passwords[0] : undefined;
  if (!recoveryPassword) throw unreadable(letter);
  opts.onProgress?.({ volume: letter, phase: 'done', percent: 100 });
  return { volume: letter, recoveryPassword, method, did };
}

const unreadable = (letter: string) =>
  new ToolError(
    'failed',
    'manage-bde',
    `BitLocker is on for ${letter}, but its recovery password could not be read back: run "manage-bde -protectors -get ${letter}" as administrator and give it to Haul.`,
  );

/** Waits until BitLocker has encrypted the volume (manage-bde -status every pollMs), reporting how far it is. */
async function waitForEncryption(letter: string, opts: EnableOptions): Promise<{ method: string }> {
  const { run } = opts;
  for (;;) {
    const s = await run({ tool: 'manage-bde', args: ['-status', letter] });
    const now = parseManageBdeStatus(s.stdout).find((v) => v.volume === letter);
    if (!now)
      throw toolFailed({ tool: 'manage-bde', args: ['-status', letter] }, s, 'Check that the drive is still attached.');
    if (now.conversion === 'encrypted') return { method: now.method ?? 'XTS-AES 256' };
    if (now.conversion === 'paused')
      throw new ToolError(
        'failed',
        'manage-bde',
        `Windows paused the encryption of ${letter} at ${now.percent ?? '?'}% (was the drive removed, or the computer on battery?): resume it with "manage-bde -resume ${letter}", then run this again.`,
      );
    if (now.bitlocker === 'none' || now.conversion === 'decrypting')
      throw new ToolError(
        'failed',
        'manage-bde',
        `BitLocker is not encrypting ${letter} (someone turned it off?); try again.`,
      );
    opts.onProgress?.({ volume: letter, phase: 'encrypting', percent: now.percent ?? 0 });
    await (opts.sleep ? opts.sleep(opts.pollMs ?? 5000) : wait(opts.pollMs ?? 5000, opts.signal));
    opts.signal?.throwIfAborted();
  }
}

/** The volume's recovery password, read back from the drive once BitLocker is on. */
async function readNewKey(run: ToolRunner, letter: string): Promise<string> {
  const keys = await windowsReadKeys(run, letter);
  if (keys.kind !== 'keys' || !keys.passwords.length) throw unreadable(letter);
  // -on added one; a drive that had none before has exactly this one
  return keys.passwords[keys.passwords.length - 1]!;
}
