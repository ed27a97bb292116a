// The drives main sees, classified as copy targets; kept fresh by the drives.changed event.
import type { ClassifiedDrive } from '../../../shared/ipc/contract';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export interface DrivesSlice {
  list?: ClassifiedDrive[];
  loading: boolean;
  error?: string;
  refresh(): Promise<void>;
  setList(drives: ClassifiedDrive[]): void;
}

export const createDrivesSlice: SliceCreator<'drives'> = (set) => ({
  loading: false,
  async refresh() {
    set({ loading: true });
    try {
      set({ list: await unwrap(bridge().drivesList()), loading: false, error: undefined });
    } catch (err) {
      set({ error: errorMessage(err), loading: false });
    }
  },
  setList(list) {
    set({ list });
  },
});
