// BitLocker as the app, the CLI and the drive list speak of it: a volume's state (found by
// blkid/cryptsetup on Linux, manage-bde on Windows), what a key check answered, and the rules of
// a 48-digit recovery password, which the wizard applies as the person types.
//
// A recovery password is 8 groups of 6 digits; each group is a 16-bit number times 11, so every
// group is divisible by 11 and below 720896. One mistyped digit always breaks its group's rule:
// the typo is caught here, without the drive, and the message says which group.
import * as z from 'zod';

const GROUPS = 8;

/** The key as BitLocker prints it (dashes between groups), from what was typed: spaces and dashes are optional. */
export function normalizeRecoveryPassword(typed: string): string {
  const digits = typed.replace(/[\s-]/g, '');
  if (!/^\d{48}$/.test(digits)) return typed.trim();
  return digits.match(/\d{6}/g)!.join('-');
}

/**
 * Why the text cannot be a recovery password, in words (never repeating its digits); undefined
 * when it can be. It may still not open the drive: only the drive can say that.
 */
export function recoveryPasswordProblem(typed: string): string | undefined {
  const text = typed.trim();
  if (!text) return 'Give the 48-digit recovery password.';
  if (/[^\d\s-]/.test(text))
    return 'A recovery password holds only digits (48, in 8 groups of 6 separated by dashes); this is not one. A BitLocker password (the one you type to unlock the drive) does not go here.';
  const digits = text.replace(/[\s-]/g, '');
  if (digits.length !== GROUPS * 6)
    return `A recovery password has 48 digits in 8 groups of 6; this has ${digits.length} digit${digits.length === 1 ? '' : 's'}.`;
  for (let g = 0; g < GROUPS; g++) {
    const n = Number(digits.slice(g * 6, g * 6 + 6));
    if (n % 11 !== 0 || n >= 720896)
      return `Group ${g + 1} of the recovery password is not one BitLocker makes: a digit there is mistyped. Compare it with the key BitLocker printed or saved.`;
  }
  return undefined;
}

/** A key protector of a BitLocker volume, named for what unlocks it. */
export const bitLockerProtector = z.enum([
  'recovery-password',
  'password',
  'startup-key',
  'tpm',
  'smart-card',
  'clear-key',
  'other',
]);
export type BitLockerProtector = z.infer<typeof bitLockerProtector>;

/**
 * One volume (a partition, a drive letter, or an image file) as Haul found it.
 * - bitlocker: none (not encrypted), locked (encrypted, not opened on this computer), unlocked
 *   (opened: its file system readable), unknown (the tools could not tell; `note` says why).
 * - conversion: BitLocker's own progress; `encrypting` until the whole volume is encrypted.
 */
export const volumeEncryption = z.object({
  /** the partition, drive letter or image file */
  volume: z.string(),
  bitlocker: z.enum(['none', 'locked', 'unlocked', 'unknown']),
  /** the file system: of the volume itself, or of what is inside an unlocked BitLocker volume */
  fileSystem: z.string().optional(),
  conversion: z.enum(['encrypted', 'encrypting', 'decrypting', 'paused', 'decrypted']).optional(),
  /** percentage encrypted, where the tool says */
  percent: z.number().min(0).max(100).optional(),
  /** the cipher, in BitLocker's words ("XTS-AES 128", "AES-CBC 256") */
  method: z.string().optional(),
  protectors: z.array(bitLockerProtector).optional(),
  /** a BitLocker To Go volume (removable drives: readable on older Windows through its reader) */
  toGo: z.boolean().optional(),
  mountpoints: z.array(z.string()).default([]),
  /** why something is unknown, or what is special, in words */
  note: z.string().optional(),
});
export type VolumeEncryption = z.infer<typeof volumeEncryption>;

/** A drive's volumes; `support` says when this computer cannot read BitLocker at all (macOS). */
export const driveEncryption = z.object({
  volumes: z.array(volumeEncryption),
  support: z.enum(['full', 'none']).default('full'),
  /** why the volumes could not be read (a missing tool, no rights), in words */
  error: z.string().optional(),
});
export type DriveEncryption = z.infer<typeof driveEncryption>;

