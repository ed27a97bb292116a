// jobs.* handlers: built from the core context; see shared/ipc/channels/jobs.ts for the schemas.
import type { JobsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

export async function jobsHandlers(_ctx: CoreContext): Promise<HandlersOf<JobsChannel>> {
  return {};
}
