// The desktop side of a notification, as a port: the Electron shell implements it with Electron's
// Notification (main/electron/notifier.ts); in browser mode there is none in main and the page
// pops notices up itself with the Web Notification API.
import type { HaulNotice } from '../../../shared/notifications';

export interface Notifier {
  show(notice: HaulNotice): void;
}
