import type { ExportResult, ExportToDrivesOptions } from './types';

/** Exports blobs onto folders. (Implementation in progress.) */
export async function exportToDrives(_opts: ExportToDrivesOptions): Promise<ExportResult> {
  throw new Error('exportToDrives is not implemented yet');
}
