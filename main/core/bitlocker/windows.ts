// BitLocker on Windows through its own tools: manage-bde for the state of every volume and for
// the recovery passwords (Haul reads the key itself; the person types nothing), PowerShell for
// the file systems (Get-Volume) and, for a locked volume, to try a typed key through BitLocker's
// WMI class (Win32_EncryptableVolume.UnlockWithNumericalPassword), whose answer is a number. A
// key is only ever passed on standard input, never as an argument.
import { normalizeRecoveryPassword, type KeyCheckResult, type VolumeEncryption } from '../../../shared/bitlocker';
import { needsAdmin, toolFailed, ToolError, type ToolRunner } from '../system/tools';
import {
  HRESULT,
  parseManageBdeStatus,
  parseProtectorsGet,
  parseUnlockAnswer,
  parseVolumesJson,
  type ManageBdeVolume,
} from './windowsParse';

/** "E", "E:", "E:\" → "E:" (manage-bde's form); undefined for anything else. */
export function driveLetter(target: string): string | undefined {
  const m = /^([A-Za-z]):?\\?$/.exec(target.trim());
  return m ? `${m[1]!.toUpperCase()}:` : undefined;
}

const powershell = (script: string, stdin?: string) => ({
  tool: 'powershell' as const,
  args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', script],
  ...(stdin !== undefined ? { stdin } : {}),
});

/** Every volume manage-bde lists, with the file system Get-Volume reports for its letter. */
export async function windowsVolumes(run: ToolRunner, letter?: string): Promise<ManageBdeVolume[]> {
  const call = { tool: 'manage-bde' as const, args: ['-status', ...(letter ? [letter] : [])] };
  const r = await run(call);
  const volumes = parseManageBdeStatus(r.stdout);
  if (!volumes.length) {
    if (r.code >>> 0 === HRESULT.accessDenied || /0x80070005/.test(r.stdout + r.stderr))
      throw needsAdmin('manage-bde', 'win32', 'read BitLocker volumes');
    throw toolFailed(call, r, 'Run Haul as administrator, and check that the drive is attached.');
  }
  const fs = await windowsFileSystems(run).catch(() => new Map<string, string>());
  for (const v of volumes) {
    const f = v.letter ? fs.get(v.letter) : undefined;
    if (f && v.bitlocker !== 'locked') v.fileSystem = f;
  }
  return volumes;
}

/** File system per drive letter (a locked BitLocker volume reports none). */
export async function windowsFileSystems(run: ToolRunner): Promise<Map<string, string>> {
  const r = await run(
    powershell(
      '[Console]::OutputEncoding=[Text.Encoding]::UTF8; Get-Volume | Where-Object DriveLetter | Select-Object DriveLetter,FileSystem | ConvertTo-Json -Compress',
    ),
  );
  if (r.code !== 0) return new Map();
  return parseVolumesJson(r.stdout);
}

export type ReadKeyAnswer =
  | { kind: 'keys'; passwords: string[] }
  | { kind: 'none' }
  | { kind: 'locked' }
  | { kind: 'not-bitlocker' };

/** The volume's recovery passwords, read by manage-bde (the volume must be unlocked). */
export async function windowsReadKeys(run: ToolRunner, letter: string): Promise<ReadKeyAnswer> {
  const call = { tool: 'manage-bde' as const, args: ['-protectors', '-get', letter, '-Type', 'RecoveryPassword'] };
  const r = await run(call);
  const a = parseProtectorsGet(r.code, r.stdout, r.stderr);
  switch (a.kind) {
    case 'keys':
      return { kind: 'keys', passwords: a.passwords };
    case 'needs-admin':
      throw needsAdmin('manage-bde', 'win32', 'read the recovery password');
    case 'locked':
      return { kind: 'locked' };
    case 'none':
      return /0x80310001/.test(r.stdout + r.stderr) ? { kind: 'not-bitlocker' } : { kind: 'none' };
    case 'error':
      throw toolFailed(call, { ...r, stdout: '' }, 'Run Haul as administrator, and check that the drive is attached.');
  }
}

/**
 * Checks a volume's key on Windows. Without a typed key, Haul reads the volume's own recovery
 * password (it opens the volume by construction). With one: an unlocked volume's passwords are
 * compared with it; a locked volume is asked through WMI to unlock with it.
 */
export async function windowsCheckKey(run: ToolRunner, target: string, typed?: string): Promise<KeyCheckResult> {
  const letter = driveLetter(target);
  if (!letter)
    throw new ToolError(
      'failed',
      'manage-bde',
      `"${target}" is not a drive letter; give the drive as E: (its letter).`,
    );
  const read = await windowsReadKeys(run, letter);
  if (read.kind === 'not-bitlocker')
    return { result: 'not-bitlocker', volume: letter, message: `${letter} is not encrypted with BitLocker.` };
  if (read.kind === 'none')
    return {
      result: 'no-recovery-password',
      volume: letter,
      message: `${letter} has no recovery password; add one with "manage-bde -protectors -add ${letter} -RecoveryPassword" (as administrator), then check again.`,
    };
  if (read.kind === 'keys') {
    if (typed === undefined)
      return {
        result: 'opens',
        volume: letter,
        message: `Haul read the recovery password of ${letter} from the drive.`,
      };
    const key = normalizeRecoveryPassword(typed);
    return read.passwords.includes(key)
      ? { result: 'opens', volume: letter, message: `The recovery password opens ${letter}.` }
      : { result: 'refused', volume: letter, message: `The recovery password does not open ${letter}.` };
  }
  if (typed === undefined)
    return {
      result: 'error',
      volume: letter,
      message: `${letter} is locked: unlock it in File Explorer (or give its recovery password), then check again.`,
    };
  return windowsUnlock(run, letter, typed);
}

/** Unlocks a locked volume with a recovery password through WMI; the answer is BitLocker's number. */
export async function windowsUnlock(run: ToolRunner, letter: string, typed: string): Promise<KeyCheckResult> {
  const script = [
    "$ErrorActionPreference='Stop'",
    '$k=[Console]::In.ReadLine()',
    `$v=Get-CimInstance -Namespace root/cimv2/Security/MicrosoftVolumeEncryption -ClassName Win32_EncryptableVolume -Filter "DriveLetter='${letter}'"`,
    '$r=Invoke-CimMethod -InputObject $v -MethodName UnlockWithNumericalPassword -Arguments @{NumericalPassword=$k}',
    "'HAUL-RESULT ' + $r.ReturnValue",
  ].join('; ');
  const call = powershell(script, `${normalizeRecoveryPassword(typed)}\n`);
  const r = await run(call);
  const rv = parseUnlockAnswer(r.stdout);
  if (rv === 0)
    return { result: 'opens', volume: letter, message: `The recovery password opens ${letter} (now unlocked).` };
  if (rv === HRESULT.wrongKey)
    return { result: 'refused', volume: letter, message: `The recovery password does not open ${letter}.` };
  if (rv === HRESULT.accessDenied) throw needsAdmin('powershell', 'win32', 'unlock the drive');
  if (rv === HRESULT.notEncrypted)
    return { result: 'not-bitlocker', volume: letter, message: `${letter} is not encrypted with BitLocker.` };
  throw toolFailed(
    call,
    { ...r, stdout: rv !== undefined ? `BitLocker answered 0x${rv.toString(16).toUpperCase()}` : '' },
    'Unlock the drive in File Explorer and check again.',
  );
}

export type { ManageBdeVolume, VolumeEncryption };
