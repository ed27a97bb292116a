// prep.*, fs.* and drafts.* handlers: built from the core context; see shared/ipc/channels/prep.ts
// for the schemas. Sessions, drafts and the folder browser are main/core/prep's; these only
// translate between the bridge and them.
import { HandlerError } from '../../../../shared/ipc/contract';
import type { PrepChannel } from '../../../../shared/ipc/names';
import type { CoreContext, HandlersOf } from '../context';

const notYet = (channel: string) => async (): Promise<never> => {
  throw new HandlerError('not-implemented', `${channel} is not built yet in this version of Haul.`);
};

export async function prepHandlers(_ctx: CoreContext): Promise<HandlersOf<PrepChannel>> {
  return {
    'prep.plan': notYet('prep.plan'),
    'prep.start': notYet('prep.start'),
    'prep.cancel': notYet('prep.cancel'),
    'prep.resume': notYet('prep.resume'),
    'prep.sessions': notYet('prep.sessions'),
    'prep.forget': notYet('prep.forget'),
    'prep.verify': notYet('prep.verify'),
    'prep.previewExport': notYet('prep.previewExport'),
    'fs.browse': notYet('fs.browse'),
    'drafts.list': notYet('drafts.list'),
    'drafts.get': notYet('drafts.get'),
    'drafts.save': notYet('drafts.save'),
    'drafts.delete': notYet('drafts.delete'),
  };
}
