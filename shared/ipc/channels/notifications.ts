// The tracker and the notification centre (issue "Status tracking and desktop notifications"):
// schemas of the notifications.* and tracker.* channels and their events. The notice itself,
// HaulNotice, is defined with the rest of the notification model in shared/notifications.
import * as z from 'zod';
import { HaulNotice, NotificationSettings, TrackerStatus } from '../../notifications/schemas';
import type { ChannelSpec, EventSpec } from './spec';
import type { NotificationsChannel, NotificationsEvent } from '../names';

export { HaulNotice, NotificationSettings, TrackerStatus } from '../../notifications/schemas';

const empty = z.object({}).strict();

export const NoticeList = z.object({
  /** Newest first, at most the last 200. */
  notices: z.array(HaulNotice),
  unread: z.number().int().min(0),
});
export type NoticeList = z.infer<typeof NoticeList>;

export const MarkReadRequest = z.union([
  z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

export const notificationsChannels = {
  'notifications.list': { request: empty, response: NoticeList },
  'notifications.markRead': { request: MarkReadRequest, response: z.object({ unread: z.number().int().min(0) }) },
  'notifications.settings.get': { request: empty, response: NotificationSettings },
  'notifications.settings.set': { request: NotificationSettings, response: NotificationSettings },
  /** Ask the service about every job now; answers once that poll is over. */
  'tracker.refresh': { request: empty, response: TrackerStatus },
  'tracker.status': { request: empty, response: TrackerStatus },
} satisfies ChannelSpec<NotificationsChannel>;

export const notificationsEvents = {
  /** A new notice (also when it does not pop up: the centre shows it). */
  notification: HaulNotice,
  /** The unread count changed (marked read here or in another window). */
  'notifications.changed': z.object({ unread: z.number().int().min(0) }),
  /** A desktop notification was clicked: show this job. */
  'notification.open': z.object({ jobName: z.string().min(1).max(100) }),
  'tracker.changed': TrackerStatus,
} satisfies EventSpec<NotificationsEvent>;
