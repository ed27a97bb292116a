// The connection the person chose in Settings, as the ConnectionSource the jobs service reads:
// the local sandbox (the default), or Azure once they signed in and picked a subscription and
// resource group. Sign-in state lives here, in memory; the account record (not a token) is kept
// encrypted so the next start can say who was signed in.
import type { ConnectionSettings, ConnectionStatus } from '../../../shared/ipc/channels/settings';
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
  type CredentialRequest,
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

/** Who is signed in, and how a sign-in under way is going (all in memory). */
interface SignIn {
  credential: SignInCredential | undefined;
  account: string | undefined;
  tenantId: string | undefined;
  signingIn: boolean;
  deviceCode: ConnectionStatus['deviceCode'];
  failure: string | undefined;
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
  const s: SignIn = {
    credential: undefined,
    account: remembered?.username,
    tenantId: remembered?.tenantId,
    signingIn: false,
    deviceCode: undefined,
    failure: undefined,
  };

  const arm = () => {
    if (!s.credential) throw new AzureError('Sign in to Azure first.', 'signed-out');
    return { endpoint, credential: s.credential, ...(o.azure?.ca ? { ca: o.azure.ca } : {}) };
  };
  const compute = (): Connection | undefined => {
    const chosen = o.settings.get().connection;
    if (chosen.kind === 'local') return o.local?.current();
    if (!s.credential) return undefined;
    return azureConnection({
      ...arm(),
      subscriptionId: chosen.subscriptionId,
      resourceGroup: chosen.resourceGroup,
      ...(chosen.subscriptionName ? { subscriptionName: chosen.subscriptionName } : {}),
    });
  };
  const status = (): ConnectionStatus =>
    connectionStatus(o.settings.get().connection, s, () => Boolean(o.local?.current()));
  const events = new ConnectionEvents(compute, status, () => s.credential !== undefined);
  const changed = () => events.changed();
  o.local?.onChange(() => changed());
  events.start();

  return {
    current() {
      // The local source may have become ready since (its own change event calls us too).
      if (o.settings.get().connection.kind === 'local') return o.local?.current();
      return events.current();
    },
    onChange: (listener) => events.onChange(listener),
    onStatus: (listener) => events.onStatus(listener),
    status,
    async signIn(method, tenant) {
      if (s.signingIn)
        throw new AzureError('A sign-in is already waiting for you (in the browser, or for the code).', 'busy');
      s.signingIn = true;
      s.failure = undefined;
      s.deviceCode = undefined;
      changed();
      try {
        const result = await authenticate(makeCredential, method, tenant, (info) => {
          s.deviceCode = { message: info.message, userCode: info.userCode, verificationUri: info.verificationUri };
          changed();
        });
        s.credential = result.cred;
        s.account = result.record?.username ?? s.account;
        s.tenantId = result.record?.tenantId ?? tenant ?? s.tenantId;
        if (result.record) await o.secrets.set(ACCOUNT_SECRET, serializeAccount(result.record));
      } catch (err) {
        s.failure = err instanceof AzureError ? err.message : signInFailure(err, method).message;
      } finally {
        s.signingIn = false;
        s.deviceCode = undefined;
        changed();
      }
      return status();
    },
    async signOut() {
      s.credential = undefined;
      s.account = undefined;
      s.tenantId = undefined;
      s.failure = undefined;
      await o.secrets.delete(ACCOUNT_SECRET);
      changed();
      return status();
    },
    subscriptions: () => listSubscriptions(arm()),
    resourceGroups: (subscriptionId) => listResourceGroups(arm(), subscriptionId),
    use(choice) {
      if (choice.kind === 'azure' && !s.credential)
        throw new AzureError('Sign in to Azure before you choose a subscription.', 'signed-out');
      o.settings.setConnection(settingFor(choice, s));
      s.failure = undefined;
      changed();
      return status();
    },
  };
}

/**
 * The connection in use, and who hears of it: the jobs service when the connection itself changed
 * (not for every status detail), Settings on every change of status.
 */
