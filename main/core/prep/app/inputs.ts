// What a preparation is given, turned into what the engine takes: picked folders and files, or a
// dataset.csv, into dataset entries; a target list or a driveset.csv into targets. Errors name the
// file, row and column (CsvError) or the path; nothing here speaks of command-line flags.
import { isUtf8 } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CsvError, parseDataset, parseDriveset, type DatasetEntry } from '../../../../shared/formats/dataset';
import type { BlobType, ImportDisposition } from '../../../../shared/formats/driveManifest';
import { drivesetPath } from '../../../../shared/bitlocker';
import { decodeName } from '../../../../shared/prep/names';
import { quoted } from '../../../../shared/text';
import type { CsvInput, PrepSources, PrepTargetInput } from '../../../../shared/prep/session';
import type { PrepTarget } from '../plan/targets';
import { HaulError } from '../../../../shared/errors';

/** An input that cannot be used as given; `field` (its target) is the request's field it is about. */
export class InputError extends HaulError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super('bad-input', message, field);
    this.name = 'InputError';
  }
}

/** The text of a CSV input and the name its errors use. */
export function readCsv(input: CsvInput, what: string, field: string): { text: string; name: string } {
  if ('text' in input) return { text: input.text, name: input.name ?? what };
  try {
    // stat first: a folder is no CSV, and opening a named pipe would wait forever
    const st = statSync(input.path);
    if (st.isDirectory())
      throw new InputError(
        `${input.path} is a folder; give the ${what} file itself${what.includes('.') ? ` (e.g. ${join(input.path, what)})` : ''}.`,
        field,
      );
    if (!st.isFile())
      throw new InputError(
        `${input.path} is not a regular file (a pipe, socket or device); give the ${what} file itself.`,
        field,
      );
    const bytes = readFileSync(input.path);
    if (!isUtf8(bytes)) throw new InputError(notUtf8(input.path, what, bytes), field);
    return { text: bytes.toString('utf8'), name: input.path };
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${input.path} does not exist; give the path of your ${what}.`
        : code === 'EACCES'
          ? `Haul may not read ${input.path}; give yourself read access to it.`
          : `${input.path} could not be read (${code ?? 'error'}); check the path of your ${what}.`,
      field,
    );
  }
}

/**
 * Where a CSV stops being UTF-8 (Excel's plain "CSV" is Windows-1252): the line, the column and the
 * cell holding the first byte that is not, shown escaped. Never the whole line: a driveset's line
 * holds a BitLocker key, and a key's cell is not shown at all.
 */
function notUtf8(path: string, what: string, bytes: Buffer): string {
  const firstNl = bytes.indexOf(0x0a);
  const header = (firstNl < 0 ? '' : bytes.subarray(0, firstNl).toString('latin1')).replace(/\r$/, '').split(',');
  let start = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    const text = bytes.subarray(start, end);
    if (!isUtf8(text) || nl < 0) {
      // the first byte that does not decode: its cell runs from the comma before it to the comma after
      let bad = 0;
      for (;;) {
        let n = 1;
        while (n <= 4 && !isUtf8(text.subarray(bad, bad + n))) n++;
        if (n > 4 || bad >= text.length) break;
        bad += n;
      }
      const cellStart = text.lastIndexOf(0x2c, bad) + 1;
      const comma = text.indexOf(0x2c, bad);
      const cell = text.subarray(cellStart, comma < 0 ? text.length : comma);
      const column = text.subarray(0, cellStart).filter((b) => b === 0x2c).length;
      const name = header[column]?.trim();
      const shown = /bitlocker|key/i.test(name ?? '')
        ? 'the value is not shown'
        : quoted(decodeName(cell).shown.replace(/\r$/, ''));
      return `${path}, line ${line}${name ? `, column ${/^[\w ]{1,40}$/.test(name) ? name : quoted(name, 40)}` : ''}, is not UTF-8 text (${shown}); save the ${what} as UTF-8 (in Excel: "CSV UTF-8").`;
    }
    start = nl + 1;
  }
}

/** Picked paths under one destination, as dataset entries (a folder keeps its contents under the prefix). */
export function pickedEntries(
  paths: string[],
  destination: string,
  blobType: BlobType,
  disposition: ImportDisposition,
): DatasetEntry[] {
  const dest = destination.replace(/\\/g, '/').replace(/^\/+/, '');
  return paths.map((s, k) => {
    let isFolder = true;
    try {
      isFolder = statSync(s).isDirectory();
    } catch {
      /* pre-flight reports it */
    }
    const name =
      s
        .replace(/[/\\]+$/, '')
        .split(/[/\\]/)
        .pop() ?? s;
    return {
      row: k + 1,
      basePath: isFolder && !/[/\\]$/.test(s) ? `${s}/` : s,
      isFolder,
      destination: isFolder ? (dest.endsWith('/') ? dest : `${dest}/`) : dest.endsWith('/') ? `${dest}${name}` : dest,
      blobType,
      disposition,
    };
  });
}

export function entriesFromSources(sources: PrepSources): DatasetEntry[] {
  if (sources.kind === 'picked')
    return pickedEntries(sources.paths, sources.destination, sources.blobType, sources.disposition);
  const { text, name } = readCsv(sources.dataset, 'dataset.csv', 'sources.dataset');
  const entries = parseDataset(text, name);
  return 'path' in sources.dataset ? fromCsvFolder(entries, dirname(resolve(sources.dataset.path))) : entries;
}

/** Relative paths in a dataset.csv are relative to the CSV's folder, wherever Haul was started. */
function fromCsvFolder(entries: DatasetEntry[], folder: string): DatasetEntry[] {
  const at = (p: string) => (isAbsolute(p) || /^[A-Za-z]:[\\/]|^\\\\/.test(p) ? p : join(folder, p));
  return entries.map((e) => {
    const basePath = at(e.basePath);
    const out: DatasetEntry = { ...e, basePath: e.isFolder && !/[/\\]$/.test(basePath) ? `${basePath}/` : basePath };
    if (e.metadataFile) out.metadataFile = at(e.metadataFile);
    if (e.propertiesFile) out.propertiesFile = at(e.propertiesFile);
    return out;
  });
}

/**
 * A driveset row asking Haul to turn BitLocker on before the copy (Encryption=Encrypt), formatting
 * the drive NTFS first when it says FormatOption=Format. Only Windows can; see ensureBitLocker.
 */
export interface DrivesetEncrypt {
  /** the driveset's name and the row, for messages */
  file: string;
  row: number;
  format: boolean;
}

export type DrivesetTarget = PrepTarget & { encrypt?: DrivesetEncrypt };

/**
 * Targets from a driveset.csv. `Encryption=Encrypt` is accepted on Windows, as WAImportExport does
 * (the target carries `encrypt`: BitLocker is turned on before the copy); elsewhere the row is
 * refused with the way to do it. `FormatOption=Format` goes only with `Encrypt` (Haul formats a
 * drive NTFS only to turn BitLocker on, and only once the person typed the confirmation).
 */
export function targetsFromDriveset(input: CsvInput, platform: string = process.platform): DrivesetTarget[] {
  const { text, name } = readCsv(input, 'driveset.csv', 'driveset');
  return parseDriveset(text, name).map((d) => {
    if (d.encryption === 'Encrypt' && platform !== 'win32')
      throw new CsvError(
        name,
        d.row,
        'Encryption',
        `Encrypt asks Haul to turn BitLocker on for ${d.target}, which it can do only on Windows (${platform === 'darwin' ? 'macOS cannot read or write BitLocker drives' : 'Linux tools can open a BitLocker drive, not create one'}). Turn it on on a Windows computer ("haul bitlocker on E: --key-file E.key" as administrator, or Haul's Turn on BitLocker), then set this row to AlreadyEncrypted with the drive's recovery password`,
      );
    if (d.formatOption === 'Format' && d.encryption !== 'Encrypt')
      throw new CsvError(
        name,
        d.row,
        'FormatOption',
        'Haul formats a drive (NTFS) only to turn BitLocker on: set Encryption to Encrypt on this row, or FormatOption to AlreadyFormatted and format the drive yourself',
      );
    const path = drivesetPath(d.target, platform);
    const target: DrivesetTarget = d.bitLockerKey ? { path, bitLockerKey: d.bitLockerKey } : { path };
    if (d.encryption === 'Encrypt') target.encrypt = { file: name, row: d.row, format: d.formatOption === 'Format' };
    return target;
  });
}

/** The targets of a spec: its list, or its driveset (not both). */
export function targetsOf(spec: { targets: PrepTargetInput[]; driveset?: CsvInput | undefined }): DrivesetTarget[] {
  if (spec.driveset && spec.targets.length)
    throw new InputError('Give either a list of drives or a driveset.csv, not both.', 'driveset');
  return spec.driveset
    ? targetsFromDriveset(spec.driveset)
    : spec.targets.map((t) => (t.bitLockerKey ? { path: t.path, bitLockerKey: t.bitLockerKey } : { path: t.path }));
}
