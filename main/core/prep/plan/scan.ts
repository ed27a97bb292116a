// Walks the dataset (streaming, folder by folder) into a compact FileTable and runs the
// pre-flight checks: every problem is tied to its source path and says what to do.
import { constants, opendirSync, realpathSync, statSync, type Dir, type Dirent, type Stats } from 'node:fs';
import { access, opendir, realpath, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { DatasetEntry } from '../../../../shared/formats/dataset';
import { blobSizeProblem } from '../../../../shared/formats/driveManifest';
import {
  caseKey,
  decodeName,
  formatBytes,
  importBlobNameProblem,
  importContainerNameProblem,
  splitBlobPath,
} from '../../../../shared/prep/names';
import type { PreflightProblem } from '../../../../shared/prep/types';
import { FileTable } from './fileTable';
import { DRIVE_RESERVE, fileCost } from './plan';
import { sidecarProblems } from '../drive-format/sidecars';

export interface ScanTarget {
  caseInsensitive: boolean;
  maxNameBytes: number;
  maxPathBytes: number;
  path: string;
  free: number;
}

export interface ScanOptions {
  sessionId: string;
  targets: ScanTarget[];
  /** called every few thousand files so a UI can show "found N files" */
  onCount?: (files: number, bytes: number) => void;
  /** stop collecting problems after this many (the count goes on); default 1,000 */
  maxProblems?: number;
  /** source files and folders the person left out: not walked, not checked, not copied */
  exclude?: string[];
  /**
   * whether this file is on a drive already, as it is now (a run before copied it): it is not
   * copied, so it need not fit in the free space left
   */
  onDrive?: (blobPath: string, source: string, size: number, mtime: number) => boolean;
}

export interface ScanResult {
  table: FileTable;
  problems: PreflightProblem[];
  problemCount: number;
  totalBytes: number;
}

const STAT_BATCH = 64;
/** how long one batch may stat synchronously, and how long the walk may keep the event loop */
const SYNC_STAT_MS = 2;
const TURN_MS = 8;

export async function scanDataset(entries: DatasetEntry[], opts: ScanOptions): Promise<ScanResult> {
  const scan = new DatasetScan(opts);
  for (const [ei, entry] of entries.entries()) await scan.entry(entry, ei);
  return { table: scan.table, problems: scan.problems, problemCount: scan.problemCount, totalBytes: scan.totalBytes };
}

/** A folder being read: where its files go in the table, and the folders found in it. */
interface FolderRead {
  dir: WalkDir;
  folder: number;
  entry: DatasetEntry;
  /** the folder's path with its separator (a name from the folder has none: joined by hand, once) */
  inDir: string;
  subdirs: WalkDir[];
}

/** A folder of the walk: `real` of each folder on the stack detects links back to an ancestor. */
interface WalkDir {
  abs: string;
  rel: string;
  real: string;
}

/** One scan of a dataset: the table it fills, the problems it finds, and what the checks remember. */
class DatasetScan {
  readonly table = new FileTable();
  readonly problems: PreflightProblem[] = [];
  problemCount = 0;
  totalBytes = 0;
  private readonly maxProblems: number;
  private readonly largest: number;
  private readonly maxName: number;
  private readonly maxPath: number;
  // Names as a case-insensitive drive sees them (the data center reads drives on Windows, so
  // always): blob path -> first file index, and folder path -> the first file under it.
  private readonly seen = new Map<string, number>();
  private readonly folders = new Map<string, number>();
  /** when the walk last gave the event loop a turn */
  private lastTurn = performance.now();
  /**
   * Whether a folder is opened and a link resolved in this turn: while such a call answers from
   * the cache (each through the thread pool waited for a free core, 1-2 ms a folder on a busy
   * machine); through the thread pool once one was slow (a cold or network disk).
   */
  private syncMeta = true;
  private readonly excluded: Set<string>;
  private readonly sidecarsChecked = new Map<string, Promise<string | undefined>>();

  constructor(private readonly opts: ScanOptions) {
    this.maxProblems = opts.maxProblems ?? 1000;
    this.largest = Math.max(0, ...opts.targets.map((t) => t.free));
    this.maxName = Math.min(...opts.targets.map((t) => t.maxNameBytes), 255);
    this.maxPath = Math.min(...opts.targets.map((t) => t.maxPathBytes - Buffer.byteLength(t.path) - 1), 4095);
    this.excluded = new Set((opts.exclude ?? []).map((p) => resolve(p)));
  }

  private report(p: PreflightProblem, file?: number): void {
    this.problemCount++;
    if (this.problems.length < this.maxProblems) this.problems.push(p);
    if (file !== undefined) this.table.flags[file] = 1;
  }

  /** A file where a folder of that name (in any case) holds other files, or the other way round. */
  private folderClash(blobPath: string, key: string): string | undefined {
    const { table, folders, seen } = this;
    const under = folders.get(key);
    if (under !== undefined)
      return `This file maps to "${blobPath}", but "${table.blobPath(under)}" (${table.source(under)}) needs a folder of that name on the drive; a drive cannot hold a file and a folder with one name (in any case).`;
    for (let k = key.lastIndexOf('/'); k > key.indexOf('/'); k = key.lastIndexOf('/', k - 1)) {
      const folderKey = key.slice(0, k);
      if (folders.has(folderKey)) break; // its parents were checked with it
      const file = seen.get(folderKey);
      if (file !== undefined)
        return `This file maps to "${blobPath}", which needs a folder "${blobPath.slice(0, k)}" on the drive, but ${table.source(file)} is the file "${table.blobPath(file)}"; a drive cannot hold a file and a folder with one name (in any case).`;
    }
    return undefined;
  }

  /** Records a file that will be copied, and the folders it needs below its container. */
  private register(key: string, i: number): void {
    const { folders } = this;
    this.seen.set(key, i);
    for (let k = key.lastIndexOf('/'); k > key.indexOf('/'); k = key.lastIndexOf('/', k - 1)) {
      const folderKey = key.slice(0, k);
      if (folders.has(folderKey)) break;
      folders.set(folderKey, i);
    }
  }

  /** Pre-flight of one file: its first problem is reported, or it is registered for the copy. */
  private checkFile(i: number, entry: DatasetEntry): void {
    const { table } = this;
    const src = table.source(i);
    const blobPath = table.blobPath(i);
    const { blob } = splitBlobPath(blobPath);
    const nameProblem = importBlobNameProblem(blob);
    if (nameProblem) {
      this.report(
        {
          code: 'blob-name',
          source: src,
          message: `The blob name for this file is not allowed: ${nameProblem}.`,
          fix: 'Rename the file or folder, or change DstBlobPathOrPrefix for it.',
        },
        i,
      );
      return;
    }
    const key = caseKey(blobPath);
    const problem =
      this.clashProblem(src, blobPath, key) ??
      this.sizeProblem(i, src, blobPath, entry) ??
      this.pathProblem(src, blobPath);
    if (problem) this.report(problem, i);
    else this.register(key, i);
  }

  /** The file's blob, in any case, is another file's, or a folder's another file needs (or the other way round). */
  private clashProblem(src: string, blobPath: string, key: string): PreflightProblem | undefined {
    const { table } = this;
    const prev = this.seen.get(key);
    const clash = prev === undefined ? this.folderClash(blobPath, key) : undefined;
    if (clash)
      return {
        code: 'case-collision',
        source: src,
        message: clash,
        fix: 'Rename the file or the folder, or give one of them another destination in the dataset.',
      };
    if (prev === undefined) return undefined;
    return table.blobPath(prev) === blobPath
      ? {
          code: 'duplicate-blob',
          source: src,
          message: `This file and ${table.source(prev)} both map to the blob "${blobPath}".`,
          fix: 'Give one of them another destination in the dataset, or leave one out.',
        }
      : {
          code: 'case-collision',
          source: src,
          message: `This file maps to "${blobPath}", which differs only in case from "${table.blobPath(prev)}" (${table.source(prev)}); the data center reads the drive on Windows, which does not tell them apart.`,
          fix: 'Rename one of the two, or give one of them another destination in the dataset.',
        };
  }

  /** A size its blob type cannot have, or too large for the largest drive. */
  private sizeProblem(i: number, src: string, blobPath: string, entry: DatasetEntry): PreflightProblem | undefined {
    const { opts, largest } = this;
    const size = this.table.size(i);
    if (entry.blobType === 'PageBlob' && size % 512 !== 0)
      return {
        code: 'page-blob-size',
        source: src,
        message: `This file is a page blob of ${size} bytes, which is not a multiple of 512.`,
        fix: 'Import it as a BlockBlob, or pad the file (VHDs are always a multiple of 512).',
      };
    const sizeProblem = blobSizeProblem(entry.blobType, size);
    if (sizeProblem)
      return {
        code: 'too-large',
        source: src,
        message: `This file (${formatBytes(size)}) cannot be imported as a ${entry.blobType}: ${sizeProblem}.`,
        fix: 'Split the file yourself before copying (a PageBlob may be up to 1 TiB if it is a disk image).',
      };
    // what the plan and the copy count: the file's allocated size and manifest share, and the reserve
    if (
      opts.targets.length &&
      fileCost(size, blobPath.length) + DRIVE_RESERVE > largest &&
      !opts.onDrive?.(blobPath, src, size, this.table.mtime(i))
    )
      return {
        code: 'too-large',
        source: src,
        message: `This file (${formatBytes(size)}) does not fit in the free space of the largest drive (${formatBytes(largest)}, of which ${formatBytes(DRIVE_RESERVE)} stay free for the manifest); files are never split across drives.`,
        fix: 'Use a larger drive, or split the file yourself before copying.',
      };
    return undefined;
  }

  /** A name or a path on the drive longer than its file system allows. */
  private pathProblem(src: string, blobPath: string): PreflightProblem | undefined {
    const { maxName, maxPath } = this;
    const drivePath = `${this.opts.sessionId}/${blobPath}`;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: a path that short needs no counting (nearly all do)
    if (drivePath.length * 3 <= maxName && drivePath.length * 3 <= maxPath) return undefined;
    const tooLongPart = drivePath.split('/').find((p) => Buffer.byteLength(p) > maxName);
    if (tooLongPart === undefined && Buffer.byteLength(drivePath) <= maxPath) return undefined;
    return {
      code: 'path-too-long',
      source: src,
      message:
        tooLongPart !== undefined
          ? `The name "${tooLongPart.slice(0, 40)}…" is longer than the target file system allows (${maxName} bytes).`
          : `The path on the drive would be ${Buffer.byteLength(drivePath)} bytes; the target allows ${maxPath}.`,
      fix: 'Shorten the file or folder names, or the destination prefix.',
    };
  }

  /** One row of the dataset: its sidecars and container checked, then its file or folder. */
  async entry(entry: DatasetEntry, ei: number): Promise<void> {
    if (this.excluded.has(resolve(entry.basePath))) return;
    const sidecar = await sidecarProblems(entry, this.sidecarsChecked);
    if (sidecar.length) {
      for (const p of sidecar) this.report(p);
      return;
    }
    const { container } = splitBlobPath(entry.destination);
    const cProblem = importContainerNameProblem(container);
    if (cProblem) {
      this.report({
        code: 'container-name',
        source: entry.basePath,
        message: `Row ${entry.row}: ${cProblem}.`,
        fix: 'Change the first part of DstBlobPathOrPrefix to a valid container name, e.g. "photos-2024".',
      });
      return;
    }
    const base = resolve(entry.basePath);
    let st;
    try {
      st = await stat(base);
    } catch (e) {
      this.report(basePathProblem(entry, (e as NodeJS.ErrnoException).code));
      return;
    }
    if (!st.isDirectory()) {
      await this.singleFile(entry, ei, base, st);
      return;
    }
    // A folder, with or without the trailing separator: DstBlobPathOrPrefix is its prefix.
    const prefix = entry.destination.endsWith('/') ? entry.destination : `${entry.destination}/`;
    const prefixProblem =
      prefix.length > container.length + 1 ? importBlobNameProblem(prefix.slice(container.length + 1, -1)) : undefined;
    if (prefixProblem) {
      this.report({
        code: 'blob-name',
        source: entry.basePath,
        message: `Row ${entry.row}: the destination prefix "${prefix}" is not allowed: ${prefixProblem}.`,
        fix: 'Change DstBlobPathOrPrefix for this folder.',
      });
      return;
    }
    await this.walk(entry, ei, base, prefix);
  }

  /** A row whose BasePath is a file: its DstBlobPathOrPrefix is the blob's whole path. */
  private async singleFile(entry: DatasetEntry, ei: number, base: string, st: Stats): Promise<void> {
    const { table } = this;
    if (entry.isFolder) {
      this.report({
        code: 'special-file',
        source: entry.basePath,
        message: `Row ${entry.row}: BasePath ends with a separator but is not a folder.`,
        fix: 'Remove the trailing separator to copy a single file.',
      });
      return;
    }
    if (!st.isFile()) {
      this.report(notRegular(entry.basePath, `Row ${entry.row}: `));
      return;
    }
    if (entry.destination.endsWith('/') || !entry.destination.includes('/')) {
      this.report({
        code: 'blob-name',
        source: entry.basePath,
        message: `Row ${entry.row}: BasePath is a file, but DstBlobPathOrPrefix "${entry.destination}" names ${entry.destination.includes('/') ? 'a folder prefix' : 'only a container'}, not a blob.`,
        fix: `Give the file's full blob path, e.g. "${entry.destination.replace(/\/?$/, '/')}${basename(base)}".`,
      });
      return;
    }
    const f = table.addFolder({ abs: dirname(base), blobPrefix: '', entry: ei });
    const i = table.add(f, basename(base), st.size, st.mtimeMs);
    table.blobOverride.set(i, entry.destination);
    this.totalBytes += st.size;
    await checkReadable(i, table, (p, file) => this.report(p, file));
    if (!table.flags[i]) this.checkFile(i, entry);
  }

  /** Iterative depth-first walk of a row's folder. */
  private async walk(entry: DatasetEntry, ei: number, base: string, prefix: string): Promise<void> {
    const stack: WalkDir[] = [{ abs: base, rel: '', real: await realpath(base) }];
    while (stack.length) {
      const dir = stack.pop()!;
      let handle;
      try {
        // names as bytes: a name that is not UTF-8 cannot be opened through a string
        const how = { bufferSize: 256, encoding: 'buffer' as BufferEncoding };
        handle = this.syncMeta ? this.timed(() => opendirSync(dir.abs, how)) : await opendir(dir.abs, how);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        this.report({
          code: 'unreadable',
          source: dir.abs,
          message: `This folder cannot be read (${code ?? 'error'}).`,
          fix: 'Give yourself read access to it, or leave it out of the dataset.',
        });
        continue;
      }
      const f: FolderRead = {
        dir,
        folder: this.table.addFolder({ abs: dir.abs, blobPrefix: `${prefix}${dir.rel}`, entry: ei }),
        entry,
        // a name from the folder has no separator: joined by hand, once (path.join normalizes, 6 % of a scan)
        inDir: dir.abs.endsWith(sep) ? dir.abs : dir.abs + sep,
        subdirs: [],
      };
      await this.readFolder(handle, f);
      // sort for a stable, human order (depth-first, names ascending)
      f.subdirs.sort((a, b) => (a.abs < b.abs ? 1 : -1));
      stack.push(...f.subdirs);
    }
  }

  /**
   * A folder's entries, read as their stats are: in this turn while a read of the folder answers
   * from the cache (an awaited read per buffer of entries cost 3 µs a file, three times the
   * synchronous one), asynchronously for the rest of the folder once one read is slow (a cold or
   * network disk).
   */
  private async readFolder(handle: Dir, f: FolderRead): Promise<void> {
    let batch: string[] = [];
    let syncReads = true;
    try {
      for (;;) {
        let d: Dirent | null;
        if (syncReads) {
          const started = performance.now();
          d = handle.readSync();
          if (performance.now() - started > SYNC_STAT_MS) syncReads = false;
        } else d = await handle.read();
        if (!d) break;
        const raw: unknown = d.name; // a Buffer with encoding 'buffer' (Node's types know only strings)
        const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw));
        if (!isUtf8(bytes)) {
          const { shown } = decodeName(bytes);
          this.report({
            code: 'blob-name',
            source: join(f.dir.abs, shown),
            message: `The name "${shown}" is not valid UTF-8 (bytes that are not text are shown as \\xNN), so it cannot be a blob name.`,
            fix: 'Rename the file or folder to a name in UTF-8 (e.g. with convmv), or leave it out of the dataset.',
          });
          continue;
        }
        batch.push(bytes.toString('utf8'));
        if (batch.length >= STAT_BATCH) {
          const names = batch;
          batch = [];
          await this.addNames(f, names);
        }
      }
    } finally {
      handle.closeSync();
    }
    await this.addNames(f, batch);
  }

  /**
   * Stats of a batch of names. Metadata in the cache answers in microseconds: read it in this turn
   * while it stays that cheap (a thread-pool round trip per file cost 30 µs), the rest
   * asynchronously (a cold or network disk), and give the event loop a turn every few milliseconds
   * either way.
   */
  private async statNames(inDir: string, names: string[]): Promise<(Stats | NodeJS.ErrnoException)[]> {
    const stats: (Stats | NodeJS.ErrnoException)[] = [];
    const started = performance.now();
    let k = 0;
    for (; k < names.length && performance.now() - started < SYNC_STAT_MS; k++) {
      try {
        stats.push(statSync(inDir + names[k]!));
      } catch (e) {
        stats.push(e as NodeJS.ErrnoException);
      }
    }
    if (k < names.length)
      stats.push(
        ...(await Promise.all(
          names.slice(k).map((n) =>
            stat(inDir + n).then(
              (s) => s,
              (e: NodeJS.ErrnoException) => e,
            ),
          ),
        )),
      );
    else if (performance.now() - this.lastTurn > TURN_MS) {
      await new Promise((r) => setImmediate(r));
      this.lastTurn = performance.now();
    }
    return stats;
  }

  /** A batch of a folder's names: each file checked into the table, each folder onto the walk. */
  private async addNames(f: FolderRead, names: string[]): Promise<void> {
    const { table, excluded, opts } = this;
    const stats = await this.statNames(f.inDir, names);
    for (const [k, name] of names.entries()) {
      const s = stats[k]!;
      const abs = f.inDir + name;
      if (excluded.size && excluded.has(abs)) continue;
      if (s instanceof Error) {
        this.report(statProblem(abs, s.code));
        continue;
      }
      if (s.isDirectory()) {
        await this.addSubdir(f, abs, name);
      } else if (s.isFile()) {
        const i = table.add(f.folder, name, s.size, s.mtimeMs);
        this.totalBytes += s.size;
        if (!readableByMe(s))
          this.report(
            {
              code: 'unreadable',
              source: abs,
              message: 'You do not have permission to read this file.',
              fix: 'Give yourself read access to it (chmod/chown), or leave it out of the dataset.',
            },
            i,
          );
        else this.checkFile(i, f.entry);
        if (opts.onCount && table.count % 5000 === 0) opts.onCount(table.count, this.totalBytes);
      } else this.report(notRegular(abs, ''));
    }
  }

  /** `f` in this turn, and whether the next such call is made in its turn too (`syncMeta`). */
  private timed<T>(f: () => T): T {
    const started = performance.now();
    try {
      return f();
    } finally {
      if (performance.now() - started > SYNC_STAT_MS) this.syncMeta = false;
    }
  }

  /** A folder found in a folder goes onto the walk, unless it is a link back to one that holds it. */
  private async addSubdir(f: FolderRead, abs: string, name: string): Promise<void> {
    const { dir } = f;
    let real = abs;
    try {
      real = this.syncMeta ? this.timed(() => realpathSync.native(abs)) : await realpath(abs);
    } catch {
      /* gone meanwhile: walked as it is (its folder cannot be opened, and says so) */
    }
    if (real === dir.real || dir.real.startsWith(real.endsWith(sep) ? real : real + sep)) {
      this.report({
        code: 'symlink-loop',
        source: abs,
        message: `This symbolic link points back to a folder that contains it (${real}); following it would never end.`,
        fix: 'Remove the link, or leave this folder out of the dataset.',
      });
      return;
    }
    f.subdirs.push({ abs, rel: `${dir.rel}${name}/`, real });
  }
}

