// What a notification is, everywhere it appears (desktop, browser, the in-app centre): its kind,
// the job it is about, what happened (title) and what to do (body). Also the customer's settings:
// kinds switched off, muted jobs, quiet hours. Pure zod schemas shared by main and the renderer.
import * as z from 'zod';

export const NOTICE_KINDS = [
  'jobState',
  'driveState',
  'progress',
  'operatorsAlerted',
  'neverReceived',
  'receivedAgain',
  'completedMoreInfo',
  'faulted',
  'resolved',
  'jobGone',
  'deadline',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const noticeKind = z.enum(NOTICE_KINDS);

/** The settings tab's words for each kind. */
export const NOTICE_KIND_LABEL: Readonly<Record<NoticeKind, string>> = {
  jobState: 'A job changes state',
  driveState: 'A drive changes state',
  progress: 'Copy progress (25, 50, 75, 100 %)',
  operatorsAlerted: 'Package overdue: operators alerted (J6)',
  neverReceived: 'A drive never arrived (D4)',
  receivedAgain: 'A missing drive arrived after all (DE1)',
  completedMoreInfo: 'A drive finished with errors or warnings (D7)',
  faulted: 'A job or drive is Faulted (F1)',
  resolved: 'A fault is resolved (F2)',
  jobGone: 'A job was deleted (J2, J12)',
  deadline: 'Deadlines coming (ship within 2 days, logs deleted in 7 days)',
};

/** A notification as the tracker makes it: before the centre stores and delivers it. */
export const NoticeDraft = z.object({
  /** Stable and unique: `<job>#<n>`, n counting that job's notices; the centre drops a repeated id. */
  id: z.string().min(1).max(200),
  kind: noticeKind,
  jobName: z.string().min(1).max(100),
  /** What happened, in one line. */
  title: z.string().min(1).max(300),
  /** What to do now (or that nothing needs doing). */
  body: z.string().min(1).max(1000),
  /** When Haul saw it (epoch ms, the tracker's clock). */
  at: z.number(),
  /** The life-cycle rule it comes from (J6, D4 …), when there is one. */
  rule: z.string().max(20).optional(),
  driveId: z.string().max(64).optional(),
});
export type NoticeDraft = z.infer<typeof NoticeDraft>;

/**
 * Who pops the notification up on the desktop: the Electron shell (main), the page (browser mode,
 * Web Notification API), or nobody (kind switched off, job muted, quiet hours). The centre keeps
 * every notice either way.
 */
export const POPUP = ['shell', 'page', 'none'] as const;
export type Popup = (typeof POPUP)[number];

/** One notification (the `notification` event, and an entry of the notification centre). */
export const HaulNotice = NoticeDraft.extend({
  read: z.boolean(),
  popup: z.enum(POPUP),
});
export type HaulNotice = z.infer<typeof HaulNotice>;

/** "HH:MM", 24-hour clock. */
export const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time such as 22:00 (24-hour clock)' });

export const QuietHours = z.object({
  enabled: z.boolean(),
  /** Local time on the computer that runs Haul's main process. A span that crosses midnight (22:00–07:00) is fine. */
  start: clockTime,
  end: clockTime,
});
export type QuietHours = z.infer<typeof QuietHours>;

export const NotificationSettings = z.object({
  /** Kinds switched off (absent: on). Switched-off notices go to the centre as already read, without a popup. */
  kinds: z.partialRecord(noticeKind, z.boolean()),
  /** Jobs whose notices go to the centre as read, without a popup. */
  mutedJobs: z.array(z.string().min(1).max(100)).max(1000),
  /** During quiet hours notices are kept (unread) but not popped up. */
  quietHours: QuietHours,
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

export const DEFAULT_SETTINGS: NotificationSettings = {
  kinds: {},
  mutedJobs: [],
  quietHours: { enabled: false, start: '22:00', end: '07:00' },
};

/** The tracker as the status bar and the centre show it ("last updated 12 min ago — offline"). */
export const TrackerStatus = z.object({
  state: z.enum(['idle', 'online', 'offline', 'disconnected']),
  /** Jobs being followed (not deleted). */
  jobs: z.number().int().min(0),
  /** The last poll that reached the service. */
  lastSuccessAt: z.number().optional(),
  /** When the next poll is due. */
  nextPollAt: z.number().optional(),
  /** Why the tracker is offline or disconnected, for the person. */
  message: z.string().optional(),
  /** The tracker's clock when this status was made (so the page can say "12 min ago"). */
  at: z.number(),
});
export type TrackerStatus = z.infer<typeof TrackerStatus>;
