// The tracker and the notification centre (issue "Status tracking and desktop notifications"):
// schemas of the notifications.* and tracker.* channels and the notification event.
import { z } from 'zod';
import type { ChannelSpec, EventSpec } from './spec';
import type { NotificationsChannel } from '../names';

export const notificationsChannels = {} satisfies ChannelSpec<NotificationsChannel>;

/** One desktop notification: what happened and what to do. */
export const HaulNotice = z.object({
  title: z.string(),
  body: z.string(),
  jobName: z.string().optional(),
});
export type HaulNotice = z.infer<typeof HaulNotice>;

export const notificationsEvents = {
  notification: HaulNotice,
} satisfies EventSpec<'notification'>;
