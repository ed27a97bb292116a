// The one place bridge events enter the renderer: each is handed to a store action, once, for
// the life of the page. Components never subscribe to the bridge themselves.
import { bridge } from './bridge';
import { useHaul } from './store';
import { popUp } from './components/Notifications/webNotify';

let started = false;

export function startEvents(): void {
  if (started) return;
  started = true;
  const haul = bridge();
  const store = useHaul.getState;
  haul.onDrivesChanged((payload) => store().drives.setList(payload.drives));
  haul.onServiceChanged((status) => store().app.setService(status));
  window.addEventListener('hashchange', () => store().ui.syncFromLocation());
  haul.onJobUpdated((event) => store().jobs.applyEvent(event));
  haul.onPrepProgress((payload) => store().wizard.onProgress(payload));
  haul.onPrepSession((info) => store().wizard.onSession(info));
  haul.onSettingsChanged((view) => store().settings.setView(view));
  haul.onConnectionChanged((status) => store().settings.setConnection(status));
  haul.onNotification((notice) => {
    store().notifications.received(notice);
    if (notice.popup === 'page') popUp(notice, () => store().notifications.open(notice));
  });
  haul.onNotificationsChanged(({ unread }) => store().notifications.setUnread(unread));
  haul.onTrackerChanged((status) => store().notifications.setTracker(status));
  haul.onNotificationOpen(({ jobName }) => store().notifications.openJob(jobName));

  // --- the end of a job: verify the import, returned drives
  haul.onVerifyImportProgress((status) => store().report.onVerify(status));
  haul.onReceivedProgress((status) => store().report.onReceived(status));
  void store().notifications.load();

  // BitLocker turned on (Windows): progress, never a key
  haul.onBitlockerProgress((task) => store().bitlocker.onProgress(task));
  void store().bitlocker.load();
}
