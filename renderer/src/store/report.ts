// The end of a job, as far as main pushes it: the running or last check of each job's import
// (verifyImport.progress) and of each export job's returned drive (received.progress). The report
// itself, its rows and files, and the checks' start and cancel are asked for through `api`: each
// unwraps the bridge's answer into the value or a BridgeCallError with main's code and sentence.
import type { ReceivedStatus, ReportFilter, ReportRow, VerifyImportStatus } from '../../../shared/report/schemas';
import { bridge, unwrap } from '../bridge';
import { answer } from '../bridge/answer';
import type { SliceCreator } from './slice';

export interface ReportSlice {
  /** By job name. */
  verify: Record<string, VerifyImportStatus>;
  received: Record<string, ReceivedStatus>;
  onVerify(status: VerifyImportStatus): void;
  onReceived(status: ReceivedStatus): void;
  /** What main has of the job's checks since it started (a reopened screen shows them). */
  loadStatus(name: string): Promise<void>;
  /** The report screens' calls to main (the answers are the screens' own, not kept here). */
  api: typeof reportCalls;
}

const reportCalls = {
  get: (name: string, refresh = false) => answer('report.get', bridge().reportGet({ name, refresh })),
  rows: (q: { name: string; filter: ReportFilter; driveId?: string; search?: string; offset: number; limit: number }) =>
    answer('report.rows', bridge().reportRows(q)),
  csv: (name: string, filter: ReportFilter) => answer('report.csv', bridge().reportCsv({ name, filter })),
  pdf: (name: string) => answer('report.pdf', bridge().reportPdf({ name })),
  resend: (name: string) => answer('report.resend', bridge().reportResend({ name })),
  verifyStart: (name: string, budgetBytes: number) =>
    answer('verifyImport.start', bridge().verifyImportStart({ name, budgetBytes })),
  verifyCancel: (name: string) => answer('verifyImport.cancel', bridge().verifyImportCancel({ name })),
  receivedCheck: (name: string, drivePath: string) =>
    answer('received.check', bridge().receivedCheck({ name, drivePath })),
  receivedCopy: (name: string, drivePath: string, destination: string) =>
    answer('received.copy', bridge().receivedCopy({ name, drivePath, destination })),
  receivedCancel: (name: string) => answer('received.cancel', bridge().receivedCancel({ name })),
  /** Up to `max` rows of the report in the filter, a page at a time, and how many there are. */
  async allRows(name: string, filter: ReportFilter, max: number): Promise<{ rows: ReportRow[]; total: number }> {
    const rows: ReportRow[] = [];
    let total = 0;
    do {
      const page = await reportCalls.rows({ name, filter, offset: rows.length, limit: 1000 });
      total = page.total;
      rows.push(...page.rows);
      if (page.rows.length === 0) break;
    } while (rows.length < Math.min(total, max));
    return { rows: rows.slice(0, max), total };
  },
};

declare module './slice' {
  interface HaulState {
    report: ReportSlice;
  }
}

export const createReportSlice: SliceCreator<'report'> = (set) => ({
  verify: {},
  received: {},
  api: reportCalls,
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
