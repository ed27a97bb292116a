// The report screens' calls to main, in one place: each unwraps the bridge's answer (the renderer's
// one `answer`) into the value or a BridgeCallError with main's code and sentence.
import type { ReportFilter } from '../../../../shared/report/schemas';
import { bridge } from '../../bridge';
import { answer } from '../../bridge/answer';

export { errorCode, errorText } from '../../bridge/answer';

export const reportApi = {
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
};

/** Hands a text to the person as a file download (CSV), the same in a browser and in the desktop app. */
export function download(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  // A byte-order mark, so a spreadsheet reads the UTF-8 names (é, ü, 日本) as they are.
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
