import type { ImportDriveOptions, ImportDriveResult } from './types';

/** Imports a prepared drive. (Implementation in progress.) */
export async function importDrive(_opts: ImportDriveOptions): Promise<ImportDriveResult> {
  throw new Error('importDrive is not implemented yet');
}
