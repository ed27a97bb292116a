// Which files each drive of a job carried, from what this computer holds: the journals of the app's
// prep sessions that wrote the drive (source file, blob, size, block MD5s, sidecars), else the
// manifest backup the data center wrote to the storage account (blobs only: the source files are
// not known there). main/core/prep/README.md says what lives where.
import { existsSync } from 'node:fs';
import { parseDriveManifest, type BlobType, type ImportDisposition } from '../../../shared/formats/driveManifest';
import type { DriveView, JobView } from '../../../shared/jobs/schemas';
import type { PrepSessionInfo } from '../../../shared/prep/session';
import type { DriveFile } from '../../../shared/report/build';
import { Journal } from '../prep/journal/journal';

/** A file as the journal that copied it knows it: what the report shows, and what a check or a re-send needs. */
export interface KnownFile extends DriveFile {
  /** The whole file's MD5 (Base16), when the manifest's writer computed it (files of one block); else "". */
  md5: string;
  /** The block MD5s, 32 hex characters each, concatenated (4 MiB blocks, as the manifest lists them). */
  blocks: string;
  metadataFile?: string | undefined;
  propertiesFile?: string | undefined;
}

export interface DriveFiles {
  from: 'journal' | 'manifestBackup';
  list: KnownFile[];
}

const same = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The journals that wrote a drive of the job: sessions whose result names the drive with the
 * job's manifest hash; failing that, sessions of the same job name that targeted the drive.
 */
export function journalsFor(sessions: readonly PrepSessionInfo[], job: JobView, d: DriveView): string[] {
  const byManifest = sessions.filter((s) =>
    s.result?.drives.some(
      (r) => same(r.driveId, d.driveId) && (!d.manifestHash || !r.manifestHash || same(r.manifestHash, d.manifestHash)),
    ),
  );
  const found = byManifest.length
    ? byManifest
    : sessions.filter((s) => s.jobName === job.name && s.targets.some((t) => same(t.driveId, d.driveId)));
  return [...new Set(found.map((s) => s.journal))].filter((j) => existsSync(j));
}

/** The files of one drive in the journals given (a file journaled twice counts once). */
export function journalFiles(journals: readonly string[], driveId: string): KnownFile[] {
  const out = new Map<string, KnownFile>();
  for (const path of journals) {
    let j: Journal;
    try {
      j = Journal.read(path);
    } catch {
      continue; // an unreadable journal only means its files are not listed
    }
    for (const f of j.files.values()) {
      if (!same(f.drive, driveId)) continue;
      out.set(f.path, {
        blobPath: f.blob,
        filePath: f.path,
        length: f.size,
        blobType: f.type,
        disposition: f.disp,
        sourcePath: f.src,
        md5: f.md5,
        blocks: f.blocks,
        ...(f.meta ? { metadataFile: f.meta } : {}),
        ...(f.props ? { propertiesFile: f.props } : {}),
      });
    }
  }
  return [...out.values()];
}

/** The files of a manifest backup (DriveManifest.xml as the data center kept it). */
export function manifestFiles(xml: string): KnownFile[] {
  const m = parseDriveManifest(xml);
  return m.blobs.map((b) => ({
    blobPath: b.blobPath,
    filePath: b.filePath,
    length: b.length,
    blobType: b.blobType as BlobType,
    disposition: b.importDisposition as ImportDisposition,
    md5:
      b.blocks.length === 1 && b.blocks[0]!.offset === 0 && b.blocks[0]!.length === b.length ? b.blocks[0]!.hash : '',
    blocks: b.blobType === 'BlockBlob' ? b.blocks.map((k) => k.hash).join('') : '',
  }));
}
