// jobs.* and locations.* handlers: built from the core context; see shared/ipc/channels/jobs.ts for the schemas.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { JobsChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

const notReady = async (): Promise<never> => {
  throw new HandlerError('not-ready', 'Jobs are not available in this build yet; the service client is being connected. Try again in a few minutes.');
};

export async function jobsHandlers(_ctx: CoreContext): Promise<HandlersOf<JobsChannel>> {
  return {
    'jobs.list': notReady,
    'jobs.get': notReady,
    'jobs.create': notReady,
    'jobs.update': notReady,
    'jobs.ship': notReady,
    'jobs.cancel': notReady,
    'jobs.delete': notReady,
    'jobs.bitLockerKeys': notReady,
    'jobs.log': notReady,
    'locations.list': notReady,
  };
}
