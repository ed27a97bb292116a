// prep.* handlers: built from the core context; see shared/ipc/channels/prep.ts for the schemas.
import type { PrepChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

export async function prepHandlers(_ctx: CoreContext): Promise<HandlersOf<PrepChannel>> {
  return {};
}
