// The customer's storage account as the export wizard browses it: its containers, the blobs under
// a path, and an export's estimate from the real blob sizes (how many drives of a size). Part of
// the jobs namespace: the same connection answers them.
import * as z from 'zod';
import { exportPreviewResult } from './prep';

const account = z.string().min(1).max(2048);

export const storageBlob = z.object({ blobPath: z.string(), length: z.number().int().nonnegative() });

export const exportEstimate = z.object({
  /** per path as typed: how many blobs and bytes it names, or what is wrong with it */
  paths: z.array(
    z.object({
      path: z.string(),
      kind: z.enum(['prefix', 'blob']),
      blobs: z.number().int(),
      bytes: z.number(),
      problem: z.string().optional(),
    }),
  ),
  preview: exportPreviewResult,
  /** listing stopped at this many blobs: the estimate counts those only */
  truncatedAt: z.number().int().optional(),
});
export type ExportEstimate = z.infer<typeof exportEstimate>;

export const storageChannels = {
  /** The storage accounts of the connected resource group, for the wizard's picker. */
  'storage.accounts': {
    request: z.object({}).strict(),
    response: z.array(z.object({ name: z.string(), id: z.string(), location: z.string().optional() })),
  },
  /** The containers of a storage account (its name or resource id). */
  'storage.containers': {
    request: z.object({ storageAccountId: account }).strict(),
    response: z.array(z.object({ name: z.string() })),
  },
  /** Blobs under "container/prefix" (at most `limit`), with their sizes. */
  'storage.blobs': {
    request: z
      .object({
        storageAccountId: account,
        path: z.string().min(1).max(1024),
        limit: z.number().int().min(1).max(5000).default(200),
      })
      .strict(),
    response: z.object({ blobs: z.array(storageBlob), more: z.boolean() }),
  },
  /** An export's blob paths and prefixes checked against the account, and the drives it needs. */
  'storage.estimate': {
    request: z
      .object({
        storageAccountId: account,
        blobPaths: z.array(z.string().max(1024)).max(10_000),
        blobPathPrefixes: z.array(z.string().max(1024)).max(10_000),
        driveSize: z.number().int().positive(),
      })
      .strict(),
    response: exportEstimate,
  },
} as const;
