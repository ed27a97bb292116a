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
import type { BlobAccess, BlobFacts } from './storage';

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
  const check = new ImportCheck(access, status, o);
  const slots = new Semaphore(Math.max(1, o.concurrency ?? 4));
  const runs = items.map((item) => slots.runExclusive(() => check.one(item)));
  const results = await Promise.allSettled(runs);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** One check of an import: each file looked at in turn, counted into `status`, within the read-back budget. */
class ImportCheck {
  private budgetLeft: number;

  constructor(
    private readonly access: BlobAccess,
    private readonly status: VerifyImportStatus,
    private readonly o: CheckOptions,
  ) {
    this.budgetLeft = status.budgetBytes;
  }

  /** One file: the blob is there, has the file's length, and holds the file's bytes as far as can be told. */
  async one(item: CheckItem): Promise<void> {
    const { status, o } = this;
    if (o.signal.aborted) throw abortError(o.signal);
    const name = item.row.importedAs ?? item.row.blobPath;
    const facts = await this.factsOf(item, name);
    if (facts === undefined) return this.done(item);
    if (!facts.exists) {
      this.mismatch(
        item,
        name,
        'missing',
        `Blob ${name} is not in ${this.access.label}: it was deleted or renamed there after the import.`,
      );
      return this.done(item);
    }
    const length = item.known?.length ?? item.row.length;
    if (facts.length !== length) {
      this.mismatch(
        item,
        name,
        'length',
        `Blob ${name} is ${formatBytes(facts.length ?? 0)} (${(facts.length ?? 0).toLocaleString('en-US')} bytes) in ${this.access.label}; the file was ${length.toLocaleString('en-US')} bytes: the blob was changed after the import.`,
      );
      return this.done(item);
    }
    const md5 = item.known?.md5;
    if (facts.contentMd5 && md5) this.byContentMd5(item, name, facts.contentMd5, md5);
    else if (length === 0) status.matching += 1;
    else await this.byBlocks(item, name, length);
    return this.done(item);
  }

  /** The blob's facts; undefined (and the file a mismatch) when they could not be looked up. */
  private async factsOf(item: CheckItem, name: string): Promise<BlobFacts | undefined> {
    try {
      return await this.access.facts(name, this.o.signal);
    } catch (err) {
      if (this.o.signal.aborted) throw abortError(this.o.signal);
      this.mismatch(
        item,
        name,
        'unreadable',
        `Haul could not look at blob ${name} in ${this.access.label}: ${(messageOf(err).split('\n')[0] ?? '').slice(0, 200)}.`,
      );
      return undefined;
    }
  }

  /** The storage account's Content-MD5 against the file's MD5. */
  private byContentMd5(item: CheckItem, name: string, contentMd5: string, md5: string): void {
    this.status.byContentMd5 += 1;
    if (contentMd5.toUpperCase() === md5.toUpperCase()) this.status.matching += 1;
    else
      this.mismatch(
        item,
        name,
        'content',
        `Blob ${name} has Content-MD5 ${contentMd5} in ${this.access.label}; the file's MD5 is ${md5.toUpperCase()}: the blob was changed after the import.`,
      );
  }

  /** The blob read back against the manifest's block MD5s, budget allowing; else counted as checked by length only. */
  private async byBlocks(item: CheckItem, name: string, length: number): Promise<void> {
    const { status, o } = this;
    const blocks = item.known?.blocks ?? '';
    if (blocks.length !== Math.ceil(length / BLOCK_SIZE) * 32 || length > this.budgetLeft) {
      status.lengthOnly.files += 1;
      status.lengthOnly.bytes += length;
      return;
    }
    this.budgetLeft -= length;
    status.byReadBack += 1;
    let bad;
    try {
      bad = await readBack(this.access, name, blocks, length, o.signal, (n) => {
        status.bytesRead += n;
        this.changed();
      });
    } catch (err) {
      if (o.signal.aborted) throw abortError(o.signal);
      this.mismatch(
        item,
        name,
        'unreadable',
        `Haul could not read blob ${name} back from ${this.access.label}: ${(messageOf(err).split('\n')[0] ?? '').slice(0, 200)}.`,
      );
      return;
    }
    if (!bad) status.matching += 1;
    else if ('short' in bad)
      this.mismatch(
        item,
        name,
        'length',
        `Blob ${name} ended after ${bad.short.toLocaleString('en-US')} bytes when read back from ${this.access.label}.`,
      );
    else {
      const from = bad.block * BLOCK_SIZE;
      const to = Math.min(length, from + BLOCK_SIZE);
      this.mismatch(
        item,
        name,
        'content',
        `Blob ${name} differs from the file in block ${bad.block + 1} (bytes ${from.toLocaleString('en-US')}–${(to - 1).toLocaleString('en-US')}; MD5 ${bad.got}, the manifest's ${blocks.slice(bad.block * 32, bad.block * 32 + 32).toUpperCase()}): the blob was changed after the import.`,
      );
    }
  }

  private changed(): void {
    this.o.onChange?.();
  }

  /** Counts a mismatch; the first MAX_MISMATCHES are kept, named by the customer's file. */
  private mismatch(item: CheckItem, checkedAs: string, kind: ImportMismatch['kind'], text: string): void {
    this.status.mismatchCount += 1;
    if (this.status.mismatches.length < MAX_MISMATCHES)
      this.status.mismatches.push({
        driveId: item.row.driveId,
        ...(item.row.sourcePath ? { sourcePath: item.row.sourcePath } : {}),
        blobPath: item.row.blobPath,
        checkedAs,
        kind,
        text,
      });
  }

  private done(item: CheckItem): void {
    this.status.checked.files += 1;
    this.status.checked.bytes += item.row.length;
    this.changed();
  }
}
