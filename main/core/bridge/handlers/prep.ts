// prep.*, fs.* and drafts.* handlers: built from the core context; see shared/ipc/channels/prep.ts
// for the schemas. Sessions (main/core/prep/app/manager.ts), drafts (main/core/drafts) and the folder
// browser (main/core/prep/app/browse.ts) do the work; their refusals are HaulErrors, which reach the
// page in the one error shape (dispatch.ts).
import { isAbsolute } from 'node:path';
import { HandlerError } from '../../../../shared/ipc/contract';
import type { PrepChannel } from '../../../../shared/ipc/names';
import { parseBlobList, previewExport } from '../../../../shared/prep/exportPreview';
import { browse } from '../../prep/app/browse';
import { entriesFromSources, targetsOf } from '../../prep/app/inputs';
import type { CoreContext, HandlersOf } from '../context';
import type { ReadRoots } from '../readRoots';
import { prepSpec, type BrowseResult, type PrepSpecInput } from '../../../../shared/prep/session';
import { azureGateOf } from '../../bitlocker/gate';
import { messageOf } from '../../../../shared/errors';

/** Refuses, before anything is read, a prep that would read or write outside the page's folders. */
function checkSpec(roots: ReadRoots, input: PrepSpecInput): void {
  const spec = prepSpec.parse(input);
  const outside = (p: string, what: string, field: string) => {
    if (!roots.allows(p)) throw new HandlerError('no-access', roots.refusal(p, what), field);
  };
  const { sources } = spec;
  if (sources.kind === 'picked') for (const p of sources.paths) outside(p, 'copies from folders', 'sources.paths');
  else if ('path' in sources.dataset) outside(sources.dataset.path, 'reads files', 'sources.dataset');
  if (spec.driveset && 'path' in spec.driveset) outside(spec.driveset.path, 'reads files', 'driveset');
  for (const e of entriesFromSources(sources)) {
    outside(e.basePath, 'copies from folders', 'sources');
    if (e.metadataFile) outside(e.metadataFile, 'reads files', 'sources');
    if (e.propertiesFile) outside(e.propertiesFile, 'reads files', 'sources');
  }
  for (const t of targetsOf(spec)) outside(t.path, 'writes', 'targets');
}

/** A listing limited to the page's folders: no parent above them, and they are the places to jump to. */
function withinRoots(roots: ReadRoots, r: BrowseResult): BrowseResult {
  const out: BrowseResult = { ...r, places: roots.roots.map((x) => ({ name: x.shown, path: x.shown })) };
  if (out.parent !== undefined && !roots.allows(out.parent)) delete out.parent;
  return out;
}

export function prepHandlers(ctx: CoreContext): HandlersOf<PrepChannel> {
  const { readRoots: roots, prep, drafts } = ctx;
  return {
    // on an Azure connection, held to the data center's rules: NTFS, BitLocker, a key that opens it;
    // on any, a drive the driveset asks to encrypt waits until BitLocker is on
    'prep.plan': async ({ draftId, ...spec }) => {
      if (roots) checkSpec(roots, spec);
      return azureGateOf(ctx).plan(spec, await prep.plan(spec, draftId), draftId);
    },
    'prep.start': async ({ confirmedDriveIds, draftId, plan, ...spec }) => {
      if (roots) checkSpec(roots, spec);
      await azureGateOf(ctx).beforeStart(spec, draftId);
      return prep.start(spec, confirmedDriveIds, draftId, plan);
    },
    'prep.cancel': ({ sessionId }) => prep.cancel(sessionId),
    'prep.resume': ({ sessionId, bitLockerKeys }) => prep.resume(sessionId, bitLockerKeys),
    'prep.sessions': () => prep.list(),
    'prep.forget': async ({ sessionId }) => ({ forgotten: await prep.forget(sessionId) }),
    'prep.verify': async (req) => {
      if (roots)
        for (const t of req.targets ?? [])
          if (!roots.allows(t)) throw new HandlerError('no-access', roots.refusal(t, 'reads'), 'targets');
      return prep.verify(req);
    },
    'prep.previewExport': async (req) => {
      try {
        const blobs = req.blobs ?? parseBlobList(req.blobListText ?? '', 'the blob list');
        return previewExport(blobs, req.driveSize);
      } catch (e) {
        throw new HandlerError('bad-input', messageOf(e), 'blobListText');
      }
    },
    'fs.browse': async (req) => {
      if (!roots) return browse(req);
      const path = req.path ?? roots.roots[0]?.shown;
      // a path that is not absolute gets browse's own words
      if (path === undefined || (isAbsolute(path) && !roots.allows(path)))
        throw new HandlerError('no-access', roots.refusal(path ?? '(none)', 'lists folders'), 'path');
      return withinRoots(roots, await browse({ ...req, path }));
    },
    'drafts.list': () => drafts.list(),
    'drafts.get': ({ id }) => drafts.get(id),
    'drafts.save': ({ draft }) => drafts.save(draft),
    'drafts.delete': async ({ id }) => ({ deleted: await drafts.delete(id) }),
    'drafts.contact': async () => {
      const shipping = await drafts.contact();
      return shipping ? { shipping } : {};
    },
    'drafts.saveContact': async ({ shipping }) => {
      await drafts.saveContact(shipping);
      return { saved: true };
    },
  };
}
