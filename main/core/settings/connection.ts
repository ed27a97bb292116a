// The connection the person chose in Settings, as the ConnectionSource the jobs service reads:
// the local sandbox (the default), or Azure once they signed in and picked a subscription and
// resource group. Sign-in state lives here, in memory; the account record (not a token) is kept
// encrypted so the next start can say who was signed in.
import type { ConnectionStatus } from '../../../shared/ipc/channels/settings';
import type { Connection, ConnectionSource } from '../service/connection';
import {
  ARM_SCOPE,
  AZURE_ARM,
  AzureError,
  azureConnection,
  deserializeAccount,
  identityCredentials,
  listResourceGroups,
  listSubscriptions,
  serializeAccount,
  signInFailure,
  type AzureResourceGroup,
  type AzureSubscription,
  type CredentialFactory,
  type SignInCredential,
  type SignInMethod,
} from '../service/azure';
import type { SecretStore } from '../secrets';
import type { SettingsPort } from './index';

export const ACCOUNT_SECRET = 'azure/account';

export interface AzureOptions {
  /** ARM's address; tests point it at the sandbox or a stand-in. */
  armEndpoint?: string;
  /** The certificate authority to trust for armEndpoint (a sandbox's); absent: the system's. */
  ca?: string;
  /** How to make the sign-in credential (tests: one that answers a sandbox token). */
  credentials?: CredentialFactory;
}

