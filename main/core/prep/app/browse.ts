// The folder browser behind `fs.browse`: folders and files under a path on the machine main runs
// on (browser mode has no native picker). It hides nothing without saying so: a folder that
// cannot be listed is an error in words, an entry that cannot be read carries its own error.
import { opendir, realpath, stat, statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, parse, resolve } from 'node:path';
import type { BrowseEntry, BrowseResult } from '../../../../shared/prep/session';
import { HaulError } from '../../../../shared/errors';

/** A folder that cannot be listed; its target is the request's `path` field, `path` the folder asked for. */
export class BrowseError extends HaulError {
  declare readonly code: 'not-found' | 'not-a-folder' | 'no-access' | 'not-absolute' | 'failed';
  constructor(
    code: BrowseError['code'],
    message: string,
    readonly path: string,
  ) {
    super(code, message, 'path');
    this.name = 'BrowseError';
  }
}

export interface BrowseOptions {
  path?: string;
  showHidden?: boolean;
  foldersOnly?: boolean;
  home?: string;
}

/** At most this many entries are listed; the rest are counted in `notListed`. */
const MAX_ENTRIES = 5000;

function describe(code: string | undefined, path: string): { code: BrowseError['code']; message: string } {
  switch (code) {
    case 'ENOENT':
      return {
        code: 'not-found',
        message: `${path} does not exist (it may have been moved, or the drive was removed). Pick another folder.`,
      };
    case 'ENOTDIR':
      return { code: 'not-a-folder', message: `${path} is a file, not a folder.` };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'no-access',
        message: `Haul may not read ${path}: the user it runs as (${safeUser()}) has no permission. Pick another folder, or change the folder's permissions.`,
      };
    default:
      return { code: 'failed', message: `${path} could not be read (${code ?? 'unknown error'}).` };
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'this user';
  }
}

/** Home, the usual removable-media mount folders that exist, and the root. */
function places(home: string): { name: string; path: string }[] {
  const out = [{ name: 'Home', path: home }];
  const user = safeUser();
  for (const p of [`/media/${user}`, `/run/media/${user}`, '/media', '/mnt', '/Volumes']) {
    if (existsSync(p) && !out.some((o) => o.path === p)) out.push({ name: p, path: p });
  }
  const root = parse(home).root || '/';
  out.push({ name: root, path: root });
  return out;
}

export async function browse(opts: BrowseOptions = {}): Promise<BrowseResult> {
  const home = opts.home ?? homedir();
  const asked = opts.path ?? home;
  if (!isAbsolute(asked))
    throw new BrowseError(
      'not-absolute',
      `"${asked}" is not a full path; give one that starts at the root (such as ${home}).`,
      asked,
    );
  let path: string;
  try {
    path = await realpath(resolve(asked));
    const st = await stat(path);
    if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
  } catch (e) {
    const d = describe((e as NodeJS.ErrnoException).code, asked);
    throw new BrowseError(d.code, d.message, asked);
  }
  const entries: BrowseEntry[] = [];
  let hiddenCount = 0;
  let more = 0;
  try {
    const dir = await opendir(path);
    for await (const d of dir) {
      const hidden = d.name.startsWith('.');
      if (hidden && !opts.showHidden) {
        hiddenCount++;
        continue;
      }
      const full = join(path, d.name);
      const kind: BrowseEntry['kind'] = d.isDirectory()
        ? 'folder'
        : d.isFile()
          ? 'file'
          : d.isSymbolicLink()
            ? 'link'
            : 'other';
      if (entries.length >= MAX_ENTRIES) {
        more++;
        continue;
      }
      const entry: BrowseEntry = { name: d.name, path: full, kind, hidden };
      try {
        const st = await stat(full);
        if (kind === 'link') entry.linkToFolder = st.isDirectory();
        if (st.isFile()) entry.size = st.size;
        entry.mtime = st.mtimeMs;
      } catch (e) {
        entry.error = describe((e as NodeJS.ErrnoException).code, full).message;
      }
      if (opts.foldersOnly && !(kind === 'folder' || entry.linkToFolder)) continue;
      entries.push(entry);
    }
  } catch (e) {
    const d = describe((e as NodeJS.ErrnoException).code, path);
    throw new BrowseError(d.code, d.message, path);
  }
  const isFolder = (e: BrowseEntry) => e.kind === 'folder' || e.linkToFolder === true;
  entries.sort((a, b) => Number(isFolder(b)) - Number(isFolder(a)) || a.name.localeCompare(b.name));
  const result: BrowseResult = { path, home, places: places(home), entries, hiddenCount, notListed: more };
  const parent = dirname(path);
  if (parent !== path) result.parent = parent;
  try {
    const fs = await statfs(path);
    result.volume = { free: fs.bavail * fs.bsize, size: fs.blocks * fs.bsize };
  } catch {
    /* not every file system answers statfs: the sizes are only shown when known */
  }
  return result;
}
