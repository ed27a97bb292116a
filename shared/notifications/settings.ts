// Whether a notice pops up on the desktop and whether it counts as unread, from the customer's
// settings: a kind switched off or a muted job is kept in the centre as read, without a popup;
// during quiet hours it is kept unread, without a popup.
import type { NoticeDraft, NotificationSettings, QuietHours } from './schemas';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether the local time of `at` falls inside the quiet hours (a span may cross midnight). */
export function inQuietHours(q: QuietHours, at: number): boolean {
  if (!q.enabled) return false;
  const d = new Date(at);
  const now = d.getHours() * 60 + d.getMinutes();
  const start = minutes(q.start);
  const end = minutes(q.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

export interface Disposition {
  /** Pop it up on the desktop (or in the browser). */
  popup: boolean;
  /** Keep it in the centre as already read. */
  read: boolean;
}

export function disposition(settings: NotificationSettings, notice: NoticeDraft, now: number): Disposition {
  const off = settings.kinds[notice.kind] === false || settings.mutedJobs.includes(notice.jobName);
  if (off) return { popup: false, read: true };
  return { popup: !inQuietHours(settings.quietHours, now), read: false };
}
