// What main is (version, platform, data folder) and the service it talks to.
import type { AppInfo, ServiceStatus } from '../../../shared/ipc/contract';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export interface AppSlice {
  info?: AppInfo;
  service?: ServiceStatus;
  error?: string;
  load(): Promise<void>;
  setService(service: ServiceStatus): void;
}

declare module './slice' {
  interface HaulState {
    app: AppSlice;
  }
}

export const createAppSlice: SliceCreator<'app'> = (set) => ({
  async load() {
    try {
      const [info, service] = await Promise.all([unwrap(bridge().appInfo()), unwrap(bridge().serviceStatus())]);
      set({ info, service, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err) });
    }
  },
  setService(service) {
    set({ service });
  },
});
