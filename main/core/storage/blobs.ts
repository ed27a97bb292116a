// The customer's storage account, read with the official storage-blob client (Azurite in the
// sandbox, Azure Storage otherwise): its containers, the blobs under a path, and an export's
// estimate from the real blob sizes. Nothing here writes to the account.
import { StorageManagementClient } from '@azure/arm-storage';
import { BlobServiceClient } from '@azure/storage-blob';
import { parseStorageAccountId } from '../../../shared/arm/schemas';
import { HandlerError } from '../../../shared/ipc/contract';
import type { ExportEstimate } from '../../../shared/ipc/channels/storage';
import { previewExport, type ExportBlob } from '../../../shared/prep/exportPreview';
import { blobPrefixProblem, containerNameProblem, splitBlobPath } from '../../../shared/prep/names';
import type { Connection } from '../service/connection';
import { HaulError, messageOf } from '../../../shared/errors';

/** Blobs an estimate lists at most; past that it says it counted only those. */
export const ESTIMATE_LIMIT = 200_000;

export interface StorageAccountView {
  name: string;
  id: string;
  location?: string;
}

export interface StorageBrowser {
  /** The storage accounts of the connected resource group (the ARM storage-accounts list, as Azure answers it). */
  accounts(): Promise<StorageAccountView[]>;
  containers(storageAccountId: string): Promise<{ name: string }[]>;
  blobs(storageAccountId: string, path: string, limit: number): Promise<{ blobs: ExportBlob[]; more: boolean }>;
  estimate(req: {
    storageAccountId: string;
    blobPaths: string[];
    blobPathPrefixes: string[];
    driveSize: number;
  }): Promise<ExportEstimate>;
}

const accountOf = (typed: string) => (parseStorageAccountId(typed.trim())?.account ?? typed.trim()).toLowerCase();

interface RestLike {
  statusCode?: number;
  code?: string;
  message?: string;
}

export function storageBrowser(connection: () => Connection | undefined, limit = ESTIMATE_LIMIT): StorageBrowser {
  return {
    accounts: () => listAccounts(connection()),

    async containers(storageAccountId) {
      const { client, account } = await blobService(connection(), storageAccountId);
      try {
        const out: { name: string }[] = [];
        for await (const c of client.listContainers()) out.push({ name: c.name });
        return out;
      } catch (e) {
        throw failure(e, account, 'its containers');
      }
    },

    async blobs(storageAccountId, path, max) {
      const { client, account } = await blobService(connection(), storageAccountId);
      const { container, blob } = splitBlobPath(path.replace(/^\/+/, ''));
      const bad = containerNameProblem(container);
      if (bad) throw new HandlerError('bad-input', `The ${bad}.`, 'path');
      try {
        return await listUnder(client, container, blob, max);
      } catch (e) {
        if ((e as RestLike).statusCode === 404)
          throw new HandlerError('not-found', `There is no container "${container}" in "${account}".`, 'path');
        throw failure(e, account, `the blobs of ${container}`);
      }
    },

    async estimate(req) {
      const { client, account } = await blobService(connection(), req.storageAccountId);
      const found = new Map<string, ExportBlob>();
      const paths: ExportEstimate['paths'] = [];
      let truncatedAt: number | undefined;
      const typed = [
        ...req.blobPathPrefixes.map((p) => ({ path: p, kind: 'prefix' as const })),
        ...req.blobPaths.map((p) => ({ path: p, kind: 'blob' as const })),
      ];
      for (const { path, kind } of typed) {
        const { row, more } = await estimatePath(client, account, path, kind, found, limit);
        if (more) truncatedAt = limit;
        paths.push(row);
      }
      return {
        paths,
        preview: previewExport([...found.values()], req.driveSize),
        ...(truncatedAt ? { truncatedAt } : {}),
      };
    },
  };
}

/** The blob service of a storage account over the connection, with the account's name. */
async function blobService(
  c: Connection | undefined,
  storageAccountId: string,
): Promise<{ client: BlobServiceClient; account: string }> {
  if (!c)
    throw new HandlerError(
      'not-ready',
      'Haul is not connected to a service yet, so it cannot read the storage account. Wait for the status bar to say ready.',
    );
  const account = accountOf(storageAccountId);
  let endpoint: string;
  try {
    endpoint = await c.blobEndpoint(account);
  } catch (e) {
    throw new HandlerError('storage-unavailable', messageOf(e), 'storageAccountId');
  }
  const credential = await c.blobCredential(`${endpoint}/`).catch((e: Error) => {
    throw new HandlerError(
      'storage-unavailable',
      `Haul has no access to the storage account "${account}": ${e.message}`,
      'storageAccountId',
    );
  });
  return { client: new BlobServiceClient(endpoint, credential, { retryOptions: { maxTries: 2 } }), account };
}

