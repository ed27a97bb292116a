// The MetadataFile and PropertiesFile columns of dataset.csv: checked in pre-flight (the file is
// there, readable, small enough and in the documented <Metadata>/<Properties> shape), copied onto
// the drive next to the session's data when its manifest is written, and named in the manifest as
// the blob's MetadataPath/PropertiesPath with the MD5 of the bytes copied.
import { readFileSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatasetEntry } from '../../../../shared/formats/dataset';
import {
  SIDECAR_MAX_BYTES,
  parseMetadataFile,
  parsePropertiesFile,
  type ManifestSidecar,
} from '../../../../shared/formats/driveManifest';
import type { PreflightProblem } from '../../../../shared/prep/types';
import type { FileRecord } from './fileRecord';
import { md5Upper, writeAtomicAsync } from './write';
import { messageOf } from '../../../../shared/errors';

export type SidecarKind = 'metadata' | 'properties';

const COLUMN: Record<SidecarKind, string> = { metadata: 'MetadataFile', properties: 'PropertiesFile' };

/** Where a session keeps its metadata and properties files on a drive: no container can be named so. */
export const SIDECAR_DIR = '.haul-sidecars';

/** Checks one file's bytes: the documented shape for its kind. Throws a sentence naming the file. */
function checkShape(kind: SidecarKind, bytes: Buffer, file: string): void {
  const xml = bytes.toString('utf8');
  if (kind === 'metadata') parseMetadataFile(xml, file);
  else parsePropertiesFile(xml, file);
}

/** What is wrong with the file a row names (undefined when nothing). */
async function sidecarProblem(kind: SidecarKind, file: string): Promise<string | undefined> {
  const abs = resolve(file);
  try {
    const s = await stat(abs);
    if (!s.isFile()) return `${file} is not a regular file.`;
    if (s.size > SIDECAR_MAX_BYTES)
      return `${file} is ${s.size} bytes; a ${kind} file may be at most ${SIDECAR_MAX_BYTES} bytes.`;
    const fh = await open(abs, 'r');
    let bytes: Buffer;
    try {
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
    checkShape(kind, bytes, file);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${file} does not exist.`;
    if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied).`;
    return messageOf(e);
  }
}

/**
 * The problems with a row's MetadataFile and PropertiesFile (`checked` remembers files already
 * looked at, so rows sharing one file read it once). A row with a problem is not copied: its blobs
 * would otherwise reach storage without the metadata or properties the row asks for.
 */
export async function sidecarProblems(
  entry: DatasetEntry,
  checked: Map<string, Promise<string | undefined>>,
): Promise<PreflightProblem[]> {
  const out: PreflightProblem[] = [];
  for (const kind of ['metadata', 'properties'] as const) {
    const file = kind === 'metadata' ? entry.metadataFile : entry.propertiesFile;
    if (file === undefined) continue;
    const key = `${kind}\u0000${resolve(file)}`;
    let p = checked.get(key);
    if (!p) checked.set(key, (p = sidecarProblem(kind, file)));
    const problem = await p;
    if (problem)
      out.push({
        code: 'sidecar-file',
        source: file,
        message: `dataset.csv, row ${entry.row}, column ${COLUMN[kind]}: ${problem} None of the row's files (${entry.basePath}) are copied without it.`,
        fix:
          kind === 'metadata'
            ? 'Give a file <Metadata><name>value</name>…</Metadata> (names of letters, digits and "_", at most 8 KiB in all), or write None in MetadataFile.'
            : 'Give a file <Properties> with any of Content-Type, Content-MD5, Content-Encoding, Content-Language, Cache-Control, or write None in PropertiesFile.',
      });
  }
  return out;
}

/** The journal record's fields for a row's metadata and properties files (their absolute paths). */
export function sidecarFields(entry: DatasetEntry): Pick<FileRecord, 'meta' | 'props'> {
  return {
    ...(entry.metadataFile !== undefined ? { meta: resolve(entry.metadataFile) } : {}),
    ...(entry.propertiesFile !== undefined ? { props: resolve(entry.propertiesFile) } : {}),
  };
}

/**
 * Copies the metadata and properties files the records name onto the drive (once per file and
 * session, named by their MD5) and returns, per record, what the manifest says of them. A file
 * that has gone or no longer has the documented shape stops the manifest with a sentence naming it:
 * the blob must not reach storage without it.
 */
export async function placeSidecars(
  root: string,
  records: FileRecord[],
): Promise<Map<FileRecord, { metadata?: ManifestSidecar; properties?: ManifestSidecar }>> {
  const out = new Map<FileRecord, { metadata?: ManifestSidecar; properties?: ManifestSidecar }>();
  const bytesOf = new Map<string, { bytes: Buffer; hash: string }>();
  const placed = new Set<string>();
  for (const r of records) {
    if (r.meta === undefined && r.props === undefined) continue; // most files: nothing to place
    const got: { metadata?: ManifestSidecar; properties?: ManifestSidecar } = {};
    for (const [kind, src] of [
      ['metadata', r.meta],
      ['properties', r.props],
    ] as const) {
      if (src === undefined) continue;
      let f = bytesOf.get(src);
      if (!f) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(src);
        } catch (e) {
          throw new Error(
            `the ${kind} file ${src} for ${r.src} cannot be read any more (${(e as NodeJS.ErrnoException).code ?? messageOf(e)}); put it back and run the same command again to write the manifest.`,
          );
        }
        try {
          checkShape(kind, bytes, src);
        } catch (e) {
          throw new Error(`${messageOf(e)} (it changed since pre-flight); fix it and run the same command again.`);
        }
        f = { bytes, hash: md5Upper(bytes) };
        bytesOf.set(src, f);
      }
      const path = `${r.s}/${SIDECAR_DIR}/${f.hash}.${kind}.xml`;
      if (!placed.has(path)) {
        await writeAtomicAsync(join(root, ...path.split('/')), f.bytes, true);
        placed.add(path);
      }
      got[kind] = { path, hash: f.hash };
    }
    if (got.metadata || got.properties) out.set(r, got);
  }
  return out;
}
