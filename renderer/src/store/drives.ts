// The drives main sees, classified as copy targets; kept fresh by the drives.changed event. Also
// the drives Haul prepared (bound to a job by their header), and releasing one.
import type { ClassifiedDrive, ResponseOf } from '../../../shared/ipc/contract';
import { bridge, unwrap } from '../bridge';
import { errorMessage, type SliceCreator } from './slice';

export type PreparedDriveView = ResponseOf<'drives.prepared'>[number];
export type ReleaseResult = ResponseOf<'drives.release'>;

export interface DrivesSlice {
  list?: ClassifiedDrive[];
  loading: boolean;
  error?: string;
  prepared?: PreparedDriveView[];
  preparedError?: string;
  refresh(): Promise<void>;
  setList(drives: ClassifiedDrive[]): void;
  loadPrepared(): Promise<void>;
  /** removes Haul's files from a prepared drive; `jobName` as the person typed it */
  release(path: string, jobName: string): Promise<ReleaseResult>;
}

declare module './slice' {
  interface HaulState {
    drives: DrivesSlice;
  }
}

export const createDrivesSlice: SliceCreator<'drives'> = (set, get) => ({
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
  async loadPrepared() {
    try {
      set({ prepared: await unwrap(bridge().drivesPrepared()), preparedError: undefined });
    } catch (err) {
      set({ preparedError: errorMessage(err) });
    }
  },
  async release(path, jobName) {
    const result = await unwrap(bridge().drivesRelease({ path, jobName }));
    await get().drives.loadPrepared();
    return result;
  },
});
