// Storage naming rules (as Azure enforces them) and the mapping between a manifest BlobPath
// (`container/blob/name`) and storage. Checked before any request, so a bad name in a manifest
// becomes a clear per-blob error instead of a storage error.

/** Container names: 3-63 characters, lower-case letters, digits and single hyphens, starting and ending with a letter or digit; or `$root`. */
export function containerNameProblem(name: string): string | undefined {
  if (name === '$root') return undefined;
  if (name.length < 3 || name.length > 63) return `container name "${name}" must be 3 to 63 characters long`;
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$/.test(name))
    return `container name "${name}" may hold only lower-case letters, digits and single hyphens, and must start and end with a letter or digit`;
  return undefined;
}

/** Blob names: 1-1024 characters, no control characters, not ending with "." or "/", no "." or ".." segments. */
export function blobNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 1024)
    return `blob name "${name.slice(0, 80)}" must be 1 to 1024 characters long`;
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return `blob name "${name}" contains a control character or a backslash`;
  if (name.endsWith('.') || name.endsWith('/')) return `blob name "${name}" must not end with "." or "/"`;
  if (name.split('/').some((s) => s === '.' || s === '..' || s === ''))
    return `blob name "${name}" has an empty, "." or ".." path segment`;
  return undefined;
}

export interface SplitBlobPath {
  container: string;
  blob: string;
}

/** Splits `container/blob/name` (a leading "/" is allowed, as in export blob lists). */
export function splitBlobPath(blobPath: string): SplitBlobPath | { problem: string } {
  const p = blobPath.startsWith('/') ? blobPath.slice(1) : blobPath;
  const i = p.indexOf('/');
  if (i <= 0) return { problem: `blob path "${blobPath}" must be container/blob name` };
  const container = p.slice(0, i);
  const blob = p.slice(i + 1);
  const problem = containerNameProblem(container) ?? blobNameProblem(blob);
  return problem ? { problem } : { container, blob };
}

/** The diagnostics location: a container, optionally with a virtual directory (`logs/importexport`). */
export function splitDiagnosticsPath(diagnosticsPath: string): { container: string; prefix: string } {
  const trimmed = diagnosticsPath.replace(/^\/+|\/+$/g, '');
  const i = trimmed.indexOf('/');
  const container = i < 0 ? trimmed : trimmed.slice(0, i);
  const prefix = i < 0 ? '' : `${trimmed.slice(i + 1)}/`;
  const problem = containerNameProblem(container) ?? (prefix ? blobNameProblem(prefix.slice(0, -1)) : undefined);
  if (problem) throw new Error(`diagnosticsPath "${diagnosticsPath}" is not valid: ${problem}.`);
  return { container, prefix };
}

/** `dir/a.jpg` → `dir/a (n).jpg`; `dir/a` → `dir/a (n)`. */
export function renamedBlobName(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dir = name.slice(0, slash + 1);
  const base = name.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? `${dir}${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${dir}${base} (${n})`;
}
