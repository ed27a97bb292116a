// The Azure connection: sign in with @azure/identity (the system browser; a device code where no
// browser can be opened), list the person's subscriptions and resource groups over ARM's REST API
// with that credential, and build the Connection the service client uses — the same client as
// for the local sandbox. Tokens stay in @azure/identity's memory; only the account record (who
// signed in, no token) is kept, encrypted, through the secrets port.
import { HaulError, messageOf } from '../../../shared/errors';
import { request } from 'node:https';
import {
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  type AuthenticationRecord,
  type DeviceCodeInfo,
} from '@azure/identity';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import * as z from 'zod';
import type { Connection } from './connection';

export const AZURE_ARM = 'https://management.azure.com';
export const ARM_SCOPE = 'https://management.azure.com/.default';
export const STORAGE_SCOPE = 'https://storage.azure.com/.default';

export type SignInMethod = 'browser' | 'device-code';

/** A credential the person signs in with; `authenticate` runs the sign-in and says who it was. */
export interface SignInCredential extends TokenCredential {
  authenticate(scopes: string | string[]): Promise<AuthenticationRecord | undefined>;
}

export interface CredentialRequest {
  method: SignInMethod;
  tenantId?: string;
  /** The previous sign-in, for a silent one where the browser session allows. */
  authenticationRecord?: AuthenticationRecord;
  /** Device code: what to show the person (the code and where to enter it). */
  onDeviceCode(info: DeviceCodeInfo): void;
}

/** Makes the credential; the real one uses @azure/identity, tests pass one that answers a sandbox token. */
export type CredentialFactory = (req: CredentialRequest) => SignInCredential;

export const identityCredentials: CredentialFactory = ({ method, tenantId, authenticationRecord, onDeviceCode }) => {
  const common = { ...(tenantId ? { tenantId } : {}), ...(authenticationRecord ? { authenticationRecord } : {}) };
  return method === 'browser'
    ? new InteractiveBrowserCredential({ ...common, redirectUri: 'http://localhost' })
    : new DeviceCodeCredential({ ...common, userPromptCallback: onDeviceCode });
};

export const serializeAccount = serializeAuthenticationRecord;
export function deserializeAccount(text: string): AuthenticationRecord | undefined {
  try {
    return deserializeAuthenticationRecord(text);
  } catch {
    return undefined;
  }
}

export class AzureError extends HaulError {
  constructor(message: string, code = 'azure') {
    super(code, message);
    this.name = 'AzureError';
  }
}

/** Turns what @azure/identity or ARM threw into a sentence; never the token, never a stack. */
export function signInFailure(err: unknown, method: SignInMethod): AzureError {
  const name = (err as { name?: string }).name ?? '';
  const text = messageOf(err);
  if (/AbortError|cancel/i.test(name) || /user canceled|cancelled|access_denied/i.test(text)) {
    return new AzureError('Sign-in was cancelled. Sign in again when you are ready.', 'cancelled');
  }
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(text)) {
    return new AzureError(
      'Haul could not reach Azure to sign you in. Check the internet connection (or a proxy), then try again.',
      'offline',
    );
  }
  return method === 'browser'
    ? new AzureError(
        'Signing in through the browser did not work on this computer. Use "Sign in with a code" instead.',
        'browser-failed',
      )
    : new AzureError('Signing in with a code did not work. Check the code and the account, then try again.', 'failed');
}

const Subscription = z.object({
  subscriptionId: z.string(),
  displayName: z.string(),
  tenantId: z.string().optional(),
  state: z.string().optional(),
});
export type AzureSubscription = z.infer<typeof Subscription>;
const ResourceGroup = z.object({ name: z.string(), location: z.string() });
export type AzureResourceGroup = z.infer<typeof ResourceGroup>;
const Page = <T extends z.ZodType>(item: T) =>
  z.object({ value: z.array(item), nextLink: z.string().optional().nullable() });

export interface ArmOptions {
  /** ARM's address (Azure: https://management.azure.com; tests: a stand-in). */
  endpoint: string;
  credential: TokenCredential;
  /** The only certificate authority to trust; absent: the system's. */
  ca?: string;
}

