// The settings main keeps (general options, the connection) and whether the file had to be
// recovered at start; kept fresh by the settings.changed event.
import type { ConnectionStatus, SettingsPatch, SettingsView } from '../../../shared/ipc/channels/settings';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export interface SettingsSlice {
  view?: SettingsView;
  /** The last load or save that failed, in words; the person's choice on screen stays as it was. */
  error?: string;
  saving: boolean;
  /** The person has seen (and closed) the "settings were reset" message. */
  recoveryDismissed: boolean;
  load(): Promise<void>;
  save(patch: SettingsPatch): Promise<boolean>;
  setView(view: SettingsView): void;
  dismissRecovery(): void;

  /** The connection: sandbox or Azure, and the Azure sign-in. */
  connection?: ConnectionStatus;
  subscriptions?: Subscription[];
  resourceGroups?: { subscriptionId: string; list: ResourceGroup[] };
  /** The last connection action that failed, in words. */
  connectionError?: string;
  busy: boolean;
  loadConnection(): Promise<void>;
  setConnection(status: ConnectionStatus): void;
  signIn(method: 'browser' | 'device-code'): Promise<void>;
  signOut(): Promise<void>;
  loadSubscriptions(): Promise<void>;
  loadResourceGroups(subscriptionId: string): Promise<void>;
  useConnection(
    choice:
      | { kind: 'local' }
      | { kind: 'azure'; subscriptionId: string; subscriptionName?: string; resourceGroup: string },
  ): Promise<boolean>;
}

declare module './slice' {
  interface HaulState {
    settings: SettingsSlice;
  }
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
}
export interface ResourceGroup {
  name: string;
  location: string;
}

export const createSettingsSlice: SliceCreator<'settings'> = (set) => ({
  saving: false,
  recoveryDismissed: false,
  async load() {
    try {
      set({ view: await unwrap(bridge().settingsGet()), error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async save(patch) {
    set({ saving: true });
    try {
      set({ view: await unwrap(bridge().settingsSet(patch)), error: undefined, saving: false });
      return true;
    } catch (err) {
      set({ error: errorMessage(err), saving: false });
      return false;
    }
  },
  setView(view) {
    set({ view });
  },
  dismissRecovery() {
    set({ recoveryDismissed: true });
  },

  busy: false,
  async loadConnection() {
    try {
      set({ connection: await unwrap(bridge().connectionStatus()) });
    } catch (err) {
      set({ connectionError: errorMessage(err) });
    }
  },
  setConnection(connection) {
    set({ connection });
  },
  async signIn(method) {
    set({ connectionError: undefined });
    try {
      const connection = await unwrap(bridge().connectionSignIn({ method }));
      set({
        connection,
        ...(connection.message && !connection.signedIn ? { connectionError: connection.message } : {}),
      });
    } catch (err) {
      set({ connectionError: errorMessage(err) });
    }
  },
  async signOut() {
    try {
      set({
        connection: await unwrap(bridge().connectionSignOut()),
        subscriptions: undefined,
        resourceGroups: undefined,
        connectionError: undefined,
      });
    } catch (err) {
      set({ connectionError: errorMessage(err) });
    }
  },
  async loadSubscriptions() {
    set({ busy: true, connectionError: undefined });
    try {
      set({ subscriptions: await unwrap(bridge().connectionSubscriptions()), busy: false });
    } catch (err) {
      set({ connectionError: errorMessage(err), busy: false });
    }
  },
  async loadResourceGroups(subscriptionId) {
    set({ busy: true, connectionError: undefined });
    try {
      set({
        resourceGroups: { subscriptionId, list: await unwrap(bridge().connectionResourceGroups({ subscriptionId })) },
        busy: false,
      });
    } catch (err) {
      set({ connectionError: errorMessage(err), busy: false, resourceGroups: undefined });
    }
  },
  async useConnection(choice) {
    set({ busy: true, connectionError: undefined });
    try {
      set({ connection: await unwrap(bridge().connectionUse(choice)), busy: false });
      return true;
    } catch (err) {
      set({ connectionError: errorMessage(err), busy: false });
      return false;
    }
  },
});
