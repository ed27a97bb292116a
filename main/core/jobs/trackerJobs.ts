// The tracker's JobSource over main's jobs service (main/core/service/jobs.ts): its views, so
// every poll also updates the job records and, when a view changed, tells the screens (job.updated);
// and every view a screen's call published, so the tracker follows what the screens see at once.
import type { JobsService } from '../service/jobs';
import type { JobSource } from './trackerSource';

export function jobsServiceSource(jobs: JobsService): JobSource {
  return {
    get key() {
      return jobs.records().connectionKey;
    },
    list: async () => (await jobs.list()).jobs,
    watch: (listener) => jobs.subscribe(listener),
    async get(name) {
      try {
        return await jobs.get(name);
      } catch (err) {
        // The jobs service has already marked it gone (and said so with job.updated).
        if ((err as { status?: number }).status === 404) return undefined;
        throw err;
      }
    },
  };
}
