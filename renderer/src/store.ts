import { create } from 'zustand';
import type { AppInfo, ClassifiedDrive, ServiceStatus } from '../../shared/ipc/contract';
import { bridge, unwrap } from './bridge';

interface HomeState {
  info?: AppInfo;
  drives?: ClassifiedDrive[];
  service?: ServiceStatus;
  loadingDrives: boolean;
  error?: string;
  load(): Promise<void>;
  refreshDrives(): Promise<void>;
  setDrives(drives: ClassifiedDrive[]): void;
  setService(service: ServiceStatus): void;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useHome = create<HomeState>((set, get) => ({
  loadingDrives: false,
  async load() {
    try {
      const [info, service] = await Promise.all([unwrap(bridge().appInfo()), unwrap(bridge().serviceStatus())]);
      set({ info, service, error: undefined });
    } catch (err) {
      set({ error: message(err) });
    }
    await get().refreshDrives();
  },
  async refreshDrives() {
    set({ loadingDrives: true });
    try {
      const drives = await unwrap(bridge().drivesList());
      set({ drives, loadingDrives: false });
    } catch (err) {
      set({ error: message(err), loadingDrives: false });
    }
  },
  setDrives(drives) {
    set({ drives });
  },
  setService(service) {
    set({ service });
  },
}));
