// The local journal (never on the target), the customer's only record of what is on the drives:
// one record per line, `<JSON>\t<CRC-32 of the JSON's bytes, 8 hex digits>\n`, appended with a
// single write per batch. A kill -9 or power loss leaves at worst a torn last line, which is cut
// off silently when the journal is opened again. Any other damage (garbage, a changed byte, an
// editor's re-encoding) is found by the checksum, worked out on bytes, never on decoded text: the
// journal as it was is kept aside, the records that can be read are written back, and what was
// lost is reported (`damage`) — never repaired by guessing. Lines without a checksum are the
// earlier format and are read as they are, until the first line with one.
import {
  closeSync,
  copyFileSync,
  constants as fsConstants,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as z from 'zod';
import { printable } from '../../../../shared/prep/names';
import { describeIssues } from '../../../../shared/validation';
import { readHeader, readManifest } from '../drive-format/driveFiles';
import { fileRecord, fileRecordProblem, plainlyWhole, type FileRecord } from '../drive-format/fileRecord';
import { HaulError } from '../../../../shared/errors';

const record = z.discriminatedUnion('t', [
  fileRecord,
  z.object({ t: z.literal('session'), s: z.string(), job: z.string(), at: z.number() }),
  z.object({
    t: z.literal('drive'),
    drive: z.string(),
    target: z.string(),
    at: z.number(),
    generated: z.boolean().optional(),
  }),
  z.object({ t: z.literal('removed'), s: z.string(), blob: z.string(), drive: z.string() }),
  /**
   * A verify of this drive ended: with `ok`, every file record of the drive before it was read back
   * and matched (a file that failed has its `mismatch` record). `bytes` read in `ms`: the drive's
   * measured read speed.
   */
  z.object({
    t: z.literal('verified'),
    drive: z.string(),
    at: z.number(),
    ok: z.boolean(),
    bytes: z.number().nonnegative().optional(),
    ms: z.number().nonnegative().optional(),
  }),
  /** the copy of this file on this drive failed verification: the next run copies it again */
  z.object({ t: z.literal('mismatch'), s: z.string(), blob: z.string(), drive: z.string(), at: z.number() }),
  /** every file record of this drive with `q` up to this one is flushed to the drive */
  z.object({ t: z.literal('synced'), drive: z.string(), q: z.number().int().nonnegative() }),
]);
export type JournalRecord = z.infer<typeof record>;

export const fileKey = (session: string, blob: string): string => `${session}\u0000${blob}`;

/** A record refused on append: it names the source file and what to do. */
export class JournalRecordError extends HaulError {
  constructor(
    readonly record: JournalRecord,
    problem: string,
  ) {
    super(
      'not-journaled',
      record.t === 'file'
        ? `${record.src} was copied but not journaled: ${problem}. It is left out of the drive's DriveManifest.xml; rename it (or give it another blob name in the dataset) and run the same command again.`
        : `A "${record.t}" record was not journaled: ${problem}.`,
      record.t === 'file' ? record.src : undefined,
    );
    this.name = 'JournalRecordError';
  }
}

/** One line that could not be read, and what it seemed to hold. */
export interface DamagedLine {
  line: number;
  reason: string;
  /** what the damaged text seems to hold ("the record of media/a.txt", "a session record") */
  held?: string;
}

/** What opening a damaged journal found, kept and lost; `message` says it for the customer. */
export interface JournalDamage {
  journal: string;
  /** the journal as it was, kept next to it (undefined when only read, nothing written) */
  copy?: string;
  lines: DamagedLine[];
  /** sessions known again from their file records and the drive headers */
  rebuiltSessions: string[];
  /** blobs a drive's manifest lists but the journal no longer has: the next run copies them again */
  lostFiles: string[];
  message: string;
}

/** the least a verify must read for its time to count as the drive's read speed */
const MIN_SPEED_SAMPLE = 64 * 1024 * 1024;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HEX8 = /^[0-9a-f]{8}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** CRC-32 of the JSON's UTF-8 bytes (a string is taken as UTF-8; JSON.stringify writes no lone surrogate) */
const checksum = (json: Buffer | string): string => crc32(json).toString(16).padStart(8, '0');

/** One record as one framed line. */
function frame(r: JournalRecord): string {
  const json = JSON.stringify(r);
  return `${json}\t${checksum(json)}\n`;
}

/** Records as framed lines, in one buffer (one write). */
const framed = (records: JournalRecord[]): Buffer => Buffer.from(records.map(frame).join(''));

type Parsed = { ok: true; record: JournalRecord; framed: boolean } | { ok: false; reason: string };

function recordProblem(r: JournalRecord, names: boolean): string | undefined {
  return r.t === 'file' ? fileRecordProblem(r, names) : undefined;
}

/** Reads one line (its bytes, without LF or a CR before it). */
function parseLine(line: Buffer, framedBefore: boolean): Parsed {
  let json = line;
  const framed = line.length > 9 && line[line.length - 9] === TAB;
  if (framed) {
    json = line.subarray(0, line.length - 9);
    const sum = line.subarray(line.length - 8).toString('latin1');
    if (!HEX8.test(sum) || sum !== checksum(json))
      return { ok: false, reason: 'its checksum does not match (the line was changed)' };
  } else if (framedBefore) return { ok: false, reason: 'it has no checksum (the line was changed or added)' };
  let text: string;
  try {
    text = utf8.decode(json);
  } catch {
    return { ok: false, reason: 'it is not UTF-8 text' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'it is not a JSON record' };
  }
  if (plainlyWhole(value)) {
    const problem = fileRecordProblem(value, false, true);
    return problem ? { ok: false, reason: problem } : { ok: true, record: value, framed };
  }
  const r = record.safeParse(value);
  if (!r.success) return { ok: false, reason: `it is not a journal record (${describeIssues(r.error, { max: 2 })})` };
  const problem = recordProblem(r.data, false);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, record: r.data, framed };
}

