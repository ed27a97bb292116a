// What the service client is built from: where the Import/Export ARM API is, how to authenticate,
// and which subscription and resource group Haul works in. Today the local sandbox that main
// starts; the desktop issue adds Azure (an @azure/identity credential). Nothing outside
// main/core/service and the connection's provider knows which — and none of it leaves main.
import type { TokenCredential } from '@azure/core-auth';
import type { StorageSharedKeyCredential } from '@azure/storage-blob';

export interface Connection {
  kind: 'local' | 'azure';
  /** For the status bar: "Local sandbox" or the Azure subscription's name. */
  label: string;
  /** The ARM endpoint (https://127.0.0.1:PORT for the sandbox, https://management.azure.com for Azure). */
  endpoint: string;
  credential: TokenCredential;
  subscriptionId: string;
  resourceGroup: string;
  /** PEM of the only certificate authority to trust (the sandbox's self-signed one); absent: the system's. */
  ca?: string;
  /**
   * How to read a copy-log blob (G4) at this URI: the sandbox's storage account key, or an Azure
   * credential for the customer's storage account. Refuses (throws, with a sentence) a URI that is
   * not in this connection's storage, so a job's log URI cannot send Haul's keys elsewhere.
   */
  blobCredential(blobUri: string): Promise<StorageSharedKeyCredential | TokenCredential>;
  /** Where a storage account's blobs are: the sandbox's storage, or https://<account>.blob.core.windows.net. */
  blobEndpoint(account: string): Promise<string>;
}

/** Hands out the current connection; `undefined` while there is none (service starting, not signed in). */
export interface ConnectionSource {
  current(): Connection | undefined;
  /** Called whenever the connection appears, changes or goes away. Returns an unsubscribe function. */
  onChange(listener: (connection: Connection | undefined) => void): () => void;
}
