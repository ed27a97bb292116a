// notifications.* and tracker.* handlers, and the pieces behind them: the tracker (polling the
// connected service), the notification centre (the last 200 notices in the data folder) and the
// settings. See shared/ipc/channels/notifications.ts for the schemas.
import path from 'node:path';
import type { NotificationsChannel } from '../../../../shared/ipc/names';
import { Tracker } from '../../jobs/tracker';
import { sandboxNow } from '../../jobs/trackerClock';
import { jobsServiceSource } from '../../jobs/trackerJobs';
import type { JobSource } from '../../jobs/trackerSource';
import type { TrackerIntervals } from '../../jobs/trackerSchedule';
import { trackerStore } from '../../jobs/trackerStore';
import { NotificationCentre, centreStore } from '../../notifications/centre';
import { notificationSettingsStore } from '../../notifications/settings';
import type { CoreContext, HandlersOf } from '../context';

/** The service the tracker follows: the jobs service of the current connection, while there is one. */
function connectedSource(ctx: CoreContext): () => JobSource | undefined {
  let source: JobSource | undefined;
  return () => {
    if (!ctx.jobs || !ctx.connections?.current()) return undefined;
    source ??= jobsServiceSource(ctx.jobs);
    return source;
  };
}

/**
 * The tracker's timing: the option, else HAUL_TRACKER_POLL_MS (every interval that short, for the
 * end-to-end tests of a station; no real use wants it), else the defaults of trackerSchedule.ts.
 */
function intervals(given: Partial<TrackerIntervals> | undefined): { intervals: Partial<TrackerIntervals> } | undefined {
  if (given) return { intervals: given };
  const fast = Number(process.env.HAUL_TRACKER_POLL_MS);
  if (!Number.isFinite(fast) || fast <= 0) return undefined;
  return {
    intervals: {
      movingMs: fast,
      activeMs: fast,
      waitingMs: fast,
      finishedMs: fast,
      listMs: fast,
      backoffMs: fast,
      maxBackoffMs: 4 * fast,
    },
  };
}

export async function notificationsHandlers(ctx: CoreContext): Promise<HandlersOf<NotificationsChannel>> {
  const opts = ctx.options.tracker ?? {};
  const settings = notificationSettingsStore(ctx.dataDir);
  const now = () => (opts.clock ?? { now: Date.now }).now();
  const sandbox = sandboxNow(path.join(ctx.dataDir, 'service'));
  const centre = new NotificationCentre({
    store: centreStore(ctx.dataDir),
    settings: () => settings.read(),
    ...(ctx.options.notifier ? { notifier: ctx.options.notifier } : {}),
    emit: (n) => ctx.events.emit('notification', n),
    emitUnread: (unread) => ctx.events.emit('notifications.changed', { unread }),
    now,
  });
  const tracker = new Tracker({
    source: opts.source ?? connectedSource(ctx),
    store: trackerStore(ctx.dataDir),
    deliver: async (drafts) => {
      await centre.deliver(drafts);
      ctx.events.emit('notifications.changed', { unread: (await centre.list()).unread });
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    serviceNow:
      opts.serviceNow ?? (() => (ctx.localService && ctx.connections?.current()?.kind === 'local' ? sandbox() : now())),
    ...(intervals(opts.intervals) ?? {}),
    onStatus: (s) => ctx.events.emit('tracker.changed', s),
  });
  ctx.tracker = tracker;
  ctx.notifications = { centre, openJob: (jobName) => ctx.events.emit('notification.open', { jobName }) };

  // A connection that appears or changes (the sandbox became ready, another account) is asked at once.
  const off = ctx.connections?.onChange(() => void tracker.refresh()) ?? (() => undefined);
  ctx.onDispose(async () => {
    off();
    await tracker.stop();
  });
  if (opts.start !== false) await tracker.start();

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
