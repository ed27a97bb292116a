// Jobs of the connected resource group (issue "Jobs in the app"): schemas of the jobs.* and
// locations.* channels and the job.updated event.
import { z } from 'zod';
import type { ChannelSpec, EventSpec } from './spec';
import type { JobsChannel } from '../names';

export const jobsChannels = {} satisfies ChannelSpec<JobsChannel>;

export const jobsEvents = {
  'job.updated': z.object({ jobName: z.string(), state: z.string() }).passthrough(),
} satisfies EventSpec<'job.updated'>;
