// WAImportExport-style input files:
//   dataset.csv   BasePath,DstBlobPathOrPrefix,BlobType,Disposition,MetadataFile,PropertiesFile
//   driveset.csv  DriveLetter,FormatOption,SilentOrPromptOnFormat,Encryption,ExistingBitLockerKey
// On Linux and macOS the driveset's first column holds a mount path instead of a drive letter.
// Errors name the file, the row (as a spreadsheet shows it: the header is row 1) and the column;
// they quote at most a short piece of a cell and never a BitLocker key (a driveset holds them).
import { parse } from 'csv-parse/sync';
import { clause, quoted, safeMessage } from '../text';
import {
  BLOB_TYPES_IN_WORDS,
  blobType,
  DISPOSITIONS_IN_WORDS,
  importDisposition,
  type BlobType,
  type ImportDisposition,
} from './driveManifest';
import { HaulError, messageOf } from '../errors';

export const DATASET_COLUMNS = [
  'BasePath',
  'DstBlobPathOrPrefix',
  'BlobType',
  'Disposition',
  'MetadataFile',
  'PropertiesFile',
] as const;
export const DRIVESET_COLUMNS = [
  'DriveLetter',
  'FormatOption',
  'SilentOrPromptOnFormat',
  'Encryption',
  'ExistingBitLockerKey',
] as const;

export interface DatasetEntry {
  /** 2-based row number in the file (the header is row 1) */
  row: number;
  basePath: string;
  /**
   * true when BasePath ends with a separator: a folder, copied recursively. Otherwise pre-flight
   * asks the file system: a folder is copied recursively all the same.
   */
  isFolder: boolean;
  /** "container/prefix/" for folders, "container/blob" for files (as given when BasePath has no separator) */
  destination: string;
  blobType: BlobType;
  disposition: ImportDisposition;
  metadataFile?: string;
  propertiesFile?: string;
}

export interface DrivesetEntry {
  row: number;
  /** a drive letter (Windows) or a mount path / folder (Linux, macOS) */
  target: string;
  formatOption: 'Format' | 'AlreadyFormatted';
  silent: boolean;
  encryption: 'Encrypt' | 'AlreadyEncrypted' | 'None';
  /** the user's BitLocker key: a secret, never logged */
  bitLockerKey?: string;
}

export class CsvError extends HaulError {
  constructor(
    readonly file: string,
    readonly row: number,
    readonly column: string | undefined,
    detail: string,
  ) {
    super(
      'bad-csv',
      safeMessage(`${quotedName(file)}, row ${row}${column ? `, column ${quotedName(column)}` : ''}: ${detail}`),
      file,
    );
    this.name = 'CsvError';
  }
}

/** A file or column name inside a message: as it is when short and plain, else quoted and cut. */
function quotedName(name: string): string {
  return name.length <= 300 && !/[\u0000-\u001f]/.test(name) ? name : quoted(name, 300);
}

function readRows(
  text: string,
  file: string,
  columns: readonly string[],
): { row: number; cells: Record<string, string> }[] {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: false,
    }) as string[][];
  } catch (e) {
    throw new CsvError(
      file,
      (e as { lines?: number }).lines ?? 0,
      undefined,
      `the file is not valid CSV (${clause(safeMessage(messageOf(e), 300))}). Check the quotes on that row.`,
    );
  }
  const header = records[0];
  if (!header) throw new CsvError(file, 1, undefined, `the file is empty; expected the header ${columns.join(',')}`);
  const index = new Map<string, number>();
  header.forEach((h, i) => index.set(h.trim().toLowerCase(), i));
  for (const c of columns) {
    if (!index.has(c.toLowerCase()))
      throw new CsvError(file, 1, c, `the header has no column ${quoted(c)}; expected ${columns.join(',')}`);
  }
  const unknown = header.filter((h) => !columns.some((c) => c.toLowerCase() === h.trim().toLowerCase()));
  if (unknown.length)
    throw new CsvError(file, 1, undefined, `unknown column ${quoted(unknown[0]!)}; expected ${columns.join(',')}`);
  return records.slice(1).map((cells, i) => {
    const row = i + 2;
    if (cells.length > header.length)
      throw new CsvError(
        file,
        row,
        undefined,
        `the row has ${cells.length} cells but the header has ${header.length}; quote values that contain commas`,
      );
    const out: Record<string, string> = {};
    for (const c of columns) out[c] = (cells[index.get(c.toLowerCase())!] ?? '').trim();
    return { row, cells: out };
  });
}

/** "blockblob", "PAGEBLOB"…: the blob type, in the manifest's spelling; undefined when it is none. */
export function parseBlobType(text: string): BlobType | undefined {
  const t = text.trim().toLowerCase();
  return blobType.options.find((o) => o.toLowerCase() === t);
}

/** "Rename", "NO-OVERWRITE"…: the disposition, in the manifest's spelling; undefined when it is none. */
export function parseDisposition(text: string): ImportDisposition | undefined {
  const t = text.trim().toLowerCase();
  return importDisposition.options.find((o) => o.toLowerCase() === t);
}

const none = (v: string): string | undefined => (v === '' || v.toLowerCase() === 'none' ? undefined : v);

