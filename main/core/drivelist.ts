// drivelist, loaded the way each platform needs. On Linux drivelist reads `lsblk` and needs no
// native part, but its entry point loads the native binding first — which npm never built here
// (no install scripts run). So on Linux we call its lsblk enumerator directly; on Windows and
// macOS the native part is required (electron-builder rebuilds it for the packaged app; in
// development run `npm rebuild drivelist --ignore-scripts=false`).
import { messageOf } from '../../shared/errors';
import { createRequire } from 'node:module';
import type { Drive } from 'drivelist';

export type DrivelistDrive = Drive;

const require = createRequire(import.meta.url);

export async function drivelistList(): Promise<DrivelistDrive[]> {
  if (process.platform === 'linux') {
    const { lsblk } = require('drivelist/js/lsblk') as { lsblk: () => Promise<DrivelistDrive[]> };
    return lsblk();
  }
  let mod: { list: () => Promise<DrivelistDrive[]> };
  try {
    mod = require('drivelist') as typeof mod;
  } catch (err) {
    throw new Error(
      `Haul cannot list drives on this computer: drivelist's native part is missing (${messageOf(err).split('\n')[0]}). Run "npm rebuild drivelist --ignore-scripts=false" in Haul's folder, or reinstall Haul.`,
    );
  }
  return mod.list();
}