export interface ConnectionManager extends ConnectionSource {
  status(): ConnectionStatus;
  signIn(method: SignInMethod, tenantId?: string): Promise<ConnectionStatus>;
  signOut(): Promise<ConnectionStatus>;
  subscriptions(): Promise<AzureSubscription[]>;
  resourceGroups(subscriptionId: string): Promise<AzureResourceGroup[]>;
  use(
    choice:
      | { kind: 'local' }
      | { kind: 'azure'; subscriptionId: string; subscriptionName?: string; resourceGroup: string },
  ): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

export async function createConnectionManager(o: {
  settings: SettingsPort;
  secrets: SecretStore;
  local?: ConnectionSource;
  azure?: AzureOptions;
}): Promise<ConnectionManager> {
  const endpoint = o.azure?.armEndpoint ?? AZURE_ARM;
  const makeCredential = o.azure?.credentials ?? identityCredentials;
  const stored = await o.secrets.get(ACCOUNT_SECRET);
  const remembered = stored ? deserializeAccount(stored) : undefined;
  let credential: SignInCredential | undefined;
  let account = remembered?.username;
  let tenantId = remembered?.tenantId;
  let signingIn = false;
  let deviceCode: ConnectionStatus['deviceCode'];
  let failure: string | undefined;
  let connection: Connection | undefined;
  let connectionKey: string | undefined;
  const listeners = new Set<(c: Connection | undefined) => void>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const arm = () => {
    if (!credential) throw new AzureError('Sign in to Azure first.', 'signed-out');
    return { endpoint, credential, ...(o.azure?.ca ? { ca: o.azure.ca } : {}) };
  };

  const compute = (): Connection | undefined => {
    const chosen = o.settings.get().connection;
    if (chosen.kind === 'local') return o.local?.current();
    if (!credential) return undefined;
    return azureConnection({
      ...arm(),
      subscriptionId: chosen.subscriptionId,
      resourceGroup: chosen.resourceGroup,
      ...(chosen.subscriptionName ? { subscriptionName: chosen.subscriptionName } : {}),
    });
  };

  const status = (): ConnectionStatus => {
    const chosen = o.settings.get().connection;
    const who = { signedIn: Boolean(credential), ...(account ? { account } : {}), ...(tenantId ? { tenantId } : {}) };
    if (chosen.kind === 'local') {
      const ready = Boolean(o.local?.current());
      return {
        kind: 'local',
        label: 'Local sandbox',
        state: ready ? 'ready' : 'starting',
        ...who,
        ...(deviceCode ? { deviceCode } : {}),
        ...(failure ? { message: failure } : {}),
      };
    }
    const base = {
      kind: 'azure' as const,
      label: chosen.subscriptionName ? `Azure: ${chosen.subscriptionName}` : 'Azure',
      ...who,
      subscriptionId: chosen.subscriptionId,
      resourceGroup: chosen.resourceGroup,
      ...(chosen.subscriptionName ? { subscriptionName: chosen.subscriptionName } : {}),
    };
    if (signingIn) return { ...base, state: 'signing-in', ...(deviceCode ? { deviceCode } : {}) };
    if (!credential)
      return {
        ...base,
        state: failure ? 'failed' : 'signed-out',
        message:
          failure ??
          (account
            ? `Sign in again as ${account} to reach your jobs in Azure.`
            : 'Sign in to reach your jobs in Azure.'),
      };
    return { ...base, state: 'ready' };
  };

  // Tell the jobs service when the connection itself changed (not for every status detail).
  const changed = () => {
    const next = compute();
    const key = next
      ? `${next.kind}\u0000${next.endpoint}\u0000${next.subscriptionId}\u0000${next.resourceGroup}\u0000${credential ? 'c' : ''}`
      : undefined;
    if (key !== connectionKey || next !== connection) {
      const moved = key !== connectionKey;
      connectionKey = key;
      connection = next;
      if (moved) for (const l of listeners) l(connection);
    }
    const s = status();
    for (const l of statusListeners) l(s);
  };
  o.local?.onChange(() => changed());
  connection = compute();

  return {
    current() {
      // The local source may have become ready since (its own change event calls us too).
      if (o.settings.get().connection.kind === 'local') return o.local?.current();
      return connection;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    status,
    async signIn(method, tenant) {
      if (signingIn)
        throw new AzureError('A sign-in is already waiting for you (in the browser, or for the code).', 'busy');
      signingIn = true;
      failure = undefined;
      deviceCode = undefined;
      changed();
      const attempt = async (how: SignInMethod) => {
        const cred = makeCredential({
          method: how,
          ...(tenant ? { tenantId: tenant } : {}),
          onDeviceCode: (info) => {
            deviceCode = { message: info.message, userCode: info.userCode, verificationUri: info.verificationUri };
            changed();
          },
        });
        const record = await cred.authenticate(ARM_SCOPE);
        return { cred, record };
      };
      try {
        let result;
        try {
          result = await attempt(method);
        } catch (err) {
          const why = signInFailure(err, method);
          // No browser on this computer (a station over SSH): the device code is the fallback.
          if (method !== 'browser' || why.code !== 'browser-failed') throw why;
          result = await attempt('device-code').catch((e: unknown) => {
            throw signInFailure(e, 'device-code');
          });
        }
        credential = result.cred;
        account = result.record?.username ?? account;
        tenantId = result.record?.tenantId ?? tenant ?? tenantId;
        if (result.record) await o.secrets.set(ACCOUNT_SECRET, serializeAccount(result.record));
      } catch (err) {
        failure = err instanceof AzureError ? err.message : signInFailure(err, method).message;
      } finally {
        signingIn = false;
        deviceCode = undefined;
        changed();
      }
      return status();
    },
    async signOut() {
      credential = undefined;
      account = undefined;
      tenantId = undefined;
      failure = undefined;
      await o.secrets.delete(ACCOUNT_SECRET);
      changed();
      return status();
    },
    subscriptions: () => listSubscriptions(arm()),
    resourceGroups: (subscriptionId) => listResourceGroups(arm(), subscriptionId),
    use(choice) {
      if (choice.kind === 'azure' && !credential)
        throw new AzureError('Sign in to Azure before you choose a subscription.', 'signed-out');
      o.settings.setConnection(
        choice.kind === 'local'
          ? { kind: 'local' }
          : {
              kind: 'azure',
              subscriptionId: choice.subscriptionId,
              resourceGroup: choice.resourceGroup,
              signIn: 'browser',
              ...(choice.subscriptionName ? { subscriptionName: choice.subscriptionName } : {}),
              ...(account ? { account } : {}),
              ...(tenantId ? { tenantId } : {}),
            },
      );
      failure = undefined;
      changed();
      return status();
    },
  };
}
