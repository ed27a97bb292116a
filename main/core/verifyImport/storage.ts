// The storage account a job imported into, reached the way the connection allows: its blob
// endpoint from Microsoft.Storage (the official @azure/arm-storage client, against the sandbox or
// Azure alike), and the connection's credential for it — the sandbox's account key for Azurite on
// 127.0.0.1, the person's Azure sign-in for *.blob.core.windows.net. Nothing else gets either.
import { messageOf } from '../../../shared/errors';
import { StorageManagementClient } from '@azure/arm-storage';
import { BlobServiceClient } from '@azure/storage-blob';
import { STORAGE_ACCOUNT_ID_RE } from '../../../shared/arm/schemas';
import { HandlerError } from '../../../shared/ipc/contract';
import type { Connection } from '../service/connection';

/** What a check needs of one blob. */
export interface BlobFacts {
  exists: boolean;
  length?: number;
  /** Content-MD5 in Base16 upper case, when the blob has one. */
  contentMd5?: string;
}

/** Reading one storage account's blobs by `container/blob` path. */
export interface BlobAccess {
  /** For messages: "storage account photos". */
  readonly label: string;
  facts(blobPath: string, signal: AbortSignal): Promise<BlobFacts>;
  /** The blob's bytes from `offset` (all of it), as a stream of chunks. */
  read(blobPath: string, signal: AbortSignal): AsyncIterable<Buffer>;
}

export function splitBlobPath(blobPath: string): { container: string; blob: string } {
  const p = blobPath.replace(/^\/+/, '');
  const i = p.indexOf('/');
  return i < 0 ? { container: p, blob: '' } : { container: p.slice(0, i), blob: p.slice(i + 1) };
}

const b64ToHex = (v: Uint8Array | undefined) =>
  v && v.length === 16 ? Buffer.from(v).toString('hex').toUpperCase() : undefined;

/** BlobAccess over a BlobServiceClient (Azurite or Azure). */
export function blobAccess(service: BlobServiceClient, label: string): BlobAccess {
  const client = (blobPath: string) => {
    const { container, blob } = splitBlobPath(blobPath);
    return service.getContainerClient(container).getBlobClient(blob);
  };
  return {
    label,
    async facts(blobPath, signal) {
      try {
        const p = await client(blobPath).getProperties({ abortSignal: signal });
        const md5 = b64ToHex(p.contentMD5);
        return { exists: true, length: p.contentLength ?? 0, ...(md5 ? { contentMd5: md5 } : {}) };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return { exists: false };
        throw err;
      }
    },
    async *read(blobPath, signal) {
      const r = await client(blobPath).download(0, undefined, { abortSignal: signal });
      const body = r.readableStreamBody;
      if (!body) return;
      for await (const chunk of body) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    },
  };
}

/** The storage account's name and resource group from its ARM id. */
export function storageAccountOf(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(
      id,
    );
  if (!STORAGE_ACCOUNT_ID_RE.test(id) || !m)
    throw new HandlerError('bad-job', `The job's storage account id (${id}) is not a storage account resource id.`);
  return { subscriptionId: m[1]!, resourceGroup: m[2]!, name: m[3]! };
}

/**
 * The blob endpoint of the job's storage account and a client for it with the connection's
 * credential. Azure's standard endpoint is used when Microsoft.Storage cannot be asked.
 */
export async function openStorage(connection: Connection, storageAccountId: string): Promise<BlobAccess> {
  const account = storageAccountOf(storageAccountId);
  let endpoint: string | undefined;
  let why = '';
  try {
    const arm = new StorageManagementClient(connection.credential, account.subscriptionId, {
      endpoint: connection.endpoint,
      ...(connection.ca ? { tlsOptions: { ca: connection.ca } } : {}),
      retryOptions: { maxRetries: 1 },
    });
    const props = await arm.storageAccounts.getProperties(account.resourceGroup, account.name, {
      abortSignal: AbortSignal.timeout(30_000),
    });
    endpoint = props.primaryEndpoints?.blob;
  } catch (err) {
    why = messageOf(err).split('\n')[0] ?? '';
  }
  if (!endpoint && connection.kind === 'azure') endpoint = `https://${account.name}.blob.core.windows.net/`;
  if (!endpoint)
    throw new HandlerError(
      'storage-unavailable',
      `Haul could not find the blob endpoint of storage account ${account.name}${why ? ` (${why.slice(0, 200)})` : ''}. ${connection.kind === 'local' ? 'The sandbox storage may have stopped; restart Haul.' : 'Check that you may read the storage account, then try again.'}`,
    );
  let credential: Awaited<ReturnType<Connection['blobCredential']>>;
  try {
    credential = await connection.blobCredential(endpoint);
  } catch (err) {
    throw new HandlerError('storage-unavailable', messageOf(err));
  }
  const service = new BlobServiceClient(endpoint.replace(/\/$/, ''), credential, { retryOptions: { maxTries: 3 } });
  return blobAccess(service, `storage account ${account.name}`);
}