class ConnectionEvents {
  private connection: Connection | undefined;
  private key: string | undefined;
  private readonly listeners = new Set<(c: Connection | undefined) => void>();
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>();

  constructor(
    private readonly compute: () => Connection | undefined,
    private readonly status: () => ConnectionStatus,
    private readonly hasCredential: () => boolean,
  ) {}

  /** The connection at start, told to nobody: the first change after it is always news. */
  start(): void {
    this.connection = this.compute();
  }

  current(): Connection | undefined {
    return this.connection;
  }

  onChange(listener: (c: Connection | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  changed(): void {
    const next = this.compute();
    const key = next
      ? `${next.kind}\u0000${next.endpoint}\u0000${next.subscriptionId}\u0000${next.resourceGroup}\u0000${this.hasCredential() ? 'c' : ''}`
      : undefined;
    if (key !== this.key || next !== this.connection) {
      const moved = key !== this.key;
      this.key = key;
      this.connection = next;
      if (moved) for (const l of this.listeners) l(this.connection);
    }
    const s = this.status();
    for (const l of this.statusListeners) l(s);
  }
}

/** The saved setting for a connection the person chose (Azure's with who signed in, to show at the next start). */
function settingFor(choice: Parameters<ConnectionManager['use']>[0], s: SignIn): ConnectionSettings {
  return choice.kind === 'local'
    ? { kind: 'local' }
    : {
        kind: 'azure',
        subscriptionId: choice.subscriptionId,
        resourceGroup: choice.resourceGroup,
        signIn: 'browser',
        ...(choice.subscriptionName ? { subscriptionName: choice.subscriptionName } : {}),
        ...(s.account ? { account: s.account } : {}),
        ...(s.tenantId ? { tenantId: s.tenantId } : {}),
      };
}

/** What Settings shows of the chosen connection and the sign-in. `localReady` is asked only for the sandbox. */
function connectionStatus(chosen: ConnectionSettings, s: SignIn, localReady: () => boolean): ConnectionStatus {
  const who = {
    signedIn: Boolean(s.credential),
    ...(s.account ? { account: s.account } : {}),
    ...(s.tenantId ? { tenantId: s.tenantId } : {}),
  };
  if (chosen.kind === 'local') {
    return {
      kind: 'local',
      label: 'Local sandbox',
      state: localReady() ? 'ready' : 'starting',
      ...who,
      ...(s.deviceCode ? { deviceCode: s.deviceCode } : {}),
      ...(s.failure ? { message: s.failure } : {}),
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
  if (s.signingIn) return { ...base, state: 'signing-in', ...(s.deviceCode ? { deviceCode: s.deviceCode } : {}) };
  if (!s.credential)
    return {
      ...base,
      state: s.failure ? 'failed' : 'signed-out',
      message:
        s.failure ??
        (s.account
          ? `Sign in again as ${s.account} to reach your jobs in Azure.`
          : 'Sign in to reach your jobs in Azure.'),
    };
  return { ...base, state: 'ready' };
}

/**
 * Signs in the way the person chose; where the browser cannot be opened (a station over SSH),
 * with a device code instead. Throws the sign-in's failure in the person's words (an AzureError).
 */
async function authenticate(
  makeCredential: CredentialFactory,
  method: SignInMethod,
  tenant: string | undefined,
  onDeviceCode: CredentialRequest['onDeviceCode'],
) {
  const attempt = async (how: SignInMethod) => {
    const cred = makeCredential({ method: how, ...(tenant ? { tenantId: tenant } : {}), onDeviceCode });
    const record = await cred.authenticate(ARM_SCOPE);
    return { cred, record };
  };
  try {
    return await attempt(method);
  } catch (err) {
    const why = signInFailure(err, method);
    if (method !== 'browser' || why.code !== 'browser-failed') throw why;
    return await attempt('device-code').catch((e: unknown) => {
      throw signInFailure(e, 'device-code');
    });
  }
}
