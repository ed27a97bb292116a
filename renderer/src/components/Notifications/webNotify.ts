// Browser mode's desktop notifications: the Web Notification API. Permission is asked once, on a
// click (browsers ignore or punish a request without one); the answer is the browser's to keep.
const ASKED = 'haul.notifications.permissionAsked';

export function webNotificationsSupported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function webPermission(): NotificationPermission | 'unsupported' {
  return webNotificationsSupported() ? Notification.permission : 'unsupported';
}

/** Asks for permission if it was never asked (call from a click). */
export async function askOnce(force = false): Promise<NotificationPermission | 'unsupported'> {
  if (!webNotificationsSupported()) return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  if (!force && localStorage.getItem(ASKED)) return 'default';
  localStorage.setItem(ASKED, '1');
  return Notification.requestPermission();
}

/** Pops a notice up (the same words as the centre); the notice id as tag, so two tabs show it once. */
export function popUp(notice: { id: string; title: string; body: string }, onClick: () => void): void {
  if (!webNotificationsSupported() || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(notice.title, { body: notice.body, tag: notice.id });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the centre still has it.
  }
}
