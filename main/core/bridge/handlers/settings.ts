// settings.* and connection.* handlers: the settings document through the settings port
// (electron-store in the desktop app, conf in browser mode) and the connection chosen there
// (sandbox or Azure, with the Azure sign-in); see shared/ipc/channels/settings.ts.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { ConnectionStatus } from '../../../../shared/ipc/channels/settings';
import type { SettingsChannel } from '../../../../shared/ipc/names';
import type { ConnectionManager } from '../../settings/connection';
import type { CoreContext, HandlersOf } from '../context';
import { settingsView } from '../../services';

const NO_SERVICE: ConnectionStatus = {
  kind: 'local',
  label: 'No service',
  state: 'failed',
  signedIn: false,
  message: 'Haul was started without an Import/Export service.',
};

export function settingsHandlers(ctx: CoreContext): HandlersOf<SettingsChannel> {
  const manager = (): ConnectionManager => {
    if (!ctx.connection) throw new HandlerError('no-service', NO_SERVICE.message!);
    return ctx.connection;
  };
  return {
    'settings.get': async () => settingsView(ctx),
    'settings.set': async (patch) => {
      ctx.settings.update(patch);
      return settingsView(ctx);
    },
    'connection.status': async () => ctx.connection?.status() ?? NO_SERVICE,
    'connection.signIn': async ({ method, tenantId }) => manager().signIn(method, tenantId),
    'connection.signOut': async () => manager().signOut(),
    'connection.subscriptions': async () => manager().subscriptions(),
    'connection.resourceGroups': async ({ subscriptionId }) => manager().resourceGroups(subscriptionId),
    'connection.use': async (choice) => manager().use(choice),
  };
}