/** What a damaged line seems to hold (read as Latin-1, so any byte shows), for the report. */
function heldBy(line: Buffer): string | undefined {
  const text = line.toString('latin1');
  const m = /"blob":"((?:[^"\\]|\\.){1,1024})"/.exec(text);
  if (!m) {
    const kind = /"t":"(session|drive|removed|verified|mismatch)"/.exec(text)?.[1];
    return kind && `a ${kind} record`;
  }
  let blob: string;
  try {
    blob = JSON.parse(`"${m[1]}"`) as string;
  } catch {
    blob = m[1]!;
  }
  return `the record of ${printable(blob)}`;
}

/** "1", "1 and 3", "1, 3 and 7", "1, 3, 7 … and 12 more". */
function listOf(items: string[], max = 10): string {
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** `job1.jrn` -> `job1.damaged-2026-12-01T22-45-03Z.jrn`, next to it (another number when it exists). */
function asideName(path: string, now: Date): string {
  const ext = extname(path);
  const base = basename(path, ext);
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  let name = join(dirname(path), `${base}.damaged-${stamp}${ext}`);
  for (let n = 2; existsSync(name); n++) name = join(dirname(path), `${base}.damaged-${stamp}-${n}${ext}`);
  return name;
}

export class Journal {
  readonly files = new Map<string, FileRecord>();
  readonly sessions = new Map<string, string>();
  readonly drives = new Map<string, { target: string; generated: boolean }>();
  /** per drive: the last write-behind place given out (`q`) and the last one flushed */
  private readonly lastQ = new Map<string, number>();
  private readonly confirmedQ = new Map<string, number>();
  /** files whose copy failed verification (fileKey): not done, whatever the drive shows */
  readonly mismatched = new Set<string>();
  /** the order of each file record (fileKey -> its place among the records applied) */
  private readonly fileSeq = new Map<string, number>();
  /** per drive: the place of its last `verified` ok record (the file records before it were read back) */
  private readonly verifiedSeq = new Map<string, number>();
  /** per drive: its last read speed measured by a verify of enough bytes to tell, and when */
  private readonly speeds = new Map<string, { bytesPerSecond: number; at: number; bytes: number }>();
  private seq = 0;
  /** records refused on append, in order (each also returned by `append`) */
  readonly refused: JournalRecordError[] = [];
  /** set when the journal was damaged beyond a torn last line */
  damage?: JournalDamage;
  private fd: number;
  private dirty = false;
  private size = 0;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** The damaged lines in words ("line 3: it is not UTF-8 text"); empty when none. */
  get damaged(): string[] {
    return (this.damage?.lines ?? []).map((l) => `line ${l.line}: ${l.reason}`);
  }

  static open(path: string): Journal {
    const existed = existsSync(path);
    const fd = openSync(path, existed ? 'r+' : 'w+', 0o600);
    const j = new Journal(path, fd);
    if (existed) j.load(false);
    return j;
  }

  /** Reads a journal another thread or process is writing (no repair, no writes). */
  static read(path: string): Journal {
    const fd = openSync(path, 'r');
    const j = new Journal(path, fd);
    try {
      j.load(true);
    } finally {
      closeSync(fd);
    }
    return j;
  }

  private load(readOnly: boolean): void {
    const bytes = readFileSync(this.fd);
    // NULs (and empty lines) at the very end are what a power loss can leave: part of the torn tail
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === LF)) end--;
    if (end < bytes.length) end = Math.min(bytes.length, bytes.indexOf(LF, end) + 1 || bytes.length);
    const good: JournalRecord[] = [];
    const damaged: DamagedLine[] = [];
    let crlf = 0;
    // an editor's byte-order mark: the record after it is intact, the file was changed all the same
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    let framedBefore = false;
    let keep = 0; // bytes that stay when nothing but the tail is wrong
    let tornRecord: JournalRecord | undefined;
    let lineNo = 0;
    for (let start = bom; start < end; ) {
      lineNo++;
      const nl = bytes.indexOf(LF, start);
      const torn = nl < 0 || nl >= end;
      let line = bytes.subarray(start, torn ? end : nl);
      const hadCr = line.length > 0 && line[line.length - 1] === CR;
      if (hadCr) line = line.subarray(0, line.length - 1);
      const p = parseLine(line, framedBefore);
      if (torn) {
        // a crash mid-write; a complete record that only lacks its LF is kept (written again below)
        if (p.ok) good.push((tornRecord = p.record));
        break;
      }
      start = nl + 1;
      if (!p.ok) {
        const held = heldBy(line);
        damaged.push({ line: lineNo, reason: p.reason, ...(held ? { held } : {}) });
        continue;
      }
      if (hadCr) crlf++;
      framedBefore ||= p.framed;
      good.push(p.record);
      if (!damaged.length && !crlf && !bom) keep = start;
    }
    for (const r of good) this.applyRecord(r);
    const rebuilt = this.rebuildSessions();
    const isDamaged = damaged.length > 0 || crlf > 0 || bom > 0;
    if (readOnly) {
      if (isDamaged) this.damage = this.describeDamage(damaged, crlf, rebuilt);
      return;
    }
    if (isDamaged) {
      const copy = asideName(this.path, new Date());
      copyFileSync(this.path, copy, fsConstants.COPYFILE_EXCL);
      const at = Date.now();
      this.rewrite([
        ...good,
        ...rebuilt.map((s): JournalRecord => ({ t: 'session', s, job: this.sessions.get(s) ?? '', at })),
      ]);
      this.damage = this.describeDamage(damaged, crlf, rebuilt, copy);
      return;
    }
    if (keep < bytes.length) ftruncateSync(this.fd, keep);
    this.size = keep;
    if (tornRecord) this.writeAt(framed([tornRecord]));
  }

  /** Sessions the file records name but no session record does (it was lost), job from the drive header. */
  private rebuildSessions(): string[] {
    const rebuilt: string[] = [];
    for (const f of this.files.values()) {
      if (this.sessions.has(f.s)) continue;
      const target = this.drives.get(f.drive)?.target;
      const header = target ? readHeader(target) : undefined;
      this.sessions.set(f.s, header?.sessionIds.includes(f.s) ? header.jobName : '');
      rebuilt.push(f.s);
    }
    return rebuilt;
  }

  /** Blobs of this journal's sessions that an attached drive's manifest lists and the journal lacks. */
  private lostFiles(): string[] {
    const lost: string[] = [];
    for (const [driveId, d] of this.drives) {
      let manifest;
      try {
        manifest = readManifest(d.target);
      } catch {
        continue; // a damaged manifest is rewritten from the journal by the next run
      }
      if (!manifest || manifest.driveId !== driveId) continue;
      for (const b of manifest.blobs) {
        const s = b.filePath.split('/')[0] ?? '';
        if (this.sessions.has(s) && !this.files.has(fileKey(s, b.blobPath))) lost.push(b.blobPath);
      }
    }
    return lost;
  }

  private describeDamage(lines: DamagedLine[], crlf: number, rebuiltSessions: string[], copy?: string): JournalDamage {
    const lostFiles = lines.length ? this.lostFiles() : [];
    const parts: string[] = [];
    if (lines.length) {
      const which = lines.map((l) => String(l.line));
      parts.push(
        `${this.path} is damaged: ${lines.length === 1 ? 'line' : 'lines'} ${listOf(which)} could not be read (${lines
          .slice(0, 5)
          .map((l) => `line ${l.line}${l.held ? `, ${l.held}` : ''}: ${l.reason}`)
          .join('; ')}${lines.length > 5 ? `; and ${lines.length - 5} more` : ''}).`,
      );
    } else
      parts.push(
        `${this.path} was changed by an editor (${crlf ? `${crlf} lines end in CR LF` : 'a byte-order mark was added'}); each record is intact.`,
      );
    parts.push(
      copy === undefined
        ? 'The next run keeps the journal as it is now aside, next to it, and writes back the records that can be read.'
        : `The journal as it was is kept in ${copy}; the journal now holds the ${this.files.size} file records that could be read.`,
    );
    if (rebuiltSessions.length)
      parts.push(
        `The records of session ${listOf(rebuiltSessions)} were rebuilt from its file records and drive header.`,
      );
    if (lostFiles.length)
      parts.push(
        `${lostFiles.length} ${lostFiles.length === 1 ? 'file is' : 'files are'} on a drive with no record left (${listOf(lostFiles, 5)}): resuming copies ${lostFiles.length === 1 ? 'it' : 'them'} again, in place.`,
      );
    else if (lines.length)
      parts.push('Files whose record was lost are not known to be on a drive: resuming copies them again, in place.');
    return {
      journal: this.path,
      ...(copy ? { copy } : {}),
      lines,
      rebuiltSessions,
      lostFiles,
      message: parts.join(' '),
    };
  }

  /** Replaces the journal with these records, framed (temporary file, fsync, rename). */
  private rewrite(records: JournalRecord[]): void {
    const tmp = join(dirname(this.path), `.${basename(this.path)}.rewrite`);
    const fd = openSync(tmp, 'w', 0o600);
    let size = 0;
    try {
      const buf = framed(records);
      while (size < buf.length) size += writeSync(fd, buf, size, buf.length - size);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    closeSync(this.fd);
    this.fd = openSync(this.path, 'r+');
    this.size = size;
  }

  private writeAt(buf: Buffer): void {
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.size + off);
    this.size += buf.length;
  }

  private applyRecord(r: JournalRecord): void {
    switch (r.t) {
      case 'file': {
        const k = fileKey(r.s, r.blob);
        this.files.set(k, r);
        this.fileSeq.set(k, ++this.seq);
        this.mismatched.delete(k);
        if (r.q !== undefined && r.q > (this.lastQ.get(r.drive) ?? -1)) this.lastQ.set(r.drive, r.q);
        break;
      }
      case 'synced':
        if (r.q > (this.confirmedQ.get(r.drive) ?? -1)) this.confirmedQ.set(r.drive, r.q);
        break;
      case 'removed': {
        const k = fileKey(r.s, r.blob);
        if (this.files.get(k)?.drive === r.drive) {
          this.files.delete(k);
          this.fileSeq.delete(k);
          this.mismatched.delete(k);
        }
        break;
      }
      case 'mismatch': {
        const k = fileKey(r.s, r.blob);
        if (this.files.get(k)?.drive === r.drive) this.mismatched.add(k);
        break;
      }
      case 'session':
        this.sessions.set(r.s, r.job);
        break;
      case 'drive':
        this.drives.set(r.drive, { target: r.target, generated: !!r.generated });
        break;
      case 'verified':
        if (r.ok) this.verifiedSeq.set(r.drive, ++this.seq);
        if (r.bytes && r.ms) {
          // A read of a few MiB says more about the page cache than about the drive: the last read
          // of enough data counts, else the biggest one.
          const was = this.speeds.get(r.drive);
          if (!was || r.bytes >= MIN_SPEED_SAMPLE || r.bytes >= was.bytes)
            this.speeds.set(r.drive, { bytesPerSecond: (r.bytes * 1000) / r.ms, at: r.at, bytes: r.bytes });
        }
        break;
    }
  }

  /**
   * Appends records with one write (each line complete), then applies them. A record that would
   * break the manifest is refused: it is not written, and its error (naming the file) is returned
   * and kept in `refused`; the others are written all the same.
   */
  append(records: JournalRecord[]): JournalRecordError[] {
    const refused: JournalRecordError[] = [];
    const ok: JournalRecord[] = [];
    for (const r of records) {
      let problem: string | undefined;
      if (plainlyWhole(r)) problem = fileRecordProblem(r, true, true);
      else {
        const checked = record.safeParse(r);
        problem = checked.success
          ? recordProblem(checked.data, true)
          : describeIssues(checked.error, { root: 'the record' });
      }
      if (problem) refused.push(new JournalRecordError(r, problem));
      else ok.push(r);
    }
    this.refused.push(...refused);
    if (!ok.length) return refused;
    this.writeAt(framed(ok));
    for (const r of ok) this.applyRecord(r);
    this.dirty = true;
    return refused;
  }

  /** Flushes the journal to disk (after each batch of finished files, at most about once a second). */
  sync(): void {
    if (this.dirty) {
      fsyncSync(this.fd);
      this.dirty = false;
    }
  }

  private syncing = false;

  /** Flushes without blocking the event loop (a drive's or disk's fsync can take tens of ms). */
  syncSoon(): void {
    if (!this.dirty || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fsync(this.fd, () => {
      this.syncing = false;
    });
  }

  /** The next write-behind place on a drive (see the file record's `q`). */
  nextQ(driveId: string): number {
    const q = (this.lastQ.get(driveId) ?? -1) + 1;
    this.lastQ.set(driveId, q);
    return q;
  }

  /** A file journaled before its data was flushed, and not confirmed since: its copy must be checked before it counts. */
  /** The last write-behind place confirmed on a drive (undefined: none). */
  syncedQ(driveId: string): number | undefined {
    return this.confirmedQ.get(driveId);
  }

  unconfirmed(r: FileRecord): boolean {
    return r.q !== undefined && r.q > (this.confirmedQ.get(r.drive) ?? -1);
  }

  /**
   * Whether this copy was read back and matched by a verify that ended after it was journaled
   * (and has not failed one since): a later verify need not read it again.
   */
  isVerified(r: FileRecord): boolean {
    const k = fileKey(r.s, r.blob);
    if (this.files.get(k) !== r || this.mismatched.has(k)) return false;
    return (this.fileSeq.get(k) ?? Infinity) < (this.verifiedSeq.get(r.drive) ?? -1);
  }

  /** The drive's read speed as its last verify of enough data measured it (bytes per second). */
  readSpeed(driveId: string): { bytesPerSecond: number; at: number; bytes: number } | undefined {
    return this.speeds.get(driveId);
  }

  filesOnDrive(driveId: string): FileRecord[] {
    const out: FileRecord[] = [];
    for (const r of this.files.values()) if (r.drive === driveId) out.push(r);
    return out;
  }

  close(): void {
    this.dirty = true;
    this.sync();
    closeSync(this.fd);
  }
}