/** A row's BasePath that cannot be looked at. */
function basePathProblem(entry: DatasetEntry, code: string | undefined): PreflightProblem {
  return code === 'ELOOP'
    ? {
        code: 'symlink-loop',
        source: entry.basePath,
        message: 'This path is a symbolic link that points back to itself.',
        fix: 'Fix or remove the link.',
      }
    : code === 'EACCES'
      ? {
          code: 'unreadable',
          source: entry.basePath,
          message: 'You do not have permission to read this path.',
          fix: 'Give yourself read access, or run Haul as a user who has it.',
        }
      : {
          code: 'missing-source',
          source: entry.basePath,
          message: `Row ${entry.row}: this path does not exist.`,
          fix: 'Check the BasePath (and that the disk holding it is attached).',
        };
}

/** A name in a folder whose stat failed: a link loop, a dangling link, or no access. */
function statProblem(abs: string, code: string | undefined): PreflightProblem {
  if (code === 'ELOOP')
    return {
      code: 'symlink-loop',
      source: abs,
      message: 'This symbolic link points back to itself (a link loop).',
      fix: 'Remove or fix the link.',
    };
  if (code === 'ENOENT')
    return {
      code: 'missing-source',
      source: abs,
      message: 'This symbolic link points to something that does not exist.',
      fix: 'Remove or fix the link.',
    };
  return {
    code: 'unreadable',
    source: abs,
    message: `This file cannot be read (${code ?? 'error'}).`,
    fix: 'Give yourself read access to it, or leave it out of the dataset.',
  };
}

