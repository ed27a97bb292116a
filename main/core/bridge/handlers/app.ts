// app.*, drives.* and service.*: what main is, what drives it sees, and the service it talks to.
import { describeDrives, serviceStatus } from '../../services';
import { APP_VERSION } from '../../version';
import { preparedDrive, releaseDrive } from '../../drives/release';
import type { CoreContext, HandlersOf } from '../context';

/** The prepared drives among the mounted ones and the folders the app's sessions wrote to, with their job's fate. */
async function preparedDrives(ctx: CoreContext) {
  const mounts = (await ctx.listDrives()).flatMap((d) => d.mountpoints).filter((m) => m !== '/');
  const targets = (await ctx.prep.list().catch(() => [])).flatMap((s) => s.targets.map((t) => t.path));
  const found = [...new Set([...mounts, ...targets])].map(preparedDrive).filter((d) => d !== undefined);
  if (!found.length) return [];
  const jobs = await ctx.jobs?.list().then(
    (l) => new Set(l.jobs.map((j) => j.name)),
    () => undefined,
  );
  const drafts = new Set((await ctx.drafts.list().catch(() => [])).map((d) => d.jobName));
  return found.map((d) => ({
    ...d,
    bound: jobs?.has(d.jobName)
      ? ('job' as const)
      : drafts.has(d.jobName)
        ? ('draft' as const)
        : jobs
          ? ('none' as const)
          : ('unknown' as const),
  }));
}

export function appHandlers(
  ctx: CoreContext,
): HandlersOf<'app.info' | 'drives.list' | 'drives.prepared' | 'drives.release' | 'service.status'> {
  return {
    'app.info': async () => ({
      name: 'Haul',
      version: APP_VERSION,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      dataDir: ctx.dataDir,
    }),
    'drives.list': async () => describeDrives(ctx.driveEncryption, await ctx.listDrives()),
    'drives.prepared': () => preparedDrives(ctx),
    'drives.release': async ({ path, jobName }) => {
      return releaseDrive(path, jobName);
    },
    'service.status': async () => serviceStatus(ctx),
  };
}