/** Parses dataset.csv. `file` is the name used in error messages. */
export function parseDataset(text: string, file = 'dataset.csv'): DatasetEntry[] {
  const rows = readRows(text, file, DATASET_COLUMNS);
  if (rows.length === 0)
    throw new CsvError(
      file,
      2,
      undefined,
      'the dataset lists no files or folders; add one row per folder or file to copy',
    );
  return rows.map(({ row, cells }) => {
    const basePath = cells.BasePath!;
    if (!basePath)
      throw new CsvError(
        file,
        row,
        'BasePath',
        'BasePath is empty; give the file, or the folder ending with a separator, to copy',
      );
    const isFolder = basePath.endsWith('/') || basePath.endsWith('\\');
    const dst = cells.DstBlobPathOrPrefix!.replace(/\\/g, '/').replace(/^\/+/, '');
    if (!dst)
      throw new CsvError(
        file,
        row,
        'DstBlobPathOrPrefix',
        'DstBlobPathOrPrefix is empty; it must start with the container name, e.g. "photos/" or "photos/2024/a.jpg"',
      );
    // Without a trailing separator BasePath may still be a folder: pre-flight asks the file system,
    // and says so when DstBlobPathOrPrefix names a prefix for what turns out to be a file.
    const bt = parseBlobType(cells.BlobType || 'BlockBlob');
    if (!bt)
      throw new CsvError(
        file,
        row,
        'BlobType',
        `${quoted(cells.BlobType!)} is not a blob type; use ${BLOB_TYPES_IN_WORDS}`,
      );
    const disp = parseDisposition(cells.Disposition || 'rename');
    if (!disp)
      throw new CsvError(
        file,
        row,
        'Disposition',
        `${quoted(cells.Disposition!)} is not a disposition; use ${DISPOSITIONS_IN_WORDS}`,
      );
    const entry: DatasetEntry = {
      row,
      basePath,
      isFolder,
      destination: isFolder && !dst.endsWith('/') ? `${dst}/` : dst,
      blobType: bt,
      disposition: disp,
    };
    const meta = none(cells.MetadataFile!);
    const props = none(cells.PropertiesFile!);
    if (meta) entry.metadataFile = meta;
    if (props) entry.propertiesFile = props;
    return entry;
  });
}

/** Parses driveset.csv. */
export function parseDriveset(text: string, file = 'driveset.csv'): DrivesetEntry[] {
  const rows = readRows(text, file, DRIVESET_COLUMNS);
  if (rows.length === 0) throw new CsvError(file, 2, undefined, 'the driveset lists no drives; add one row per drive');
  const seen = new Map<string, number>();
  return rows.map(({ row, cells }) => {
    const target = cells.DriveLetter!;
    if (!target)
      throw new CsvError(
        file,
        row,
        'DriveLetter',
        'DriveLetter is empty; give a drive letter (Windows) or the mount path of the drive',
      );
    const prev = seen.get(target);
    if (prev !== undefined)
      throw new CsvError(
        file,
        row,
        'DriveLetter',
        `${quoted(target)} is already listed on row ${prev}; list each drive once`,
      );
    seen.set(target, row);
    const fo = cells.FormatOption!.toLowerCase();
    const formatOption =
      fo === 'format' ? 'Format' : fo === 'alreadyformatted' || fo === '' ? 'AlreadyFormatted' : undefined;
    if (!formatOption)
      throw new CsvError(
        file,
        row,
        'FormatOption',
        `${quoted(cells.FormatOption!)} is not a format option; use Format or AlreadyFormatted`,
      );
    const sp = cells.SilentOrPromptOnFormat!.toLowerCase();
    if (sp !== '' && sp !== 'silentmode' && sp !== 'promptonformat')
      throw new CsvError(
        file,
        row,
        'SilentOrPromptOnFormat',
        `${quoted(cells.SilentOrPromptOnFormat!)} is not valid; use SilentMode or PromptOnFormat`,
      );
    const en = cells.Encryption!.toLowerCase();
    const encryption =
      en === 'encrypt'
        ? 'Encrypt'
        : en === 'alreadyencrypted'
          ? 'AlreadyEncrypted'
          : en === '' || en === 'none'
            ? 'None'
            : undefined;
    if (!encryption)
      throw new CsvError(
        file,
        row,
        'Encryption',
        `${quoted(cells.Encryption!)} is not valid; use Encrypt, AlreadyEncrypted or None`,
      );
    const key = none(cells.ExistingBitLockerKey!);
    if (encryption === 'AlreadyEncrypted' && !key)
      throw new CsvError(
        file,
        row,
        'ExistingBitLockerKey',
        'the drive is marked AlreadyEncrypted but no BitLocker key is given; add the 48-digit recovery key',
      );
    if (key && !/^\d{6}(-\d{6}){7}$/.test(key))
      throw new CsvError(
        file,
        row,
        'ExistingBitLockerKey',
        'the BitLocker key is not a recovery key of 8 groups of 6 digits separated by hyphens',
      );
    const entry: DrivesetEntry = { row, target, formatOption, silent: sp !== 'promptonformat', encryption };
    if (key) entry.bitLockerKey = key;
    return entry;
  });
}
