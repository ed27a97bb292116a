// Compact storage for the planned files: a million files must plan in well under 500 MB, so the
// per-file data lives in typed arrays and the paths are split into a folder table and a name.
import { sep } from 'node:path';

export interface SourceFolder {
  /** absolute source folder */
  abs: string;
  /** blob path prefix for files in this folder: "container/a/b/" */
  blobPrefix: string;
  /** index of the dataset entry it came from */
  entry: number;
}

export class FileTable {
  folders: SourceFolder[] = [];
  names: string[] = [];
  private dir = new Uint32Array(1024);
  private sizes = new Float64Array(1024);
  private mtimes = new Float64Array(1024);
  /** drive index per file; 255 = not placed */
  drive = new Uint8Array(1024);
  /** 1 = excluded (pre-flight problem, already done, ...) */
  flags = new Uint8Array(1024);
  /** blob names for single-file dataset rows, whose blob name is not prefix + file name */
  blobOverride = new Map<number, string>();
  count = 0;

  addFolder(f: SourceFolder): number {
    this.folders.push(f);
    return this.folders.length - 1;
  }

  add(folder: number, name: string, size: number, mtimeMs: number): number {
    if (this.count === this.dir.length) this.grow();
    const i = this.count++;
    this.dir[i] = folder;
    this.names.push(name);
    this.sizes[i] = size;
    this.mtimes[i] = mtimeMs;
    this.drive[i] = 255;
    return i;
  }

  private grow(): void {
    const n = this.dir.length * 2;
    const g = <T extends Uint32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.dir = g(this.dir, (k) => new Uint32Array(k));
    this.sizes = g(this.sizes, (k) => new Float64Array(k));
    this.mtimes = g(this.mtimes, (k) => new Float64Array(k));
    this.drive = g(this.drive, (k) => new Uint8Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
  }

  folderOf(i: number): SourceFolder {
    return this.folders[this.dir[i]!]!;
  }
  size(i: number): number {
    return this.sizes[i]!;
  }
  mtime(i: number): number {
    return this.mtimes[i]!;
  }
  name(i: number): string {
    return this.names[i]!;
  }
  /** the source file (a folder the scan read, normalized, and a name without a separator: no path.join needed) */
  source(i: number): string {
    const abs = this.folderOf(i).abs;
    return abs.endsWith(sep) ? abs + this.names[i]! : abs + sep + this.names[i]!;
  }
  blobPath(i: number): string {
    return this.blobOverride.get(i) ?? `${this.folderOf(i).blobPrefix}${this.names[i]}`;
  }
  /** blobPath(i).length, without building it */
  blobPathLength(i: number): number {
    const o = this.blobOverride.get(i);
    return o === undefined ? this.folderOf(i).blobPrefix.length + this.names[i]!.length : o.length;
  }
  /** the folder index of file i */
  folderIndex(i: number): number {
    return this.dir[i]!;
  }
  entry(i: number): number {
    return this.folderOf(i).entry;
  }
}
