// A job's completion report as a PDF on the desktop: the window's own page — the report, drawn for
// print by the renderer before it asks (every file not imported listed, the print styles applied) —
// printed with Electron's printToPDF, then saved where the person chooses (Downloads by default).
// Browser mode has no such hook: the page prints itself with the browser's print dialog.
import { messageOf } from '../../shared/errors';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserWindow, Dialog, SaveDialogOptions, WebContents } from 'electron';
import { HandlerError } from '../../shared/ipc/contract';

export interface ReportPrinterDeps {
  /** The window showing the report page. */
  window: () => BrowserWindow | undefined;
  dialog: Pick<Dialog, 'showSaveDialog'>;
  /** The Downloads folder (app.getPath('downloads')). */
  downloads: () => string;
  write?: (file: string, data: Buffer) => Promise<void>;
}

const FOOTER =
  '<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;display:flex;justify-content:space-between">' +
  '<span class="title"></span><span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>';

export function reportPrinter(d: ReportPrinterDeps): (jobName: string) => Promise<{ saved?: string }> {
  const write = d.write ?? ((file: string, data: Buffer) => writeFile(file, data, { mode: 0o600 }));
  return async (jobName) => {
    const win = d.window();
    const contents: WebContents | undefined = win && !win.isDestroyed() ? win.webContents : undefined;
    if (!win || !contents)
      throw new HandlerError('no-window', 'Open the Haul window on the report to save it as a PDF.');
    let pdf: Buffer;
    try {
      pdf = await contents.printToPDF({
        pageSize: 'A4',
        printBackground: true,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: FOOTER,
        margins: { top: 0.5, bottom: 0.6, left: 0.45, right: 0.45 },
      });
    } catch (err) {
      throw new HandlerError(
        'print-failed',
        `The report could not be printed to a PDF (${messageOf(err)}). Download it as CSV instead, or try again.`,
      );
    }
    const options: SaveDialogOptions = {
      title: `Save the report of job ${jobName}`,
      defaultPath: path.join(d.downloads(), `${jobName}-report.pdf`),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
    };
    const chosen = await d.dialog.showSaveDialog(win, options);
    if (chosen.canceled || !chosen.filePath) return {};
    try {
      await write(chosen.filePath, pdf);
    } catch (err) {
      throw new HandlerError(
        'save-failed',
        `The PDF could not be saved as ${chosen.filePath} (${(err as NodeJS.ErrnoException).code ?? messageOf(err)}). Choose another folder.`,
      );
    }
    return { saved: chosen.filePath };
  };
}
