// One JSON document on disk, checked with its zod schema on every read and written atomically
// (shared/node/atomicWrite.ts: temp file, fsync, rename, fsync of the folder: a crash leaves the old
// document or the new one, never a mix).
// A document that does not parse or fails its schema is moved aside — kept, named with the time —
// and the store starts from its default, saying so once through `recovered`. The temporaries a
// write killed half-way left beside the file are removed at the store's first read or write.
import { rename, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  readStamp,
  removeLeftTempsOf,
  sameStamp,
  writeFileAtomicStamped,
  type FileStamp,
} from '../../../shared/node/atomicWrite';
import { messageOf } from '../../../shared/errors';

export interface DocumentStore<T> {
  /** The document, or the default when there is none (or it was damaged and moved aside). */
  read(): Promise<T>;
  /** Replaces the document; resolves once it is durable. Writes are serialized in call order. */
  write(value: T): Promise<void>;
  /** Read, change, write — serialized with other updates of this store. */
  update(change: (current: T) => T): Promise<T>;
  /** Set when the last read found a damaged file: where it was moved, and why. */
  recovered?: { movedTo: string; reason: string };
  readonly file: string;
}

export interface JsonFileOptions<S extends z.ZodType> {
  schema: S;
  /** What `read()` returns when there is no file yet. */
  initial: () => z.output<S>;
  /** File mode for new files (0o600 for anything private). */
  mode?: number;
  /**
   * Keep the document read or written last, and hand it out again while the file on disk is still
   * that version (one stat instead of reading and checking it all). For large documents read often;
   * the caller must treat what read() returns as read-only.
   */
  cache?: boolean;
}

/**
 * Why one of Haul's own files could not be read, in words: what it is, where, and what to do.
 * `what` names the file for a person ("Haul's settings file").
 */
export function cannotRead(file: string, what: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EISDIR':
      return `${what} ${file} is a folder, not a file. Move that folder away (Haul then starts a new file), or put the file back in its place.`;
    case 'EACCES':
    case 'EPERM':
      return `Haul may not read ${what} ${file}: the user it runs as has no permission. Give that user read and write access to the file (chmod u+rw), or move it away.`;
    case 'ELOOP':
      return `${what} ${file} is a link that points to itself. Remove the link; Haul then starts a new file.`;
    default:
      return `${what} ${file} could not be read (${code ?? (messageOf(err).slice(0, 200) || 'error')}). Check the disk it is on, then try again.`;
  }
}

/** `settings.json` -> `settings.corrupt-2026-12-01T19-20-42Z.json` */
export function asideName(file: string, when = new Date()): string {
  const ext = path.extname(file);
  const stamp = when
    .toISOString()
    .replace(/[:.]/g, '-')
    .replace(/-\d{3}Z$/, 'Z');
  return `${file.slice(0, file.length - ext.length)}.corrupt-${stamp}${ext}`;
}

export function jsonFileStore<S extends z.ZodType>(
  file: string,
  options: JsonFileOptions<S>,
): DocumentStore<z.output<S>> {
  type T = z.output<S>;
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <R>(fn: () => Promise<R>): Promise<R> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  let swept: Promise<unknown> | undefined;
  const sweep = () => (swept ??= removeLeftTempsOf(file).catch(() => 0));

  let cached: { stamp: FileStamp; value: T } | undefined;
  const save = async (value: T) => {
    await sweep();
    cached = undefined;
    const stamp = await writeFileAtomicStamped(file, `${JSON.stringify(value, null, 2)}\n`, {
      mode: options.mode ?? 0o644,
      mkdirs: true,
    });
    if (options.cache) cached = { stamp, value };
  };

  const store: DocumentStore<T> = {
    file,
    async read() {
      await sweep();
      let seen: FileStamp | undefined;
      if (options.cache) {
        seen = await readStamp(file);
        if (cached && sameStamp(cached.stamp, seen)) return cached.value;
      }
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return options.initial();
        throw new Error(cannotRead(file, 'The file', err));
      }
      let reason: string;
      try {
        const parsed = options.schema.safeParse(JSON.parse(text));
        if (parsed.success) {
          // Stamped before the read: should the file change in between, the next read reads it again.
          if (seen) cached = { stamp: seen, value: parsed.data };
          return parsed.data;
        }
        reason = `it does not have the expected shape (${parsed.error.issues[0]?.path.join('.') || 'document'}: ${parsed.error.issues[0]?.message})`;
      } catch {
        reason = text.trim() === '' ? 'it is empty' : 'it is not valid JSON (cut short or damaged)';
      }
      const movedTo = asideName(file);
      await rename(file, movedTo);
      store.recovered = { movedTo, reason };
      return options.initial();
    },
    write(value) {
      return serial(async () => {
        const checked = options.schema.parse(value) as T;
        await save(checked);
      });
    },
    update(change) {
      return serial(async () => {
        const next = change(await store.read());
        const checked = options.schema.parse(next) as T;
        await save(checked);
        return checked;
      });
    },
  };
  return store;
}
