// Resume: what the journal says is already on the drives. A file counts as done when its
// journal record matches the source (size, mtime, path), its copy did not fail verification, and
// the copy is still on its drive (or its drive is not attached now); a changed source, or a copy
// that failed verification, is copied again, onto the drive it was on. A file journaled before its
// data was flushed (written behind, not confirmed by a `synced` record) counts only once its copy
// on the drive is read back and matches every block MD5 the journal holds: after a kill -9 it is
// in the page cache and passes; after a power cut it may not, and is copied again.
import { closeSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { opendir, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { TargetInfo } from '../../drives/target';
import { readManifest } from '../drive-format/driveFiles';
import type { FileRecord } from '../drive-format/fileRecord';
import { SIDECAR_DIR } from '../drive-format/sidecars';
import { md5Upper } from '../drive-format/write';
import type { FileTable } from '../plan/fileTable';
import type { AbsentDrive } from '../../../../shared/prep/types';
import { fileKey, type Journal, type JournalRecord } from '../journal/journal';
import { TMP_DIR } from '../threads/protocol';
import { BLOCK_SIZE } from '../../../../shared/prep/constants';

/** Reads a copy back and compares each block's MD5 with the journal's (unconfirmed records only: a few hundred MiB a drive at most). */
function copyMatches(file: string, rec: FileRecord): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.allocUnsafe(Math.min(BLOCK_SIZE, Math.max(1, rec.size)));
    let got = '';
    for (let pos = 0; pos < rec.size; ) {
      const len = Math.min(BLOCK_SIZE, rec.size - pos);
      let n = 0;
      while (n < len) {
        const r = readSync(fd, buf, n, len - n, pos + n);
        if (r === 0) return false;
        n += r;
      }
      got += md5Upper(buf.subarray(0, len));
      pos += len;
    }
    return got === rec.blocks.toUpperCase();
  } finally {
    closeSync(fd);
  }
}

export interface DoneSoFar {
  /** file index -> drive index to try first (a changed file goes back where it was) */
  preferred: Map<number, number>;
  doneFiles: number;
  doneBytes: number;
  /** records of sources that changed since they were copied, or whose copy failed verification: replaced */
  staleRecords: FileRecord[];
  /**
   * records of this session whose file is no longer in the job (removed from the data, excluded,
   * or now under another blob path): their copies leave the drives and the manifests
   */
  removedRecords: FileRecord[];
  /** what stays on each drive (driveId -> files and bytes of this session already there) */
  kept: Map<string, { files: number; bytes: number }>;
  /** blobs this session holds from one source that this run would replace with another source's file */
  replaced: { blob: string; was: string; now: string }[];
  /** drives of this session that are not among the targets, and what they hold */
  absent: AbsentDrive[];
}

/** A drive of this session not attached now: what it holds, counted as the records are read. */
class AbsentDrives {
  private readonly byId = new Map<string, AbsentDrive>();
  constructor(private readonly journal: Journal) {}

  private of(driveId: string): AbsentDrive {
    let d = this.byId.get(driveId);
    if (!d) {
      const target = this.journal.drives.get(driveId)?.target ?? '';
      d = { driveId, target, files: 0, bytes: 0, extraFiles: 0, extraBytes: 0, changedFiles: 0, changedBytes: 0 };
      this.byId.set(driveId, d);
    }
    return d;
  }
  kept(r: FileRecord): void {
    const d = this.of(r.drive);
    d.files++;
    d.bytes += r.size;
  }
  changed(r: FileRecord): void {
    const d = this.of(r.drive);
    d.changedFiles++;
    d.changedBytes += r.size;
    this.name(d, r);
  }
  extra(r: FileRecord): void {
    const d = this.of(r.drive);
    d.extraFiles++;
    d.extraBytes += r.size;
    this.name(d, r);
  }
  /** the first few files waiting for the drive, named in what the plan says */
  private name(d: AbsentDrive, r: FileRecord): void {
    const waiting = (d.waiting ??= []);
    if (waiting.length < 3) waiting.push(r.src);
  }
  get list(): AbsentDrive[] {
    return [...this.byId.values()];
  }
}

/**
 * Marks done files in the table (flags 2) and finds the stale ones. Reads only. A file whose copy
 * is on a drive not attached now stays where it is: unchanged, it is done; changed (or failed
 * verification), it waits for that drive (copied onto another, the old copy would stay listed in
 * that drive's manifest beside the new one); no longer in the job, it stays listed there until the
 * drive is attached again. `absent` says so per drive.
 */
