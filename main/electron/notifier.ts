// Desktop notifications in the Electron shell: the Notifier port (main/core/notifications/port.ts)
// over Electron's Notification. The shell wires it in: createCore({ notifier:
// createElectronNotifier(Notification, (job) => { show the window; core.context.notifications?.openJob(job) }) }).
import type { HaulNotice } from '../../shared/notifications';
import type { Notifier } from '../core/notifications/port';

/** What Haul uses of an Electron Notification (so tests can stand one in). */
export interface NotificationLike {
  show(): void;
  on(event: 'click' | 'close', listener: () => void): unknown;
}
export interface NotificationClass {
  new (options: { title: string; body: string; silent?: boolean }): NotificationLike;
  isSupported(): boolean;
}

export function createElectronNotifier(Notification: NotificationClass, onClick: (jobName: string) => void): Notifier {
  // Electron drops a notification's click handler once the object is garbage collected: keep each
  // one until it is clicked or closed.
  const alive = new Set<NotificationLike>();
  return {
    show(notice: HaulNotice) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body });
      alive.add(n);
      n.on('click', () => {
        alive.delete(n);
        onClick(notice.jobName);
      });
      n.on('close', () => alive.delete(n));
      n.show();
    },
  };
}
