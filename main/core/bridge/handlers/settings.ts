// settings.* handlers: built from the core context; see shared/ipc/channels/settings.ts for the schemas.
import type { SettingsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

export async function settingsHandlers(_ctx: CoreContext): Promise<HandlersOf<SettingsChannel>> {
  return {};
}
