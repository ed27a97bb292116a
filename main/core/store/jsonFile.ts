// One JSON document on disk, checked with its zod schema on every read and written atomically
// (node/atomicWrite.ts: temp file, fsync, rename, fsync of the folder: a crash leaves the old
// document or the new one, never a mix).
// A document that does not parse or fails its schema is moved aside — kept, named with the time —
// and the store starts from its default, saying so once through `recovered`.
import { rename, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { writeFileAtomic } from '../../../node/atomicWrite';

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

  const store: DocumentStore<T> = {
    file,
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return options.initial();
        throw err;
      }
      let reason: string;
      try {
        const parsed = options.schema.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
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
        await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`, {
          mode: options.mode ?? 0o644,
          mkdirs: true,
        });
      });
    },
    update(change) {
      return serial(async () => {
        const next = change(await store.read());
        const checked = options.schema.parse(next) as T;
        await writeFileAtomic(file, `${JSON.stringify(checked, null, 2)}\n`, {
          mode: options.mode ?? 0o644,
          mkdirs: true,
        });
        return checked;
      });
    },
  };
  return store;
}
