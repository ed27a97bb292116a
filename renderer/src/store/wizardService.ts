// What the wizard asks of the service and of main beyond the draft and its prep: the data
// centers, Create (then the new job's page), the saved return address, the export preview and the
// folder browser. Components call these; none of them reaches the bridge itself.
import type { z } from 'zod';
import type { BrowseResult, browseRequest } from '../../../shared/prep/session';
import type { ExportPreview } from '../../../shared/prep/exportPreview';
import { CreateJobRequest } from '../../../shared/ipc/channels/jobs';
import { bridge } from '../bridge';
import { answer, errorTarget, errorText } from '../bridge/answer';
import { locationOf } from '../wizard/locations';
import { fieldForTarget } from '../wizard/model';
import { createRequestOf } from '../wizard/requests';
import type { HaulState, SliceSet } from './slice';
import type { WizardSlice } from './wizardTypes';

type BrowseRequest = z.input<typeof browseRequest>;

type ServiceActions = Pick<
  WizardSlice,
  'createJob' | 'loadLocations' | 'loadContact' | 'useSavedContact' | 'previewExport' | 'browse' | 'loadAccounts'
>;

export function wizardServiceActions(set: SliceSet<'wizard'>, get: () => HaulState): ServiceActions {
  const me = () => get().wizard;
  return {
    async createJob() {
      const { values, bitLockerKeys: keys, draftId } = me();
      const sessionId = values.prepare.sessionId;
      const drives =
        values.type.kind === 'export' ? [] : ((sessionId ? me().sessions[sessionId] : undefined)?.result?.drives ?? []);
      const service = get().app.service;
      const request = CreateJobRequest.safeParse(
        createRequestOf(values, drives, keys, service?.subscriptionId, service?.resourceGroup),
      );
      if (!request.success) return;
      set({ creating: true, createError: undefined, createErrorStep: undefined });
      try {
        const job = await answer('jobs.create', bridge().jobsCreate(request.data));
        set({ creating: false });
        // The return address and contact are offered on the next job; a failure here costs nothing now.
        await answer('drafts.saveContact', bridge().draftsSaveContact({ shipping: values.shipping })).catch(
          () => undefined,
        );
        set({ savedContact: values.shipping });
        if (draftId) await get().wizard.deleteDraft(draftId);
        get().ui.navigate({ name: 'job', jobName: job.name });
      } catch (err) {
        set({
          creating: false,
          createError: errorText(err),
          createErrorStep: fieldForTarget(errorTarget(err))?.step,
        });
        get().wizard.setServerError(err);
      }
    },

    async loadLocations() {
      if (me().locations) return;
      try {
        const list = await answer('locations.list', bridge().locationsList());
        set({ locations: list.map((l) => locationOf(l, list)), locationsError: undefined });
      } catch (err) {
        set({ locationsError: errorText(err) });
      }
    },

    async loadAccounts() {
      try {
        set({ accounts: await answer('storage.accounts', bridge().storageAccounts({})), accountsError: undefined });
      } catch (err) {
        // Free text stays possible; the account is then checked by the service at Create.
        set({ accounts: undefined, accountsError: errorText(err) });
      }
    },

    async loadContact() {
      try {
        const { shipping } = await answer('drafts.contact', bridge().draftsContact({}));
        set({ savedContact: shipping });
      } catch {
        // Nothing saved can be offered; the person types the address as on a first job.
        set({ savedContact: undefined });
      }
    },

    useSavedContact() {
      const saved = me().savedContact;
      if (!saved) return;
      get().wizard.update((v) => ({ ...v, shipping: { ...saved } }));
    },

    async previewExport(blobListText: string, driveSize: number): Promise<ExportPreview> {
      return answer('prep.previewExport', bridge().prepPreviewExport({ blobListText, driveSize }));
    },

    async browse(req: BrowseRequest): Promise<BrowseResult> {
      return answer('fs.browse', bridge().fsBrowse(req));
    },
  };
}
