// What Windows's BitLocker tools print, read into data: `manage-bde -status`, `manage-bde
// -protectors -get X: -Type RecoveryPassword`, `manage-bde -on`, and the JSON Haul's PowerShell
// lines print. manage-bde speaks the system's language (and its console code page mangles
// accented letters), so these read shapes and numbers rather than labels: a volume block starts
// at a line ending "X: [label]"; its fields come in the order Microsoft documents (size, version,
// conversion, percentage, method, protection, lock, identification, …, key protectors); the
// percentage and the cipher are read as numbers and "AES"; a recovery password is 8 groups of 6
// digits; an error is its HRESULT (0x8031…, 0x80070005). Words are read only where no number
// says the same (locked or not, the protector names), with a fallback on the numbers when the
// word is not in the table. Tested against output in the formats Microsoft documents
// (tests/bitlocker/recorded/windows/), English and German.
import type { BitLockerProtector, VolumeEncryption } from '../../../shared/bitlocker';

/** HRESULTs manage-bde and WMI answer with. */
export const HRESULT = {
  accessDenied: 0x80070005,
  /** FVE_E_LOCKED_VOLUME: the volume is locked */
  locked: 0x80310000,
  /** FVE_E_NOT_ENCRYPTED */
  notEncrypted: 0x80310001,
  /** FVE_E_FAILED_AUTHENTICATION: the key does not open the volume */
  wrongKey: 0x80310027,
} as const;

/** The HRESULTs named in a tool's output ("code 0x80310000"). */
export function hresultsIn(text: string): number[] {
  return [...text.matchAll(/0x([0-9a-f]{8})\b/gi)].map((m) => parseInt(m[1]!, 16));
}

/** manage-bde's exit status as an HRESULT (Windows reports it unsigned, Node sometimes signed). */
export const asHresult = (code: number): number => code >>> 0;

export const RECOVERY_PASSWORD = /\b\d{6}(?:-\d{6}){7}\b/g;
const GUID = /\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}/gi;

interface Block {
  letter?: string;
  label: string;
  fields: { label: string; value: string; sub: string[] }[];
}

/** Splits manage-bde's output into volume blocks and their "label: value" fields (with sub-lines). */
function blocks(text: string): Block[] {
  const out: Block[] = [];
  let cur: Block | undefined;
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.replace(/\s+$/, '');
    const head = /^\S.*?\b([A-Z]):\s*\[(.*)\]$/.exec(line) ?? /^\S.*?\\\\\?\\Volume\{[^}]+\}\\?\s*\[(.*)\]$/.exec(line);
    if (head && !/^\s/.test(line)) {
      cur = { label: (head.length === 3 ? head[2] : head[1]) ?? '', fields: [] };
      if (head.length === 3) cur.letter = head[1];
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    const indent = /^(\s*)/.exec(line)![1]!.length;
    if (indent === 0) continue;
    const field = /^\s+(\S[^:]*?):\s*(.*)$/.exec(line);
    const last = cur.fields[cur.fields.length - 1];
    // a field is indented 4; its sub-lines (the protectors' names, an ID) deeper
    if (field && indent <= 4) cur.fields.push({ label: field[1]!.trim(), value: field[2]!.trim(), sub: [] });
    else if (last && indent > 4) last.sub.push(line.trim());
  }
  return out;
}

// Words, in the languages Haul knows, where no number says the same thing. Compared whole.
const LOCKED = ['locked', 'gesperrt', 'verrouillé', 'bloqueado', 'bloccato', 'vergrendeld', 'zablokowany'];
const UNLOCKED = ['unlocked', 'entsperrt', 'déverrouillé', 'desbloqueado', 'sbloccato', 'ontgrendeld', 'odblokowany'];
const PROTECTORS: [RegExp, BitLockerProtector][] = [
  [
    /numerical password|numerisches kennwort|mot de passe numérique|contraseña numérica|password numerica/i,
    'recovery-password',
  ],
  [/tpm/i, 'tpm'],
  [/external key|externer schlüssel|clé externe|clave externa|startup key/i, 'startup-key'],
  [/smart ?card|carte à puce|tarjeta inteligente/i, 'smart-card'],
  [/password|kennwort|mot de passe|contraseña/i, 'password'],
  [/data recovery agent|certificate|zertifikat|certificat/i, 'other'],
];
const PAUSED = /paused|angehalten|suspendu|en pausa|in pausa/i;
const DECRYPT = /decrypt|entschlüssel|déchiffr|descifr|decrittograf/i;

/** "XTS-AES 256", "AES 128 with Diffuser", "Hardware Encryption" from manage-bde's value, in any language. */
export function methodOf(value: string): string | undefined {
  const m = /(XTS-)?AES[\s-]*(\d{3})/i.exec(value);
  if (m) return `${m[1] ? 'XTS-AES' : 'AES'} ${m[2]}${/diffus/i.test(value) ? ' with Diffuser' : ''}`;
  if (/hardware/i.test(value)) return 'Hardware encryption';
  return undefined;
}

/** A percentage as manage-bde prints it ("37.5%", "37,5 %"); undefined for "Unknown%". */
export function percentOf(value: string): number | undefined {
  const m = /^(\d{1,3}(?:[.,]\d+)?)\s*%$/.exec(value.trim());
  return m ? Math.min(100, Number(m[1]!.replace(',', '.'))) : undefined;
}

const hasNumber = (value: string) => /\d/.test(value);

/** One volume of `manage-bde -status`. */
export interface ManageBdeVolume extends VolumeEncryption {
  letter?: string;
  label: string;
}

