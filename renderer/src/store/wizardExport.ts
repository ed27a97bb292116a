// The export wizard's view of the storage account: its containers, the blobs under a path, and
// the estimate of the typed prefixes and paths (each checked against the account, and the drives
// the export needs from the real blob sizes).
import type { ExportBlob } from '../../../shared/prep/exportPreview';
import { bridge } from '../bridge';
import { answer, errorText } from '../bridge/answer';
import type { HaulState, SliceSet } from './slice';
import type { ExportBrowse, WizardSlice } from './wizardTypes';

/** The export step's reading of the account; reset when the account changes. */
type ExportActions = Pick<WizardSlice, 'loadContainers' | 'listBlobs' | 'runEstimate'>;

export function wizardExportActions(set: SliceSet<'wizard'>, get: () => HaulState): ExportActions {
  const me = () => get().wizard;
  const account = () => me().values.type.storageAccountId?.trim() ?? '';
  const patch = (p: Partial<ExportBrowse>) => set({ exportBrowse: { ...me().exportBrowse, ...p } });
  return {
    async loadContainers() {
      const storageAccountId = account();
      if (!storageAccountId) return;
      if (me().exportBrowse.account !== storageAccountId)
        set({
          exportBrowse: { account: storageAccountId, estimating: false, estimateSeq: me().exportBrowse.estimateSeq },
        });
      try {
        patch({
          containers: await answer('storage.containers', bridge().storageContainers({ storageAccountId })),
          containersError: undefined,
        });
      } catch (err) {
        patch({ containers: undefined, containersError: errorText(err) });
      }
    },

    async listBlobs(path: string): Promise<{ blobs: ExportBlob[]; more: boolean }> {
      return answer('storage.blobs', bridge().storageBlobs({ storageAccountId: account(), path, limit: 50 }));
    },

    async runEstimate() {
      const storageAccountId = account();
      const x = me().values.exportData;
      const driveSize = x.driveSize ?? 4e12;
      if (!storageAccountId || (!x.blobPaths.length && !x.blobPathPrefixes.length)) {
        patch({ estimate: undefined, estimating: false, estimateError: undefined });
        return;
      }
      const seq = me().exportBrowse.estimateSeq + 1;
      patch({ estimating: true, estimateSeq: seq });
      try {
        const estimate = await answer(
          'storage.estimate',
          bridge().storageEstimate({
            storageAccountId,
            blobPaths: x.blobPaths,
            blobPathPrefixes: x.blobPathPrefixes,
            driveSize,
          }),
        );
        if (me().exportBrowse.estimateSeq === seq) patch({ estimate, estimating: false, estimateError: undefined });
      } catch (err) {
        if (me().exportBrowse.estimateSeq === seq)
          patch({ estimate: undefined, estimating: false, estimateError: errorText(err) });
      }
    },
  };
}