/** The storage accounts of the connection's resource group, by name. */
async function listAccounts(c: Connection | undefined): Promise<StorageAccountView[]> {
  if (!c)
    throw new HandlerError(
      'not-ready',
      'Haul is not connected to a service yet, so it cannot list the storage accounts. Wait for the status bar to say ready.',
    );
  const arm = new StorageManagementClient(c.credential, c.subscriptionId, {
    endpoint: c.endpoint,
    ...(c.ca ? { tlsOptions: { ca: c.ca } } : {}),
    retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
  });
  try {
    const out: StorageAccountView[] = [];
    for await (const a of arm.storageAccounts.listByResourceGroup(c.resourceGroup)) {
      if (a.name && a.id) out.push({ name: a.name, id: a.id, ...(a.location ? { location: a.location } : {}) });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw failure(e, c.resourceGroup, 'its storage accounts', `the resource group ${c.resourceGroup}`);
  }
}

/** Why a listing failed, for the person. `where`: "the storage account "x"" or "the resource group y" */
function failure(e: unknown, account: string, what: string, where = `the storage account "${account}"`): HaulError {
  if (e instanceof HaulError) return e;
  const r = (typeof e === 'object' && e !== null ? e : {}) as RestLike;
  if (r.statusCode === 403 || r.statusCode === 401)
    return new HandlerError(
      'storage-denied',
      `${where.charAt(0).toUpperCase()}${where.slice(1)} refused to list ${what} (HTTP ${r.statusCode}). Ask its owner for read access (for blobs: the Storage Blob Data Reader role).`,
      'storageAccountId',
    );
  if (typeof r.statusCode === 'number' && r.statusCode > 0)
    return new HandlerError(
      'storage-error',
      `${where.charAt(0).toUpperCase()}${where.slice(1)} did not list ${what} (HTTP ${r.statusCode}${r.code ? `, ${r.code}` : ''}). Try again in a minute.`,
      'storageAccountId',
    );
  return new HandlerError(
    'offline',
    `Haul cannot reach ${where} (${r.code ?? r.message ?? 'no answer'}). Check the connection and try again.`,
    'storageAccountId',
  );
}

async function listUnder(client: BlobServiceClient, container: string, prefix: string, max: number) {
  const out: ExportBlob[] = [];
  let more = false;
  const iter = client.getContainerClient(container).listBlobsFlat(prefix ? { prefix } : {});
  for await (const b of iter) {
    if (out.length >= max) {
      more = true;
      break;
    }
    out.push({ blobPath: `${container}/${b.name}`, length: b.properties.contentLength ?? 0 });
  }
  return { blobs: out, more };
}

/**
 * One path of an export's blob list, counted: its row of the estimate (blobs, bytes, or the
 * problem with it), its blobs added to `found` (at most `limit` in all), and whether a prefix
 * had more than that.
 */
async function estimatePath(
  client: BlobServiceClient,
  account: string,
  path: string,
  kind: 'prefix' | 'blob',
  found: Map<string, ExportBlob>,
  limit: number,
): Promise<{ row: ExportEstimate['paths'][number]; more: boolean }> {
  const { container, blob } = splitBlobPath(path.trim().replace(/^\/+/, ''));
  const row = { path, kind, blobs: 0, bytes: 0 };
  const bad =
    containerNameProblem(container) ??
    (kind === 'prefix' && blob ? blobPrefixProblem(blob.endsWith('/') ? blob : `${blob}/`) : undefined);
  if (bad) return { row: { ...row, problem: `The ${bad}.` }, more: false };
  try {
    if (kind === 'blob') {
      const props = await client.getContainerClient(container).getBlobClient(blob).getProperties();
      const b = { blobPath: `${container}/${blob}`, length: props.contentLength ?? 0 };
      found.set(b.blobPath, b);
      return { row: { ...row, blobs: 1, bytes: b.length }, more: false };
    }
    const left = limit - found.size;
    const { blobs, more } = await listUnder(client, container, blob, Math.max(0, left));
    for (const b of blobs) found.set(b.blobPath, b);
    const bytes = blobs.reduce((s, b) => s + b.length, 0);
    return {
      row: {
        ...row,
        blobs: blobs.length,
        bytes,
        ...(blobs.length === 0 && !more
          ? {
              problem: `No blob in "${account}" starts with ${path}: the export would bring back nothing for it. Check the container and the prefix (names are case-sensitive).`,
            }
          : {}),
      },
      more,
    };
  } catch (e) {
    const status = (e as RestLike).statusCode;
    if (status === 404) {
      const exists = await client
        .getContainerClient(container)
        .exists()
        .catch(() => true);
      return {
        row: {
          ...row,
          problem: exists
            ? `There is no blob ${path} in "${account}".`
            : `There is no container "${container}" in "${account}".`,
        },
        more: false,
      };
    }
    throw failure(e, account, `the blobs of ${path}`);
  }
}