/** `manage-bde -status [X:]`: every volume listed, by what its numbers (and known words) say. */
export function parseManageBdeStatus(text: string): ManageBdeVolume[] {
  return blocks(text).map((b) => {
    const value = (k: number) => b.fields[k]?.value ?? '';
    const size = value(0);
    const percent = percentOf(value(3));
    const method = methodOf(value(4));
    const conversion = value(2);
    const lockWord = value(6).toLowerCase();
    const lockKnown = LOCKED.includes(lockWord) ? 'locked' : UNLOCKED.includes(lockWord) ? 'unlocked' : undefined;
    // A locked volume's size and percentage cannot be read: manage-bde prints "Unknown" for both.
    const locked = lockKnown ? lockKnown === 'locked' : percent === undefined && !hasNumber(size);
    const protectorField = b.fields.length > 8 ? b.fields[b.fields.length - 1] : undefined;
    const protectorNames = protectorField?.sub ?? [];
    const protectors = protectorNames.map((n) => PROTECTORS.find(([re]) => re.test(n))?.[1] ?? 'other');
    const v: ManageBdeVolume = {
      volume: b.letter ? `${b.letter}:` : b.label,
      label: b.label,
      bitlocker: 'none',
      mountpoints: b.letter ? [`${b.letter}:\\`] : [],
    };
    if (b.letter) v.letter = b.letter;
    if (locked) {
      v.bitlocker = 'locked';
      if (method) v.method = method;
      if (protectors.length) v.protectors = [...new Set(protectors)];
      return v;
    }
    const encrypted = !!method || (percent !== undefined && percent > 0);
    if (!encrypted) return v;
    v.bitlocker = 'unlocked';
    if (method) v.method = method;
    if (percent !== undefined) v.percent = percent;
    v.conversion =
      percent === 100
        ? DECRYPT.test(conversion) && !/encrypted|verschlüsselt/i.test(conversion)
          ? 'decrypting'
          : 'encrypted'
        : DECRYPT.test(conversion)
          ? 'decrypting'
          : PAUSED.test(conversion)
            ? 'paused'
            : 'encrypting';
    if (protectors.length) v.protectors = [...new Set(protectors)];
    return v;
  });
}

export type ProtectorsAnswer =
  | { kind: 'keys'; ids: string[]; passwords: string[] }
  | { kind: 'none' }
  | { kind: 'locked' }
  | { kind: 'needs-admin' }
  | { kind: 'error'; said: string };

/** `manage-bde -protectors -get X: -Type RecoveryPassword`: the volume's recovery passwords. */
export function parseProtectorsGet(code: number, stdout: string, stderr = ''): ProtectorsAnswer {
  const text = `${stdout}\n${stderr}`;
  const codes = [...hresultsIn(text), asHresult(code)];
  if (codes.includes(HRESULT.accessDenied)) return { kind: 'needs-admin' };
  if (codes.includes(HRESULT.locked)) return { kind: 'locked' };
  const passwords = [...new Set(text.match(RECOVERY_PASSWORD) ?? [])];
  const ids = [...new Set((text.match(GUID) ?? []).map((g) => g.toUpperCase()))];
  if (passwords.length) return { kind: 'keys', ids, passwords };
  // an ID without its password: the volume is locked, its passwords unreadable
  if (ids.length) return { kind: 'locked' };
  // the volume was named and no protector of the type listed: it has none (in any language)
  if (blocks(text).length) return { kind: 'none' };
  return { kind: 'error', said: text.trim().slice(0, 300) };
}

/** What `manage-bde -on` answered: started, refused for lack of rights, or an error code. */
export function parseManageBdeOn(
  code: number,
  stdout: string,
  stderr = '',
): { kind: 'started' } | { kind: 'needs-admin' } | { kind: 'error'; hresult?: number; said: string } {
  const text = `${stdout}\n${stderr}`;
  const codes = [...hresultsIn(text), asHresult(code)];
  if (codes.includes(HRESULT.accessDenied)) return { kind: 'needs-admin' };
  if (code === 0) return { kind: 'started' };
  const hresult = hresultsIn(text)[0] ?? (asHresult(code) >= 0x80000000 ? asHresult(code) : undefined);
  // the tool's last lines hold its error; never the new key (which an error output does not hold)
  const said = text
    .replace(RECOVERY_PASSWORD, '(key)')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-3)
    .join(' ')
    .slice(0, 300);
  return hresult === undefined ? { kind: 'error', said } : { kind: 'error', hresult, said };
}

/** `Get-Volume | Select DriveLetter,FileSystem | ConvertTo-Json`: file system per drive letter. */
export function parseVolumesJson(json: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = json.trim();
  if (!text) return out;
  const doc = JSON.parse(text) as unknown;
  for (const row of Array.isArray(doc) ? doc : [doc]) {
    if (!row || typeof row !== 'object') continue;
    const r = row as { DriveLetter?: unknown; FileSystem?: unknown };
    const letter = typeof r.DriveLetter === 'string' ? r.DriveLetter : undefined;
    const fs = typeof r.FileSystem === 'string' ? r.FileSystem.trim() : '';
    if (letter && fs) out.set(letter.toUpperCase(), fs);
  }
  return out;
}

/** The answer of Haul's PowerShell unlock line: the WMI method's return value (0 = opened). */
export function parseUnlockAnswer(stdout: string): number | undefined {
  const m = /HAUL-RESULT\s+(-?\d+)/.exec(stdout);
  return m ? Number(m[1]) >>> 0 : undefined;
}
