// `haul verify`: checks a prepared drive against its manifest alone (no source needed) — the
// header's manifest hash, then every block of every blob.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER_FILE, MANIFEST_FILE, parseDriveHeader, parseDriveManifest } from '../../../shared/formats/driveManifest';
import { md5Upper } from './driveFiles';
import { copyWorkerUrl, startWorker } from './workerBoot';
import type { FromWorker, VerifyItem } from './protocol';

export interface VerifyReport {
  ok: boolean;
  driveId?: string;
  jobName?: string;
  blobs: number;
  blocks: number;
  bytes: number;
  /** problems in words, each naming the file (and block) at fault */
  problems: string[];
}

export async function verifyTarget(root: string, onBytes?: (done: number, total: number) => void, workerUrl?: URL): Promise<VerifyReport> {
  const report: VerifyReport = { ok: false, blobs: 0, blocks: 0, bytes: 0, problems: [] };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    report.problems.push(`${root} is not a folder; give the mount path of the prepared drive.`);
    return report;
  }
  const manifestPath = join(root, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    report.problems.push(`${manifestPath} does not exist: this drive was not prepared by Haul (or the preparation never finished); run "haul prep" again.`);
    return report;
  }
  const bytes = readFileSync(manifestPath);
  let manifest;
  try { manifest = parseDriveManifest(bytes.toString('utf8')); } catch (e) {
    report.problems.push(`${(e as Error).message} — the manifest is damaged; run "haul prep" with the same journal to rewrite it.`);
    return report;
  }
  report.driveId = manifest.driveId;
  const headerPath = join(root, HEADER_FILE);
  if (!existsSync(headerPath)) report.problems.push(`${HEADER_FILE} is missing on the drive; run "haul prep" with the same journal to rewrite it.`);
  else {
    try {
      const h = parseDriveHeader(readFileSync(headerPath, 'utf8'));
      report.jobName = h.jobName;
      if (h.driveId !== manifest.driveId) report.problems.push(`${HEADER_FILE} names drive ${h.driveId} but the manifest names ${manifest.driveId}.`);
      const actual = md5Upper(bytes);
      if (h.manifestHash !== actual) report.problems.push(`The manifest's hash (${actual}) differs from the one in ${HEADER_FILE} (${h.manifestHash}): the manifest was changed or is incomplete.`);
    } catch (e) {
      report.problems.push((e as Error).message);
    }
  }
  const items: VerifyItem[] = manifest.blobs.map((b) => ({ rel: b.filePath, length: b.length, blocks: b.blocks.map((k) => k.hash).join('') }));
  const total = items.reduce((s, i) => s + i.length, 0);
  let done = 0;
  const res = await new Promise<Extract<FromWorker, { t: 'verify-done' }>>((resolve, reject) => {
    const w = startWorker(workerUrl ?? copyWorkerUrl(), { root, rootDev: statSync(root).dev, maxRate: 0, noHelpers: true });
    w.on('message', (m: FromWorker) => {
      if (m.t === 'verify-bytes') { done += m.n; onBytes?.(done, total); }
      if (m.t === 'verify-done') { void w.terminate(); resolve(m); }
    });
    w.on('error', reject);
    w.postMessage({ t: 'verify', items });
  });
  report.blobs = res.blobs;
  report.blocks = res.blocks;
  report.bytes = res.bytes;
  report.problems.push(...res.mismatches);
  report.ok = report.problems.length === 0;
  return report;
}
