// Verify: a prepared drive checked against its manifest alone (no source needed) — the header's
// manifest hash, then every block of every blob, re-read in a worker. `haul verify`, the app's
// prep.verify and a session's verify step all use it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  HEADER_FILE,
  MANIFEST_FILE,
  parseDriveHeader,
  parseDriveManifest,
} from '../../../shared/formats/driveManifest';
import { md5Upper } from './driveFiles';
import type { DriveManifest } from '../../../shared/formats/driveManifest';
import type { VerifyReport } from '../../../shared/prep/session';
import { startWorker, workerFile } from './workerBoot';
import type { FromWorker, VerifyItem } from './protocol';

export type { VerifyReport };

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

export async function verifyTarget(
  root: string,
  onBytes?: (done: number, total: number) => void,
  workerUrl?: URL,
): Promise<VerifyReport> {
  const report: VerifyReport = { target: root, ok: false, blobs: 0, blocks: 0, bytes: 0, problems: [] };
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
      `${(e as Error).message} — the manifest is damaged; prepare the drive again with the same journal to rewrite it.`,
    );
    return report;
  }
  report.driveId = manifest.driveId;
  const headerPath = join(root, HEADER_FILE);
  if (!existsSync(headerPath))
    report.problems.push(
      `${HEADER_FILE} is missing on the drive; prepare the drive again with the same journal to rewrite it.`,
    );
  else {
    try {
      const h = parseDriveHeader(readFileSync(headerPath, 'utf8'));
      report.jobName = h.jobName;
      if (h.driveId !== manifest.driveId)
        report.problems.push(`${HEADER_FILE} names drive ${h.driveId} but the manifest names ${manifest.driveId}.`);
      const actual = md5Upper(bytes);
      if (h.manifestHash !== actual)
        report.problems.push(
          `The manifest's hash (${actual}) differs from the one in ${HEADER_FILE} (${h.manifestHash}): the manifest was changed or is incomplete.`,
        );
    } catch (e) {
      report.problems.push((e as Error).message);
    }
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
  report.ok = report.problems.length === 0;
  return report;
}
