// Verify the import: every file the report says was imported is looked up in the storage account
// — the blob exists, has the file's length, and holds the file's bytes: by its Content-MD5 where
// the storage account has one and the manifest holds the whole file's MD5 (files of one block),
// else by reading the blob back and comparing each 4 MiB block's MD5 with the drive's manifest,
// for as many bytes as the customer's budget allows (reading costs egress and time). Each
// mismatch is named by the customer's source file.
import { messageOf } from '../../../shared/errors';
import { createHash } from 'node:crypto';
import { Semaphore } from 'async-mutex';
import { BLOCK_SIZE } from '../../../shared/formats/driveManifest';
import { formatBytes } from '../../../shared/prep/names';
import type { ImportMismatch, ReportRow, VerifyImportStatus } from '../../../shared/report/schemas';
import type { KnownFile } from '../report/sources';
import type { BlobAccess } from './storage';

export interface CheckItem {
  row: ReportRow;
  /** The file as the journal or the manifest backup knows it (MD5s); absent: only existence and length. */
  known?: KnownFile | undefined;
}

/** Mismatches kept in the status (the count goes on). */
export const MAX_MISMATCHES = 1000;

export interface CheckOptions {
  signal: AbortSignal;
  /** Files looked at at once (default 4). */
  concurrency?: number;
  /** Called whenever the status moved (a file checked, bytes read). */
  onChange?: () => void;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The check was cancelled.', 'AbortError');
}

/** The bytes of a blob against the manifest's block MD5s: the first block that differs, or none. */
async function readBack(
  access: BlobAccess,
  name: string,
  blocks: string,
  length: number,
  signal: AbortSignal,
  onBytes: (n: number) => void,
): Promise<{ block: number; got: string } | { short: number } | undefined> {
  let index = 0;
  let inBlock = 0;
  let hash = createHash('md5');
  let read = 0;
  const finish = () => {
    const got = hash.digest('hex').toUpperCase();
    const want = blocks.slice(index * 32, index * 32 + 32).toUpperCase();
    index += 1;
    inBlock = 0;
    hash = createHash('md5');
    return got === want ? undefined : { block: index - 1, got };
  };
  for await (const chunk of access.read(name, signal)) {
    if (signal.aborted) throw abortError(signal);
    onBytes(chunk.length);
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(chunk.length - at, BLOCK_SIZE - inBlock);
      hash.update(chunk.subarray(at, at + take));
      at += take;
      inBlock += take;
      read += take;
      if (inBlock === BLOCK_SIZE) {
        const bad = finish();
        if (bad) return bad;
      }
    }
  }
  if (inBlock > 0) {
    const bad = finish();
    if (bad) return bad;
  }
  return read < length ? { short: read } : undefined;
}

/**
 * Checks `items` against the storage account, updating `status` as it goes (checked, bytes read,
 * matching, mismatches …). Resolves when every file is checked; rejects with the abort reason when
 * cancelled (the status says how far it got).
 */
export async function checkImport(
  items: readonly CheckItem[],
  access: BlobAccess,
  status: VerifyImportStatus,
  o: CheckOptions,
): Promise<void> {
  let budgetLeft = status.budgetBytes;
  const changed = () => o.onChange?.();
  const mismatch = (item: CheckItem, checkedAs: string, kind: ImportMismatch['kind'], text: string) => {
    status.mismatchCount += 1;
    if (status.mismatches.length < MAX_MISMATCHES)
      status.mismatches.push({
        driveId: item.row.driveId,
        ...(item.row.sourcePath ? { sourcePath: item.row.sourcePath } : {}),
        blobPath: item.row.blobPath,
        checkedAs,
        kind,
        text,
      });
  };
  const done = (item: CheckItem) => {
    status.checked.files += 1;
    status.checked.bytes += item.row.length;
    changed();
  };

  const checkOne = async (item: CheckItem): Promise<void> => {
    if (o.signal.aborted) throw abortError(o.signal);
    const name = item.row.importedAs ?? item.row.blobPath;
    const where = `${access.label}`;
    let facts;
    try {
      facts = await access.facts(name, o.signal);
    } catch (err) {
      if (o.signal.aborted) throw abortError(o.signal);
      mismatch(
        item,
        name,
        'unreadable',
        `Haul could not look at blob ${name} in ${where}: ${(messageOf(err).split('\n')[0] ?? '').slice(0, 200)}.`,
      );
      return done(item);
    }
    if (!facts.exists) {
      mismatch(
        item,
        name,
        'missing',
        `Blob ${name} is not in ${where}: it was deleted or renamed there after the import.`,
      );
      return done(item);
    }
    const length = item.known?.length ?? item.row.length;
    if (facts.length !== length) {
      mismatch(
        item,
        name,
        'length',
        `Blob ${name} is ${formatBytes(facts.length ?? 0)} (${(facts.length ?? 0).toLocaleString('en-US')} bytes) in ${where}; the file was ${length.toLocaleString('en-US')} bytes: the blob was changed after the import.`,
      );
      return done(item);
    }
    const md5 = item.known?.md5;
    if (facts.contentMd5 && md5) {
      status.byContentMd5 += 1;
      if (facts.contentMd5.toUpperCase() === md5.toUpperCase()) status.matching += 1;
      else
        mismatch(
          item,
          name,
          'content',
          `Blob ${name} has Content-MD5 ${facts.contentMd5} in ${where}; the file's MD5 is ${md5.toUpperCase()}: the blob was changed after the import.`,
        );
      return done(item);
    }
    if (length === 0) {
      status.matching += 1;
      return done(item);
    }
    const blocks = item.known?.blocks ?? '';
    if (blocks.length !== Math.ceil(length / BLOCK_SIZE) * 32 || length > budgetLeft) {
      status.lengthOnly.files += 1;
      status.lengthOnly.bytes += length;
      return done(item);
    }
    budgetLeft -= length;
    status.byReadBack += 1;
    let bad;
    try {
      bad = await readBack(access, name, blocks, length, o.signal, (n) => {
        status.bytesRead += n;
        changed();
      });
    } catch (err) {
      if (o.signal.aborted) throw abortError(o.signal);
      mismatch(
        item,
        name,
        'unreadable',
        `Haul could not read blob ${name} back from ${where}: ${(messageOf(err).split('\n')[0] ?? '').slice(0, 200)}.`,
      );
      return done(item);
    }
    if (!bad) status.matching += 1;
    else if ('short' in bad)
      mismatch(
        item,
        name,
        'length',
        `Blob ${name} ended after ${bad.short.toLocaleString('en-US')} bytes when read back from ${where}.`,
      );
    else {
      const from = bad.block * BLOCK_SIZE;
      const to = Math.min(length, from + BLOCK_SIZE);
      mismatch(
        item,
        name,
        'content',
        `Blob ${name} differs from the file in block ${bad.block + 1} (bytes ${from.toLocaleString('en-US')}–${(to - 1).toLocaleString('en-US')}; MD5 ${bad.got}, the manifest's ${blocks.slice(bad.block * 32, bad.block * 32 + 32).toUpperCase()}): the blob was changed after the import.`,
      );
    }
    return done(item);
  };

  const slots = new Semaphore(Math.max(1, o.concurrency ?? 4));
  const runs = items.map((item) => slots.runExclusive(() => checkOne(item)));
  const results = await Promise.allSettled(runs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