/** What checking a recovery password against a volume answered. */
export const keyCheckResult = z.object({
  /**
   * opens: the key opens the volume. refused: it does not (or cannot be a key: `message` says).
   * no-recovery-password: the volume has no recovery-password protector to check against.
   * not-bitlocker: the volume is not BitLocker-encrypted. unfinished: BitLocker is still
   * encrypting it (cryptsetup cannot open a volume until it is). unsupported: this computer
   * cannot check (macOS). error: the check could not run (`message` says why and what to do).
   */
  result: z.enum(['opens', 'refused', 'no-recovery-password', 'not-bitlocker', 'unfinished', 'unsupported', 'error']),
  /** the BitLocker volume checked (a partition, a drive letter or an image file) */
  volume: z.string(),
  message: z.string(),
});
export type KeyCheckResult = z.infer<typeof keyCheckResult>;

/** A drive the Azure data center reads: NTFS inside BitLocker. A volume that says so, or why not. */
export function azureReadiness(v: VolumeEncryption): { ok: boolean; why?: string } {
  if (v.bitlocker === 'none')
    return {
      ok: false,
      why:
        v.fileSystem && !['ntfs', 'ntfs3'].includes(v.fileSystem.toLowerCase())
          ? `it is formatted ${fsName(v.fileSystem)}, not NTFS, and not encrypted with BitLocker`
          : 'it is not encrypted with BitLocker',
    };
  if (v.bitlocker === 'unknown') return { ok: false, why: v.note ?? 'Haul could not read its BitLocker state' };
  if (v.conversion === 'encrypting' || v.conversion === 'paused')
    return {
      ok: false,
      why: `BitLocker has not finished encrypting it${v.percent !== undefined ? ` (${v.percent}%)` : ''}`,
    };
  if (v.conversion === 'decrypting' || v.conversion === 'decrypted')
    return { ok: false, why: 'BitLocker is being turned off on it' };
  if (v.protectors && !v.protectors.includes('recovery-password'))
    return { ok: false, why: 'it has no recovery password, which the data center needs to open it' };
  if (v.fileSystem && v.fileSystem.toLowerCase() !== 'ntfs')
    return { ok: false, why: `it is formatted ${v.fileSystem}, not NTFS` };
  return { ok: true };
}

/** The state of a volume in a few words, for a list: "NTFS · BitLocker, unlocked". */
export function describeVolume(v: VolumeEncryption): string {
  const fs = v.fileSystem ? fsName(v.fileSystem) : undefined;
  const bl =
    v.bitlocker === 'none'
      ? 'not encrypted'
      : v.bitlocker === 'unknown'
        ? 'BitLocker state unknown'
        : `BitLocker${v.toGo ? ' To Go' : ''}, ${v.bitlocker}${
            v.conversion === 'encrypting' || v.conversion === 'paused'
              ? `, encrypting${v.percent !== undefined ? ` ${v.percent}%` : ''}${v.conversion === 'paused' ? ' (paused)' : ''}`
              : ''
          }`;
  return fs ? `${fs} · ${bl}` : bl;
}

/** File system names as people know them. */
export function fsName(fs: string): string {
  const k = fs.toLowerCase();
  if (k === 'ntfs' || k === 'ntfs3') return 'NTFS';
  if (k === 'vfat' || k === 'fat32') return 'FAT32';
  if (k === 'exfat') return 'exFAT';
  if (k === 'bitlocker') return 'BitLocker';
  return fs;
}

/**
 * The path a driveset row's DriveLetter names: on Windows "G" or "G:" is the drive's root ("G:\");
 * elsewhere the column holds a mount path, as written.
 */
export function drivesetPath(target: string, platform: string): string {
  return platform === 'win32' && /^[A-Za-z]:?$/.test(target) ? `${target[0]!.toUpperCase()}:\\` : target;
}

/** The driveset row for a drive (its mount path, or on Windows any path on its letter); undefined when none names it. */
export function drivesetRowFor<R extends { target: string }>(rows: R[], path: string, platform: string): R | undefined {
  const key = (p: string) =>
    platform === 'win32' ? (/^[A-Za-z]:/.test(p) ? `${p[0]!.toUpperCase()}:` : p.toLowerCase()) : p.replace(/\/+$/, '');
  return rows.find((r) => key(drivesetPath(r.target, platform)) === key(path));
}
