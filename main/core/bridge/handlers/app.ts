// app.*, drives.* and service.*: what main is, what drives it sees, and the service it talks to.
import type { ServiceStatus } from '../../../../shared/ipc/contract';
import type { ClassifiedDrive } from '../../../../shared/prep/types';
import { classifyDrive } from '../../drives/classify';
import type { RawDrive } from '../../drives/list';
import { APP_VERSION } from '../../version';
import type { CoreContext, HandlersOf } from '../context';

export const classify = (drives: RawDrive[]): ClassifiedDrive[] => drives.map((d) => classifyDrive(d));

/** The classified drives with each volume's file system and BitLocker state. */
export const describeDrives = async (ctx: CoreContext, drives: RawDrive[]): Promise<ClassifiedDrive[]> =>
  ctx.driveEncryption ? ctx.driveEncryption.attach(classify(drives)) : classify(drives);

/** The local service's status, with whether the service answers (issue 9's health: online, lastOkAt). */
export function serviceStatus(ctx: CoreContext): ServiceStatus {
  const base: ServiceStatus = ctx.localService?.status() ?? {
    state: 'off',
    kind: 'none',
    message: 'No Import/Export service is configured.',
  };
  const h = ctx.serviceHealth?.snapshot();
  return {
    ...base,
    ...(h?.online !== undefined ? { online: h.online } : {}),
    ...(h?.lastOkAt ? { lastOkAt: h.lastOkAt } : {}),
  };
}

export function appHandlers(ctx: CoreContext): HandlersOf<'app.info' | 'drives.list' | 'service.status'> {
  return {
    'app.info': async () => ({
      name: 'Haul',
      version: APP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      dataDir: ctx.dataDir,
    }),
    'drives.list': async () => describeDrives(ctx, await ctx.listDrives()),
    'service.status': async () => serviceStatus(ctx),
  };
}
