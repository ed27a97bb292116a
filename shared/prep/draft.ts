// A half-finished new-job wizard, kept in main so it survives a restart and the Jobs screen can
// list it. A draft holds what the person typed, even when it is not valid yet: each step's own
// rules (job name, return address …) are checked by the wizard before Next, not here. This
// schema only keeps the shapes and sizes sane. BitLocker keys are never part of a draft.
import * as z from 'zod';
import { RETURN_ADDRESS_LIMITS, RETURN_SHIPPING_LIMITS, ReturnAddressTypedSchema } from '../arm/schemas';
import { blobType, importDisposition } from '../formats/driveManifest';

const text = (max = 1024) => z.string().max(max);

export const WIZARD_STEPS = ['type', 'data', 'drives', 'prepare', 'shipping', 'review'] as const;
export const wizardStep = z.enum(WIZARD_STEPS);
export type WizardStep = z.infer<typeof wizardStep>;

/** The most a draft's loaded CSV (dataset or driveset) holds: 4 MiB. */
export const MAX_DRAFT_CSV = 4 * 1024 * 1024;

/** A loaded CSV file: its name and text, as the person picked it. */
const loadedCsv = z.object({ name: text(255), text: z.string().max(MAX_DRAFT_CSV) }).strict();

/** Step 1: import or export, storage account, location, job name. */
export const draftTypeStep = z
  .object({
    kind: z.enum(['import', 'export']).optional(),
    /** ARM id of the storage account: /subscriptions/…/storageAccounts/name */
    storageAccountId: text(2048).optional(),
    /** the Import/Export location's name (e.g. "West US") */
    location: text(200).optional(),
    jobName: text(64).optional(),
  })
  .strict();

/** Step 2, import: what to copy and where it lands. */
export const draftImportData = z
  .object({
    /** how the sources are given */
    mode: z.enum(['picked', 'dataset']).optional(),
    /** picked folders and files (absolute paths on the machine main runs on) */
    paths: z.array(text(4096)).max(10_000).default([]),
    destination: text(1024).optional(),
    blobType: blobType.optional(),
    disposition: importDisposition.optional(),
    dataset: loadedCsv.optional(),
    driveset: loadedCsv.optional(),
    /** sources the person excluded after pre-flight */
    exclude: z.array(text(4096)).max(100_000).default([]),
  })
  .strict();

/** Step 2, export: which blobs to bring back, and the drive size for the preview. */
export const draftExportData = z
  .object({
    blobPaths: z.array(text(1024)).max(10_000).default([]),
    blobPathPrefixes: z.array(text(1024)).max(10_000).default([]),
    /** a blob in the storage account that lists the blobs (instead of the lists above) */
    blobListBlobPath: text(1024).optional(),
    /** bytes per drive for the "how many drives" preview */
    driveSize: z.number().int().positive().optional(),
  })
  .strict();

/** Step 3, import: the chosen drives (no keys: those are asked again when needed). */
export const draftDrive = z
  .object({
    path: text(4096),
    /** the drive's serial / driveId as the plan showed it */
    driveId: text(64).optional(),
    device: text(4096).optional(),
    /** picked with "Use a folder" rather than from the drive list */
    folder: z.boolean().default(false),
    /** the person confirmed writing into this folder although it is not a drive of its own */
    allowFolder: z.boolean().optional(),
    /** the drive is BitLocker-encrypted: its key is asked for before preparing */
    encrypted: z.boolean().default(false),
  })
  .strict();

export const draftDrivesStep = z
  .object({
    drives: z.array(draftDrive).max(10).default([]),
    /** driveIds the person confirmed by typing them; cleared when the drive list changes */
    confirmed: z.array(text(64)).max(10).default([]),
  })
  .strict();

/** Step 4: the prep session started for this draft (main keeps its progress and result). */
export const draftPrepareStep = z.object({ sessionId: text(128).optional() }).strict();

/** Step 5: return shipping, contact, log level, manifest backup (ARM field names). */
export const draftShippingStep = z
  .object({
    returnShipping: z
      .object({
        carrierName: text(RETURN_SHIPPING_LIMITS.carrierName).optional(),
        carrierAccountNumber: text(RETURN_SHIPPING_LIMITS.carrierAccountNumber).optional(),
      })
      .strict()
      .default({}),
    returnAddress: ReturnAddressTypedSchema.default({}),
    /** further emails the person listed (ARM's returnAddress.email holds one) */
    notificationEmails: z.array(text(RETURN_ADDRESS_LIMITS.email)).max(20).default([]),
    /** container (and folder) for the copy logs, e.g. waimportexport */
    diagnosticsPath: text(1024).optional(),
    logLevel: z.enum(['Error', 'Verbose']).optional(),
    backupDriveManifest: z.boolean().optional(),
  })
  .strict();

export const draftValues = z
  .object({
    type: draftTypeStep.default({}),
    importData: draftImportData.default({ paths: [], exclude: [] }),
    exportData: draftExportData.default({ blobPaths: [], blobPathPrefixes: [] }),
    drives: draftDrivesStep.default({ drives: [], confirmed: [] }),
    prepare: draftPrepareStep.default({}),
    shipping: draftShippingStep.default({ returnShipping: {}, returnAddress: {}, notificationEmails: [] }),
  })
  .strict();
export type DraftValues = z.infer<typeof draftValues>;
export type DraftValuesInput = z.input<typeof draftValues>;

/** A saved draft. */
export const draft = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    /** the step the person was on */
    step: wizardStep,
    values: draftValues,
    createdAt: z.number(),
    updatedAt: z.number(),
  })
  .strict();
export type Draft = z.infer<typeof draft>;

/** What the wizard sends to save: no id for a new draft; main sets the times. */
export const draftInput = z
  .object({
    id: draft.shape.id.optional(),
    step: wizardStep,
    values: draftValues,
  })
  .strict();
export type DraftInput = z.input<typeof draftInput>;

/** One line of the Jobs screen's draft list. */
export const draftSummary = z.object({
  id: z.string(),
  /** the job name, or "" when none was typed yet */
  jobName: z.string(),
  kind: z.enum(['import', 'export']).optional(),
  step: wizardStep,
  updatedAt: z.number(),
  /** the prep session this draft started, if any */
  sessionId: z.string().optional(),
});
export type DraftSummary = z.infer<typeof draftSummary>;

export function summarizeDraft(d: Draft): DraftSummary {
  return {
    id: d.id,
    jobName: d.values.type.jobName ?? '',
    step: d.step,
    updatedAt: d.updatedAt,
    ...(d.values.type.kind ? { kind: d.values.type.kind } : {}),
    ...(d.values.prepare.sessionId ? { sessionId: d.values.prepare.sessionId } : {}),
  };
}
