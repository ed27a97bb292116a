// The notification centre in the page: the last 200 notices with the unread count, the settings,
// and the tracker's status ("last updated 12 min ago — offline"). Fed by bridgeEvents.ts
// (notification, notifications.changed, tracker.changed, notification.open).
import type { HaulNotice, NotificationSettings, TrackerStatus } from '../../../shared/notifications/schemas';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export interface NotificationsSlice {
  /** Newest first. */
  notices: HaulNotice[];
  unread: number;
  settings?: NotificationSettings;
  tracker?: TrackerStatus;
  refreshing: boolean;
  error?: string;
  load(): Promise<void>;
  /** A notice pushed by main. */
  received(notice: HaulNotice): void;
  setUnread(unread: number): void;
  setTracker(status: TrackerStatus): void;
  markRead(ids: string[]): Promise<void>;
  markAllRead(): Promise<void>;
  saveSettings(settings: NotificationSettings): Promise<void>;
  /** Asks the service about every job now. */
  refresh(): Promise<void>;
  /** Marks the notice read and shows its job. */
  open(notice: HaulNotice): void;
  /** Shows a job (a desktop notification was clicked). */
  openJob(jobName: string): void;
}

declare module './slice' {
  interface HaulState {
    notifications: NotificationsSlice;
  }
}

const LIMIT = 200;

export const createNotificationsSlice: SliceCreator<'notifications'> = (set, get) => ({
  notices: [],
  unread: 0,
  refreshing: false,
  async load() {
    try {
      const [list, settings, tracker] = await Promise.all([
        unwrap(bridge().notificationsList()),
        unwrap(bridge().notificationsSettingsGet()),
        unwrap(bridge().trackerStatus()),
      ]);
      set({ notices: list.notices, unread: list.unread, settings, tracker, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  received(notice) {
    set((s) => {
      if (s.notices.some((n) => n.id === notice.id)) return {};
      return { notices: [notice, ...s.notices].slice(0, LIMIT), unread: s.unread + (notice.read ? 0 : 1) };
    });
  },
  setUnread(unread) {
    set({ unread });
  },
  setTracker(tracker) {
    set({ tracker });
  },
  async markRead(ids) {
    if (ids.length === 0) return;
    set((s) => ({ notices: s.notices.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n)) }));
    try {
      const { unread } = await unwrap(bridge().notificationsMarkRead({ ids }));
      set({ unread, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async markAllRead() {
    set((s) => ({ notices: s.notices.map((n) => ({ ...n, read: true })) }));
    try {
      const { unread } = await unwrap(bridge().notificationsMarkRead({ all: true }));
      set({ unread, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  async saveSettings(settings) {
    const before = get().notifications.settings;
    set({ settings });
    try {
      set({ settings: await unwrap(bridge().notificationsSettingsSet(settings)), error: undefined });
    } catch (err) {
      set({ settings: before, error: errorMessage(err) });
    }
  },
  async refresh() {
    set({ refreshing: true });
    try {
      set({ tracker: await unwrap(bridge().trackerRefresh()), refreshing: false, error: undefined });
    } catch (err) {
      set({ refreshing: false, error: errorMessage(err) });
    }
  },
  open(notice) {
    if (!notice.read) void get().notifications.markRead([notice.id]);
    get().notifications.openJob(notice.jobName);
  },
  openJob(jobName) {
    get().ui.navigate({ name: 'job', jobName });
  },
});