export function findDone(table: FileTable, journal: Journal, session: string, infos: TargetInfo[]): DoneSoFar {
  const driveIndex = new Map(infos.map((t, k) => [t.driveId, k]));
  const preferred = new Map<number, number>();
  let doneFiles = 0;
  let doneBytes = 0;
  const staleRecords: FileRecord[] = [];
  const kept = new Map<string, { files: number; bytes: number }>();
  const absent = new AbsentDrives(journal);
  const keep = (rec: FileRecord) => {
    const d = kept.get(rec.drive) ?? { files: 0, bytes: 0 };
    d.files++;
    d.bytes += rec.size;
    kept.set(rec.drive, d);
  };
  /** the keys of the files the job holds now */
  const inJob = new Set<string>();
  const replaced: DoneSoFar['replaced'] = [];
  for (let i = 0; i < table.count; i++) {
    if (table.flags[i]) continue;
    inJob.add(fileKey(session, table.blobPath(i)));
    const rec = journal.files.get(fileKey(session, table.blobPath(i)));
    if (!rec) continue;
    const k = driveIndex.get(rec.drive);
    const unchanged = rec.size === table.size(i) && rec.mtime === table.mtime(i) && rec.src === table.source(i);
    const verifiedBad = journal.mismatched.has(fileKey(session, table.blobPath(i)));
    if (k === undefined) {
      // on a drive not attached now: done when unchanged, else it waits for its drive
      table.flags[i] = 2;
      if (unchanged && !verifiedBad) {
        doneFiles++;
        doneBytes += rec.size;
        absent.kept(rec);
      } else absent.changed(rec);
      continue;
    }
    if (unchanged && !verifiedBad) {
      const copy = join(infos[k]!.path, rec.path);
      try {
        if (statSync(copy).size === rec.size) {
          if (!journal.unconfirmed(rec) || copyMatches(copy, rec)) {
            table.flags[i] = 2;
            doneFiles++;
            doneBytes += rec.size;
            keep(rec);
            continue;
          }
          staleRecords.push(rec); // written behind and lost (a power cut): replaced
        }
      } catch {
        /* missing on the drive: copy again */
      }
    } else {
      staleRecords.push(rec);
      if (rec.src !== table.source(i)) replaced.push({ blob: rec.blob, was: rec.src, now: table.source(i) });
    }
    preferred.set(i, k);
  }
  // A file of this session the job no longer holds leaves its (attached) drive; one on a drive not
  // attached now stays recorded, and goes once that drive is back.
  const removedRecords: FileRecord[] = [];
  for (const [key, rec] of journal.files) {
    if (rec.s !== session || inJob.has(key)) continue;
    if (driveIndex.has(rec.drive)) removedRecords.push(rec);
    else absent.extra(rec);
  }
  return { preferred, doneFiles, doneBytes, staleRecords, removedRecords, kept, replaced, absent: absent.list };
}

/**
 * Space on each target that the copy frees before it starts: old copies of changed sources and
 * partial temporaries of an interrupted run. Counted by `plan` (which writes nothing).
 */
export function reclaimableBytes(infos: TargetInfo[], stale: FileRecord[]): number[] {
  return infos.map((t) => {
    let bytes = 0;
    for (const r of stale) {
      if (r.drive !== t.driveId) continue;
      try {
        bytes += statSync(join(t.path, r.path)).size;
      } catch {
        /* already gone */
      }
    }
    try {
      for (const f of readdirSync(join(t.path, TMP_DIR))) {
        try {
          bytes += statSync(join(t.path, TMP_DIR, f)).size;
        } catch {
          /* gone */
        }
      }
    } catch {
      /* no temporaries */
    }
    return bytes;
  });
}

/**
 * Removes, from this session's folder on each drive, the files no manifest will list: copies a run
 * killed with -9 wrote but never journaled. Left there, the next run may place those files on
 * another drive, and the drive stays "unfinished" for good. What the drive's manifest lists now
 * (another journal's run of this session) and the session's sidecar folder are kept.
 */
export async function removeUnlisted(infos: TargetInfo[], journal: Journal, session: string): Promise<number> {
  let removed = 0;
  for (const t of infos) {
    const dir = join(t.path, session);
    let entries;
    try {
      entries = await opendir(dir, { recursive: true });
    } catch {
      continue; // nothing of this session on the drive
    }
    const listed = new Set(journal.filesOnDrive(t.driveId).map((f) => f.path));
    try {
      for (const b of readManifest(t.path)?.blobs ?? []) listed.add(b.filePath);
    } catch {
      /* a damaged manifest is rewritten from the journal by this run */
    }
    for await (const e of entries) {
      if (!e.isFile()) continue;
      const rel = relative(t.path, join(e.parentPath, e.name)).split(sep).join('/');
      if (listed.has(rel) || rel.split('/').includes(SIDECAR_DIR)) continue;
      await rm(join(e.parentPath, e.name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** Frees that space: removes old copies of changed sources and partial temporaries; journals the removals. */
export function reclaim(infos: TargetInfo[], stale: FileRecord[], journal: Journal): void {
  const driveIndex = new Map(infos.map((t, k) => [t.driveId, k]));
  for (const rec of stale) {
    const k = driveIndex.get(rec.drive);
    if (k !== undefined) rmSync(join(infos[k]!.path, rec.path), { force: true });
  }
  for (const t of infos) rmSync(join(t.path, TMP_DIR), { recursive: true, force: true });
  if (stale.length)
    journal.append(stale.map((r): JournalRecord => ({ t: 'removed', s: r.s, blob: r.blob, drive: r.drive })));
}
