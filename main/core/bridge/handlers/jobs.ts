// jobs.* and locations.* handlers: built from the core context (its jobs service, see
// main/core/service/jobs.ts); see shared/ipc/channels/jobs.ts for the schemas. Requests arrive
// validated by the dispatch gate; every error is a HandlerError a person can act on.
import type { JobsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';
import type { JobsService } from '../../service/jobs';
import { HandlerError } from '../../../../shared/ipc/contract';
import { CreateJobRequest, ShipJobRequest, UpdateJobRequest } from '../../../../shared/ipc/channels/jobs';
import { azureGateOf } from '../../bitlocker/gate';
import { rowOf, type JobRow } from '../../../../shared/jobs/row';
import type { JobView } from '../../../../shared/jobs/schemas';

/** Each view's row, made once: the kept list hands out the same view objects until a job changes. */
const rows = new WeakMap<JobView, JobRow>();
function rowOfView(view: JobView): JobRow {
  let row = rows.get(view);
  if (!row) rows.set(view, (row = rowOf(view)));
  return row;
}

export function jobsHandlers(ctx: CoreContext): HandlersOf<JobsChannel> {
  const jobs = (): JobsService => {
    if (!ctx.jobs)
      throw new HandlerError(
        'not-ready',
        'Haul has no Import/Export service configured, so there are no jobs to show.',
      );
    return ctx.jobs;
  };
  const storage = ctx.storage;
  return {
    'jobs.list': (r) => jobs().list(r),
    'jobs.rows': async (r) => {
      const list = await jobs().list(r);
      return { ...list, jobs: list.jobs.map(rowOfView) };
    },
    'jobs.get': (r) => jobs().get(r.name, r.answer),
    // The gate already validated these; parsing again gives the typed output (defaults, trimmed text).
    'jobs.create': async (r) => {
      const request = CreateJobRequest.parse(r);
      azureGateOf(ctx).beforeCreate(request);
      // a drive whose manifest lists files the job no longer holds is not sent to the service
      const stale = ctx.prep.staleManifest(request.drives);
      if (stale) throw new HandlerError('stale-manifest', stale, 'drives');
      return jobs().create(request);
    },
    'jobs.update': (r) => jobs().update(UpdateJobRequest.parse(r)),
    'jobs.ship': (r) => jobs().ship(ShipJobRequest.parse(r)),
    'jobs.cancel': (r) => jobs().cancel(r.name),
    'jobs.delete': async (r) => {
      await jobs().delete(r.name);
      return { name: r.name, deleted: true as const };
    },
    'jobs.bitLockerKeys': (r) => jobs().bitLockerKeys(r.name),
    'jobs.log': (r) => jobs().log(r),
    'locations.list': () => jobs().locations(),
    'storage.accounts': () => storage.accounts(),
    'storage.containers': (r) => storage.containers(r.storageAccountId),
    'storage.blobs': (r) => storage.blobs(r.storageAccountId, r.path, r.limit ?? 200),
    'storage.estimate': (r) => storage.estimate(r),
  };
}
