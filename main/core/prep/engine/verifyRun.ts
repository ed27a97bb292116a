// The verify at the end of a run. Each drive whose manifest the run wrote is read back: its
// DriveManifest.xml (the hash the job registers and the header records, and every blob of this
// journal as it was journaled), then the blocks of the files this run wrote — and of any file no
// verify has read back since it was written. A file an earlier run verified and that nothing wrote
// since counts as verified (the journal's `verified` records say which): an Update that changes
// one file of 10 TB reads that file, not the 10 TB. A full verify (prep.verify, `haul verify`)
// reads every block.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseDriveManifest, sessionOf } from '../../../../shared/formats/driveManifest';
import type { PreparedDrive } from '../../../../shared/prep/session';
import type { PrepEvent } from '../../../../shared/prep/types';
import { readHeader } from '../drive-format/driveFiles';
import type { FileRecord } from '../drive-format/fileRecord';
import { md5Upper } from '../drive-format/write';
import type { Journal, JournalRecord } from '../journal/journal';
import type { VerifyItem } from '../threads/protocol';
import { checkBlocks, verifyItems } from '../verify/verify';
import { messageOf } from '../../../../shared/errors';

/** One drive to verify: its root and what the run wrote on it. */
export interface VerifyDrive {
  root: string;
  prepared: PreparedDrive;
  /** the drive's state while it is read (the progress shows it) */
  setBusy(busy: boolean): void;
}

interface Planned {
  drive: VerifyDrive;
  /** the blocks to read */
  items: VerifyItem[];
  /** files verified before and not written since: not read */
  earlier: { files: number; bytes: number };
  /** what is wrong with the manifest as read back, in words */
  manifestProblems: string[];
}

export interface VerifyOutcome {
  ok: boolean;
  /** files of this journal whose copy failed (journaled: the next run copies them again) */
  failedOurs: number;
  /** files of other journals that failed */
  failedOthers: number;
}

/** The manifest as read back from the drive against what was written and journaled. */
function checkManifest(root: string, prepared: PreparedDrive, records: FileRecord[], journal: Journal) {
  const problems: string[] = [];
  const where = join(root, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = readFileSync(where);
  } catch (e) {
    return { problems: [`${where} cannot be read back (${messageOf(e)}).`], items: [] };
  }
  const hash = md5Upper(bytes);
  if (hash !== prepared.manifestHash)
    problems.push(
      `${where} reads back with MD5 ${hash}, not ${prepared.manifestHash} as written: the drive did not keep it.`,
    );
  const header = readHeader(root);
  if (header?.manifestHash !== hash)
    problems.push(`The drive header on ${root} does not record the manifest's MD5 (${hash}).`);
  let items: VerifyItem[];
  try {
    items = verifyItems(parseDriveManifest(bytes.toString('utf8')));
  } catch (e) {
    return { problems: [...problems, `${where} cannot be read: ${messageOf(e)}`], items: [] };
  }
  const byPath = new Map(items.map((it) => [it.rel, it]));
  let wrong = 0;
  const examples: string[] = [];
  for (const r of records) {
    const it = byPath.get(r.path);
    if (it && it.length === r.size && it.blocks.toUpperCase() === r.blocks.toUpperCase()) continue;
    wrong++;
    if (examples.length < 3) examples.push(r.path);
  }
  const ours = items.filter((it) => journal.sessions.has(sessionOf(it.rel))).length;
  if (wrong || ours !== records.length)
    problems.push(
      `${where} does not list the ${records.length} files of the journal as they were copied${wrong ? ` (${examples.join(', ')}${wrong > examples.length ? ' …' : ''})` : ` (it lists ${ours})`}: prepare the drive again with the same journal to rewrite it.`,
    );
  return { problems, items };
}

/** What each drive needs read: the manifest's blobs of this journal not verified since they were written (all with `full`). */
export function planVerify(drives: VerifyDrive[], journal: Journal, full: boolean): Planned[] {
  return drives.map((drive) => {
    const records = journal.filesOnDrive(drive.prepared.driveId);
    const { problems, items } = checkManifest(drive.root, drive.prepared, records, journal);
    const toRead = new Set<string>();
    const earlier = { files: 0, bytes: 0 };
    for (const r of records) {
      if (!full && journal.isVerified(r)) {
        earlier.files++;
        earlier.bytes += r.size;
      } else toRead.add(r.path);
    }
    return {
      drive,
      // blobs other journals wrote are theirs to verify; read them only in a full verify
      items: items.filter((it) => toRead.has(it.rel) || (full && !journal.sessions.has(sessionOf(it.rel)))),
      earlier,
      manifestProblems: problems,
    };
  });
}

export const verifyBytes = (planned: Planned[]): number =>
  planned.reduce((s, p) => s + p.items.reduce((n, it) => n + it.length, 0), 0);

/**
 * Reads the planned blocks of every drive at once (one worker each), journals each drive's
 * outcome (`mismatch` per failed file, then `verified` with the bytes read and the time it took:
 * the drive's read speed) and says it as a `verify-result`.
 */
export async function runVerify(
  planned: Planned[],
  journal: Journal,
  opts: { workerUrl: URL; onBytes(n: number): void; emit(e: PrepEvent): void },
): Promise<VerifyOutcome> {
  const out: VerifyOutcome = { ok: true, failedOurs: 0, failedOthers: 0 };
  await Promise.all(
    planned.map(async ({ drive, items, earlier, manifestProblems }) => {
      const { prepared, root } = drive;
      const earlierFields = earlier.files ? { earlierFiles: earlier.files, earlierBytes: earlier.bytes } : {};
      drive.setBusy(true);
      const started = Date.now();
      try {
        const res = items.length
          ? await checkBlocks(root, items, opts.onBytes, opts.workerUrl)
          : { blobs: 0, blocks: 0, bytes: 0, mismatches: [], failed: [] };
        const ms = Date.now() - started;
        const mismatches = [...manifestProblems, ...res.mismatches];
        const ok = mismatches.length === 0;
        if (!ok) out.ok = false;
        prepared.verified = ok;
        const at = Date.now();
        const bad = new Set(res.failed);
        const ours = journal.filesOnDrive(prepared.driveId).filter((f) => bad.has(f.path));
        out.failedOurs += ours.length;
        out.failedOthers += bad.size - ours.length;
        journal.append([
          ...ours.map((f): JournalRecord => ({ t: 'mismatch', s: f.s, blob: f.blob, drive: f.drive, at })),
          { t: 'verified', drive: prepared.driveId, at, ok, bytes: res.bytes, ms },
        ]);
        if (earlier.files) prepared.verifiedEarlier = earlier;
        const speed = journal.readSpeed(prepared.driveId);
        if (speed) prepared.readSpeed = speed.bytesPerSecond;
        opts.emit({
          type: 'verify-result',
          driveId: prepared.driveId,
          target: root,
          ok,
          blobs: res.blobs,
          blocks: res.blocks,
          bytes: res.bytes,
          mismatches: mismatches.slice(0, 100),
          ...earlierFields,
        });
      } catch (e) {
        out.ok = false;
        prepared.verified = false;
        opts.emit({
          type: 'verify-result',
          driveId: prepared.driveId,
          target: root,
          ok: false,
          blobs: 0,
          blocks: 0,
          bytes: 0,
          mismatches: [`verification could not run: ${messageOf(e)}`],
        });
      } finally {
        drive.setBusy(false);
      }
    }),
  );
  return out;
}
