// The end of a job, as far as main pushes it: the running or last check of each job's import
// (verifyImport.progress) and of each export job's returned drive (received.progress). The report
// itself is asked for by its screen (screens/Report/api.ts).
import type { ReceivedStatus, VerifyImportStatus } from '../../../shared/report/schemas';
import { bridge, unwrap } from '../bridge';
import type { SliceCreator } from './slice';

export interface ReportSlice {
  /** By job name. */
  verify: Record<string, VerifyImportStatus>;
  received: Record<string, ReceivedStatus>;
  onVerify(status: VerifyImportStatus): void;
  onReceived(status: ReceivedStatus): void;
  /** What main has of the job's checks since it started (a reopened screen shows them). */
  loadStatus(name: string): Promise<void>;
}

declare module './slice' {
  interface HaulState {
    report: ReportSlice;
  }
}

export const createReportSlice: SliceCreator<'report'> = (set) => ({
  verify: {},
  received: {},
  onVerify(status) {
    set((s) => ({ verify: { ...s.verify, [status.name]: status } }));
  },
  onReceived(status) {
    set((s) => ({ received: { ...s.received, [status.name]: status } }));
  },
  async loadStatus(name) {
    const [v, r] = await Promise.all([
      unwrap(bridge().verifyImportStatus({ name })).catch(() => null),
      unwrap(bridge().receivedStatus({ name })).catch(() => null),
    ]);
    set((s) => ({
      verify: v ? { ...s.verify, [name]: v } : s.verify,
      received: r ? { ...s.received, [name]: r } : s.received,
    }));
  },
});