/** One GET to ARM with the credential's token; every page, following nextLink on the same host. */
async function armList<T extends z.ZodType>(
  opts: ArmOptions,
  path: string,
  item: T,
  what: string,
): Promise<Array<z.output<T>>> {
  const token: AccessToken | null = await opts.credential.getToken(ARM_SCOPE);
  if (!token) throw new AzureError('You are signed out of Azure. Sign in again.', 'signed-out');
  const base = new URL(opts.endpoint);
  const out: Array<z.output<T>> = [];
  let next: URL | undefined = new URL(path, base);
  for (let pages = 0; next && pages < 100; pages += 1) {
    if (next.origin !== base.origin)
      throw new AzureError(
        `Azure sent the next page of ${what} to another address (${next.origin}); Haul does not send your sign-in there.`,
      );
    const body = await getJson(next, token.token, opts.ca, what);
    const page = Page(item).safeParse(body);
    if (!page.success) throw new AzureError(`Azure answered the list of ${what} in a form Haul does not understand.`);
    out.push(...page.data.value);
    next = page.data.nextLink ? new URL(page.data.nextLink) : undefined;
  }
  return out;
}

function getJson(url: URL, token: string, ca: string | undefined, what: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        ...(ca ? { ca } : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status === 401)
            return reject(new AzureError('Azure no longer accepts your sign-in. Sign in again.', 'signed-out'));
          if (status === 403)
            return reject(
              new AzureError(
                `Your account may not list ${what}. Ask the subscription's owner for the Reader role.`,
                'forbidden',
              ),
            );
          if (status < 200 || status >= 300) {
            const message = (json as { error?: { message?: string } } | undefined)?.error?.message;
            return reject(new AzureError(`Azure could not list ${what} (${status}${message ? `: ${message}` : ''}).`));
          }
          resolve(json);
        });
        res.on('error', () =>
          reject(new AzureError(`The connection to Azure broke while listing ${what}. Try again.`, 'offline')),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('ETIMEDOUT')));
    req.on('error', () =>
      reject(
        new AzureError(
          `Haul could not reach Azure (${url.host}) to list ${what}. Check the internet connection, then try again.`,
          'offline',
        ),
      ),
    );
    req.end();
  });
}

export function listSubscriptions(opts: ArmOptions): Promise<AzureSubscription[]> {
  return armList(opts, '/subscriptions?api-version=2022-12-01', Subscription, 'your subscriptions');
}

export function listResourceGroups(opts: ArmOptions, subscriptionId: string): Promise<AzureResourceGroup[]> {
  return armList(
    opts,
    `/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups?api-version=2021-04-01`,
    ResourceGroup,
    'the resource groups',
  );
}

export interface AzureConnectionOptions extends ArmOptions {
  subscriptionId: string;
  subscriptionName?: string;
  resourceGroup: string;
}

/** The Connection for a subscription and resource group the person picked. */
export function azureConnection(o: AzureConnectionOptions): Connection {
  return {
    kind: 'azure',
    label: o.subscriptionName ? `Azure: ${o.subscriptionName}` : 'Azure',
    endpoint: o.endpoint,
    credential: o.credential,
    subscriptionId: o.subscriptionId,
    resourceGroup: o.resourceGroup,
    ...(o.ca ? { ca: o.ca } : {}),
    async blobCredential(blobUri) {
      let url: URL;
      try {
        url = new URL(blobUri);
      } catch {
        throw new Error(`The log address the service gave ("${blobUri}") is not a URL, so Haul cannot read it.`);
      }
      // Only Azure Storage over https gets the person's sign-in.
      if (url.protocol !== 'https:' || !/\.blob\.core\.windows\.net$/i.test(url.hostname)) {
        throw new Error(
          `The log address ${url.origin} is not an Azure Storage account, so Haul does not send it your sign-in.`,
        );
      }
      const credential = o.credential;
      return { getToken: (_scopes, options) => credential.getToken(STORAGE_SCOPE, options) };
    },
    async blobEndpoint(account) {
      return `https://${account}.blob.core.windows.net`;
    },
  };
}
