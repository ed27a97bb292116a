// Verify: a prepared drive checked against its manifest alone (no source needed) — the header's
// manifest hash, that the manifest is not older than the data (a preparation that stopped before
// it finished leaves files the manifest does not list, and its temporaries), then every block of
// every blob, re-read in a worker. `haul verify`, the app's prep.verify and a session's verify
// step all use it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import {
  driveInfoFileName,
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveHeader,
  parseDriveInfo,
  parseDriveManifest,
  type DriveHeader,
} from '../../../../shared/formats/driveManifest';
import { md5Upper } from '../drive-format/write';
import type { DriveManifest } from '../../../../shared/formats/driveManifest';
import type { VerifyReport } from '../../../../shared/prep/session';
import { Journal, type JournalRecord } from '../journal/journal';
import { JournalBusy, lockJournal } from '../journal/lock';
import { startWorker, workerFile } from '../threads/workerBoot';
import { TMP_DIR, type FromWorker, type VerifyItem } from '../threads/protocol';
import { messageOf } from '../../../../shared/errors';

export type { VerifyReport };

/** A session whose preparation of this drive did not finish: what the manifest lacks. */
export interface UnfinishedSession {
  session: string;
  /** files in the session's folder on the drive that the manifest does not list */
  onDrive: number;
  /** files the journal (when given) has on this drive that the manifest does not list */
  inJournal?: number;
  /** a few of those, drive-relative */
  examples: string[];
}

export interface DriveVerifyReport extends VerifyReport {
  /** set when the drive is unfinished: its manifest is older than its data */
  unfinished?: UnfinishedSession[];
  /** how many files failed (missing, another size, a block that differs) */
  failedFiles?: number;
  /** with a journal: how many of its files failed and were journaled to be copied again */
  copyAgain?: number;
}

/**
 * Journals the files of `journalPath` on this drive whose copy failed verification, so the next
 * run copies them again; returns how many. Takes the journal's lock (JournalBusy while a run has it).
 */
