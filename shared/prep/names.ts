// Azure Storage naming rules, checked before a byte is written (pre-flight). Pure: the app shows
// the same messages as the CLI.

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

/** Returns a sentence saying what is wrong with a blob name (without container), or undefined. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the blob name is empty';
  if (name.length > 1024) return `blob name has ${name.length} characters; at most 1,024 are allowed`;
  const segments = name.split('/');
  if (segments.length > 254) return `blob name has ${segments.length} path segments; at most 254 are allowed`;
  if (CONTROL.test(name)) return `blob name "${printable(name)}" holds a control character`;
  if (name.endsWith('.') || name.endsWith('/'))
    return `blob name "${name}" ends with "${name.slice(-1)}"; blob names must not end with a dot or a slash`;
  if (segments.some((s) => s === '')) return `blob name "${name}" holds an empty path segment ("//")`;
  if (segments.some((s) => s === '.' || s === '..')) return `blob name "${name}" holds a "." or ".." segment`;
  return undefined;
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
