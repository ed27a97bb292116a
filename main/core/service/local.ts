// The connection to the local sandbox service that main started (ctx.localService): its endpoint,
// its self-signed CA and its token, read in main and never handed on. Log blobs live in the
// sandbox's Azurite, on 127.0.0.1, signed with the account keys the sandbox keeps in
// <service data>/azurite/accounts.json.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AccessToken } from '@azure/core-auth';
import { StorageSharedKeyCredential } from '@azure/storage-blob';
import * as z from 'zod';
import type { ServiceConnection } from '../../../shared/service/connection';
import type { Connection, ConnectionSource } from './connection';

export const LOCAL_LABEL = 'Local sandbox';

const AccountsFile = z.object({ port: z.number().optional(), accounts: z.record(z.string(), z.string()) });

/** Where the sandbox keeps its storage account keys, from its data folder. */
export function sandboxAccountsFile(serviceDataDir: string): string {
  return path.join(serviceDataDir, 'azurite', 'accounts.json');
}

/** The Connection for a sandbox's ready line; `serviceDataDir` is the sandbox's own data folder. */
export function localConnection(
  conn: ServiceConnection,
  serviceDataDir: string,
  ca = readFileSync(conn.ca, 'utf8'),
): Connection {
  const token = conn.token;
  return {
    kind: 'local',
    label: LOCAL_LABEL,
    endpoint: conn.endpoint,
    credential: { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    subscriptionId: conn.subscriptionId,
    resourceGroup: conn.resourceGroup,
    ca,
    async blobCredential(blobUri) {
      let url: URL;
      try {
        url = new URL(blobUri);
      } catch {
        throw new Error(`The log address the service gave ("${blobUri}") is not a URL, so Haul cannot read it.`);
      }
      if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1') {
        throw new Error(
          `The log address ${url.origin} is not the sandbox's own storage (http://127.0.0.1), so Haul does not send it the sandbox's keys.`,
        );
      }
      const account = url.pathname.split('/')[1] ?? '';
      let text: string;
      try {
        text = await readFile(sandboxAccountsFile(serviceDataDir), 'utf8');
      } catch {
        throw new Error('The sandbox has no storage (it was started without Azurite), so there are no logs to read.');
      }
      const parsed = AccountsFile.safeParse(JSON.parse(text));
      const key = parsed.success ? parsed.data.accounts[account] : undefined;
      if (!key)
        throw new Error(
          `The storage account "${account}" of this log is not one of the sandbox's, so Haul cannot read it.`,
        );
      return new StorageSharedKeyCredential(account, key);
    },
    async blobEndpoint(account) {
      let port: number | undefined;
      try {
        const parsed = AccountsFile.safeParse(JSON.parse(await readFile(sandboxAccountsFile(serviceDataDir), 'utf8')));
        port = parsed.success ? parsed.data.port : undefined;
      } catch {
        port = undefined;
      }
      if (!port) throw new Error('The sandbox has no storage (it was started without Azurite), so there are no blobs.');
      return `http://127.0.0.1:${port}/${account}`;
    },
  };
}

/** What localConnectionSource needs of the started sandbox (ctx.localService and its data folder). */
export interface LocalServiceLike {
  connection(): ServiceConnection | undefined;
}

/**
 * A ConnectionSource over the sandbox main started: a connection while it is ready, none while it
 * starts or after it stopped. `changed` is how the caller says the service's status moved (core
 * passes service.changed events), so the source re-reads it.
 */
export function localConnectionSource(
  service: LocalServiceLike,
  serviceDataDir: string,
): ConnectionSource & { changed(): void } {
  let key: string | undefined;
  let current: Connection | undefined;
  const listeners = new Set<(c: Connection | undefined) => void>();
  const refresh = (): boolean => {
    const conn = service.connection();
    const k = conn ? `${conn.endpoint}\u0000${conn.token}` : undefined;
    if (k === key) return false;
    key = k;
    try {
      current = conn ? localConnection(conn, serviceDataDir) : undefined;
    } catch {
      // The CA file went missing between the ready line and now: no connection until the next change.
      current = undefined;
      key = undefined;
    }
    return true;
  };
  return {
    current() {
      refresh();
      return current;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed() {
      if (refresh()) for (const l of listeners) l(current);
    },
  };
}
