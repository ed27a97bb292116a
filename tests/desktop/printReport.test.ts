// The completion report as a PDF on the desktop: the window's report page goes through Electron's
// printToPDF (A4, backgrounds, page numbers) and is saved where the person chooses, Downloads by
// default; a cancelled dialog saves nothing; no window, a failed print or a refused folder each say
// what to do. Electron is a stand-in here (no binary on these machines).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { reportPrinter } from '../../main/electron/printReport';
import { HandlerError } from '../../shared/ipc/contract';

const dir = mkdtempSync(path.join(os.tmpdir(), 'haul-pdf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeWindow(print: () => Promise<Buffer> = async () => Buffer.from('%PDF-1.7 report')) {
  const printToPDF = vi.fn(print);
  return { printToPDF, window: { isDestroyed: () => false, webContents: { printToPDF } } };
}

describe('the report as a PDF (desktop)', () => {
  it("prints the window's page to A4 with backgrounds and page numbers, and saves it where the person chooses", async () => {
    const w = fakeWindow();
    const showSaveDialog = vi.fn(async () => ({ canceled: false, filePath: path.join(dir, 'photos-report.pdf') }));
    const print = reportPrinter({
      window: () => w.window as never,
      dialog: { showSaveDialog } as never,
      downloads: () => dir,
    });
    expect(await print('photos')).toEqual({ saved: path.join(dir, 'photos-report.pdf') });
    expect(w.printToPDF).toHaveBeenCalledWith(
      expect.objectContaining({ pageSize: 'A4', printBackground: true, displayHeaderFooter: true }),
    );
    const options = (showSaveDialog.mock.calls[0] as unknown[])[1] as { defaultPath: string };
    expect(options.defaultPath).toBe(path.join(dir, 'photos-report.pdf'));
    expect(readFileSync(path.join(dir, 'photos-report.pdf'), 'utf8')).toBe('%PDF-1.7 report');
  });

  it('saves nothing when the person cancels the dialog', async () => {
    const w = fakeWindow();
    const write = vi.fn(async () => undefined);
    const print = reportPrinter({
      window: () => w.window as never,
      dialog: { showSaveDialog: async () => ({ canceled: true, filePath: '' }) } as never,
      downloads: () => dir,
      write,
    });
    expect(await print('photos')).toEqual({});
    expect(write).not.toHaveBeenCalled();
  });

  it('says what to do without a window, when the print fails, and when the folder refuses the file', async () => {
    const dialog = { showSaveDialog: async () => ({ canceled: false, filePath: '/nowhere/x.pdf' }) } as never;
    await expect(
      reportPrinter({ window: () => undefined, dialog, downloads: () => dir })('photos'),
    ).rejects.toMatchObject({
      code: 'no-window',
    });
    const broken = fakeWindow(async () => {
      throw new Error('printing failed');
    });
    const err = await reportPrinter({ window: () => broken.window as never, dialog, downloads: () => dir })(
      'photos',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HandlerError);
    expect((err as HandlerError).message).toContain('Download it as CSV instead');
    const refused = await reportPrinter({
      window: () => fakeWindow().window as never,
      dialog,
      downloads: () => dir,
      write: async () => {
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
    })('photos').catch((e: unknown) => e);
    expect((refused as HandlerError).message).toBe(
      'The PDF could not be saved as /nowhere/x.pdf (EACCES). Choose another folder.',
    );
  });
});
