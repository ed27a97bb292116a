// notifications.* and tracker.* handlers over the tracker (polling the connected service), the
// notification centre (the last 200 notices in the data folder) and the person's notice settings,
// all built in main/core/services.ts. See shared/ipc/channels/notifications.ts for the schemas.
import type { NotificationsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

export function notificationsHandlers(ctx: CoreContext): HandlersOf<NotificationsChannel> {
  const { tracker } = ctx;
  const { centre, settings } = ctx.notifications;
  return {
    'notifications.list': () => centre.list(),
    'notifications.markRead': async (req) => ({
      unread: await centre.markRead('all' in req ? { all: true } : { ids: req.ids }),
    }),
    'notifications.settings.get': () => settings.read(),
    'notifications.settings.set': async (next) => {
      await settings.write(next);
      return settings.read();
    },
    'tracker.refresh': () => tracker.refresh(),
    'tracker.status': async () => tracker.getStatus(),
  };
}