export async function journalMismatches(journalPath: string, driveId: string, failed: string[]): Promise<number> {
  const unlock = await lockJournal(journalPath);
  try {
    const journal = Journal.open(journalPath);
    try {
      const bad = new Set(failed);
      const at = Date.now();
      const ours = journal.filesOnDrive(driveId).filter((f) => bad.has(f.path));
      journal.append(ours.map((f): JournalRecord => ({ t: 'mismatch', s: f.s, blob: f.blob, drive: f.drive, at })));
      return ours.length;
    } finally {
      journal.close();
    }
  } finally {
    await unlock();
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * Sessions whose data on the drive is newer than its manifest: files under their folders (or in
 * the journal, when given) that the manifest does not list, or temporaries under .haul-tmp.
 */
export function findUnfinished(
  root: string,
  manifest: DriveManifest,
  header: DriveHeader | undefined,
  journal?: Journal,
): UnfinishedSession[] {
  const listed = new Set(manifest.blobs.map((b) => b.filePath));
  const sessions = new Set([...(header?.sessionIds ?? []), ...manifest.blobs.map((b) => b.filePath.split('/')[0]!)]);
  const found = new Map<string, UnfinishedSession>();
  const entry = (session: string): UnfinishedSession => {
    let u = found.get(session);
    if (!u) found.set(session, (u = { session, onDrive: 0, examples: [] }));
    return u;
  };
  for (const s of sessions) {
    let files;
    try {
      files = readdirSync(join(root, s), { recursive: true, withFileTypes: true });
    } catch {
      continue; // nothing of this session on the drive
    }
    for (const f of files) {
      if (!f.isFile()) continue;
      const rel = relative(root, join(f.parentPath, f.name)).split(sep).join('/');
      if (listed.has(rel)) continue;
      const u = entry(s);
      u.onDrive++;
      if (u.examples.length < 3) u.examples.push(rel);
    }
  }
  if (journal && header)
    for (const f of journal.filesOnDrive(header.driveId)) {
      if (listed.has(f.path)) continue;
      const u = entry(f.s);
      u.inJournal = (u.inJournal ?? 0) + 1;
      if (u.examples.length < 3 && !u.examples.includes(f.path)) u.examples.push(f.path);
    }
  if (!found.size && existsSync(join(root, TMP_DIR))) for (const s of header?.sessionIds ?? []) entry(s);
  return [...found.values()];
}

/** The problem, in words, of one unfinished session. */
function unfinishedProblem(driveId: string, u: UnfinishedSession, tmp: boolean): string {
  const lacks = [
    ...(u.onDrive ? [`${plural(u.onDrive, 'file')} on the drive`] : []),
    ...(u.inJournal ? [`${plural(u.inJournal, 'file')} in the journal`] : []),
  ];
  const what = lacks.length
    ? `session ${u.session} has ${lacks.join(' and ')} that ${MANIFEST_FILE} does not list (${u.examples.join(', ')})`
    : `session ${u.session} left partial files under ${TMP_DIR}`;
  return `Drive ${driveId} is unfinished: ${what}${tmp && lacks.length ? `, and partial files under ${TMP_DIR}` : ''} — its preparation stopped before it finished (a crash, a kill or a pulled drive). Run the same haul prep command again with the same journal to finish it, then verify again.`;
}

export interface BlockCheck {
  blobs: number;
  blocks: number;
  bytes: number;
  mismatches: string[];
  /** the drive-relative paths of the files with a mismatch */
  failed: string[];
}

/** The blobs of a manifest as the verify worker takes them. */
export function verifyItems(manifest: DriveManifest | undefined): VerifyItem[] {
  return (manifest?.blobs ?? []).map(
    (b): VerifyItem => ({ rel: b.filePath, length: b.length, blocks: b.blocks.map((k) => k.hash).join('') }),
  );
}

/** Re-reads every block of `items` under `root` in a worker; `onBytes` gets each read's size. */
export function checkBlocks(
  root: string,
  items: VerifyItem[],
  onBytes?: (n: number) => void,
  url: URL = workerFile('verifyWorker'),
): Promise<BlockCheck> {
  return new Promise((resolveV, reject) => {
    const w = startWorker(url, { root, rootDev: statSync(root).dev });
    w.on('message', (m: FromWorker) => {
      if (m.t === 'verify-bytes') onBytes?.(m.n);
      if (m.t === 'verify-done') {
        void w.terminate();
        resolveV(m);
      }
    });
    w.on('error', reject);
    w.postMessage({ t: 'verify', items });
  });
}

/** The manifest hash a job was given for a drive, and where it was read. */
export interface GivenHash {
  manifestHash: string;
  source: string;
}

/** The hash in the DriveInfo file that `haul prep` (or the app) wrote next to the journal for this drive. */
export function givenByJournal(journalPath: string, driveId: string): GivenHash | undefined {
  const file = driveInfoFileName(journalPath.slice(0, journalPath.length - extname(journalPath).length), driveId);
  try {
    return { manifestHash: parseDriveInfo(readFileSync(file, 'utf8')).manifestHash, source: file };
  } catch {
    return undefined;
  }
}

/** The drive's header, read and checked against its manifest (what is wrong goes into `report`). */
function readHeaderChecked(
  root: string,
  driveId: string,
  actual: string,
  report: DriveVerifyReport,
): DriveHeader | undefined {
  const headerPath = join(root, HEADER_FILE);
  let header: DriveHeader | undefined;
  if (!existsSync(headerPath))
    report.problems.push(
      `${HEADER_FILE} is missing on the drive; prepare the drive again with the same journal to rewrite it.`,
    );
  else {
    try {
      const h = parseDriveHeader(readFileSync(headerPath, 'utf8'));
      header = h;
      report.jobName = h.jobName;
      if (h.driveId !== driveId)
        report.problems.push(`${HEADER_FILE} names drive ${h.driveId} but the manifest names ${driveId}.`);
      if (h.manifestHash !== actual)
        report.problems.push(
          `The manifest's hash (${actual}) differs from the one in ${HEADER_FILE} (${h.manifestHash}): the manifest was changed or is incomplete.`,
        );
    } catch (e) {
      report.problems.push(messageOf(e));
    }
  }
  return header;
}

/**
 * Verifies one drive. `journalPath` (optional) is the journal that prepared it: what it has that
 * the manifest lacks is counted, its files that fail are journaled to be copied again, and the
 * manifest is checked against the hash the job was given (the DriveInfo file next to the journal).
 * `given` names that hash directly (a DriveInfo file the person has): by drive id.
 */
export async function verifyTarget(
  root: string,
  onBytes?: (done: number, total: number) => void,
  workerUrl?: URL,
  journalPath?: string,
  given?: (driveId: string) => GivenHash | undefined,
): Promise<DriveVerifyReport> {
  const report: DriveVerifyReport = { target: root, ok: false, blobs: 0, blocks: 0, bytes: 0, problems: [] };
  const journalFile = journalPath !== undefined && existsSync(journalPath) ? journalPath : undefined;
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    report.problems.push(`${root} is not a folder; give the mount path of the prepared drive.`);
    return report;
  }
  const manifestPath = join(root, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    report.problems.push(
      `${manifestPath} does not exist: this drive was not prepared by Haul (or the preparation never finished); prepare it again with the same journal.`,
    );
    return report;
  }
  const bytes = readFileSync(manifestPath);
  let manifest;
  try {
    manifest = parseDriveManifest(bytes.toString('utf8'));
  } catch (e) {
    report.problems.push(
      `${messageOf(e)} — the manifest is damaged; prepare the drive again with the same journal to rewrite it.`,
    );
    return report;
  }
  report.driveId = manifest.driveId;
  const actual = md5Upper(bytes);
  // The data center compares the manifest with the hash the job carries: a manifest changed since
  // (its header changed to match) is found here, not at the data center.
  const expected =
    given?.(manifest.driveId) ?? (journalFile ? givenByJournal(journalFile, manifest.driveId) : undefined);
  if (expected && expected.manifestHash !== actual)
    report.problems.push(
      `The manifest on the drive (hash ${actual}) is not the one the job was given (${expected.manifestHash}, in ${expected.source}): the data center faults a drive whose manifest hash differs from the job's. If the drive was prepared again since, give the job the new hash from its DriveInfo file; if not, the manifest was changed — prepare the drive again with its journal.`,
    );
  else if (!expected && given)
    report.problems.push(
      `No DriveInfo file given names drive ${manifest.driveId}: give the one for this drive to check its manifest against the job's hash.`,
    );
  const header = readHeaderChecked(root, manifest.driveId, actual, report);
  const unfinished = findUnfinished(root, manifest, header, journalFile ? Journal.read(journalFile) : undefined);
  if (unfinished.length) {
    report.unfinished = unfinished;
    const tmp = existsSync(join(root, TMP_DIR));
    report.problems.push(...unfinished.map((u) => unfinishedProblem(manifest.driveId, u, tmp)));
  }
  const items = verifyItems(manifest);
  const total = items.reduce((s, i) => s + i.length, 0);
  let done = 0;
  const res = await checkBlocks(
    root,
    items,
    (n) => {
      done += n;
      onBytes?.(done, total);
    },
    workerUrl,
  );
  report.blobs = res.blobs;
  report.blocks = res.blocks;
  report.bytes = res.bytes;
  report.problems.push(...res.mismatches);
  report.failedFiles = res.failed.length;
  if (journalFile && report.driveId && res.failed.length) {
    try {
      const n = await journalMismatches(journalFile, report.driveId, res.failed);
      report.copyAgain = n;
      if (n)
        report.problems.unshift(
          `${plural(n, 'file')} of ${journalFile} failed verification; resuming copies ${n === 1 ? 'it' : 'them'} again.`,
        );
    } catch (e) {
      if (!(e instanceof JournalBusy)) throw e;
      report.problems.unshift(
        `${e.message} The files that failed are not journaled to be copied again; verify again once it has ended.`,
      );
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}
