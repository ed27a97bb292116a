// notifications.* and tracker.* handlers, and the pieces behind them: the tracker (polling the
// connected service), the notification centre (the last 200 notices in the data folder) and the
// settings. See shared/ipc/channels/notifications.ts for the schemas.
import path from 'node:path';
import type { NotificationsChannel } from '../../../../shared/ipc/names';
import { Tracker } from '../../jobs/tracker';
import { httpJobSource, sandboxNow } from '../../jobs/trackerHttp';
import type { JobSource } from '../../jobs/trackerSource';
import { trackerStore } from '../../jobs/trackerStore';
import { NotificationCentre, centreStore } from '../../notifications/centre';
import { notificationSettingsStore } from '../../notifications/settings';
import type { CoreContext, HandlersOf } from '../context';

/** The service the tracker follows: the local sandbox main started, once it is ready. */
function localSource(ctx: CoreContext): () => JobSource | undefined {
  let cached: { key: string; source: JobSource } | undefined;
  return () => {
    const conn = ctx.localService?.connection();
    if (!conn) return undefined;
    const key = `${conn.endpoint} ${conn.token}`;
    if (cached?.key !== key) cached = { key, source: httpJobSource(conn) };
    return cached.source;
  };
}

export async function notificationsHandlers(ctx: CoreContext): Promise<HandlersOf<NotificationsChannel>> {
  const opts = ctx.options.tracker ?? {};
  const settings = notificationSettingsStore(ctx.dataDir);
  const now = () => (opts.clock ?? { now: Date.now }).now();
  const centre = new NotificationCentre({
    store: centreStore(ctx.dataDir),
    settings: () => settings.read(),
    ...(ctx.options.notifier ? { notifier: ctx.options.notifier } : {}),
    emit: (n) => ctx.events.emit('notification', n),
    emitUnread: (unread) => ctx.events.emit('notifications.changed', { unread }),
    now,
  });
  const tracker = new Tracker({
    source: opts.source ?? localSource(ctx),
    store: trackerStore(ctx.dataDir),
    deliver: async (drafts) => {
      await centre.deliver(drafts);
      ctx.events.emit('notifications.changed', { unread: (await centre.list()).unread });
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    serviceNow: opts.serviceNow ?? (ctx.options.localService ? sandboxNow(path.join(ctx.dataDir, 'service')) : now),
    ...(opts.intervals ? { intervals: opts.intervals } : {}),
    onStatus: (s) => ctx.events.emit('tracker.changed', s),
    onJob: (job) => ctx.events.emit('job.updated', { jobName: job.name, state: job.properties.state }),
  });
  ctx.tracker = tracker;
  ctx.notifications = { centre, openJob: (jobName) => ctx.events.emit('notification.open', { jobName }) };

  // A service that becomes ready (at start, or after a restart) is asked at once.
  const off = ctx.events.on((event, payload) => {
    if (event === 'service.changed' && (payload as { state?: string }).state === 'ready') void tracker.refresh();
  });
  ctx.onDispose(async () => {
    off();
    await tracker.stop();
  });
  if (opts.start !== false) await tracker.start();

  return {
    'notifications.list': () => centre.list(),
    'notifications.markRead': async (req) => ({ unread: await centre.markRead('all' in req ? { all: true } : { ids: req.ids }) }),
    'notifications.settings.get': () => settings.read(),
    'notifications.settings.set': async (next) => {
      await settings.write(next);
      return settings.read();
    },
    'tracker.refresh': () => tracker.refresh(),
    'tracker.status': async () => tracker.getStatus(),
  };
}
