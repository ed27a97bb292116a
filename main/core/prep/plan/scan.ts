// Walks the dataset (streaming, folder by folder) into a compact FileTable and runs the
// pre-flight checks: every problem is tied to its source path and says what to do.
import { constants, statSync, type Dirent, type Stats } from 'node:fs';
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
  const table = new FileTable();
  const problems: PreflightProblem[] = [];
  let problemCount = 0;
  const maxProblems = opts.maxProblems ?? 1000;
  const report = (p: PreflightProblem, file?: number) => {
    problemCount++;
    if (problems.length < maxProblems) problems.push(p);
    if (file !== undefined) table.flags[file] = 1;
  };
  let totalBytes = 0;
  const largest = Math.max(0, ...opts.targets.map((t) => t.free));
  const maxName = Math.min(...opts.targets.map((t) => t.maxNameBytes), 255);
  const maxPath = Math.min(...opts.targets.map((t) => t.maxPathBytes - Buffer.byteLength(t.path) - 1), 4095);
  // Names as a case-insensitive drive sees them (the data center reads drives on Windows, so
  // always): blob path -> first file index, and folder path -> the first file under it.
  const seen = new Map<string, number>();
  /** when the walk last gave the event loop a turn */
  let lastTurn = performance.now();
  const folders = new Map<string, number>();
  const excluded = new Set((opts.exclude ?? []).map((p) => resolve(p)));
  const sidecarsChecked = new Map<string, Promise<string | undefined>>();

  /** A file where a folder of that name (in any case) holds other files, or the other way round. */
  const folderClash = (blobPath: string, key: string): string | undefined => {
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
  };
  /** Records a file that will be copied, and the folders it needs below its container. */
  const register = (key: string, i: number) => {
    seen.set(key, i);
    for (let k = key.lastIndexOf('/'); k > key.indexOf('/'); k = key.lastIndexOf('/', k - 1)) {
      const folderKey = key.slice(0, k);
      if (folders.has(folderKey)) break;
      folders.set(folderKey, i);
    }
  };

  const checkFile = (i: number, entry: DatasetEntry) => {
    const src = table.source(i);
    const blobPath = table.blobPath(i);
    const { blob } = splitBlobPath(blobPath);
    const size = table.size(i);
    const nameProblem = importBlobNameProblem(blob);
    if (nameProblem) {
      report(
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
    const prev = seen.get(key);
    const clash = prev === undefined ? folderClash(blobPath, key) : undefined;
    if (clash) {
      report(
        {
          code: 'case-collision',
          source: src,
          message: clash,
          fix: 'Rename the file or the folder, or give one of them another destination in the dataset.',
        },
        i,
      );
      return;
    }
    if (prev !== undefined) {
      const exact = table.blobPath(prev) === blobPath;
      report(
        exact
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
            },
        i,
      );
      return;
    }
    if (entry.blobType === 'PageBlob' && size % 512 !== 0) {
      report(
        {
          code: 'page-blob-size',
          source: src,
          message: `This file is a page blob of ${size} bytes, which is not a multiple of 512.`,
          fix: 'Import it as a BlockBlob, or pad the file (VHDs are always a multiple of 512).',
        },
        i,
      );
      return;
    }
    const sizeProblem = blobSizeProblem(entry.blobType, size);
    if (sizeProblem) {
      report(
        {
          code: 'too-large',
          source: src,
          message: `This file (${formatBytes(size)}) cannot be imported as a ${entry.blobType}: ${sizeProblem}.`,
          fix: 'Split the file yourself before copying (a PageBlob may be up to 1 TiB if it is a disk image).',
        },
        i,
      );
      return;
    }
    // what the plan and the copy count: the file's allocated size and manifest share, and the reserve
    if (
      opts.targets.length &&
      fileCost(size, blobPath.length) + DRIVE_RESERVE > largest &&
      !opts.onDrive?.(blobPath, src, size, table.mtime(i))
    ) {
      report(
        {
          code: 'too-large',
          source: src,
          message: `This file (${formatBytes(size)}) does not fit in the free space of the largest drive (${formatBytes(largest)}, of which ${formatBytes(DRIVE_RESERVE)} stay free for the manifest); files are never split across drives.`,
          fix: 'Use a larger drive, or split the file yourself before copying.',
        },
        i,
      );
      return;
    }
    const drivePath = `${opts.sessionId}/${blobPath}`;
    const tooLongPart = drivePath.split('/').find((p) => Buffer.byteLength(p) > maxName);
    if (tooLongPart !== undefined || Buffer.byteLength(drivePath) > maxPath) {
      report(
        {
          code: 'path-too-long',
          source: src,
          message:
            tooLongPart !== undefined
              ? `The name "${tooLongPart.slice(0, 40)}…" is longer than the target file system allows (${maxName} bytes).`
              : `The path on the drive would be ${Buffer.byteLength(drivePath)} bytes; the target allows ${maxPath}.`,
          fix: 'Shorten the file or folder names, or the destination prefix.',
        },
        i,
      );
      return;
    }
    register(key, i);
  };

  for (const [ei, entry] of entries.entries()) {
    if (excluded.has(resolve(entry.basePath))) continue;
    const sidecar = await sidecarProblems(entry, sidecarsChecked);
    if (sidecar.length) {
      for (const p of sidecar) report(p);
      continue;
    }
    const { container } = splitBlobPath(entry.destination);
    const cProblem = importContainerNameProblem(container);
    if (cProblem) {
      report({
        code: 'container-name',
        source: entry.basePath,
        message: `Row ${entry.row}: ${cProblem}.`,
        fix: 'Change the first part of DstBlobPathOrPrefix to a valid container name, e.g. "photos-2024".',
      });
      continue;
    }
    const base = resolve(entry.basePath);
    let st;
    try {
      st = await stat(base);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      report(
        code === 'ELOOP'
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
              },
      );
      continue;
    }
    if (!st.isDirectory()) {
      if (entry.isFolder) {
        report({
          code: 'special-file',
          source: entry.basePath,
          message: `Row ${entry.row}: BasePath ends with a separator but is not a folder.`,
          fix: 'Remove the trailing separator to copy a single file.',
        });
        continue;
      }
      if (!st.isFile()) {
        report(notRegular(entry.basePath, `Row ${entry.row}: `));
        continue;
      }
      if (entry.destination.endsWith('/') || !entry.destination.includes('/')) {
        report({
          code: 'blob-name',
          source: entry.basePath,
          message: `Row ${entry.row}: BasePath is a file, but DstBlobPathOrPrefix "${entry.destination}" names ${entry.destination.includes('/') ? 'a folder prefix' : 'only a container'}, not a blob.`,
          fix: `Give the file's full blob path, e.g. "${entry.destination.replace(/\/?$/, '/')}${basename(base)}".`,
        });
        continue;
      }
      const f = table.addFolder({ abs: dirname(base), blobPrefix: '', entry: ei });
      const i = table.add(f, basename(base), st.size, st.mtimeMs);
      table.blobOverride.set(i, entry.destination);
      totalBytes += st.size;
      await checkReadable(i, table, report);
      if (!table.flags[i]) checkFile(i, entry);
      continue;
    }
    // A folder, with or without the trailing separator: DstBlobPathOrPrefix is its prefix.
    const prefix = entry.destination.endsWith('/') ? entry.destination : `${entry.destination}/`;
    const prefixProblem =
      prefix.length > container.length + 1 ? importBlobNameProblem(prefix.slice(container.length + 1, -1)) : undefined;
    if (prefixProblem) {
      report({
        code: 'blob-name',
        source: entry.basePath,
        message: `Row ${entry.row}: the destination prefix "${prefix}" is not allowed: ${prefixProblem}.`,
        fix: 'Change DstBlobPathOrPrefix for this folder.',
      });
      continue;
    }
    // Iterative depth-first walk. `real` of each folder on the stack detects links back to an ancestor.
    const stack: { abs: string; rel: string; real: string }[] = [{ abs: base, rel: '', real: await realpath(base) }];
    while (stack.length) {
      const dir = stack.pop()!;
      let handle;
      try {
        // names as bytes: a name that is not UTF-8 cannot be opened through a string
        handle = await opendir(dir.abs, { bufferSize: 256, encoding: 'buffer' as BufferEncoding });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        report({
          code: 'unreadable',
          source: dir.abs,
          message: `This folder cannot be read (${code ?? 'error'}).`,
          fix: 'Give yourself read access to it, or leave it out of the dataset.',
        });
        continue;
      }
      const folder = table.addFolder({ abs: dir.abs, blobPrefix: `${prefix}${dir.rel}`, entry: ei });
      const subdirs: { abs: string; rel: string; real: string }[] = [];
      let batch: string[] = [];
      // a name from the folder has no separator: joined by hand, once (path.join normalizes, 6 % of a scan)
      const inDir = dir.abs.endsWith(sep) ? dir.abs : dir.abs + sep;
      const flush = async () => {
        const names = batch;
        batch = [];
        // Metadata in the cache answers in microseconds: read it in this turn while it stays that
        // cheap (a thread-pool round trip per file cost 30 µs), the rest asynchronously (a cold or
        // network disk), and give the event loop a turn every few milliseconds either way.
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
        else if (performance.now() - lastTurn > TURN_MS) {
          await new Promise((r) => setImmediate(r));
          lastTurn = performance.now();
        }
        for (const [k, name] of names.entries()) {
          const s = stats[k]!;
          const abs = inDir + name;
          if (excluded.size && excluded.has(abs)) continue;
          if (s instanceof Error) {
            const code = s.code;
            if (code === 'ELOOP')
              report({
                code: 'symlink-loop',
                source: abs,
                message: 'This symbolic link points back to itself (a link loop).',
                fix: 'Remove or fix the link.',
              });
            else if (code === 'ENOENT')
              report({
                code: 'missing-source',
                source: abs,
                message: 'This symbolic link points to something that does not exist.',
                fix: 'Remove or fix the link.',
              });
            else
              report({
                code: 'unreadable',
                source: abs,
                message: `This file cannot be read (${code ?? 'error'}).`,
                fix: 'Give yourself read access to it, or leave it out of the dataset.',
              });
            continue;
          }
          if (s.isDirectory()) {
            const real = await realpath(abs).catch(() => abs);
            if (real === dir.real || dir.real.startsWith(real.endsWith(sep) ? real : real + sep)) {
              report({
                code: 'symlink-loop',
                source: abs,
                message: `This symbolic link points back to a folder that contains it (${real}); following it would never end.`,
                fix: 'Remove the link, or leave this folder out of the dataset.',
              });
              continue;
            }
            subdirs.push({ abs, rel: `${dir.rel}${name}/`, real });
          } else if (s.isFile()) {
            const i = table.add(folder, name, s.size, s.mtimeMs);
            totalBytes += s.size;
            if (!readableByMe(s))
              report(
                {
                  code: 'unreadable',
                  source: abs,
                  message: 'You do not have permission to read this file.',
                  fix: 'Give yourself read access to it (chmod/chown), or leave it out of the dataset.',
                },
                i,
              );
            else checkFile(i, entry);
            if (opts.onCount && table.count % 5000 === 0) opts.onCount(table.count, totalBytes);
          } else report(notRegular(abs, ''));
        }
      };
      // Entries as stats are read: in this turn while a read of the folder answers from the cache
      // (an awaited read per buffer of entries cost 3 µs a file, three times the synchronous one),
      // asynchronously for the rest of the folder once one read is slow (a cold or network disk).
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
            report({
              code: 'blob-name',
              source: join(dir.abs, shown),
              message: `The name "${shown}" is not valid UTF-8 (bytes that are not text are shown as \\xNN), so it cannot be a blob name.`,
              fix: 'Rename the file or folder to a name in UTF-8 (e.g. with convmv), or leave it out of the dataset.',
            });
            continue;
          }
          batch.push(bytes.toString('utf8'));
          if (batch.length >= STAT_BATCH) await flush();
        }
      } finally {
        handle.closeSync();
      }
      await flush();
      // sort for a stable, human order (depth-first, names ascending)
      subdirs.sort((a, b) => (a.abs < b.abs ? 1 : -1));
      stack.push(...subdirs);
    }
  }
  return { table, problems, problemCount, totalBytes };
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
