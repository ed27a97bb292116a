// Drive preparation run by main, drafts of the new-job wizard and the folder browser (issue
// "The new-job wizard"): schemas of the prep.*, drafts.* and fs.* channels and prep.progress.
// The shapes themselves live in shared/prep (session.ts, draft.ts, types.ts), where the CLI and
// main/core/prep use them too.
import * as z from 'zod';
import { draft, draftInput, draftShippingStep, draftSummary } from '../../prep/draft';
import {
  browseRequest,
  browseResult,
  prepPlanResult,
  prepProgressPayload,
  prepSessionInfo,
  prepSpec,
  prepTargetInput,
  verifyReport,
} from '../../prep/session';
import type { ChannelSpec, EventSpec } from './spec';
import type { PrepChannel } from '../names';

const sessionRef = z.object({ sessionId: z.string().min(1) }).strict();
const draftRef = z.object({ id: z.string().min(1) }).strict();

export const exportPreviewRequest = z
  .object({
    /** the blobs with their lengths ("container/blob"), or a blob list's text: one "container/blob,length" a line */
    blobs: z.array(z.object({ blobPath: z.string().min(1), length: z.number().int().nonnegative() })).optional(),
    blobListText: z.string().optional(),
    /** bytes per drive */
    driveSize: z.number().int().positive(),
  })
  .strict()
  .refine((r) => (r.blobs === undefined) !== (r.blobListText === undefined), {
    message: 'give either blobs or blobListText',
  });

const exportBlob = z.object({ blobPath: z.string(), length: z.number() });
export const exportPreviewResult = z.object({
  drives: z.array(z.object({ index: z.number().int(), blobs: z.array(exportBlob), bytes: z.number() })),
  tooLarge: z.array(exportBlob),
  totalBytes: z.number(),
  driveSize: z.number(),
});

export const prepChannels = {
  /** Scan, pre-flight and plan; nothing is written. Targets may be empty (pre-flight only). */
  'prep.plan': {
    request: prepSpec.extend({ draftId: z.string().optional() }).strict(),
    response: prepPlanResult,
  },
  /**
   * Plans again and, when ready, starts copying in main (one copy per drive at a time; it goes on
   * when the window closes). `confirmedDriveIds` must be exactly the plan's driveIds, as the person
   * typed them. Refused (HandlerError `not-ready`, `not-confirmed`, `busy`) before anything is written.
   */
  'prep.start': {
    request: prepSpec
      .extend({
        confirmedDriveIds: z.array(z.string()),
        draftId: z.string().optional(),
        /** the plan as the person confirmed it, per drive: a plan that changed since is refused (`plan-changed`) */
        plan: z
          .object({
            drives: z
              .array(
                z.object({
                  driveId: z.string(),
                  free: z.number(),
                  plannedFiles: z.number().int(),
                  plannedBytes: z.number(),
                }),
              )
              .max(10),
          })
          .optional(),
      })
      .strict(),
    response: prepSessionInfo,
  },
  /** Stops cleanly: finished files stay journaled, manifests are written; Resume continues. */
  'prep.cancel': { request: sessionRef, response: prepSessionInfo },
  /**
   * Continues a stopped, interrupted or incomplete session from its journal (files already done are
   * skipped). BitLocker keys are not kept in the session list: give them again here, or main takes
   * them from its encrypted secret store, where the start put them.
   */
  'prep.resume': {
    request: sessionRef.extend({ bitLockerKeys: z.array(prepTargetInput).default([]) }).strict(),
    response: prepSessionInfo,
  },
  /** Running and unfinished sessions (from their journals after a restart), and finished ones kept for the wizard; newest first. */
  'prep.sessions': { request: z.object({}).strict(), response: z.array(prepSessionInfo) },
  /** Forgets a session that is not running, and its kept keys (its journal and key-less DriveInfo files stay). */
  'prep.forget': { request: sessionRef, response: z.object({ forgotten: z.boolean() }) },
  /**
   * Re-reads drives against their own manifests. `sessionId`: that session's drives (the result is
   * recorded in the session); or `targets`: any prepared drives. Progress goes out as prep.progress
   * under the session id (or "verify-…" for bare targets).
   */
  'prep.verify': {
    request: z
      .object({ sessionId: z.string().min(1).optional(), targets: z.array(z.string().min(1)).max(10).optional() })
      .strict()
      .refine((r) => (r.sessionId === undefined) !== (r.targets === undefined), {
        message: 'give either sessionId or targets',
      }),
    response: z.array(verifyReport),
  },
  /** How many drives of a size an export needs, and which blobs go where (shared/prep/exportPreview.ts). */
  'prep.previewExport': { request: exportPreviewRequest, response: exportPreviewResult },
  /** Folders and files under a path on the machine main runs on (home by default). Errors are named, never swallowed. */
  'fs.browse': { request: browseRequest, response: browseResult },
  'drafts.list': { request: z.object({}).strict(), response: z.array(draftSummary) },
  'drafts.get': { request: draftRef, response: draft },
  /** Creates (no id) or replaces a draft; answers the stored draft with its id and times. */
  'drafts.save': { request: z.object({ draft: draftInput }).strict(), response: draft },
  'drafts.delete': { request: draftRef, response: z.object({ deleted: z.boolean() }) },
  /** The return shipping and contact of the last job created, offered on the next one (absent before the first). */
  'drafts.contact': { request: z.object({}).strict(), response: z.object({ shipping: draftShippingStep.optional() }) },
  /** Keeps the return shipping and contact of a job just created, for the next job. */
  'drafts.saveContact': {
    request: z.object({ shipping: draftShippingStep }).strict(),
    response: z.object({ saved: z.boolean() }),
  },
} satisfies ChannelSpec<PrepChannel>;

export const prepEvents = {
  /** A session's prepEvent (progress at most about 4 a second; every other event as it happens). */
  'prep.progress': prepProgressPayload,
  /** A session changed state (started, stopping, stopped, finished, interrupted, forgotten: `state` absent in the list next time). */
  'prep.session': prepSessionInfo,
} satisfies EventSpec<'prep.progress' | 'prep.session'>;
