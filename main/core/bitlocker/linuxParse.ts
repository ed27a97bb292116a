// What Linux's tools print about BitLocker volumes, read into data: `blkid -p -o export`,
// `cryptsetup bitlkDump --debug`, `cryptsetup open --type bitlk --test-passphrase --debug` and
// `lsblk -J`. Pure functions of the text, tested against output recorded from real BitLocker
// volumes made by Windows (tests/bitlocker/recorded/). The tools run with LC_ALL=C, so their
// English words are what is read here.
import type { BitLockerProtector } from '../../../shared/bitlocker';

/** `blkid -p -o export DEV`: KEY=value lines (TYPE, USAGE, VERSION, UUID, LABEL …). */
export function parseBlkidExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    // -o export escapes spaces and specials with a backslash
    if (m) out[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
  }
  return out;
}

export interface BitlkDump {
  /** "BITLK To Go device": a BitLocker To Go volume */
  toGo: boolean;
  guid?: string;
  /** what Windows wrote when it encrypted the volume: the computer, the drive letter, the date */
  description?: string;
  /** BitLocker's name of the cipher: "XTS-AES 128", "AES 256 with Diffuser" */
  method?: string;
  protectors: BitLockerProtector[];
  /**
   * The volume's signature says encrypt-on-write: BitLocker has not finished encrypting it (or
   * was stopped part-way); cryptsetup cannot open it. Read from --debug's "BITLK type" line.
   */
  unfinished: boolean;
  volumeSize?: number;
}

const PROTECTION: [RegExp, BitLockerProtector][] = [
  [/recovery passphrase/i, 'recovery-password'],
  [/startup key/i, 'startup-key'],
  [/clear key/i, 'clear-key'],
  [/smart card/i, 'smart-card'],
  [/tpm/i, 'tpm'],
  [/passphrase/i, 'password'],
];

/** BitLocker's own name for a cipher from cryptsetup's name, mode and key size. */
export function methodName(cipher: string, mode: string, keyBits: number): string {
  if (cipher !== 'aes') return `${cipher}-${mode} ${keyBits}`;
  // XTS and Elephant keys hold two halves (the tweak key, the diffuser key): the AES size is half
  if (mode.startsWith('xts')) return `XTS-AES ${keyBits / 2}`;
  if (mode.includes('elephant')) return `AES ${keyBits / 2} with Diffuser`;
  return `AES ${keyBits}`;
}

/** `cryptsetup bitlkDump [--debug] DEV`. */
export function parseBitlkDump(text: string): BitlkDump {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const protectors: BitLockerProtector[] = [];
  for (const m of text.matchAll(/^\s*Protection:\s*(.+)$/gm)) {
    const p = PROTECTION.find(([re]) => re.test(m[1]!))?.[1] ?? 'other';
    if (!protectors.includes(p)) protectors.push(p);
  }
  const cipher = field('Cipher name');
  const mode = field('Cipher mode');
  const keyBits = Number(/^(\d+)/.exec(field('Cipher key') ?? '')?.[1]);
  const size = Number(/^(\d+)/.exec(field('Volume size') ?? '')?.[1]);
  const out: BitlkDump = {
    toGo: /^Info for BITLK To Go device/m.test(text),
    protectors,
    unfinished: /BITLK type from GUID: encrypt-on-write/.test(text),
  };
  const guid = field('GUID');
  if (guid) out.guid = guid;
  const description = field('Description');
  if (description) out.description = description;
  if (cipher && mode && keyBits) out.method = methodName(cipher, mode, keyBits);
  if (size) out.volumeSize = size;
  return out;
}

export type KeyTestAnswer =
  | { kind: 'opens' }
  | { kind: 'refused' }
  | { kind: 'unfinished'; said: string }
  | { kind: 'needs-admin' }
  | { kind: 'not-bitlocker' }
  | { kind: 'error'; said: string };

/**
 * `cryptsetup open --type bitlk --test-passphrase --debug DEV` with the key on standard input.
 * cryptsetup 2.6 exits 2 for a wrong key when the last protector it tried was the recovery
 * password, but 1 ("wrong or missing parameters") when it was a password protector; the debug
 * lines say which it was: every protector tried and none opened means the key was refused.
 */
export function parseKeyTest(code: number, stdout: string, stderr: string): KeyTestAnswer {
  if (code === 0) return { kind: 'opens' };
  const all = `${stdout}\n${stderr}`;
  const said = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('# '))
    .join(' ');
  if (/cannot be activated|partially decrypted/i.test(all)) return { kind: 'unfinished', said };
  if (/Permission denied|access denied|Operation not permitted|requires? (root|superuser)/i.test(all))
    return { kind: 'needs-admin' };
  if (/Device .* is not a valid BITLK device|not a valid BITLK|Unsupported BITLK/i.test(all))
    return { kind: 'not-bitlocker' };
  if (code === 2 || /No key available with this passphrase/i.test(all)) return { kind: 'refused' };
  if (/Failed to decrypt VMK using provided passphrase/.test(all) && /No more VMKs to try/.test(all))
    return { kind: 'refused' };
  return { kind: 'error', said: said || `exit status ${code}` };
}

export interface LsblkNode {
  name: string;
  type?: string | null;
  fstype?: string | null;
  mountpoint?: string | null;
  mountpoints?: (string | null)[] | null;
  children?: LsblkNode[];
}

/** `lsblk -J -p -o NAME,TYPE,FSTYPE,MOUNTPOINT [DEV]`: the block device tree. */
export function parseLsblkTree(json: string): LsblkNode[] {
  const doc = JSON.parse(json) as { blockdevices?: LsblkNode[] };
  return doc.blockdevices ?? [];
}

/** A node's mount points (lsblk prints MOUNTPOINT, newer ones MOUNTPOINTS too). */
export function mountsOf(n: LsblkNode): string[] {
  const list = [...(n.mountpoints ?? []), n.mountpoint].filter((m): m is string => !!m);
  return [...new Set(list)];
}

/**
 * The volumes of a disk: its partitions, or the disk itself when it has none. An opened
 * BitLocker volume shows as a `crypt` child of its partition (cryptsetup's mapping).
 */
export function volumesOf(disk: LsblkNode): LsblkNode[] {
  const parts = (disk.children ?? []).filter((c) => c.type === 'part');
  return parts.length ? parts : [disk];
}

/** The opened mapping of a BitLocker volume, if any (lsblk lists it as a `crypt` child). */
export function openedMappingOf(volume: LsblkNode): LsblkNode | undefined {
  return (volume.children ?? []).find((c) => c.type === 'crypt');
}