/** A FIFO, socket or device: never opened (reading a FIFO would wait forever). */
function notRegular(source: string, row: string): PreflightProblem {
  return {
    code: 'special-file',
    source,
    message: `${row}This is not a regular file (a named pipe, socket or device); it cannot be imported, and Haul does not open it.`,
    fix: 'Move it out of the folder or leave it out of the dataset; or skip the files with problems to copy the rest.',
  };
}

const uid = process.getuid?.() ?? -1;
const gids = new Set(process.getgroups?.() ?? []);
if (process.getgid) gids.add(process.getgid());

/**
 * Whether this process may read a file, from its mode bits (what access(R_OK) decides, without a
 * system call per file; ACLs are not looked at — a file they deny is reported when it is copied).
 */
function readableByMe(s: { uid: number; gid: number; mode: number }): boolean {
  if (uid < 0 || uid === 0) return true;
  if (s.uid === uid) return (s.mode & 0o400) !== 0;
  if (gids.has(s.gid)) return (s.mode & 0o040) !== 0;
  return (s.mode & 0o004) !== 0;
}

async function checkReadable(
  i: number,
  table: FileTable,
  report: (p: PreflightProblem, file?: number) => void,
): Promise<void> {
  try {
    await access(table.source(i), constants.R_OK);
  } catch (e) {
    report(
      {
        code: 'unreadable',
        source: table.source(i),
        message: `This file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}).`,
        fix: 'Give yourself read access to it, or leave it out of the dataset.',
      },
      i,
    );
  }
}
