// The naming rules, in one place: Azure Storage's, the drive manifest's and those of the Windows
// file system where the data center reads import drives (importBlobNameProblem and friends),
// checked before a byte is written (pre-flight) and by whoever reads names back. Pure: the app
// shows the same messages as the CLI. Also the size and duration formats they print.

/** Returns a sentence saying what is wrong with a container name, or undefined when it is valid. */
export function containerNameProblem(name: string): string | undefined {
  if (name === '$root') return undefined;
  if (name.length < 3 || name.length > 63)
    return `container name "${name}" has ${name.length} characters; it must have 3 to 63`;
  if (!/^[a-z0-9-]+$/.test(name)) return `container name "${name}" may hold only lowercase letters, digits and hyphens`;
  if (name.startsWith('-') || name.endsWith('-'))
    return `container name "${name}" must start and end with a letter or digit`;
  if (name.includes('--')) return `container name "${name}" must not hold two hyphens in a row`;
  return undefined;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const WINDOWS_CHARS = /[<>:"|?*]/;
const WINDOWS_BAD = /[<>:"|?*\u0000-\u001f\u007f-\u009f]/;
/** characters one of the rules below refuses anywhere */
const SUSPECT_CHAR = /[\u0000-\u001f\u007f-\u009f<>:"|?*\\\ud800-\udfff]/;
const DEVICE_START = [0x63, 0x70, 0x61, 0x6e, 0x6c];
const DEVICE_BASE = /^(?:CON|PRN|AUX|NUL|COM.|LPT.|CONIN\$|CONOUT\$) *$/i;

/** true when a blob name passes every rule of importBlobNameProblem: one scan, for the usual good name */
function plainlyFine(blob: string): boolean {
  const n = blob.length;
  if (n === 0 || n > MAX_BLOB_NAME || SUSPECT_CHAR.test(blob)) return false;
  if (blob.includes('./') || blob.includes(' /') || blob.includes('//')) return false;
  const first = blob.charCodeAt(0);
  const last = blob.charCodeAt(n - 1);
  if (first === 0x2f || last === 0x2f || last === 0x2e || last === 0x20) return false;
  let segments = 0;
  for (let start = 0; start <= n; segments++) {
    let end = blob.indexOf('/', start);
    if (end < 0) end = n;
    if (end - start > MAX_SEGMENT_BYTES / 3) return false; // maybe too many bytes: the full check counts
    let base = blob.indexOf('.', start);
    if (base < 0 || base > end) base = end;
    const c = blob.charCodeAt(start) | 0x20; // lower case: c p a n l start every device name
    if (base - start >= 3 && base - start <= 8 && DEVICE_START.includes(c) && DEVICE_BASE.test(blob.slice(start, base)))
      return false;
    start = end + 1;
  }
  return segments <= MAX_BLOB_SEGMENTS;
}

/** a device name, alone or before an extension (spaces before the dot are dropped too) */
const WINDOWS_DEVICE =
  /^(CON|PRN|AUX|NUL|CONIN\$|CONOUT\$|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3]) *(?:\.|$)/i;

/** Azure's limits on a blob name (without the container), and the file systems' on one name. */
export const MAX_BLOB_NAME = 1024;
export const MAX_BLOB_SEGMENTS = 254;
export const MAX_SEGMENT_BYTES = 255;

/** Returns a sentence saying what is wrong with a blob name (without container), or undefined. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the blob name is empty';
  if (name.length > MAX_BLOB_NAME)
    return `blob name has ${name.length} characters; at most ${MAX_BLOB_NAME.toLocaleString('en-US')} are allowed`;
  const segments = name.split('/');
  if (segments.length > MAX_BLOB_SEGMENTS)
    return `blob name has ${segments.length} path segments; at most ${MAX_BLOB_SEGMENTS} are allowed`;
  if (CONTROL.test(name)) return `blob name "${printable(name)}" holds a control character`;
  if (SURROGATE.test(name) && LONE_SURROGATE.test(name))
    return `blob name "${printable(name)}" holds a broken Unicode character`;
  if (name.endsWith('.') || name.endsWith('/'))
    return `blob name "${name}" ends with "${name.slice(-1)}"; blob names must not end with a dot or a slash`;
  if (segments.some((s) => s === '')) return `blob name "${name}" holds an empty path segment ("//")`;
  if (segments.some((s) => s === '.' || s === '..')) return `blob name "${name}" holds a "." or ".." segment`;
  return undefined;
}

/** A blob prefix ("photos/2024/", or "" for a whole container): what is wrong with it, or undefined. */
export function blobPrefixProblem(prefix: string): string | undefined {
  const rest = prefix.replace(/\/$/, '');
  return rest ? blobNameProblem(rest)?.replace(/^blob name/, 'blob prefix') : undefined;
}

/**
 * What Windows (NTFS, where the data center reads import drives) cannot hold in one file or
 * folder name, or undefined.
 */
export function windowsNameProblem(segment: string): string | undefined {
  // quick tests first: pre-flight asks this for every name of a million files
  if (WINDOWS_BAD.test(segment)) {
    const bad = WINDOWS_CHARS.exec(segment);
    if (bad) return `the name "${segment}" holds "${bad[0]}", which Windows does not allow in a file or folder name`;
    return `the name "${printable(segment)}" holds a control character`;
  }
  const device = WINDOWS_DEVICE.exec(segment);
  if (device)
    return `the name "${segment}" is reserved on Windows for the device ${device[1]!.toUpperCase()} (with any extension)`;
  const last = segment.charCodeAt(segment.length - 1);
  if (last === 0x2e || last === 0x20)
    return `the name "${segment}" ends with ${last === 0x2e ? 'a dot' : 'a space'}, which Windows drops, so it would read another name`;
  // at most 3 bytes per UTF-16 unit: only a long name can be too long
  const bytes = segment.length * 3 > MAX_SEGMENT_BYTES ? utf8Length(segment) : 0;
  if (bytes > MAX_SEGMENT_BYTES)
    return `the name "${segment.slice(0, 40)}…" is ${bytes} bytes long; file systems hold at most ${MAX_SEGMENT_BYTES}`;
  return undefined;
}

/**
 * Everything a blob copied onto an import drive must satisfy, in one place: Azure's blob naming,
 * what the drive manifest holds (a FilePath with "/" separators, so no backslash) and what the
 * data center's Windows file system holds in each name. `blob` is the name without the container.
 * Prep's pre-flight, resume and the data center all ask this.
 */
export function importBlobNameProblem(blob: string): string | undefined {
  if (plainlyFine(blob)) return undefined;
  const azure = blobNameProblem(blob);
  if (azure) return azure;
  if (blob.includes('\\'))
    return `blob name "${blob}" holds a backslash, which the drive manifest and Windows read as a folder separator`;
  for (const segment of blob.split('/')) {
    const problem = windowsNameProblem(segment);
    if (problem) return problem;
  }
  return undefined;
}

/** A container is a folder on an import drive: Azure's rules, then Windows' ("con" is a device there). */
export function importContainerNameProblem(name: string): string | undefined {
  const azure = containerNameProblem(name);
  if (azure) return azure;
  const windows = windowsNameProblem(name);
  return windows ? `container name "${name}" names a folder on the drive, and ${windows}` : undefined;
}

/** The copy session id names a folder on every drive: what is wrong with it, or undefined. */
export function sessionIdProblem(id: string): string | undefined {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
    return `the session id "${id}" may hold only letters, digits, ".", "_" and "-" (at most 64); it names a folder on each drive`;
  if (/^\.+$/.test(id)) return `the session id "${id}" is only dots; it names a folder on each drive`;
  const windows = windowsNameProblem(id);
  return windows ? `the session id "${id}" names a folder on each drive, and ${windows}` : undefined;
}

/** The key under which two names are the same on a case-insensitive drive (NTFS compares upper case). */
export function caseKey(path: string): string {
  return path.toUpperCase();
}

/** Bytes of a string in UTF-8. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * A file name as the file system gave it (bytes): `valid` when it is UTF-8, and `shown`, the name
 * with every byte that is not part of a valid UTF-8 character written as \xNN.
 */
export function decodeName(bytes: Uint8Array): { valid: boolean; shown: string } {
  let shown = '';
  let valid = true;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceAt(bytes, i);
    if (n === 0) {
      valid = false;
      shown += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
      i++;
      continue;
    }
    let c = n === 1 ? bytes[i]! : bytes[i]! & (0xff >> (n + 1));
    for (let k = 1; k < n; k++) c = (c << 6) | (bytes[i + k]! & 0x3f);
    shown += String.fromCodePoint(c);
    i += n;
  }
  return { valid, shown: printable(shown) };
}

/** Length of the valid UTF-8 sequence starting at i, or 0 (overlong forms and surrogates are invalid). */
function utf8SequenceAt(b: Uint8Array, i: number): number {
  const x = b[i]!;
  if (x < 0x80) return 1;
  const n = x >= 0xc2 && x <= 0xdf ? 2 : x >= 0xe0 && x <= 0xef ? 3 : x >= 0xf0 && x <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return 0;
  const y = b[i + 1]!;
  if (x === 0xe0 && y < 0xa0) return 0; // overlong
  if (x === 0xed && y >= 0xa0) return 0; // a surrogate
  if (x === 0xf0 && y < 0x90) return 0; // overlong
  if (x === 0xf4 && y >= 0x90) return 0; // beyond U+10FFFF
  return n;
}

export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Splits "container/blob/path" into its parts. */
export function splitBlobPath(path: string): { container: string; blob: string } {
  const i = path.indexOf('/');
  return i < 0 ? { container: path, blob: '' } : { container: path.slice(0, i), blob: path.slice(i + 1) };
}

const UNITS: Record<string, number> = {
  B: 1,
  K: 1e3,
  KB: 1e3,
  M: 1e6,
  MB: 1e6,
  G: 1e9,
  GB: 1e9,
  T: 1e12,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

/** Parses "4TB", "500 GiB", "1048576" into bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase() || 'B';
  const mult = UNITS[unit];
  if (mult === undefined) return undefined;
  return Math.round(Number(m[1]) * mult);
}

/** 1234567 -> "1.23 MB" (decimal units, as drive vendors label drives). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${units[u]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
