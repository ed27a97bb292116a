// prep.*, fs.* and drafts.* handlers: built from the core context; see shared/ipc/channels/prep.ts
// for the schemas. Sessions (main/core/prep/app/manager.ts), drafts (main/core/drafts) and the folder
// browser (main/core/prep/app/browse.ts) do the work; these translate their refusals into bridge
// errors a person can act on.
import { CsvError } from '../../../../shared/formats/dataset';
import { HandlerError } from '../../../../shared/ipc/contract';
import type { PrepChannel } from '../../../../shared/ipc/names';
import { parseBlobList, previewExport } from '../../../../shared/prep/exportPreview';
import { DraftNotFound, DraftStore } from '../../drafts/store';
import { browse, BrowseError } from '../../prep/app/browse';
import { InputError } from '../../prep/app/inputs';
import { JournalBusy } from '../../prep/journal/lock';
import { PrepManager, PrepRefused } from '../../prep/app/manager';
import { PrepError } from '../../prep/engine/session';
import type { CoreContext, HandlersOf } from '../context';
import { azureGateOf } from '../../bitlocker/gate';

/** Known failures become coded answers; anything else is left to dispatch ("failed"). */
function answer(e: unknown): never {
  if (e instanceof HandlerError) throw e;
  if (e instanceof PrepRefused) throw new HandlerError(e.code, e.message, e.target);
  if (e instanceof CsvError) throw new HandlerError('bad-csv', e.message, e.file);
  if (e instanceof InputError) throw new HandlerError('bad-input', e.message, e.field);
  if (e instanceof BrowseError) throw new HandlerError(e.code, e.message, 'path');
  if (e instanceof DraftNotFound) throw new HandlerError('not-found', e.message, 'id');
  if (e instanceof JournalBusy) throw new HandlerError('busy', e.message);
  if (e instanceof PrepError) throw new HandlerError('refused', e.message);
  throw e;
}

const guarded =
  <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await fn(...a);
    } catch (e) {
      return answer(e);
    }
  };

export async function prepHandlers(ctx: CoreContext): Promise<HandlersOf<PrepChannel>> {
  const prep =
    ctx.prep ??
    new PrepManager({
      dataDir: ctx.dataDir,
      onProgress: (p) => ctx.events.emit('prep.progress', p),
      onSession: (s) => ctx.events.emit('prep.session', s),
      forAzure: () => ctx.connections?.current()?.kind === 'azure',
    });
  const drafts = ctx.drafts ?? new DraftStore(ctx.dataDir);
  return {
    // on an Azure connection, held to the data center's rules: NTFS, BitLocker, a key that opens it;
    // on any, a drive the driveset asks to encrypt waits until BitLocker is on
    'prep.plan': guarded(async ({ draftId, ...spec }) =>
      azureGateOf(ctx).plan(spec, await prep.plan(spec, draftId), draftId),
    ),
    'prep.start': guarded(async ({ confirmedDriveIds, draftId, plan, ...spec }) => {
      await azureGateOf(ctx).beforeStart(spec, draftId);
      return prep.start(spec, confirmedDriveIds, draftId, plan);
    }),
    'prep.cancel': guarded(({ sessionId }) => prep.cancel(sessionId)),
    'prep.resume': guarded(({ sessionId, bitLockerKeys }) => prep.resume(sessionId, bitLockerKeys)),
    'prep.sessions': guarded(() => prep.list()),
    'prep.forget': guarded(async ({ sessionId }) => ({ forgotten: await prep.forget(sessionId) })),
    'prep.verify': guarded((req) => prep.verify(req)),
    'prep.previewExport': guarded(async (req) => {
      try {
        const blobs = req.blobs ?? parseBlobList(req.blobListText ?? '', 'the blob list');
        return previewExport(blobs, req.driveSize);
      } catch (e) {
        throw new HandlerError('bad-input', (e as Error).message, 'blobListText');
      }
    }),
    'fs.browse': guarded((req) => browse(req)),
    'drafts.list': guarded(() => drafts.list()),
    'drafts.get': guarded(({ id }) => drafts.get(id)),
    'drafts.save': guarded(({ draft }) => drafts.save(draft)),
    'drafts.delete': guarded(async ({ id }) => ({ deleted: await drafts.delete(id) })),
    'drafts.contact': guarded(async () => {
      const shipping = await drafts.contact();
      return shipping ? { shipping } : {};
    }),
    'drafts.saveContact': guarded(async ({ shipping }) => {
      await drafts.saveContact(shipping);
      return { saved: true };
    }),
  };
}
