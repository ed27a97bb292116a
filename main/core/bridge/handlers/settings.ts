// settings.* handlers: the settings document through the settings port (electron-store in the
// desktop app, conf in browser mode); see shared/ipc/channels/settings.ts for the schemas.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { SettingsView } from '../../../../shared/ipc/channels/settings';
import type { SettingsChannel } from '../../../../shared/ipc/names';
import { SettingsError } from '../../settings';
import type { CoreContext, HandlersOf } from '../context';

export function settingsView(ctx: CoreContext): SettingsView {
  const port = ctx.settings;
  return {
    settings: port.get(),
    file: port.file,
    host: ctx.options.host ?? 'browser',
    secrets: { store: ctx.secrets.kind, description: ctx.secrets.description },
    ...(port.recovered ? { recovered: port.recovered } : {}),
  };
}

export async function settingsHandlers(ctx: CoreContext): Promise<HandlersOf<SettingsChannel>> {
  ctx.settings.onChange(() => ctx.events.emit('settings.changed', settingsView(ctx)));
  return {
    'settings.get': async () => settingsView(ctx),
    'settings.set': async (patch) => {
      try {
        ctx.settings.update(patch);
      } catch (err) {
        if (err instanceof SettingsError) throw new HandlerError('bad-request', err.message, err.target);
        throw err;
      }
      return settingsView(ctx);
    },
  };
}
