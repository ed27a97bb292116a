// notifications.* handlers: built from the core context; see shared/ipc/channels/notifications.ts for the schemas.
import type { NotificationsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

export async function notificationsHandlers(_ctx: CoreContext): Promise<HandlersOf<NotificationsChannel>> {
  return {};
}
