// The local journal (never on the target): one JSON object per line, appended with a single
// write per batch, so a kill -9 or power loss leaves at worst a torn last line, which is dropped
// when the journal is opened again. It records each finished file (source path, size, mtime,
// hashes, drive), the sessions and the drives, and is what a resumed run trusts.
import {
  closeSync,
  fsync,
  fsyncSync,
  openSync,
  readFileSync,
  statSync,
  ftruncateSync,
  writeSync,
  existsSync,
} from 'node:fs';
import { z } from 'zod';
import { blobType, importDisposition } from '../../../shared/formats/driveManifest';

const fileRecord = z.object({
  t: z.literal('file'),
  s: z.string(),
  blob: z.string(),
  src: z.string(),
  size: z.number(),
  mtime: z.number(),
  drive: z.string(),
  /** path on the drive, relative to its root */
  path: z.string(),
  disp: importDisposition,
  type: blobType,
  md5: z.string(),
  /** the block MD5s, 32 hex characters each, concatenated */
  blocks: z.string(),
  /** the row's MetadataFile / PropertiesFile (absolute paths), copied onto the drive with the manifest */
  meta: z.string().optional(),
  props: z.string().optional(),
});
export type FileRecord = z.infer<typeof fileRecord>;

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
  z.object({ t: z.literal('verified'), drive: z.string(), at: z.number(), ok: z.boolean() }),
]);
export type JournalRecord = z.infer<typeof record>;

export const fileKey = (session: string, blob: string): string => `${session}\u0000${blob}`;

export class Journal {
  readonly files = new Map<string, FileRecord>();
  readonly sessions = new Map<string, string>();
  readonly drives = new Map<string, { target: string; generated: boolean }>();
  private fd: number;
  private dirty = false;
  private size = 0;
  /** lines that could not be read (a torn tail is repaired silently; anything else is reported) */
  readonly damaged: string[] = [];

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  static open(path: string): Journal {
    const existed = existsSync(path);
    const fd = openSync(path, existed ? 'r+' : 'w+', 0o600);
    const j = new Journal(path, fd);
    if (existed) j.load();
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

  private load(readOnly = false): void {
    const text = readFileSync(this.fd, 'utf8');
    let good = 0;
    let offset = 0;
    const lines = text.split('\n');
    for (const [n, line] of lines.entries()) {
      const last = n === lines.length - 1;
      const lineBytes = Buffer.byteLength(line) + (last ? 0 : 1);
      if (last && line === '') break;
      let parsed: JournalRecord | undefined;
      try {
        const r = record.safeParse(JSON.parse(line));
        if (r.success) parsed = r.data;
      } catch {
        /* torn or damaged */
      }
      if (!parsed) {
        if (last) break; // a torn tail from a crash: cut it off below
        this.damaged.push(`line ${n + 1}`);
        offset += lineBytes;
        good = offset;
        continue;
      }
      this.applyRecord(parsed);
      offset += lineBytes;
      good = offset;
    }
    const size = statSync(this.path).size;
    if (good < size && !readOnly) ftruncateSync(this.fd, good);
    this.size = good;
  }

  private applyRecord(r: JournalRecord): void {
    switch (r.t) {
      case 'file':
        this.files.set(fileKey(r.s, r.blob), r);
        break;
      case 'removed': {
        const k = fileKey(r.s, r.blob);
        if (this.files.get(k)?.drive === r.drive) this.files.delete(k);
        break;
      }
      case 'session':
        this.sessions.set(r.s, r.job);
        break;
      case 'drive':
        this.drives.set(r.drive, { target: r.target, generated: !!r.generated });
        break;
      case 'verified':
        break;
    }
  }

  /** Appends records with one write (each line complete), then applies them. */
  append(records: JournalRecord[]): void {
    if (!records.length) return;
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.size + off);
    this.size += buf.length;
    for (const r of records) this.applyRecord(r);
    this.dirty = true;
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
